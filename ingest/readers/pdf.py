"""PDF reader for covenants and guidance that users bring: one passage per page, keyed `<id> p. <n>`."""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pypdf
from pypdf.errors import DependencyError, PdfReadError

from ingest.errors import InvalidSourceError
from kb.passages import AUTHORITY, Document, Passage, make_document_id
from kb.registry import Registry, Source, slugify

DEFAULT_MAX_BYTES = 50_000_000
_COVENANT_WORDS = re.compile(r"convenant|protocol", re.IGNORECASE)
_NUMBERED = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+(?P<text>[A-ZÀ-Ý].*)$")
_NAMED = re.compile(
    r"^(?P<kind>hoofdstuk|deel|titel|bijlage|paragraaf|afdeling|artikel|article|chapter|section|annex)"
    r"\s+(?P<num>[0-9IVXLC]+[a-z]?(?:[.:][0-9]+)*)\b\.?\s*[-–:.]?\s*(?P<text>.*)$",
    re.IGNORECASE,
)
_NAMED_LEVEL = {"hoofdstuk": 1, "deel": 1, "titel": 1, "bijlage": 1, "chapter": 1, "annex": 1,
                "paragraaf": 2, "afdeling": 2, "section": 2, "artikel": 3, "article": 3}
_LIST_ITEM = re.compile(r"^(?:[-•▪◦*–]\s|\(?[a-z0-9]{1,3}[.)]\s)")
_MAX_HEADING_CHARS = 90
_LARGER = 1.15  #: a line this much larger than the body text is a heading candidate
_BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
_MAX_HEADING_WORDS = 12
_DUTCH_WORDS = {"de", "het", "een", "van", "en", "is", "niet", "voor", "met", "zijn", "worden", "op"}
_ENGLISH_WORDS = {"the", "a", "of", "and", "is", "not", "for", "with", "are", "be", "to", "on"}


@dataclass(frozen=True)
class Heading:
    level: int
    section: str  #: '3.2', 'Artikel 5', or '' for an unnumbered heading
    title: str  #: the heading without its number
    line: str  #: the heading as printed


@dataclass
class HeadingTrail:
    """The chain of headings in effect while reading the pages in order."""

    chain: list[Heading] = field(default_factory=list)

    def push(self, heading: Heading) -> None:
        self.chain = [h for h in self.chain if h.level < heading.level] + [heading]

    @property
    def latest(self) -> Heading | None:
        return self.chain[-1] if self.chain else None


