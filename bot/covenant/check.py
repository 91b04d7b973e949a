"""Check a covenant PDF against the checklist: one status per item, the covenant's own words as quotes
(verified against the page text) and the provisions that require the item (verified in the knowledge base)."""

from __future__ import annotations

import logging
from typing import Protocol

from bot.assessment import Assessor
from bot.covenant.bases import PartyBasis, covenant_facts, party_bases
from bot.covenant.checklist import Checklist, ChecklistItem, Finder, Finding, Hit, assess_item, load_checklist
from bot.covenant.parties import find_parties
from bot.covenant.quotes import quote_on_page, sentence_around
from bot.covenant.reading import Page, read_pages
from bot.covenant.report import CovenantReport, ItemReport, PartyReport, Quote
from kb.citations import parse_key
from kb.errors import CitationKeyError
from kb.passages import Passage

log = logging.getLogger(__name__)
MAX_QUOTES = 3
KEYS_PER_PARTY = 4
GENERIC_NOTES = {
    "aanwezig": "Geregeld in het convenant.",
    "ontbreekt": "Niet gevonden in het convenant.",
    "onduidelijk": "Genoemd, maar niet (volledig) geregeld.",
    "probleem": "Het convenant bevat hier een gebrek.",
}


class KeyStore(Protocol):
    """Where keys are verified: the knowledge base (kb/local_kb.py) or any store with `get`."""

    def get(self, key: str, language: str = "nl", version_date: str | None = None) -> Passage | None: ...


class KeyVerifier:
    """A key is verified when the knowledge base holds its passage (and, with a `sub`, that sub-item)."""

    def __init__(self, store: KeyStore) -> None:
        self.store = store
        self._seen: dict[str, bool] = {}

    def exists(self, key: str) -> bool:
        if key not in self._seen:
            self._seen[key] = self._lookup(key)
            if not self._seen[key]:
                log.warning("covenant report: key %r is not in the knowledge base; left out", key)
        return self._seen[key]

    def _lookup(self, key: str) -> bool:
        try:
            parsed = parse_key(key)
            passage = self.store.get(key)
        except CitationKeyError:
            return False
        if passage is None and parsed.article and not parsed.lid:  # 'AVG art. 7': any lid of the article
            article = getattr(self.store, "article", None)
            return bool(article and article(key))
        return passage is not None and (not parsed.sub or parsed.sub in passage.subs)

    def keep(self, keys: list[str]) -> list[str]:
        return [key for key in dict.fromkeys(keys) if self.exists(key)]


class CovenantChecker:
    """Loads the checklist and the rules once; `check` is pure (nothing is stored)."""

    def __init__(self, keys: KeyStore, assessor: Assessor | None = None, checklist: Checklist | None = None):
        self.verifier = KeyVerifier(keys)
        self.assessor = assessor or Assessor()
        self.checklist = checklist or load_checklist()

    def check(self, data: bytes, name: str = "convenant.pdf") -> CovenantReport:
        return self.check_pages(read_pages(data, name))

    def check_pages(self, pages: list[Page]) -> CovenantReport:
        finder = Finder(pages)
        vocabulary = self.assessor.vocabulary
        parties = find_parties(pages, vocabulary)
        facts = covenant_facts("\n".join(page.text for page in pages), self.assessor)
        basis_item = self.checklist.item("grondslag_per_partij")
        bases = party_bases(parties, facts, basis_item, finder, self.assessor)
        items = []
        for item in self.checklist.items:
            finding = assess_item(item, finder)
            if item.id == "grondslag_per_partij":
                finding = _basis_finding(finding, bases)
            items.append(self._item(item, finding, pages, bases))
        return CovenantReport(items=items, parties=[self._party(basis) for basis in bases])

    def _item(
        self, item: ChecklistItem, finding: Finding, pages: list[Page], bases: list[PartyBasis]
    ) -> ItemReport:
        keys = item.keys + (
            [key for basis in bases for key in basis.keys[:KEYS_PER_PARTY]]
            if item.id == "grondslag_per_partij"
            else []
        )
        explanation = _explanation(item, finding.status)
        if item.id == "grondslag_per_partij":
            explanation += "".join(f" {line}" for line in self._basis_lines(bases))
        return ItemReport(
            id=item.id,
            status=finding.status,
            quotes=_quotes(finding.hits, pages),
            keys=self.verifier.keep(keys),
            explanation=explanation,
        )

    def _basis_lines(self, bases: list[PartyBasis]) -> list[str]:
        labels = self.checklist.item("grondslag_per_partij").routes
        lines = []
        for basis in bases:
            keys = ", ".join(self.verifier.keep(basis.keys)[:4]) or "geen grondslag uit de regels"
            missing = "; ".join(labels[route].label.get("nl", route) for route in basis.missing)
            said = f"{missing} niet genoemd" if missing else "genoemd"
            if not basis.routes:
                said = "rol niet herkend"
            lines.append(f"{basis.party.name}: {keys} — {said}.")
        return lines

    def _party(self, basis: PartyBasis) -> PartyReport:
        party = basis.party
        return PartyReport(
            name=party.name,
            role=party.role,
            role_label=self.assessor.vocabulary.roles.label(party.role) if party.role else "",
            page=party.page,
            basis_keys=self.verifier.keep(basis.keys),
            routes=basis.routes,
            named=basis.named,
        )


def _basis_finding(finding: Finding, bases: list[PartyBasis]) -> Finding:
    """Every party's route named: aanwezig. Some route missing: ontbreekt, or onduidelijk when the covenant
    only speaks of bases in general or no party was recognised."""
    hits = [hit for basis in bases for hit in basis.hits] or finding.hits
    if bases and all(basis.named for basis in bases):
        return Finding("aanwezig", hits)
    if not bases or not any(basis.routes for basis in bases):
        return Finding("onduidelijk", hits)
    if finding.status == "onduidelijk" and not any(basis.hits for basis in bases):
        return Finding("onduidelijk", hits)
    return Finding("ontbreekt", hits)


def _explanation(item: ChecklistItem, status: str, language: str = "nl") -> str:
    note = item.notes.get(status)  # type: ignore[call-overload]
    text = note.get(language) if note else GENERIC_NOTES[status]
    return f"{text} {item.requirement.get(language, '')}".strip()


def _quotes(hits: list[Hit], pages: list[Page]) -> list[Quote]:
    by_number = {page.number: page for page in pages}
    quotes: list[Quote] = []
    for hit in hits:
        page = by_number[hit.page]
        text = sentence_around(page.text, hit.start, hit.end)
        if quote_on_page(text, page) and all(q.text != text for q in quotes):
            quotes.append(Quote(page=hit.page, text=text))
        if len(quotes) == MAX_QUOTES:
            break
    return quotes
