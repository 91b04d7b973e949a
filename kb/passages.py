"""Passages and documents: the unit the whole pipeline trades in.

A passage is one lid of one article (the whole article when it has no leden, one recital, one page or one
section of a guidance document). It carries its citation key, its exact text and where it came from.
"""

from __future__ import annotations

import hashlib
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

DocType = Literal["verordening", "wet", "amvb", "convenant", "handreiking", "werkinstructie"]

#: Lower is more authoritative. The answer says when it leans on anything ranked 5 or higher.
AUTHORITY: dict[str, int] = {
    "verordening": 1,
    "wet": 2,
    "amvb": 3,
    "convenant": 5,
    "handreiking": 6,
    "werkinstructie": 7,
}


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Passage(BaseModel):
    """One citable unit of text. `text` is exact: whitespace-normalised, link markup removed, nothing else."""

    model_config = ConfigDict(frozen=True)

    key: str = Field(
        description="Citation key per evals/FORMAT.md, e.g. 'AVG art. 6 lid 1', 'AVG overweging 43'."
    )
    source_id: str = Field(description="Registry id of the source, e.g. 'avg', 'uavg', 'jeugdwet'.")
    citation_name: str = Field(description="Name used in keys: 'AVG', 'Wpg', 'Besluit politiegegevens'.")
    language: str = Field(description="'nl' or 'en'.")
    version_date: str = Field(description="ISO date: valid_from of this version / consolidation date.")
    text: str
    article: str = Field("", description="Article number as written ('6', '4:2', '7.3.11'); '' if none.")
    lid: str = Field("", description="Lid number; '' for an article without leden.")
    recital: str = Field("", description="Recital number (overweging), for EU preambles.")
    page: int | None = Field(None, description="Page number, for PDFs.")
    section: str = Field("", description="Section number/title, for guidance documents.")
    title: str = Field("", description="Article or section title.")
    heading_path: list[str] = Field(default_factory=list, description="hoofdstuk / afdeling / paragraaf ...")
    url: str = Field("", description="Official deep link.")
    jci: str = Field("", description="Stable BWB identifier (jci1.3:c:BWBR...&artikel=..&lid=..), if any.")
    subs: dict[str, str] = Field(
        default_factory=dict,
        description="Sub-items by label ('a', 'e', 'b 3°') -> their text, each a substring of `text`.",
    )
    doc_type: str = Field(
        "wet", description="verordening, wet, amvb, convenant, handreiking, werkinstructie."
    )
    authority: int = Field(2, description="Rank: lower is more authoritative (see AUTHORITY).")
    status: str = Field("goed", description="'goed' (in force), 'nogniet' (not yet in force), 'vervallen'.")
    document_id: str = Field("", description="The document (one file, one version) this passage came from.")

    @property
    def uid(self) -> str:
        """Unique across sources, languages and versions."""
        return f"{self.source_id}|{self.language}|{self.version_date}|{self.key}"

    @property
    def content_hash(self) -> str:
        return sha256_text(self.key + "\n" + self.text)

    def embedding_text(self) -> str:
        """What the embedder sees: the key, headings and title give the dense model context."""
        head = " > ".join([*self.heading_path, self.title] if self.title else self.heading_path)
        return f"{self.key}. {head}\n{self.text}" if head else f"{self.key}.\n{self.text}"


class Document(BaseModel):
    """One version of one source, in one language, read from one file."""

    document_id: str = Field(description="'<source_id>/<language>/<version_date>'.")
    source_id: str
    citation_name: str
    title: str
    language: str
    version_date: str
    doc_type: str = "wet"
    path: str = Field("", description="Where it was read from.")
    reader: str = Field("", description="Reader name and version, e.g. 'bwb-xml/1'.")
    identifiers: dict[str, str] = Field(default_factory=dict, description="bwb_id, celex, eli ...")
    url: str = ""
    passages: list[Passage] = Field(default_factory=list)

    @property
    def content_hash(self) -> str:
        digest = hashlib.sha256()
        for passage in self.passages:
            digest.update(passage.content_hash.encode())
        return digest.hexdigest()


def make_document_id(source_id: str, language: str, version_date: str) -> str:
    return f"{source_id}/{language}/{version_date}"
