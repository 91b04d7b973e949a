"""The model loads in the background while an ingest reads its files — only when some text is not cached.
The loaded model is the store tests' HashEmbedder (the boundary here is the loader; LazyEmbedder and
CachedEmbedder are under test)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from store_fakes import HashEmbedder

from kb.embedders import CachedEmbedder, LazyEmbedder
from kb.embedding import Embedder, preload
from kb.embedding_cache import EmbeddingCache


class Loader:
    def __init__(self, fail: bool = False) -> None:
        self.threads: list[str] = []
        self.fail = fail
        self.release = threading.Event()
        self.entered = threading.Event()  # a load has started (it holds the embedder's lock until it ends)
        self.ended = threading.Event()

    def __call__(self) -> Embedder:
        self.threads.append(threading.current_thread().name)
        self.entered.set()
        try:
            self.release.wait(5)
            if self.fail:
                raise RuntimeError("model missing")
            return HashEmbedder(name="lazy", dimension=8)
        finally:
            self.ended.set()


def cached(tmp_path: Path, loader: Loader) -> CachedEmbedder:
    return CachedEmbedder(LazyEmbedder("lazy", loader, 8), EmbeddingCache(tmp_path / "cache.sqlite3"))


def test_uncached_texts_start_the_load_in_the_background(tmp_path: Path) -> None:
    loader = Loader()
    embedder = cached(tmp_path, loader)
    preload(embedder, ["tekst die nog niet in de cache staat"])  # returns at once: the load waits on release
    assert embedder.inner.loading  # type: ignore[attr-defined]
    preload(embedder, ["nog een"])  # already loading: no second load
    assert loader.entered.wait(5)  # the background thread is inside the load, holding the lock
    loader.release.set()
    assert embedder.embed_passages(["tekst die nog niet in de cache staat"]).shape == (1, 8)
    assert loader.threads == ["load-embedder"]  # loaded once, in the background thread


def test_cached_texts_load_nothing(tmp_path: Path) -> None:
    first = Loader()
    first.release.set()
    cached(tmp_path, first).embed_passages(["al ingebed"])  # fills the cache
    second = Loader()
    embedder = cached(tmp_path, second)
    preload(embedder, ["al ingebed"])
    assert not embedder.inner.loading and second.threads == []  # type: ignore[attr-defined]
    preload(embedder, [])
    assert second.threads == []


def test_a_failed_background_load_raises_on_first_use(tmp_path: Path) -> None:
    loader = Loader(fail=True)
    loader.release.set()
    embedder = cached(tmp_path, loader)
    preload(embedder, ["nieuw"])
    assert loader.ended.wait(5)  # the background load has failed (quietly)
    with pytest.raises(RuntimeError, match="model missing"):
        embedder.embed_passages(["nieuw"])  # retried in this thread, and its error shown
    assert loader.threads[0] == "load-embedder" and len(loader.threads) == 2
