"""The vector index: one chromadb collection per build, embedded on disk or on a `chroma run` server.

Vectors are always passed explicitly: chroma's default embedding function downloads a model, so every
collection is created with `embedding_function=None`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import chromadb
import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.config import Settings as ChromaSettings

from kb.embedding import Vectors
from kb.errors import KbError
from kb.knowledge_base import Filters
from kb.passages import Passage
from kb.settings import Settings

#: Collection name in embedded mode (one chroma dir per build).
EMBEDDED_COLLECTION = "passages"
#: Collection name prefix in server mode: `deelwijzer-<build_id>`.
SERVER_PREFIX = "deelwijzer-"

_FILTER_FIELDS = (("source_id", "source_ids"), ("language", "languages"), ("doc_type", "doc_types"))


def _chroma_settings() -> ChromaSettings:
    """A fresh object per client: chromadb writes the server port into the settings it is given."""
    return ChromaSettings(anonymized_telemetry=False)


def embedded_client(chroma_dir: Path) -> ClientAPI:
    return chromadb.PersistentClient(path=str(chroma_dir), settings=_chroma_settings())


def server_client(settings: Settings) -> ClientAPI:
    host, port = settings.store.chroma_host, settings.store.chroma_port
    try:
        return chromadb.HttpClient(host=host, port=port, settings=_chroma_settings())
    except Exception as exc:  # chromadb raises bare ValueError/ConnectError on an unreachable server
        raise KbError(
            f"chroma server at {host}:{port} is unreachable ({exc}); start it with "
            f"`chroma run --path DIR --host {host} --port {port}` or set store.mode = 'embedded'"
        ) from exc


def close_client(client: ClientAPI) -> None:
    """Release this process's handle (an embedded dir must be closed before it is renamed or deleted)."""
    close = getattr(client, "close", None)
    if callable(close):
        close()


def collection_name(settings: Settings, build_id: str) -> str:
    return SERVER_PREFIX + build_id if settings.store.mode == "server" else EMBEDDED_COLLECTION


def where_clause(filters: Filters | None) -> dict[str, Any] | None:
    """Chroma `where` for the filters; None when they filter nothing."""
    if filters is None:
        return None
    parts: list[dict[str, Any]] = [
        {field: {"$in": list(getattr(filters, attribute))}}
        for field, attribute in _FILTER_FIELDS
        if getattr(filters, attribute)
    ]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else {"$and": parts}


def record_metadata(passage: Passage) -> dict[str, str | int | float | bool]:
    return {
        "uid": passage.uid,
        "key": passage.key,
        "source_id": passage.source_id,
        "language": passage.language,
        "doc_type": passage.doc_type,
        "version_date": passage.version_date,
    }


class VectorStore:
    """Add passages with their vectors, query by vector. Ids are passage uids."""

    def __init__(self, collection: Collection, max_batch: int) -> None:
        self._collection = collection
        self._max_batch = max_batch

    @classmethod
    def create(
        cls, client: ClientAPI, name: str, metadata: dict[str, str | int | float | bool]
    ) -> VectorStore:
        metadata = {**metadata, "hnsw:space": "cosine"}
        collection = client.create_collection(name, metadata=metadata, embedding_function=None)
        return cls(collection, client.get_max_batch_size())

    @classmethod
    def open(cls, client: ClientAPI, name: str) -> VectorStore:
        return cls(client.get_collection(name, embedding_function=None), client.get_max_batch_size())

    @property
    def metadata(self) -> dict[str, Any]:
        return dict(self._collection.metadata or {})

    def count(self) -> int:
        return self._collection.count()

    def add(self, passages: Sequence[Passage], vectors: Vectors) -> None:
        if len(passages) != len(vectors):
            raise KbError(f"vector store: {len(passages)} passages but {len(vectors)} vectors")
        for start in range(0, len(passages), self._max_batch):
            chunk = passages[start : start + self._max_batch]
            self._collection.add(
                ids=[p.uid for p in chunk],
                embeddings=np.asarray(vectors[start : start + len(chunk)], dtype=np.float32),
                metadatas=[record_metadata(p) for p in chunk],
            )

    def query(self, vector: Vectors, k: int, filters: Filters | None = None) -> list[tuple[str, float]]:
        """Best `k` (uid, cosine similarity) pairs, best first."""
        if k <= 0 or self.count() == 0:
            return []
        result = self._collection.query(
            query_embeddings=np.asarray(vector, dtype=np.float32).reshape(1, -1),
            n_results=k,
            where=where_clause(filters),
            include=["distances"],
        )
        distances = (result["distances"] or [[]])[0]
        return [(uid, 1.0 - float(d)) for uid, d in zip(result["ids"][0], distances, strict=True)]


def delete_server_collections(client: ClientAPI, keep: set[str]) -> list[str]:
    """Delete every `deelwijzer-*` collection not in `keep`; returns the names deleted."""
    doomed = [c.name for c in client.list_collections() if c.name.startswith(SERVER_PREFIX)]
    doomed = [name for name in doomed if name not in keep]
    for name in doomed:
        client.delete_collection(name)
    return doomed
