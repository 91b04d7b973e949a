"""Rules know their law's date: the rules to re-check when a provision they rest on changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.rule_changes import (
    CheckedVersions,
    _covers,
    checkables,
    load_checked,
    rules_affected_by,
    rules_to_recheck,
)
from bot.rules import load_rulebook
from ingest.readers.bwb_xml import BwbXmlReader
from ingest.readers.regelrecht import RegelrechtReader
from kb.changes import changes_between
from kb.knowledge_base import DocumentRecord
from kb.passages import Passage
from kb.registry import load_registry


class Versions:
    """The VersionedPassages seam over documents read with the project's own readers (no index needed)."""

    def __init__(self, documents: list[tuple[DocumentRecord, list[Passage]]]) -> None:
        self._documents = documents

    def documents(self) -> list[DocumentRecord]:
        return [record for record, _ in self._documents]

    def passages_of(self, document_id: str) -> list[Passage]:
        return next(passages for record, passages in self._documents if record.document_id == document_id)


def as_record(document: object) -> DocumentRecord:
    return DocumentRecord(
        document_id=document.document_id, source_id=document.source_id,  # type: ignore[attr-defined]
        citation_name=document.citation_name, title="", language=document.language,  # type: ignore[attr-defined]
        version_date=document.version_date, doc_type="wet", path="", file_sha256="0",  # type: ignore[attr-defined]
        reader="test", content_hash="0", passage_count=0, current=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def jeugdwet_2024_and_2026(corpus_dir: Path) -> Versions:
    registry = load_registry()
    old = BwbXmlReader().read(corpus_dir / "nl-bwb-xml/BWBR0034925/2024-01-01/toestand.xml", registry)
    new = RegelrechtReader().read(
        corpus_dir / "nl-regelrecht-corpus/regulation/nl/wet/jeugdwet/2026-01-01.yaml", registry
    )
    return Versions([(as_record(old), old.passages), (as_record(new), new.passages)])


def test_a_rule_rests_on_its_lid_or_its_whole_article() -> None:
    assert _covers("Jeugdwet art. 7.3.11 lid 4", "Jeugdwet art. 7.3.11 lid 4")
    assert _covers("Jeugdwet art. 7.3.11", "Jeugdwet art. 7.3.11 lid 2")
    assert _covers("AVG art. 6 lid 1 sub e", "AVG art. 6 lid 1")
    assert not _covers("Jeugdwet art. 7.3.11 lid 4", "Jeugdwet art. 7.3.11 lid 2")
    assert not _covers("AVG art. 6", "AVG art. 60")


def test_rules_on_a_changed_provision_are_listed_after_a_law_change(jeugdwet_2024_and_2026: Versions) -> None:
    book = load_rulebook()
    checked = CheckedVersions(checked_on="2024-02-01", versions={"Jeugdwet": "2024-01-01"})
    found = rules_to_recheck(jeugdwet_2024_and_2026, book, checked)
    old, new = (r.document_id for r in jeugdwet_2024_and_2026.documents())
    changed = changes_between(jeugdwet_2024_and_2026, old, new)
    touched = {c.key for c in (*changed.changed, *changed.removed)}
    # Jeugdwet art. 1.1 (the definitions) changed between 2024 and 2026: the age of majority rests on it
    assert "leeftijd:meerderjarig" in {item.rule for item in found}
    for item in found:
        assert item.source == "Jeugdwet" and item.reason == "changed"
        assert (item.checked_version, item.current_version) == ("2024-01-01", "2026-01-01")
        assert all(any(_covers(key, provision) for provision in touched) for key in item.keys)
    # the Beheer view of one source's changes names the same rules
    assert {i.rule for i in rules_affected_by(changed, book)} == {i.rule for i in found}


def test_nothing_to_recheck_when_the_rules_were_read_against_the_current_text(
    jeugdwet_2024_and_2026: Versions,
) -> None:
    checked = CheckedVersions(checked_on="2026-12-07", versions={"Jeugdwet": "2026-01-01"})
    assert rules_to_recheck(jeugdwet_2024_and_2026, load_rulebook(), checked) == []


def test_an_unknown_checked_version_asks_to_reread_every_rule_of_that_law(
    jeugdwet_2024_and_2026: Versions,
) -> None:
    checked = CheckedVersions(checked_on="2023-01-01", versions={"Jeugdwet": "2023-01-01"})
    found = rules_to_recheck(jeugdwet_2024_and_2026, load_rulebook(), checked)
    citing = {r.id for r in checkables(load_rulebook()) if any(k.startswith("Jeugdwet ") for k in r.keys)}
    assert {i.rule for i in found} == citing
    assert {i.reason for i in found} == {"not_comparable"}


def test_every_cited_law_has_a_checked_version() -> None:
    checked = load_checked()
    cited = {key.split(" art. ")[0].split(" overweging ")[0] for key in load_rulebook().cited_keys()}
    laws = {source for source in cited if "§" not in source and " p. " not in source}
    assert laws <= set(checked.versions), sorted(laws - set(checked.versions))
