"""The PDF reader on real PDFs generated here with fpdf2 (and encrypted/stripped with pypdf)."""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import pypdf
import pytest
from fpdf import FPDF
from PIL import Image

from ingest.errors import InvalidSourceError
from ingest.readers.pdf import PdfReader, detect_heading, guess_language
from kb.citations import parse_key
from kb.registry import Registry, Source

SENTENCE = (
    "De gemeente verstrekt de politie alleen de gegevens die noodzakelijk zijn voor de beoordeling "
    "van signalen van mensenhandel."
)
#: page -> (style, text) blocks; 'h' = bold 14pt heading, 'p' = body paragraph. Page 4 is left empty.
PAGES: list[list[tuple[str, str]]] = [
    [("h", "CONVENANT GEGEVENSDELING"), ("h", "1. Doel en reikwijdte"),
     ("p", "Dit convenant regelt de uitwisseling van persoonsgegevens tussen de partijen bij de aanpak van "
           "mensenhandel in de regio Utrecht. Betrokkenen worden over de verwerking geïnformeerd.")],
    [("h", "2. Gegevensuitwisseling"), ("p", "Partijen delen gegevens alleen op basis van dit hoofdstuk."),
     ("h", "2.1 Verstrekking aan de politie"), ("p", SENTENCE)],
    [("p", "Artikel 6 lid 1 sub e AVG biedt de grondslag voor deze verstrekking, in samenhang met de "
           "wettelijke taak van de gemeente. Een verstrekking wordt vastgelegd in het logboek.")],
    [],
    [("h", "Artikel 5 Bewaartermijnen"), ("p", "Gegevens worden niet langer bewaard dan nodig.")],
]


def write_pdf(path: Path, pages: list[list[tuple[str, str]]], *, title: str | None = None,
              created: dt.datetime | None = dt.datetime(2025, 3, 1, 9, 30, tzinfo=dt.UTC)) -> Path:
    pdf = FPDF()
    if title:
        pdf.set_title(title)
    if created:
        pdf.set_creation_date(created)
    for blocks in pages:
        pdf.add_page()
        for style, text in blocks:
            pdf.set_font("Helvetica", "B" if style == "h" else "", 14 if style == "h" else 11)
            pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
    path.write_bytes(bytes(pdf.output()))
    return path


def strip_metadata(path: Path) -> None:
    writer = pypdf.PdfWriter()
    for page in pypdf.PdfReader(path).pages:
        writer.add_page(page)
    buffer = io.BytesIO()
    writer.write(buffer)
    path.write_bytes(buffer.getvalue())


@pytest.fixture()
def registry() -> Registry:
    return Registry([Source(id="avg", name="AVG", title="AVG", type="verordening", celex="32016R0679")])


@pytest.fixture()
def covenant(tmp_path: Path) -> Path:
    return write_pdf(tmp_path / "Convenant Mensenhandel Utrecht 2025.pdf", PAGES,
                     title="Convenant gegevensdeling mensenhandel Utrecht")


def read_error(path: Path, registry: Registry, reader: PdfReader | None = None) -> str:
    with pytest.raises(InvalidSourceError) as caught:
        (reader or PdfReader()).read(path, registry)
    return str(caught.value)


def test_one_passage_per_page_with_keys_and_exact_text(covenant: Path, registry: Registry) -> None:
    document = PdfReader().read(covenant, registry)

    assert [p.key for p in document.passages] == [
        "convenant-mensenhandel-utrecht-2025 p. 1",
        "convenant-mensenhandel-utrecht-2025 p. 2",
        "convenant-mensenhandel-utrecht-2025 p. 3",
        "convenant-mensenhandel-utrecht-2025 p. 5",
    ]
    assert [p.page for p in document.passages] == [1, 2, 3, 5]
    page2 = document.passages[1]
    assert SENTENCE in page2.text
    assert "Betrokkenen worden over de verwerking geïnformeerd." in document.passages[0].text
    assert parse_key(page2.key).page == 2
    assert document.reader == "pdf/1"


