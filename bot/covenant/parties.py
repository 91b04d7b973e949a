"""The parties of a covenant ("De ondergetekenden: 1. ..., 2. ...") and their role in
kb/vocabulary/roles.yaml."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.covenant.reading import Page
from bot.verify import collapse
from bot.vocabulary import Text, Vocabulary

_START = re.compile(r"^\s*(?:partijen|de\s+ondergetekenden|ondergetekenden)\b", re.IGNORECASE)
_STOP = re.compile(
    r"^\s*(?:overwegingen|overwegende|in\s+aanmerking\s+nemende|komen\s+(?:het\s+)?(?:volgende\s+)?overeen|"
    r"artikel\s+1\b|hierna\s+gezamenlijk)",
    re.IGNORECASE,
)
_ENTRY = re.compile(r"^\s*(?:\d{1,2}[.)]|[a-z][.)]|[-•])\s+(?P<text>.+)$")
_NAME_END = re.compile(r",|;|\s+\(|\s+gevestigd|\s+hierna\b")
_VENUES = {"samenwerkingsverband", "casusoverleg"}


@dataclass(frozen=True)
class Party:
    name: str
    role: str  #: a roles.yaml id, '' when the name matches none
    page: int
    entry: str  #: the whole entry as printed (whitespace collapsed): a verbatim quote


def find_parties(pages: list[Page], vocabulary: Vocabulary) -> list[Party]:
    """The numbered entries of the parties block, in order; [] when the covenant has no such block."""
    entries = _entries(pages)
    return [_party(page, entry, vocabulary) for page, entry in entries]


def _entries(pages: list[Page]) -> list[tuple[int, str]]:
    entries: list[tuple[int, list[str]]] = []
    inside = False
    for page in pages:
        for line in page.text.splitlines():
            if not inside:
                inside = bool(_START.match(line))
                continue
            if _STOP.match(line):
                return [(number, collapse(" ".join(lines))) for number, lines in entries]
            entry = _ENTRY.match(line)
            if entry:
                entries.append((page.number, [entry["text"]]))
            elif entries and line.strip() and entries[-1][0] == page.number:
                entries[-1][1].append(line)
    return [(number, collapse(" ".join(lines))) for number, lines in entries]


def _party(page: int, entry: str, vocabulary: Vocabulary) -> Party:
    name = _NAME_END.split(entry, maxsplit=1)[0].strip()
    return Party(name=name, role=_role(name, vocabulary) or _role(entry, vocabulary), page=page, entry=entry)


def _role(text: str, vocabulary: Vocabulary) -> str:
    roles = [role for role in vocabulary.roles.ids(Text.of(text)) if role not in _VENUES]
    return roles[0] if roles else ""
