"""The checklist (kb/covenant/checklist.yaml) and how its signals are found in a covenant's pages.

Signals use the vocabulary's term syntax (bot/vocabulary.py `term_regex`) on the normalised page text, which
keeps every character at its original position: a hit maps back to the exact words on the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

import kb
from bot.covenant.errors import ChecklistError
from bot.covenant.reading import Page
from bot.vocabulary import Text, VocabularyError, term_regex

CHECKLIST_FILE = Path(kb.__file__).resolve().parent / "covenant" / "checklist.yaml"
Status = Literal["aanwezig", "ontbreekt", "onduidelijk", "probleem"]
STATUSES: tuple[Status, ...] = ("aanwezig", "ontbreekt", "onduidelijk", "probleem")
Texts = dict[str, str]


class Signals(BaseModel):
    problem: list[str] = Field(default_factory=list)
    present: list[str] = Field(default_factory=list)
    present_all: list[list[str]] = Field(default_factory=list, description="Every group must have a hit.")
    weak: list[str] = Field(default_factory=list)
    topic: list[str] = Field(default_factory=list)


class Outcomes(BaseModel):
    topic_only: Status = "onduidelijk"
    absent: Status = "ontbreekt"


class Route(BaseModel):
    label: Texts
    terms: list[str]


class ChecklistItem(BaseModel):
    id: str
    title: Texts
    keys: list[str]
    requirement: Texts
    signals: Signals = Field(default_factory=Signals)
    statuses: Outcomes = Field(default_factory=Outcomes)
    notes: dict[Status, Texts] = Field(default_factory=dict)
    routes: dict[str, Route] = Field(default_factory=dict)


class Checklist(BaseModel):
    items: list[ChecklistItem]

    def item(self, item_id: str) -> ChecklistItem:
        found = next((item for item in self.items if item.id == item_id), None)
        if found is None:
            raise ChecklistError(f"{CHECKLIST_FILE}: no item {item_id!r}")
        return found


@lru_cache(maxsize=2)
def load_checklist(path: Path = CHECKLIST_FILE) -> Checklist:
    try:
        checklist = Checklist.model_validate(YAML(typ="safe").load(path.read_text(encoding="utf-8")))
        for item in checklist.items:
            for term in all_terms(item):
                term_regex(term)
    except (OSError, YAMLError) as exc:
        raise ChecklistError(f"{path}: cannot read the checklist ({exc}) — fix the YAML syntax") from exc
    except (ValidationError, VocabularyError, re.error) as exc:
        raise ChecklistError(f"{path}: not a valid checklist ({exc}) — see the comment at its top") from exc
    return checklist


def all_terms(item: ChecklistItem) -> list[str]:
    s = item.signals
    groups = [s.problem, s.present, *s.present_all, s.weak, s.topic]
    return [term for group in groups for term in group] + [t for r in item.routes.values() for t in r.terms]


@dataclass(frozen=True)
class Hit:
    page: int
    start: int
    end: int


class Finder:
    """The pages in normalised form, searched for terms."""

    def __init__(self, pages: list[Page]) -> None:
        self.pages = pages
        self._texts = [Text.of(page.text) for page in pages]

    def find(self, terms: list[str]) -> list[Hit]:
        hits: list[Hit] = []
        for term in terms:
            regex, case_sensitive = term_regex(term)
            for page, text in zip(self.pages, self._texts, strict=True):
                haystack = text.folded if case_sensitive else text.lower
                hits += [
                    Hit(page.number, m.start(), m.end())
                    for m in regex.finditer(haystack)
                    if m.end() > m.start()
                ]
        return sorted(set(hits), key=lambda h: (h.page, h.start))


@dataclass(frozen=True)
class Finding:
    status: Status
    hits: list[Hit]


def assess_item(item: ChecklistItem, finder: Finder) -> Finding:
    """problem > present (any, or every group of present_all) > weak > topic > absent."""
    s = item.signals
    problem = finder.find(s.problem)
    if problem:
        return Finding("probleem", problem)
    present = finder.find(s.present)
    groups = [finder.find(group) for group in s.present_all]
    if present or (groups and all(groups)):
        return Finding("aanwezig", present or [hits[0] for hits in groups])
    weak = finder.find(s.weak) + [hit for hits in groups for hit in hits]
    if weak:
        return Finding("onduidelijk", weak)
    topic = finder.find(s.topic)
    if topic:
        return Finding(item.statuses.topic_only, topic)
    return Finding(item.statuses.absent, [])
