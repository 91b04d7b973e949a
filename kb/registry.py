"""The source registry (kb/sources.toml): which texts exist, what they are called in citation keys."""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field

from kb.passages import AUTHORITY

REGISTRY_FILE = Path(__file__).with_name("sources.toml")
#: The project's own guidance notes (werkinstructies), ingested with every build.
GUIDANCE_DIR = Path(__file__).with_name("guidance")


class Source(BaseModel):
    id: str
    name: str = Field(description="Name in citation keys ('AVG', 'Wpg', 'Besluit politiegegevens').")
    title: str
    type: str = "wet"
    languages: list[str] = Field(default_factory=lambda: ["nl"])
    bwb_id: str = ""
    celex: str = ""
    eli: str = ""
    url: str = ""
    aliases: list[str] = Field(default_factory=list)
    sync: bool = Field(False, description="Fetched by the official sync when no corpus folder is given.")

    @property
    def authority(self) -> int:
        return AUTHORITY.get(self.type, 9)


class Registry:
    def __init__(self, sources: list[Source]) -> None:
        self.sources = sources
        self._by_id = {s.id: s for s in sources}
        self._by_bwb = {s.bwb_id: s for s in sources if s.bwb_id}
        self._by_celex = {s.celex: s for s in sources if s.celex}
        self._by_name: dict[str, Source] = {}
        for source in sources:
            for name in (source.name, source.title, *source.aliases):
                self._by_name.setdefault(name.casefold(), source)

    def get(self, source_id: str) -> Source | None:
        return self._by_id.get(source_id)

    def by_bwb_id(self, bwb_id: str) -> Source | None:
        return self._by_bwb.get(bwb_id)

    def by_celex(self, celex: str) -> Source | None:
        return self._by_celex.get(celex)

    def by_name(self, name: str) -> Source | None:
        """Look a source up by key name, title or alias ('GDPR' -> AVG)."""
        return self._by_name.get(" ".join(name.split()).casefold())

    def for_bwb_document(self, bwb_id: str, citeertitel: str, doc_type: str = "wet") -> Source:
        """The registered source for a BWB id, or a new one named after the official citeertitel."""
        known = self.by_bwb_id(bwb_id)
        if known:
            return known
        title = " ".join(citeertitel.split()) or bwb_id
        return Source(id=slugify(title), name=title, title=title, type=doc_type, bwb_id=bwb_id)


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "bron"


@lru_cache(maxsize=1)
def load_registry(path: Path = REGISTRY_FILE) -> Registry:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return Registry([Source(**entry) for entry in data.get("source", [])])
