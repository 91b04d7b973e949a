"""The Markdown reader on guidance notes written in tmp_path (and the project's own kb/guidance notes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import InvalidSourceError
from ingest.readers.markdown import MarkdownReader
from kb.citations import parse_key
from kb.registry import Registry, load_registry

REPO = Path(__file__).resolve().parent.parent

NOTE = """---
id: werkinstructie-casusoverleg
title: Casusoverleg mensenhandel en het Zorg- en Veiligheidshuis
type: werkinstructie
version: 2026-11-23
language: nl
---
# Casusoverleg mensenhandel en het Zorg- en Veiligheidshuis

Veel regio's bespreken complexe zaken in een **casusoverleg** bij het
Zorg- en Veiligheidshuis.

## 1. Wanneer een casusoverleg

Een deelnemer meldt de casus aan (WGS art. 2.31 lid 1). Daarna toetsen
de *deelnemers* of de melding bij het doel past.

- Het ZVH voert casusoverleggen (WGS art. 2.26).
- Lees ook de [Memorie van toelichting](https://example.org/mvt) en
  de `WGS` zelf.

### Let op

Genodigden zijn geen deelnemers.

## 2.1 Wie mag wat delen

1. De politie deelt politiegegevens (Wpg art. 20 lid 3).
2. De gemeente deelt __alleen__ wat nodig is.

## Bijlage: begrippen

ZVH: Zorg- en Veiligheidshuis.
"""


@pytest.fixture()
def registry() -> Registry:
    return Registry([])


def write(tmp_path: Path, text: str, name: str = "werkinstructie-casusoverleg.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def read_error(path: Path, registry: Registry) -> str:
    with pytest.raises(InvalidSourceError) as caught:
        MarkdownReader().read(path, registry)
    return str(caught.value)


def test_one_passage_per_section_with_keys(tmp_path: Path, registry: Registry) -> None:
    document = MarkdownReader().read(write(tmp_path, NOTE), registry)

    assert [p.key for p in document.passages] == [
        "werkinstructie-casusoverleg § 0",
        "werkinstructie-casusoverleg § 1",
        "werkinstructie-casusoverleg § 2.1",
        "werkinstructie-casusoverleg § 3",  # third `## ` heading, unnumbered
    ]
    assert [(p.section, p.title) for p in document.passages] == [
        ("0", "Casusoverleg mensenhandel en het Zorg- en Veiligheidshuis"),
        ("1", "Wanneer een casusoverleg"),
        ("2.1", "Wie mag wat delen"),
        ("3", "Bijlage: begrippen"),
    ]
    assert parse_key(document.passages[2].key).section == "2.1"


def test_section_text_is_plain_and_exact(tmp_path: Path, registry: Registry) -> None:
    passages = MarkdownReader().read(write(tmp_path, NOTE), registry).passages

    assert passages[0].text == (
        "Veel regio's bespreken complexe zaken in een casusoverleg bij het Zorg- en Veiligheidshuis."
    )
    assert passages[1].text == (
        "Een deelnemer meldt de casus aan (WGS art. 2.31 lid 1). Daarna toetsen de deelnemers of de melding "
        "bij het doel past.\n"
        "Het ZVH voert casusoverleggen (WGS art. 2.26).\n"
        "Lees ook de Memorie van toelichting en de WGS zelf.\n"
        "Let op\n"
        "Genodigden zijn geen deelnemers."
    )
    assert passages[2].text == (
        "1. De politie deelt politiegegevens (Wpg art. 20 lid 3).\n2. De gemeente deelt alleen wat nodig is."
    )


def test_document_and_source_from_front_matter(tmp_path: Path, registry: Registry) -> None:
    document = MarkdownReader().read(write(tmp_path, NOTE), registry)

    assert document.source_id == "werkinstructie-casusoverleg"
    assert document.citation_name == "werkinstructie-casusoverleg"
    assert document.title == "Casusoverleg mensenhandel en het Zorg- en Veiligheidshuis"
    assert (document.version_date, document.language) == ("2026-11-23", "nl")
    assert document.doc_type == "werkinstructie"
    assert document.document_id == "werkinstructie-casusoverleg/nl/2026-11-23"
    assert document.reader == "markdown/1"
    first = document.passages[1]
    assert (first.authority, first.doc_type, first.version_date) == (7, "werkinstructie", "2026-11-23")
    assert first.heading_path == ["Casusoverleg mensenhandel en het Zorg- en Veiligheidshuis"]


def test_defaults_for_type_and_language(tmp_path: Path, registry: Registry) -> None:
    text = "---\nid: notitie-x\ntitle: X\nversion: 2026-01-02\n---\n## Eerste\nTekst.\n## Tweede\nMeer.\n"
    document = MarkdownReader().read(write(tmp_path, text, "x.md"), registry)

    assert (document.doc_type, document.language) == ("werkinstructie", "nl")
    assert [p.key for p in document.passages] == ["notitie-x § 1", "notitie-x § 2"]  # no intro text: no § 0


def test_handreiking_type_and_english(tmp_path: Path, registry: Registry) -> None:
    text = "---\nid: guidance-en\ntitle: Sharing\ntype: handreiking\nversion: '2025-05-01'\nlanguage: en\n"
    text += "---\n"
    document = MarkdownReader().read(write(tmp_path, text + "## 1. Scope\nThe police may share.\n"), registry)

    assert (document.doc_type, document.language) == ("handreiking", "en")
    assert document.version_date == "2025-05-01"  # a quoted date reads the same
    assert document.passages[0].authority == 6


def test_missing_front_matter(tmp_path: Path, registry: Registry) -> None:
    message = read_error(write(tmp_path, "# Titel\n\n## 1. Iets\nTekst.\n"), registry)
    assert "no front matter" in message
    assert "id: werkinstructie-voorbeeld" in message and "version: 2026-11-23" in message


@pytest.mark.parametrize("missing", ["id", "version"])
def test_missing_required_field(tmp_path: Path, registry: Registry, missing: str) -> None:
    header = [line for line in NOTE.splitlines() if not line.startswith(f"{missing}:")]
    message = read_error(write(tmp_path, "\n".join(header)), registry)
    assert f"the front matter has no `{missing}` field" in message
    assert "type: werkinstructie" in message  # shows the expected header


def test_bad_field_values(tmp_path: Path, registry: Registry) -> None:
    bad_version = NOTE.replace("version: 2026-11-23", "version: 23 november 2026")
    message = read_error(write(tmp_path, bad_version), registry)
    assert "field `version` has the value '23 november 2026'" in message and "YYYY-MM-DD" in message
    bad_id = NOTE.replace("id: werkinstructie-casusoverleg", "id: Werkinstructie Casusoverleg")
    message = read_error(write(tmp_path, bad_id), registry)
    assert "field `id` has the value 'Werkinstructie Casusoverleg'" in message
    bad_type = NOTE.replace("type: werkinstructie", "type: brochure")
    message = read_error(write(tmp_path, bad_type), registry)
    assert "field `type` has the value 'brochure'" in message and "werkinstructie" in message


def test_duplicate_section_numbers(tmp_path: Path, registry: Registry) -> None:
    text = NOTE.replace("## 2.1 Wie mag wat delen", "## 1. Wie mag wat delen")
    assert "two sections are numbered '1'" in read_error(write(tmp_path, text), registry)


def test_can_read_claims_notes_but_not_readme(tmp_path: Path) -> None:
    reader = MarkdownReader()
    assert reader.can_read(tmp_path / "werkinstructie-riec.md", b"---\nid: x")
    assert not reader.can_read(tmp_path / "README.md", b"# Guidance notes")
    assert not reader.can_read(tmp_path / "wet.xml", b"<toestand")


def test_the_projects_own_notes_read(registry: Registry) -> None:
    notes = sorted((REPO / "kb" / "guidance").glob("*.md"))
    if not notes:
        pytest.skip("no guidance notes in kb/guidance yet")
    names = {source.name for source in load_registry().sources}
    for path in notes:
        document = MarkdownReader().read(path, registry)
        assert document.source_id == path.stem
        assert document.passages, path
        for passage in document.passages:
            assert passage.key.startswith(f"{path.stem} § ")
            assert "**" not in passage.text and "\n\n" not in passage.text
        assert document.source_id not in names  # notes never shadow a law's key name
