"""regelrecht YAML reader (MinBZK/regelrecht-corpus): Dutch law harvested from the BWB into YAML + Markdown.

An entry's `number` mixes article, lid and onderdeel ('2.16.1', '2.1.a', '4:2'); its url anchor
(`#Artikel2.16`, `#Artikel42` for art. 4:2) names the article. Entries that are onderdelen are merged into
their lid's passage; entries holding a whole article are split into leden. Link markup, emphasis and bullets
are Markdown, not law, and are removed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from ingest.errors import InvalidSourceError
from ingest.readers.text import Piece, body, markdown_pieces, outline, strip_markdown
from kb.citations import CitationKey
from kb.passages import Document, Passage, make_document_id
from kb.registry import Registry, Source

_DOC_TYPES = {"WET": "wet", "AMVB": "amvb"}
_BLOCK_HEADER = re.compile(r"^(?P<key>\s*(?:- )?[\w$]+:[ \t]*)(?P<style>[|>])(?P<chomp>[-+]?)[ \t]*$")
_LID = re.compile(r"^(?P<lid>\d+[a-z]?)(?: (?P<text>.*))?$", re.DOTALL)


@dataclass(frozen=True)
class Entry:
    """One item of `articles`, its number split by the url anchor."""

    article: str
    lid: str
    path: tuple[str, ...]
    text: str
    url: str


class RegelrechtReader:
    name = "regelrecht-yaml/1"

    def can_read(self, path: Path, head: bytes) -> bool:
        if path.suffix.lower() not in (".yaml", ".yml") or b"bwb_id:" not in head:
            return False
        return b"articles:" in head or b"\narticles:" in path.read_bytes()

    def read(self, path: Path, registry: Registry) -> Document:
        data = load_yaml(path)
        bwb_id, valid_from = _field(path, data, "bwb_id"), _date_field(path, data, "valid_from")
        title = _title_from_id(str(data.get("$id", ""))) or bwb_id
        doc_type = _DOC_TYPES.get(str(data.get("regulatory_layer", "")).upper(), "wet")
        source = registry.for_bwb_document(bwb_id, title, doc_type)
        entries = [_entry(path, raw) for raw in _articles(path, data)]
        passages = _Passages(source, valid_from).build(entries)
        if not passages:
            raise InvalidSourceError(str(path), "the articles hold no text", "use a complete regelrecht file")
        return Document(
            document_id=make_document_id(source.id, "nl", valid_from), source_id=source.id,
            citation_name=source.name, title=source.title, language="nl", version_date=valid_from,
            doc_type=source.type, path=str(path), reader=self.name, identifiers={"bwb_id": bwb_id},
            url=str(data.get("url", "")), passages=passages,
        )


# ---- YAML -----------------------------------------------------------------------------------------------


def load_yaml(path: Path) -> Mapping[str, object]:
    """Parse as YAML 1.2 with every scalar a string ('4:2' and '2.10' stay as written).

    Block scalars are read literally so line breaks reach the Markdown joiner unfolded. A block whose first
    line is indented deeper than the rest (upstream WGS art. 2.22) gets an explicit indentation indicator
    in an in-memory copy and is parsed again."""
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problem = f"not UTF-8 text ({exc.reason})"
        raise InvalidSourceError(str(path), problem, "save the file as UTF-8") from exc
    if not raw.strip():
        raise InvalidSourceError(str(path), "the file is empty", "download the regelrecht file again")
    text = literal_blocks(raw)
    try:
        data = _parse(text)
    except YAMLError as first:
        try:
            data = _parse(repair_block_indentation(text))
        except YAMLError:
            problem = f"not valid YAML: {' '.join(str(first).split())}"
            raise InvalidSourceError(str(path), problem, "fix the indentation at that line") from first
    if not isinstance(data, dict):
        raise InvalidSourceError(str(path), "the YAML is not a mapping", "give a regelrecht law file")
    return data


def _parse(text: str) -> object:
    return YAML(typ="base", pure=True).load(text)


def literal_blocks(text: str) -> str:
    """'text: >-' -> 'text: |-': keep the hard line breaks, the reader joins them itself."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        match = _BLOCK_HEADER.match(line)
        if match and match.group("style") == ">":
            lines[index] = f"{match.group('key')}|{match.group('chomp')}"
    return "\n".join(lines)


