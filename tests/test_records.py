"""Decision records: Markdown and PDF (text extracted back with pypdf), identifiers scrubbed."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from bot.answer import Answer, Citation, Facts, Step
from bot.records import RecordError, record_filename, record_markdown, record_pdf

DAY = date(2026, 11, 23)
QUESTION = "Mag ik als hulpverlener het BSN 111222333 van een cliënt aan de gemeente geven?"


def sample_answer() -> Answer:
    return Answer(
        id="r-1",
        verdict="mag_mits",
        summary="Ja, mits de gemeente een wettelijke taak heeft en u niet meer deelt dan nodig.",
        conditions=["Er is een wettelijke taak van de gemeente.", "Deel alleen wat nodig is."],
        clarifying_questions=["Gaat het om een minderjarige?"],
        citations=[
            Citation(
                key="AVG art. 6 lid 1 sub e",
                quote="vervulling van een taak van algemeen belang",
                source_version="2018-05-23",
                url="https://eur-lex.europa.eu/legal-content/NL/TXT/HTML/?uri=CELEX:32016R0679",
                source_type="verordening",
            ),
            Citation(
                key="UAVG art. 46 lid 1", quote="nummer dat ter identificatie", source_version="2026-09-01"
            ),
        ],
        steps=[
            Step(
                id="grondslag",
                title="Grondslag",
                finding="Taak van algemeen belang.",
                keys=["AVG art. 6 lid 1 sub e"],
            ),
            Step(
                id="bsn",
                title="Het BSN",
                finding="Alleen bij wet geregeld.",
                keys=["UAVG art. 46", "Wpg art. 20"],
            ),
        ],
        record=["Doel en grondslag van de verstrekking."],
        escalate="Leg het voor aan de FG.",
        facts=Facts(sender="hulpverlener", recipient="gemeente", data=["bsn"], minor=False),
        kb_build="build-2026-11-23-abc",
    )


def test_markdown_record_holds_the_assessment() -> None:
    text = record_markdown(sample_answer(), QUESTION, motivation="Spoed; BSN 123456782 nodig.", today=DAY)
    assert text.startswith("# Vastlegging afweging gegevensdeling\n")
    assert "Datum: 2026-11-23 · Kennisbank: build-2026-11-23-abc" in text
    assert "als hulpverlener het BSN [BSN] van een cliënt" in text
    assert "111222333" not in text and "123456782" not in text
    assert "Ja, mits — Ja, mits de gemeente" in text
    assert "- [ ] Er is een wettelijke taak van de gemeente." in text
    assert "- Minderjarige: nee" in text and "- Toestemming: onbekend" in text
    assert (
        "### 1. Grondslag\n\nTaak van algemeen belang.\n\n- AVG art. 6 lid 1 sub e (versie 2018-05-23)"
        in text
    )
    assert "  > “vervulling van een taak van algemeen belang”" in text
    # an article-level key in a step finds the lid-level citation; an uncited key says so
    assert "- UAVG art. 46 (versie 2026-09-01)\n  > “nummer dat ter identificatie”" in text
    assert "- Wpg art. 20 (niet geciteerd)" in text
    assert (
        "## Eigen motivering van de professional\n\n_Door de professional zelf ingevuld; niet door "
        "Deelwijzer gecontroleerd._\n\nSpoed; BSN [BSN] nodig." in text
    )


def test_pdf_record_contains_keys_as_text() -> None:
    data = record_pdf(sample_answer(), QUESTION, today=DAY)
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() for page in reader.pages)
    flat = re.sub(r"\s+", " ", text)
    for key in ("AVG art. 6 lid 1 sub e", "UAVG art. 46 lid 1", "Wpg art. 20"):
        assert key in flat
    assert "cliënt" in flat
    assert "☐ Er is een wettelijke taak" in flat
    assert "build-2026-11-23-abc" in flat
    assert "111222333" not in flat
    assert reader.metadata is not None and reader.metadata.title == "Vastlegging afweging gegevensdeling"


def test_pdf_without_font_says_which_package(tmp_path: Path) -> None:
    with pytest.raises(RecordError, match="DejaVuSans.ttf.*fonts-dejavu-core"):
        record_pdf(sample_answer(), QUESTION, font_dir=tmp_path)


def test_empty_motivation_leaves_fields_to_fill_in() -> None:
    text = record_markdown(sample_answer(), "", today=DAY)
    assert "## Vraag\n\n(niet ingevuld)" in text
    assert "Besluit: ☐ wel delen  ☐ niet delen" in text
    assert "Naam en functie: …" in text


def test_filename_has_the_date() -> None:
    assert record_filename("pdf", DAY) == "deelwijzer-vastlegging-2026-11-23.pdf"
