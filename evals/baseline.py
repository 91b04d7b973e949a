"""The naive LangChain RAG baseline: fixed-size chunks, one vector search, nothing else.

RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200) over each document's title and text, the
chunks embedded with the project's embedder through a LangChain `Embeddings` adapter and stored in a
chromadb collection used directly (langchain-chroma is not installed). A search asks for enough chunks and
maps them back to document ids by first occurrence.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import numpy as np
from chromadb.api import ClientAPI
from langchain_core.embeddings import Embeddings
from langchain_text_splitters import RecursiveCharacterTextSplitter

from kb.embedding import Embedder

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200
COLLECTION = "naive-rag"
_ADD_BATCH = 1000


class EmbedderEmbeddings(Embeddings):
    """A kb Embedder as LangChain Embeddings (passage/query prefixes stay the embedder's business)."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors = np.asarray(self.embedder.embed_passages(texts), dtype=np.float32)
        return cast(list[list[float]], vectors.tolist())

    def embed_query(self, text: str) -> list[float]:
        return cast(list[float], np.asarray(self.embedder.embed_query(text), dtype=np.float32).tolist())


def split(docs: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """(doc id, text) -> (doc id, chunk) with the baseline's splitter, in document order."""
    splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
    return [(doc, chunk) for doc, text in docs for chunk in splitter.split_text(text)]


class NaiveRag:
    """Index (doc id, text) pairs once; `search` returns doc ids, best first."""

    def __init__(self, docs: Sequence[tuple[str, str]], embeddings: Embeddings, client: ClientAPI) -> None:
        self.embeddings = embeddings
        self.chunks = split(docs)
        self.collection = client.get_or_create_collection(
            COLLECTION, embedding_function=None, metadata={"hnsw:space": "cosine"}
        )
        self._add()

    def _add(self) -> None:
        vectors = self.embeddings.embed_documents([chunk for _, chunk in self.chunks])
        for start in range(0, len(self.chunks), _ADD_BATCH):
            part = self.chunks[start : start + _ADD_BATCH]
            self.collection.add(
                ids=[f"c{start + i}" for i in range(len(part))],
                embeddings=np.asarray(vectors[start : start + len(part)], dtype=np.float32),
                documents=[chunk for _, chunk in part],
                metadatas=[{"doc_id": doc} for doc, _ in part],
            )

    def search(self, query: str, k: int) -> list[str]:
        """The first `k` distinct documents among the nearest chunks (asks for 4·k chunks)."""
        n = min(len(self.chunks), 4 * k)
        if n == 0:
            return []
        found = self.collection.query(
            query_embeddings=np.asarray([self.embeddings.embed_query(query)], dtype=np.float32),
            n_results=n,
            include=["metadatas"],
        )
        metadatas = (found.get("metadatas") or [[]])[0]
        return list(dict.fromkeys(str(m["doc_id"]) for m in metadatas if m))[:k]