class PdfReader:
    """Reads a text PDF. `max_file_bytes` comes from `settings.ingest.max_file_bytes`."""

    name = "pdf/1"

    def __init__(self, max_file_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.max_file_bytes = max_file_bytes

    def can_read(self, path: Path, head: bytes) -> bool:
        return head.lstrip()[:5] == b"%PDF-" or path.suffix.casefold() == ".pdf"

    def read(self, path: Path, registry: Registry, *, doc_type: str | None = None) -> Document:
        """Read `path`; `doc_type` ('convenant', 'handreiking', ...) overrides the guess from the title."""
        data = _load_bytes(path, self.max_file_bytes)
        pdf = _open_pdf(path, data)
        pages = _page_texts(path, pdf)
        if not any(page.text.strip() for page in pages):
            raise InvalidSourceError(
                str(path),
                "the PDF has no text layer (it is probably a scan: every page is an image)",
                "run OCR on it first, e.g. `ocrmypdf in.pdf out.pdf`, and ingest the result",
            )
        source = _source_for(path, registry, pdf, pages, doc_type)
        version = _version_date(path, pdf)
        language = guess_language(" ".join(page.text for page in pages))
        passages = _passages(source, language, version, pages)
        return Document(
            document_id=make_document_id(source.id, language, version),
            source_id=source.id,
            citation_name=source.name,
            title=source.title,
            language=language,
            version_date=version,
            doc_type=source.type,
            path=str(path),
            reader=self.name,
            passages=passages,
        )


def _load_bytes(path: Path, max_bytes: int) -> bytes:
    size = path.stat().st_size
    if size > max_bytes:
        raise InvalidSourceError(
            str(path),
            f"the file is {size:,} bytes, over the limit of {max_bytes:,}",
            "split the PDF, or raise DEELWIJZER_INGEST__MAX_FILE_BYTES",
        )
    data = path.read_bytes()
    if not data.strip():
        raise InvalidSourceError(str(path), "the file is empty", "export or download the PDF again")
    return data


def _open_pdf(path: Path, data: bytes) -> pypdf.PdfReader:
    if not data.lstrip().startswith(b"%PDF-"):
        raise InvalidSourceError(str(path), "this is not a PDF (it does not start with %PDF-)", _REEXPORT)
    try:
        pdf = pypdf.PdfReader(io.BytesIO(data))
        _unlock(path, pdf)
        len(pdf.pages)
    except InvalidSourceError:
        raise
    except DependencyError as exc:
        raise InvalidSourceError(str(path), f"the PDF is encrypted in a way pypdf cannot open ({exc})",
                                 "remove the encryption (print to a new PDF) and ingest that file") from exc
    except Exception as exc:  # pypdf raises many types for broken files
        raise InvalidSourceError(str(path), f"the PDF is corrupt or truncated ({_describe(exc)})",
                                 _REEXPORT) from exc
    return pdf


_REEXPORT = "download or export the PDF again and check that it opens in a PDF viewer"


def _unlock(path: Path, pdf: pypdf.PdfReader) -> None:
    """Encrypted PDFs are refused, also those that open without a password (an empty user password): the
    encryption says the author restricts what may be done with the text."""
    if not pdf.is_encrypted:
        return
    if pdf.decrypt("") == pypdf.PasswordType.NOT_DECRYPTED:
        raise InvalidSourceError(
            str(path),
            "the PDF is password-protected",
            "remove the password (open it with the password, save an unprotected copy) and ingest that",
        )
    raise InvalidSourceError(
        str(path),
        "the PDF is encrypted (it opens without a password, but its author restricted its use)",
        "save or print an unencrypted copy (with the author's permission) and ingest that",
    )


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _page_texts(path: Path, pdf: pypdf.PdfReader) -> list[PageText]:
    texts = []
    for number, page in enumerate(pdf.pages, start=1):
        try:
            texts.append(_read_page(page))
        except (PdfReadError, ValueError, KeyError, TypeError, ZeroDivisionError) as exc:
            raise InvalidSourceError(str(path), f"page {number} cannot be read ({_describe(exc)})",
                                     _REEXPORT) from exc
    return texts


@dataclass(frozen=True)
class PageText:
    text: str
    #: whitespace-normalised lines printed wholly in bold or in a larger font than the body text
    emphasised: frozenset[str] = frozenset()
    #: the subset of `emphasised` printed larger than the body text
    large: frozenset[str] = frozenset()


_Font = dict[str, object] | None


def _read_page(page: pypdf.PageObject) -> PageText:
    rows: dict[int, list[tuple[str, float, bool]]] = defaultdict(list)

    def visit(text: str, cm: list[float], tm: list[float], font: _Font, size: float) -> None:
        if text.strip():
            y = round(tm[5] * cm[3] + cm[5])
            scale = math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3]) or 1.0
            rows[y].append((text, size * scale, bool(_BOLD.search(str((font or {}).get("/BaseFont", ""))))))

    text = page.extract_text(visitor_text=visit) or ""
    return _classify_rows(text, list(rows.values()))


def _classify_rows(text: str, rows: list[list[tuple[str, float, bool]]]) -> PageText:
    weights: Counter[float] = Counter()
    for row in rows:
        for chunk, size, _ in row:
            weights[round(size * 2) / 2] += len(chunk)
    if not weights:
        return PageText(text)
    body = weights.most_common(1)[0][0]
    emphasised, large = set(), set()
    for row in rows:
        line = " ".join("".join(chunk for chunk, _, _ in row).split())
        is_large = all(size >= body * _LARGER for _, size, _ in row)
        if is_large or all(bold for _, _, bold in row):
            emphasised.add(line)
        if is_large:
            large.add(line)
    return PageText(text, frozenset(emphasised), frozenset(large))


def _source_for(path: Path, registry: Registry, pdf: pypdf.PdfReader, pages: list[PageText],
                doc_type: str | None) -> Source:
    source_id = slugify(path.stem)
    known = registry.get(source_id)
    if known is not None:
        return known.model_copy(update={"type": doc_type}) if doc_type else known
    title = _metadata_title(pdf) or _title_from_text(pages) or path.stem
    kind = doc_type or ("convenant" if _COVENANT_WORDS.search(f"{source_id} {title}") else "handreiking")
    if kind not in AUTHORITY:
        raise InvalidSourceError(str(path), f"unknown document type {kind!r}",
                                 f"use one of: {', '.join(sorted(AUTHORITY))}")
    return Source(id=source_id, name=source_id, title=title, type=kind)


