"""How a build feeds the embedder (kb.builds.embed_passages): each distinct text once, batches in order
of the real model's token counts, vectors back in passage order and equal to embedding each text alone."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kb.builds import embed_passages
from kb.embedders import CachedEmbedder, LazyEmbedder, make_embedder
from kb.embedding import Embedder, Vectors, token_counts
from kb.embedding_cache import EmbeddingCache
from kb.passages import Passage
from kb.settings import EmbeddingSettings, Settings

pytestmark = pytest.mark.model  # the whole file loads or converts the real e5 model

TEXTS = [
    "De politie verstrekt politiegegevens aan de gemeente ten behoeve van een samenwerkingsverband.",
    "kort",
    "Verwerking van bijzondere categorieën van persoonsgegevens is verboden.",
    "Art. 7.3.11, 4:2, 39f, 2.29: nummers tellen als veel tokens.",
]


class Recording:
    """Passes through to `inner` and records every batch it was given (a test of the seam itself)."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dimension = inner.dimension
        self.batches: list[list[str]] = []

    def embed_passages(self, texts: list[str]) -> Vectors:
        self.batches.append(list(texts))
        return self.inner.embed_passages(texts)

    def embed_query(self, text: str) -> Vectors:
        return self.inner.embed_query(text)

    def count_tokens(self, texts: list[str]) -> list[int]:
        return token_counts(self.inner, texts)


def passages(texts: list[str]) -> list[Passage]:
    """One passage per text, and a last one with the second's key and text in another version: the same
    embedding text, embedded once."""
    items = [
        Passage(key=f"T art. {n}", source_id="t", citation_name="T", language="nl", version_date="2020-01-01",
                text=text)
        for n, text in enumerate(texts, 1)
    ]  # fmt: skip
    return [*items, items[1].model_copy(update={"version_date": "2021-01-01"})]


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory, test_cache_dir: Path) -> Embedder:
    settings = Settings(data_dir=tmp_path_factory.mktemp("e5-data"), models_folder=test_cache_dir / "models",
                        cache_folder=test_cache_dir / "cache", embedding=EmbeddingSettings())  # fmt: skip
    lazy = make_embedder(settings).inner  # type: ignore[attr-defined]
    assert isinstance(lazy, LazyEmbedder)
    return lazy.model


def test_the_model_counts_tokens_with_prefix_and_special_tokens(model: Embedder) -> None:
    counts = token_counts(model, ["kort", "kort kort kort", "x " * 2000])
    assert counts[0] < counts[1] and counts[2] == 512  # truncated as the model truncates
    assert counts[0] >= 5  # '<s>', 'passage', ':', 'kort', '</s>' at least


def test_distinct_texts_once_in_token_order_vectors_in_passage_order(model: Embedder) -> None:
    recording = Recording(model)
    items = passages(TEXTS)
    vectors = embed_passages(items, recording, batch=2, progress=None)
    sent = [text for batch in recording.batches for text in batch]
    distinct = [p.embedding_text() for p in items[:4]]
    assert sorted(sent) == sorted(distinct)  # the duplicate went once
    counts = token_counts(model, sent)
    assert counts == sorted(counts)
    alone = np.vstack([model.embed_passages([p.embedding_text()])[0] for p in items])
    # padding is masked: batching changes nothing beyond rounding (bfloat16 rounds per batch shape)
    assert (vectors * alone).sum(axis=1).min() >= 0.9999
    np.testing.assert_array_equal(vectors[1], vectors[4])


def test_cached_texts_count_zero_and_need_no_model(model: Embedder, tmp_path: Path) -> None:
    cached = CachedEmbedder(model, EmbeddingCache(tmp_path / "cache.sqlite3"))
    cached.embed_passages(TEXTS[:2])
    counts = cached.count_tokens(TEXTS[:3])
    assert counts[:2] == [0, 0] and counts[2] == token_counts(model, [TEXTS[2]])[0]
    idle = LazyEmbedder(model.name, lambda: pytest.fail("the model was loaded"), model.dimension)
    with_cache = CachedEmbedder(idle, cached.cache)
    assert with_cache.count_tokens(TEXTS[:2]) == [0, 0]
