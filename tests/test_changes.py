"""What changed between two versions of a source: matching by key, word diff, errors that say what to do."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.changes import ChangesError, changes_between, compare_passages, latest_changes, word_diff
from kb.knowledge_base import DocumentRecord
from kb.passages import Passage
from kb.registry import load_registry


def passage(key: str, text: str, version: str) -> Passage:
    return Passage(
        key=key, source_id="jeugdwet", citation_name="Jeugdwet", language="nl", version_date=version,
        text=text, document_id=f"jeugdwet/nl/{version}",
    )  # fmt: skip


def record(version: str, source_id: str = "jeugdwet") -> DocumentRecord:
    return DocumentRecord(
        document_id=f"{source_id}/nl/{version}", source_id=source_id, citation_name="Jeugdwet",
        title="Jeugdwet", language="nl", version_date=version, doc_type="wet", path="x", file_sha256="0",
        reader="test/1", content_hash="0", passage_count=0, current=version == "2026-01-01",
    )  # fmt: skip


class TwoVersions:
    """The VersionedPassages seam over passages held in memory (this test is about the comparison)."""

    def __init__(self, passages: list[Passage], records: list[DocumentRecord]) -> None:
        self._passages = passages
        self._records = records

    def documents(self) -> list[DocumentRecord]:
        return list(self._records)

    def passages_of(self, document_id: str) -> list[Passage]:
        return [p for p in self._passages if p.document_id == document_id]


OLD = [
    passage("Jeugdwet art. 7.3.11 lid 1", "De jeugdhulpverlener verstrekt geen inlichtingen.", "2024-01-01"),
    passage("Jeugdwet art. 7.3.11 lid 2", "Tekst   die gelijk\nblijft.", "2024-01-01"),
    passage("Jeugdwet art. 7.1.5", "Een artikel dat vervalt.", "2024-01-01"),
]
NEW = [
    passage("Jeugdwet art. 7.3.11 lid 1", "De jeugdhulpverlener verstrekt slechts met toestemming "
            "inlichtingen.", "2026-01-01"),
    passage("Jeugdwet art. 7.3.11 lid 2", "Tekst die gelijk blijft.", "2026-01-01"),
    passage("Jeugdwet art. 7.3.12", "Een nieuw artikel.", "2026-01-01"),
]  # fmt: skip


def test_word_diff_marks_removed_and_added_words() -> None:
    old, new = "verstrekt geen inlichtingen aan derden", "verstrekt slechts met toestemming inlichtingen"
    pieces = word_diff(old, new)
    assert [(p.op, p.text) for p in pieces] == [
        ("same", "verstrekt"),
        ("removed", "geen"),
        ("added", "slechts met toestemming"),
        ("same", "inlichtingen"),
        ("removed", "aan derden"),
    ]


def test_bullets_and_whitespace_are_layout_not_changes() -> None:
    old = [
        passage(
            "Jeugdwet art. 1.1", "begrippen: – college: het college; – dossier: het dossier", "2024-01-01"
        )
    ]
    new = [
        passage("Jeugdwet art. 1.1", "begrippen:\ncollege: het college;\ndossier: het  dossier", "2026-01-01")
    ]
    assert compare_passages(old, new) == ([], 1)
    assert [(p.op, p.text) for p in word_diff("a – b c", "a b d")] == [
        ("same", "a b"),
        ("removed", "c"),
        ("added", "d"),
    ]


def test_compare_finds_added_removed_changed_and_ignores_whitespace() -> None:
    changes, unchanged = compare_passages(OLD, NEW)
    assert [(c.kind, c.key) for c in changes] == [
        ("changed", "Jeugdwet art. 7.3.11 lid 1"),
        ("added", "Jeugdwet art. 7.3.12"),
        ("removed", "Jeugdwet art. 7.1.5"),
    ]
    assert unchanged == 1
    assert ("added", "slechts met toestemming") in [(p.op, p.text) for p in changes[0].diff]
    assert changes[2].old_text == "Een artikel dat vervalt."


def test_latest_changes_compares_the_two_newest_versions() -> None:
    kb = TwoVersions(OLD + NEW, [record("2026-01-01"), record("2024-01-01")])
    result = latest_changes(kb, "jeugdwet")
    assert (result.old.version_date, result.new.version_date) == ("2024-01-01", "2026-01-01")
    assert [c.key for c in result.changed] == ["Jeugdwet art. 7.3.11 lid 1"]
    assert [c.key for c in result.added] == ["Jeugdwet art. 7.3.12"]
    assert [c.key for c in result.removed] == ["Jeugdwet art. 7.1.5"]


def test_one_version_only_says_to_ingest_another() -> None:
    kb = TwoVersions(NEW, [record("2026-01-01")])
    with pytest.raises(ChangesError, match=r"version\(s\) \(2026-01-01\): ingest a second version"):
        latest_changes(kb, "jeugdwet")


def test_unknown_or_mismatched_documents_are_refused() -> None:
    kb = TwoVersions(OLD, [record("2024-01-01"), record("2018-05-23", source_id="avg")])
    with pytest.raises(ChangesError, match="'jeugdwet/nl/1999-01-01' is not in the knowledge base; known"):
        changes_between(kb, "jeugdwet/nl/1999-01-01", "jeugdwet/nl/2024-01-01")
    with pytest.raises(ChangesError, match="different sources"):
        changes_between(kb, "avg/nl/2018-05-23", "jeugdwet/nl/2024-01-01")


# --- the real corpus: two versions read by the real readers ---


def test_gdpr_corrigendum_2018_shows_as_word_changes(corpus_dir: Path) -> None:
    from ingest.readers.formex import FormexReader

    reader, registry, gdpr = FormexReader(), load_registry(), corpus_dir / "eu-gdpr-formex"
    old = reader.read(gdpr / "original/L_2016119NL.01000101.xml", registry)
    new = reader.read(
        gdpr / "consolidated-with-corrected-preamble/gdpr-consolidated-with-corrected-preamble-nl.xml",
        registry,
    )
    assert (old.version_date, new.version_date) == ("2016-05-04", "2018-05-23")
    changes, unchanged = compare_passages(old.passages, new.passages)
    assert {c.kind for c in changes} == {"changed"}  # a corrigendum adds and removes no provisions
    assert unchanged > 400 and 10 < len(changes) < 150
    by_key = {c.key: c for c in changes}
    recital_71 = [(p.op, p.text) for p in by_key["AVG overweging 71"].diff]
    assert ("removed", "voor oversight bevoegde") in recital_71
    assert ("added", "met toezicht belaste") in recital_71


def test_jeugdwet_2024_to_2026_across_two_formats(corpus_dir: Path) -> None:
    from ingest.readers.bwb_xml import BwbXmlReader
    from ingest.readers.regelrecht import RegelrechtReader

    registry = load_registry()
    old = BwbXmlReader().read(corpus_dir / "nl-bwb-xml/BWBR0034925/2024-01-01/toestand.xml", registry)
    new = RegelrechtReader().read(
        corpus_dir / "nl-regelrecht-corpus/regulation/nl/wet/jeugdwet/2026-01-01.yaml", registry
    )
    changes, unchanged = compare_passages(old.passages, new.passages)
    kinds = {c.key: c.kind for c in changes}
    assert unchanged > 400, "keys and texts of the two readers line up"
    assert kinds["Jeugdwet art. 1a.3 lid 1"] == "added"
    assert kinds["Jeugdwet art. 2.8 lid 1"] == "removed"
    assert "Jeugdwet art. 7.3.11 lid 4" not in kinds