def _metadata_title(pdf: pypdf.PdfReader) -> str:
    raw = pdf.metadata.get("/Title") if pdf.metadata else None
    title = re.sub(r"^Microsoft (?:Word|PowerPoint) - ", "", " ".join(str(raw or "").split()))
    looks_like_a_file = re.search(r"\.(docx?|odt|pdf|rtf)$", title, re.IGNORECASE)
    return "" if looks_like_a_file or title.casefold() in {"untitled", "title"} else title


def _title_from_text(pages: list[PageText]) -> str:
    """The first line when it reads as a title, else the first heading."""
    page = next((page for page in pages if page.text.strip()), None)
    if page is None:
        return ""
    lines = _lines(page.text)
    if _short_phrase(lines[0]):
        return lines[0]
    heading = next((h for h in (detect_heading(line, page) for line in lines) if h), None)
    return heading.line if heading else ""


def _version_date(path: Path, pdf: pypdf.PdfReader) -> str:
    for getter in ("modification_date", "creation_date"):
        try:
            stamp = getattr(pdf.metadata, getter, None) if pdf.metadata else None
        except (ValueError, TypeError):  # a malformed date string in the metadata
            stamp = None
        if isinstance(stamp, dt.datetime):
            return stamp.date().isoformat()
    return dt.date.fromtimestamp(path.stat().st_mtime).isoformat()


def guess_language(text: str) -> str:
    """'en' when English function words clearly outnumber Dutch ones, else 'nl'."""
    words = re.findall(r"[a-z]+", text.casefold())
    dutch = sum(word in _DUTCH_WORDS for word in words)
    english = sum(word in _ENGLISH_WORDS for word in words)
    return "en" if english > 2 * dutch and english >= 5 else "nl"


def _lines(page_text: str) -> list[str]:
    return [" ".join(line.split()) for line in page_text.splitlines() if line.strip()]


def detect_heading(line: str, page: PageText | None = None) -> Heading | None:
    """A heading: numbered ('3.2 Gegevensuitwisseling'), named ('Artikel 5 Doel'), an upper-case line, or a
    short phrase printed in bold or larger than the body text of `page`."""
    if not _short_phrase(line):
        return None
    named = _NAMED.match(line)
    if named and line[0].isupper() and _heading_text(named["text"]):
        section = f"{named['kind']} {named['num']}"
        return Heading(_NAMED_LEVEL[named["kind"].casefold()], section, named["text"] or line, line)
    numbered = _NUMBERED.match(line)
    if numbered and _heading_text(numbered["text"]) and len(numbered["text"].split()) <= 8:
        return Heading(numbered["num"].count(".") + 1, numbered["num"], numbered["text"], line)
    if _is_caps_title(line):
        return Heading(0, "", line, line)
    if page is not None and line in page.emphasised and line[0].isupper():
        return Heading(1 if line in page.large else 2, "", line, line)
    return None


def _short_phrase(line: str) -> bool:
    return (len(line) <= _MAX_HEADING_CHARS and len(line.split()) <= _MAX_HEADING_WORDS
            and not line.endswith((",", ";", ".")))


def _heading_text(text: str) -> bool:
    """What follows the number: empty, or a capitalised phrase that is not a sentence."""
    return text == "" or (text[0].isupper() and not text.endswith((".", ":")))


def _is_caps_title(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters) and not line.endswith((".", ":"))


def _page_body(lines: list[str], headings: set[int]) -> str:
    """Wrapped lines joined by spaces; headings and list items start a new line."""
    out: list[str] = []
    for index, line in enumerate(lines):
        starts_block = index in headings or index - 1 in headings or _LIST_ITEM.match(line)
        if out and not starts_block:
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return "\n".join(out)


def _passages(source: Source, language: str, version: str, pages: list[PageText]) -> list[Passage]:
    trail = HeadingTrail()
    passages = []
    for number, page in enumerate(pages, start=1):
        lines = _lines(page.text)
        heading_rows = set()
        for index, line in enumerate(lines):
            heading = detect_heading(line, page)
            if heading:
                trail.push(heading)
                heading_rows.add(index)
        if lines:
            text = _page_body(lines, heading_rows)
            passages.append(_page_passage(source, language, version, number, text, trail))
    return passages


def _page_passage(source: Source, language: str, version: str, page: int, text: str,
                  trail: HeadingTrail) -> Passage:
    latest = trail.latest
    return Passage(
        key=f"{source.name} p. {page}",
        source_id=source.id,
        citation_name=source.name,
        language=language,
        version_date=version,
        text=text,
        page=page,
        section=(latest.section or latest.title) if latest else "",
        title=latest.title if latest else "",
        heading_path=[h.line for h in trail.chain[:-1]],
        doc_type=source.type,
        authority=source.authority,
        document_id=make_document_id(source.id, language, version),
    )