def repair_block_indentation(text: str) -> str:
    """Give an explicit indentation indicator to block scalars whose first line is over-indented."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        match = _BLOCK_HEADER.match(line)
        if not match:
            continue
        key_indent = len(match.group("key")) - len(match.group("key").lstrip(" -"))
        indents = _block_indents(lines, index + 1, key_indent)
        if indents and indents[0] > min(indents):
            indicator = min(indents) - key_indent
            lines[index] = f"{match.group('key')}{match.group('style')}{indicator}{match.group('chomp')}"
    return "\n".join(lines)


def _block_indents(lines: list[str], start: int, key_indent: int) -> list[int]:
    indents: list[int] = []
    for line in lines[start:]:
        indent = len(line) - len(line.lstrip(" "))
        if line.strip() and indent <= key_indent:
            break
        if line.strip():
            indents.append(indent)
    return indents


def _field(path: Path, data: Mapping[str, object], name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        raise InvalidSourceError(str(path), f"no '{name}' field", f"a regelrecht file has {name} at the top")
    return value.strip()


def _date_field(path: Path, data: Mapping[str, object], name: str) -> str:
    value = _field(path, data, name)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise InvalidSourceError(str(path), f"{name} '{value}' is not a date", "write it as YYYY-MM-DD")
    return value


def _articles(path: Path, data: Mapping[str, object]) -> list[Mapping[str, object]]:
    articles = data.get("articles")
    if not isinstance(articles, list) or not articles:
        raise InvalidSourceError(str(path), "no 'articles' list", "give a regelrecht file with articles")
    return [a for a in articles if isinstance(a, dict)]


def _title_from_id(identifier: str) -> str:
    """'wet_politiegegevens' -> 'Wet politiegegevens' (for laws the registry does not know)."""
    words = identifier.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


# ---- numbers ------------------------------------------------------------------------------------------


def _entry(path: Path, raw: Mapping[str, object]) -> Entry:
    number, url = str(raw.get("number", "")).strip(), str(raw.get("url", "")).strip()
    if not number:
        raise InvalidSourceError(str(path), "an article entry has no 'number'", "give every entry its number")
    article, rest = split_number(number, url)
    lid = rest[0] if rest and rest[0].isdigit() else ""
    return Entry(article, lid, tuple(rest[1:] if lid else rest), str(raw.get("text") or ""), url)


def split_number(number: str, url: str) -> tuple[str, list[str]]:
    """('2.16.1', '...#Artikel2.16') -> ('2.16', ['1']); ('4:2', '#Artikel42') -> ('4:2', [])."""
    anchor = url.rsplit("#Artikel", 1)[1] if "#Artikel" in url else ""
    parts = number.split(".")
    for size in range(len(parts), 0, -1):
        candidate = ".".join(parts[:size])
        if anchor and candidate.replace(":", "") == anchor.replace(":", ""):
            return candidate, parts[size:]
    return number, []


# ---- passages -----------------------------------------------------------------------------------------


class _Passages:
    def __init__(self, source: Source, version_date: str) -> None:
        self.source = source
        self.version_date = version_date

    def build(self, entries: list[Entry]) -> list[Passage]:
        by_article: dict[str, list[Entry]] = {}
        for entry in entries:
            by_article.setdefault(entry.article, []).append(entry)
        return [p for article, group in by_article.items() for p in self._article(article, group)]

    def _article(self, article: str, entries: list[Entry]) -> list[Passage]:
        leden: dict[str, list[Piece]] = {}
        for entry in entries:
            pieces = markdown_pieces(strip_markdown(entry.text))
            if entry.lid or entry.path:
                leden.setdefault(entry.lid, []).extend(_as_item(pieces, entry.path))
                continue
            for lid, lid_pieces in split_leden(pieces):
                leden.setdefault(lid, []).extend(lid_pieces)
        url = entries[0].url
        return [p for lid, pieces in leden.items() if (p := self._passage(article, lid, pieces, url))]

    def _passage(self, article: str, lid: str, pieces: list[Piece], url: str) -> Passage | None:
        text, subs = body(outline(pieces))
        if not text:
            return None
        return Passage(
            key=str(CitationKey(self.source.name, article, lid)), source_id=self.source.id,
            citation_name=self.source.name, language="nl", version_date=self.version_date, text=text,
            article=article, lid=lid, subs=subs, url=url, doc_type=self.source.type,
            authority=self.source.authority,
            document_id=make_document_id(self.source.id, "nl", self.version_date),
        )


def _as_item(pieces: list[Piece], path: tuple[str, ...]) -> list[Piece]:
    """An onderdeel entry ('2.1.a', '2.22.1.a.1'): its first paragraph becomes the labelled item."""
    if not path:
        return pieces
    label = path[-1]
    if label.isdigit() and len(path) > 1:
        label += "°"  # onderdelen of an onderdeel: 'a.1' is written '1°.' in the law
    if pieces and pieces[0].kind == "para":
        return [Piece("item", pieces[0].text, label), *pieces[1:]]
    return [Piece("item", "", label), *pieces]


def split_leden(pieces: list[Piece]) -> list[tuple[str, list[Piece]]]:
    """Split a whole article at its lid numbers ('1 De ...', '2 ...'); no '1 ' first means no leden."""
    groups: list[tuple[str, list[Piece]]] = [("", [])]
    previous = ""
    for piece in pieces:
        match = _LID.match(piece.text) if piece.kind == "para" else None
        if match and _next_lid(previous, match.group("lid")) and (previous or not groups[0][1]):
            groups.append((match.group("lid"), [Piece("para", match.group("text") or "")]))
            previous = match.group("lid")
        else:
            groups[-1][1].append(piece)
    return [(lid, group) for lid, group in groups if group]


def _next_lid(previous: str, lid: str) -> bool:
    """'1' opens the leden; then a higher number (a repealed lid may be skipped) or '2a' after '2'."""
    if not previous:
        return lid == "1"
    last, number = int(re.sub(r"\D", "", previous)), int(re.sub(r"\D", "", lid))
    return last < number <= last + 3 or (number == last and not lid.isdigit() and lid > previous)
