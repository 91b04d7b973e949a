"""The knowledge base as the rest of the program sees it: read passages by key, search them, know what
built them. The writer side (kb/builds.py) produces builds; this module defines the shapes they share."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal, Protocol

from pydantic import BaseModel, Field

from kb.passages import Passage


class Filters(BaseModel):
    """Metadata filters for search. Empty lists mean 'any'."""

    source_ids: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    doc_types: list[str] = Field(default_factory=list)


class DocumentRecord(BaseModel):
    """What a build remembers of one document."""

    document_id: str
    source_id: str
    citation_name: str
    title: str
    language: str
    version_date: str
    doc_type: str
    path: str
    file_sha256: str = Field(description="Hash of the file bytes it was read from.")
    reader: str
    content_hash: str = Field(description="Hash over the passages' keys and texts.")
    passage_count: int
    current: bool = Field(description="Newest version not after today, per source and language.")
    url: str = ""


class BuildManifest(BaseModel):
    """Stored with every build: what built it and what it holds."""

    build_id: str
    created: str
    embedder: str
    dimension: int
    chunker_version: str
    readers: list[str]
    documents: list[DocumentRecord]
    dense_index: Literal["complete", "pending"] = Field(
        "complete",
        description="'pending' for a lexical-first build: passages and BM25 are in service, the vectors are "
        "still being embedded (kb/dense_build.py completes it as a new build, swapped in).",
    )


class KnowledgeBase(Protocol):
    manifest: BuildManifest

    def get(self, key: str, language: str = "nl", version_date: str | None = None) -> Passage | None:
        """The passage holding `key` (a sub-item key returns its lid's passage), current version unless
        `version_date` is given; falls back to the other language when absent in `language`."""
        ...

    def passages(self, *, current_only: bool = True) -> Iterator[Passage]: ...

    def dense_search(self, query: str, k: int, filters: Filters | None = None) -> list[tuple[Passage, float]]:
        """Current passages by embedding similarity, best first."""
        ...

    def lexical_search(
        self, query: str, k: int, filters: Filters | None = None
    ) -> list[tuple[Passage, float]]:
        """Current passages by BM25, best first."""
        ...