def test_source_comes_from_the_file(covenant: Path, registry: Registry) -> None:
    document = PdfReader().read(covenant, registry)

    assert document.source_id == "convenant-mensenhandel-utrecht-2025"
    assert document.citation_name == "convenant-mensenhandel-utrecht-2025"
    assert document.title == "Convenant gegevensdeling mensenhandel Utrecht"
    assert document.doc_type == "convenant"
    assert document.version_date == "2025-03-01"
    assert document.language == "nl"
    assert document.document_id == "convenant-mensenhandel-utrecht-2025/nl/2025-03-01"
    assert {p.authority for p in document.passages} == {5}


def test_headings_give_title_section_and_path(covenant: Path, registry: Registry) -> None:
    pages = {p.page: p for p in PdfReader().read(covenant, registry).passages}

    assert (pages[1].section, pages[1].title) == ("1", "Doel en reikwijdte")
    assert pages[1].heading_path == ["CONVENANT GEGEVENSDELING"]
    assert (pages[2].section, pages[2].title) == ("2.1", "Verstrekking aan de politie")
    assert pages[2].heading_path == ["CONVENANT GEGEVENSDELING", "2. Gegevensuitwisseling"]
    # page 3 has no heading of its own: the section it continues; "Artikel 6 lid 1 ..." is a sentence
    assert (pages[3].section, pages[3].title) == ("2.1", "Verstrekking aan de politie")
    assert (pages[5].section, pages[5].title) == ("Artikel 5", "Bewaartermijnen")
    assert pages[2].text.startswith("2. Gegevensuitwisseling\nPartijen delen gegevens")


def test_guidance_without_metadata_title_uses_first_heading_and_file_date(
    tmp_path: Path, registry: Registry
) -> None:
    pages = [[("h", "Signalen herkennen"), ("p", "Let op de volgende signalen van uitbuiting.")],
             [("p", "Een slachtoffer heeft vaak geen eigen identiteitspapieren."), ("h", "Doorverwijzen"),
              ("p", "Meld het signaal bij de zorgcoördinator.")]]
    path = write_pdf(tmp_path / "handreiking_signalering.pdf", pages)
    strip_metadata(path)
    os.utime(path, (dt.datetime(2024, 6, 30, 12).timestamp(),) * 2)

    document = PdfReader().read(path, registry)

    assert document.source_id == "handreiking-signalering"
    assert document.title == "Signalen herkennen"
    assert document.doc_type == "handreiking"
    assert document.version_date == "2024-06-30"
    # unnumbered headings are found by their bold, larger type
    assert [(p.page, p.title) for p in document.passages] == [(1, "Signalen herkennen"), (2, "Doorverwijzen")]
    assert document.passages[1].text == (
        "Een slachtoffer heeft vaak geen eigen identiteitspapieren.\nDoorverwijzen\n"
        "Meld het signaal bij de zorgcoördinator."
    )


def test_explicit_doc_type_overrides_the_guess(covenant: Path, registry: Registry) -> None:
    document = PdfReader().read(covenant, registry, doc_type="handreiking")
    assert document.doc_type == "handreiking"
    assert document.passages[0].authority == 6


def test_unknown_doc_type_is_refused(covenant: Path, registry: Registry) -> None:
    with pytest.raises(InvalidSourceError, match="unknown document type 'brochure'"):
        PdfReader().read(covenant, registry, doc_type="brochure")


def test_english_pdf_is_marked_english(tmp_path: Path, registry: Registry) -> None:
    text = "The municipality shares the data with the police only when this is necessary for the task."
    document = PdfReader().read(write_pdf(tmp_path / "protocol-en.pdf", [[("p", text)]]), registry)
    assert document.language == "en"
    assert document.doc_type == "convenant"  # 'protocol' in the name


def test_image_only_pdf_needs_ocr(tmp_path: Path, registry: Registry) -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.image(Image.new("RGB", (200, 100), "white"), x=10, y=10, w=150)
    path = tmp_path / "gescand.pdf"
    path.write_bytes(bytes(pdf.output()))

    message = read_error(path, registry)
    assert "no text layer" in message and "probably a scan" in message
    assert "ocrmypdf" in message
    assert message.startswith(str(path))


