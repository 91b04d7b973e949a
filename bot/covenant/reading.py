"""A covenant PDF as pages of text and clauses, each with its page number.

The checks mirror ingest/readers/pdf.py (not a PDF, empty, too large, encrypted, corrupt, no text layer) but
live here: `bot` does not import `ingest`. Nothing is written to disk; the bytes stay in memory.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pypdf
from pypdf.errors import DependencyError, PdfReadError

from bot.covenant.errors import CovenantFileError

MAX_BYTES = 50_000_000
_CLAUSE_START = re.compile(r"^(?:artikel\s+\d+[a-z]?\b|\d{1,2}(?:\.\d{1,2})*\.?\s+\S)", re.IGNORECASE)


@dataclass(frozen=True)
class Page:
    number: int
    text: str  #: as pypdf extracts it: every quote must be found in here


@dataclass(frozen=True)
class Clause:
    page: int
    heading: str  #: 'Artikel 5 Bewaartermijn', or '' before the first article
    text: str


def read_pages(data: bytes, name: str = "convenant.pdf", max_bytes: int = MAX_BYTES) -> list[Page]:
    """The text of every page; CovenantFileError (with the fix) for anything that is not a text PDF."""
    _check_bytes(data, name, max_bytes)
    pdf = _open(data, name)
    pages = [Page(number, _page_text(page, number, name)) for number, page in enumerate(pdf.pages, start=1)]
    if not any(page.text.strip() for page in pages):
        raise CovenantFileError(
            name,
            "geen tekst, scan eerst met OCR: de PDF heeft geen tekstlaag (elke pagina is een afbeelding)",
            "maak er met OCR een PDF met tekst van (bijv. `ocrmypdf in.pdf uit.pdf`) en upload die",
        )  # fmt: skip
    return pages


def clauses(pages: list[Page]) -> list[Clause]:
    """Split the pages into clauses: a new clause starts at 'Artikel N' or a numbered line ('3.2 ...')."""
    found: list[Clause] = []
    heading = ""
    for page in pages:
        current: list[str] = []
        for line in page.text.splitlines():
            stripped = line.strip()
            if _CLAUSE_START.match(stripped):
                if current:
                    found.append(Clause(page.number, heading, " ".join(current)))
                if stripped.casefold().startswith("artikel"):
                    heading = stripped
                current = [stripped]
            elif stripped:
                current.append(stripped)
        if current:
            found.append(Clause(page.number, heading, " ".join(current)))
    return found


def _check_bytes(data: bytes, name: str, max_bytes: int) -> None:
    if not data.strip():
        raise CovenantFileError(name, "het bestand is leeg", "kies een PDF met tekst")
    if len(data) > max_bytes:
        raise CovenantFileError(
            name, f"het bestand is {len(data):,} bytes, meer dan de grens van {max_bytes:,}", "splits de PDF"
        )
    if not data.lstrip().startswith(b"%PDF-"):
        raise CovenantFileError(name, "dit is geen PDF (het begint niet met %PDF-)", _REEXPORT)


_REEXPORT = "exporteer of download de PDF opnieuw en controleer of hij opent in een PDF-lezer"


def _open(data: bytes, name: str) -> pypdf.PdfReader:
    try:
        pdf = pypdf.PdfReader(io.BytesIO(data))
        encrypted = pdf.is_encrypted
        len(pdf.pages)
    except DependencyError as exc:
        raise CovenantFileError(name, "de PDF is versleuteld", "maak een onversleutelde kopie") from exc
    except Exception as exc:  # pypdf raises many types for broken files
        raise CovenantFileError(name, f"de PDF is beschadigd of onvolledig ({type(exc).__name__})",
                                _REEXPORT) from exc  # fmt: skip
    if encrypted:
        raise CovenantFileError(
            name, "de PDF is beveiligd met een wachtwoord of versleuteld",
            "sla een onbeveiligde kopie op (met toestemming van de maker) en upload die",
        )  # fmt: skip
    return pdf


def _page_text(page: pypdf.PageObject, number: int, name: str) -> str:
    try:
        return page.extract_text() or ""
    except (PdfReadError, ValueError, KeyError, TypeError, ZeroDivisionError) as exc:
        raise CovenantFileError(name, f"pagina {number} is niet te lezen ({type(exc).__name__})",
                                _REEXPORT) from exc  # fmt: skip
