"""Markdown reader for the project's own guidance notes (kb/guidance/*.md): one passage per `## ` section.

    ---
    id: werkinstructie-casusoverleg
    title: Casusoverleg mensenhandel en het Zorg- en Veiligheidshuis
    type: werkinstructie
    version: 2026-11-23
    language: nl
    ---
    # Title
    Intro (section "0")
    ## 1. Wanneer een casusoverleg      -> key "werkinstructie-casusoverleg § 1"
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from ingest.errors import InvalidSourceError
from kb.passages import AUTHORITY, Document, Passage, make_document_id
from kb.registry import Registry, Source

EXPECTED_HEADER = (
    "---\nid: werkinstructie-voorbeeld\ntitle: Titel van de notitie\ntype: werkinstructie\n"
    "version: 2026-11-23\nlanguage: nl\n---"
)
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SECTION_HEADING = re.compile(r"^##(?!#)\s*(?P<text>.*?)\s*#*\s*$")
_NUMBERED = re.compile(r"^(?P<num>\d+(?:\.\d+)*)\.?\s+(?P<title>.+)$")
_NOT_NOTES = {"readme.md", "changelog.md", "license.md", "contributing.md"}


@dataclass
class Section:
    number: str
    title: str
    lines: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class FrontMatter:
    source: Source
    version: str
    language: str


class MarkdownReader:
    name = "markdown/1"

    def can_read(self, path: Path, head: bytes) -> bool:
        """Markdown files, except the usual README/CHANGELOG that sit beside notes."""
        return path.suffix.casefold() in {".md", ".markdown"} and path.name.casefold() not in _NOT_NOTES

    def read(self, path: Path, registry: Registry) -> Document:
        text = _decode(path)
        header, body = _split_front_matter(path, text)
        meta = _front_matter(path, header)
        sections = _sections(path, body, meta.source.title)
        passages = [_passage(meta, section) for section in sections if _section_text(section.lines)]
        if not passages:
            raise InvalidSourceError(str(path), "the note has no text under its headings",
                                     "write the guidance in `## 1. ...` sections below the front matter")
        return Document(
            document_id=make_document_id(meta.source.id, meta.language, meta.version),
            source_id=meta.source.id,
            citation_name=meta.source.name,
            title=meta.source.title,
            language=meta.language,
            version_date=meta.version,
            doc_type=meta.source.type,
            path=str(path),
            reader=self.name,
            passages=passages,
        )


def _decode(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidSourceError(str(path), f"the file is not UTF-8 ({exc.reason} at byte {exc.start})",
                                 "save the note as UTF-8") from exc


def _split_front_matter(path: Path, text: str) -> tuple[str, str]:
    lines = text.splitlines()
    closing = next((i for i, line in enumerate(lines[1:], start=1) if line.strip() == "---"), None)
    if not lines or lines[0].strip() != "---" or closing is None:
        raise InvalidSourceError(str(path), "the note has no front matter (a `---` block at the very top)",
                                 f"start the file with a header like:\n{EXPECTED_HEADER}")
    return "\n".join(lines[1:closing]), "\n".join(lines[closing + 1 :])


def _front_matter(path: Path, header: str) -> FrontMatter:
    fields = _parse_header(path, header)
    note_id = _required(path, fields, "id")
    if not _ID.match(note_id):
        _bad_field(path, "id", note_id, "use lower-case letters, digits and hyphens, e.g. notitie-riec")
    version = _required(path, fields, "version")
    if not _ISO_DATE.match(version):
        _bad_field(path, "version", version, "write the date as YYYY-MM-DD, e.g. 2026-11-23")
    kind = str(fields.get("type") or "werkinstructie")
    if kind not in AUTHORITY:
        _bad_field(path, "type", kind, f"use one of: {', '.join(sorted(AUTHORITY))}")
    title = str(fields.get("title") or note_id)
    source = Source(id=note_id, name=note_id, title=" ".join(title.split()), type=kind)
    return FrontMatter(source, version, str(fields.get("language") or "nl"))


def _parse_header(path: Path, header: str) -> dict[str, Any]:
    try:
        fields = YAML(typ="safe", pure=True).load(header)
    except YAMLError as exc:
        raise InvalidSourceError(str(path), f"the front matter is not valid YAML ({exc})",
                                 f"write it as `key: value` lines, like:\n{EXPECTED_HEADER}") from exc
    if not isinstance(fields, dict):
        raise InvalidSourceError(str(path), "the front matter holds no `key: value` fields",
                                 f"write a header like:\n{EXPECTED_HEADER}")
    return {str(k): v.isoformat() if isinstance(v, dt.date) else v for k, v in fields.items()}


def _required(path: Path, fields: dict[str, Any], name: str) -> str:
    value = fields.get(name)
    if value is None or not str(value).strip():
        raise InvalidSourceError(str(path), f"the front matter has no `{name}` field",
                                 f"add it; the header must look like:\n{EXPECTED_HEADER}")
    return str(value).strip()


def _bad_field(path: Path, name: str, value: str, fix: str) -> NoReturn:
    raise InvalidSourceError(str(path), f"front matter field `{name}` has the value {value!r}", fix)


def _sections(path: Path, body: str, doc_title: str) -> list[Section]:
    sections = [Section("0", doc_title)]
    in_code = False
    for line in body.splitlines():
        in_code = in_code != line.lstrip().startswith("```")
        heading = None if in_code else _SECTION_HEADING.match(line)
        if heading:
            sections.append(_new_section(heading["text"], position=len(sections)))
        elif not (len(sections) == 1 and re.match(r"^#(?!#)", line)):
            sections[-1].lines.append(line)
    _check_unique(path, sections)
    return sections


def _new_section(heading: str, position: int) -> Section:
    numbered = _NUMBERED.match(heading)
    if numbered:
        return Section(numbered["num"], _inline(numbered["title"]))
    return Section(str(position), _inline(heading))


def _check_unique(path: Path, sections: list[Section]) -> None:
    seen: set[str] = set()
    for section in sections:
        if section.number in seen:
            raise InvalidSourceError(str(path), f"two sections are numbered {section.number!r}",
                                     "give every `## ` heading its own number")
        seen.add(section.number)


def _passage(meta: FrontMatter, section: Section) -> Passage:
    source = meta.source
    return Passage(
        key=f"{source.name} § {section.number}",
        source_id=source.id,
        citation_name=source.name,
        language=meta.language,
        version_date=meta.version,
        text=_section_text(section.lines),
        section=section.number,
        title=section.title,
        heading_path=[source.title],
        doc_type=source.type,
        authority=source.authority,
        document_id=make_document_id(source.id, meta.language, meta.version),
    )


_LIST_ITEM = re.compile(r"^(?:[-*+]\s+|\d+[.)]\s+)")


def _section_text(lines: list[str]) -> str:
    """Paragraphs and list items one per line; wrapped lines joined; Markdown markup removed."""
    blocks: list[str] = []
    joining = False
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("```") or re.fullmatch(r"[-*_]{3,}", line):
            joining = False
            continue
        starts_block = bool(re.match(r"^#{1,6}\s", line) or _LIST_ITEM.match(line) or line.startswith(">"))
        text = _inline(_strip_block_markup(line))
        if joining and not starts_block and blocks:
            blocks[-1] = f"{blocks[-1]} {text}"
        else:
            blocks.append(text)
        joining = not re.match(r"^#{1,6}\s", line)
    return "\n".join(block for block in blocks if block)


def _strip_block_markup(line: str) -> str:
    line = re.sub(r"^#{1,6}\s+", "", line).rstrip("# ").strip() if line.startswith("#") else line
    line = re.sub(r"^>\s?", "", line)
    return re.sub(r"^[-*+]\s+", "", line)


def _inline(text: str) -> str:
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links and images -> their label
    text = re.sub(r"\[([^\]]+)\]\[[^\]]*\]", r"\1", text)  # reference links
    text = re.sub(r"`([^`]*)`", r"\1", text)
    text = re.sub(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])", r"\1", text)
    text = re.sub(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])", r"\1", text)
    return " ".join(text.split())