def test_password_protected_pdf(covenant: Path, registry: Registry, tmp_path: Path) -> None:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(covenant))
    writer.encrypt("geheim")
    path = tmp_path / "beveiligd.pdf"
    with path.open("wb") as handle:
        writer.write(handle)

    message = read_error(path, registry)
    assert "password-protected" in message
    assert "remove the password" in message


def test_encrypted_pdf_with_empty_user_password_is_refused(
    covenant: Path, registry: Registry, tmp_path: Path
) -> None:
    """The README promises encrypted PDFs are refused: also one that opens without a password."""
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(covenant))
    writer.encrypt(user_password="", owner_password="eigenaar")
    path = tmp_path / "alleen-eigenaar.pdf"
    with path.open("wb") as handle:
        writer.write(handle)

    message = read_error(path, registry)
    assert "the PDF is encrypted" in message and "opens without a password" in message
    assert "unencrypted copy" in message


def test_truncated_pdf(covenant: Path, registry: Registry, tmp_path: Path) -> None:
    data = covenant.read_bytes()
    path = tmp_path / "afgebroken.pdf"
    path.write_bytes(data[: len(data) // 2])

    message = read_error(path, registry)
    assert "corrupt or truncated" in message
    assert "download or export the PDF again" in message


def test_empty_file(tmp_path: Path, registry: Registry) -> None:
    path = tmp_path / "leeg.pdf"
    path.write_bytes(b"")
    assert "the file is empty" in read_error(path, registry)


def test_not_a_pdf(tmp_path: Path, registry: Registry) -> None:
    path = tmp_path / "download.pdf"
    path.write_bytes(b"<html><body>Sessie verlopen</body></html>")
    assert "this is not a PDF (it does not start with %PDF-)" in read_error(path, registry)


def test_file_over_the_limit(covenant: Path, registry: Registry) -> None:
    message = read_error(covenant, registry, PdfReader(max_file_bytes=1000))
    assert f"the file is {covenant.stat().st_size:,} bytes, over the limit of 1,000" in message
    assert "DEELWIJZER_INGEST__MAX_FILE_BYTES" in message


def test_can_read_sniffs_the_magic_bytes(tmp_path: Path) -> None:
    reader = PdfReader()
    assert reader.can_read(tmp_path / "zonder-extensie", b"%PDF-1.7\n...")
    assert reader.can_read(tmp_path / "x.PDF", b"")
    assert not reader.can_read(tmp_path / "wet.xml", b"<?xml version='1.0'?><toestand/>")


@pytest.mark.parametrize(
    ("line", "section", "title"),
    [
        ("3.2 Gegevensuitwisseling", "3.2", "Gegevensuitwisseling"),
        ("Artikel 5 Doel van de verwerking", "Artikel 5", "Doel van de verwerking"),
        ("Artikel 12", "Artikel 12", "Artikel 12"),
        ("Hoofdstuk II Beginselen", "Hoofdstuk II", "Beginselen"),
        ("BIJLAGE PRIVACYPROTOCOL", "", "BIJLAGE PRIVACYPROTOCOL"),
    ],
)
def test_heading_patterns(line: str, section: str, title: str) -> None:
    heading = detect_heading(line)
    assert heading is not None
    assert (heading.section, heading.title) == (section, title)


@pytest.mark.parametrize(
    "line",
    [
        "Artikel 6 lid 1 sub e AVG biedt de grondslag voor",
        "artikel 7 van de Wet politiegegevens is van toepassing",
        "1. Partijen verstrekken elkaar de gegevens.",
        "De gemeente verstrekt de politie alleen de gegevens die noodzakelijk zijn,",
        "AVG",
    ],
)
def test_sentences_are_not_headings(line: str) -> None:
    assert detect_heading(line) is None


def test_guess_language() -> None:
    assert guess_language("De politie en de gemeente delen het dossier niet met een derde.") == "nl"
    assert guess_language("The police and the municipality do not share the file with a third party.") == "en"
