"""Shared text helpers for the legal-text readers: normalise whitespace, model a provision as paragraphs and
labelled items, and render it into the exact passage text plus its `subs` (label -> item text).

A provision's text is one line per paragraph or list item ("\\n" between them, never blank lines); an item's
line starts with its label as the source writes it ("a)", "b.", "3°."), so a quote of an item is a substring.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from ingest.errors import InvalidSourceError

_LABEL_PUNCTUATION = re.compile(r"^[(\[]+|[.)\]:]+$")


@dataclass
class Item:
    """A labelled list item (onderdeel / point). An empty label is an unlabelled bullet."""

    label: str
    blocks: list[Block] = field(default_factory=list)


Block = str | Item


def clean(text: str) -> str:
    """Collapse every run of whitespace (non-breaking spaces included) into one space."""
    return " ".join(text.split())


def label_key(label: str) -> str:
    """'a)' -> 'a', 'b.' -> 'b', '3°.' -> '3°', '(12)' -> '12'."""
    return _LABEL_PUNCTUATION.sub("", clean(label))


def render(blocks: Sequence[Block]) -> str:
    """The exact text of a sequence of blocks: one line per paragraph or item, empty ones dropped."""
    lines = [render_item(b) if isinstance(b, Item) else clean(b) for b in blocks]
    return "\n".join(line for line in lines if line)


def render_item(item: Item) -> str:
    body = render(item.blocks)
    return f"{clean(item.label)} {body}".strip()


def collect_subs(blocks: Sequence[Block], prefix: str = "") -> dict[str, str]:
    """Every labelled item, nested ones as 'b 3°', mapped to its text without the label."""
    subs: dict[str, str] = {}
    for block in blocks:
        if not isinstance(block, Item):
            continue
        key = label_key(block.label)
        if not any(char.isalnum() for char in key):  # unlabelled, or a bullet such as '–'
            for sub_name, sub_text in collect_subs(block.blocks, prefix).items():
                subs.setdefault(sub_name, sub_text)
            continue
        name = f"{prefix} {key}".strip()
        text = render(block.blocks)
        if text:
            subs.setdefault(name, text)
        for sub_name, sub_text in collect_subs(block.blocks, name).items():
            subs.setdefault(sub_name, sub_text)
    return subs


def body(blocks: Sequence[Block]) -> tuple[str, dict[str, str]]:
    """Text and subs of one passage."""
    return render(blocks), collect_subs(blocks)


def iso_date(compact: str) -> str:
    """'20180523' -> '2018-05-23'; an ISO date passes unchanged."""
    value = compact.strip()
    if re.fullmatch(r"\d{8}", value):
        return f"{value[:4]}-{value[4:6]}-{value[6:]}"
    return value


def parse_xml(path: Path) -> Element:
    """Parse with defusedxml: entity expansion and external entities are refused, not expanded."""
    data = path.read_bytes()
    if not data.strip():
        raise InvalidSourceError(str(path), "the file is empty", "download or export it again")
    try:
        root: Element = ElementTree.fromstring(data)
        return root
    except DefusedXmlException as exc:
        raise InvalidSourceError(
            str(path), f"the XML declares entities or a DTD ({type(exc).__name__})", "use the official file"
        ) from exc
    except ElementTree.ParseError as exc:
        raise InvalidSourceError(str(path), f"malformed XML: {exc}", "download the file again") from exc


_PROLOG = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>|\s)*", re.DOTALL)
_TAG = re.compile(rb"<([A-Za-z_][\w.:-]*)")


def root_tag(head: bytes) -> str:
    """The name of the root element from the first bytes of an XML file ('' if it does not look like XML)."""
    head = head.removeprefix(b"\xef\xbb\xbf")
    match = _TAG.match(head, _PROLOG.match(head).end())  # type: ignore[union-attr]
    return match.group(1).decode("ascii", "replace") if match else ""


# ---- Markdown text (regelrecht YAML) ---------------------------------------------------------------------

_LINK = re.compile(r"\[([^\]]*)\]\[[^\]]*\]")
_INLINE_LINK = re.compile(r"\[([^\]]*)\]\s*\([^)\s]*\)")  # [x](url), [x](CELEX), [x](onbekend)
_LINK_DEFINITION = re.compile(r"^[ \t]*\[[^\]\n]+\]:[ \t]*\S+[ \t]*$", re.MULTILINE)
_EMPHASIS = re.compile(r"\*{1,2}([^*]+?)\*{1,2}")
_PLACEHOLDER = re.compile(r"__REF(\d+)_+(?:[ \t]*\n[ \t]*_+)*")
_INLINE_BULLET = re.compile(r":[ \t]+- (?=\S)")
_SUSPENDED_HYPHEN_NEXT = re.compile(
    r"^(?:en|of|dan|tot|noch|c\.q\.|respectievelijk|onderscheidenlijk|alsmede)\b"
)
_ITEM_LINE = re.compile(r"^(?P<label>[a-z]{1,2}|\d+°|\d+)\.(?:\s+(?P<text>.*))?$", re.DOTALL)


@dataclass
class Piece:
    """One logical line of a provision: a paragraph, an item labelled 'a', '1°' or '1', or a bullet."""

    kind: str
    text: str
    label: str = ""


def strip_markdown(text: str) -> str:
    """Remove link markup and definitions, emphasis, and shorten `__REF00n___` harvester placeholders."""
    text = _LINK_DEFINITION.sub("", text)
    text = _INLINE_LINK.sub(r"\1", _LINK.sub(r"\1", text))
    text = _EMPHASIS.sub(r"\1", text)
    text = _PLACEHOLDER.sub(lambda match: f"__REF{match.group(1)}__", text)
    return _INLINE_BULLET.sub(":\n- ", text)


def markdown_pieces(text: str) -> list[Piece]:
    """Paragraphs (blank-line separated, hard wraps re-joined), '- ' bullets and 'a.' / '1°.' items."""
    pieces: list[Piece] = []
    new_paragraph = True
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            new_paragraph = True
            continue
        if line == "-" or line.startswith("- "):
            pieces.append(Piece("bullet", line[2:]))
        elif new_paragraph or not pieces:
            pieces.append(_paragraph(line))
        else:
            pieces[-1].text = join_wrapped(pieces[-1].text, line)
        new_paragraph = False
    return pieces


def _paragraph(line: str) -> Piece:
    match = _ITEM_LINE.match(line)
    if match:
        return Piece("item", match.group("text") or "", match.group("label"))
    return Piece("para", line)


def join_wrapped(line: str, continuation: str) -> str:
    """Re-join a hard-wrapped line: 'procureurs-' + 'generaal' is one word, 'Informatie-' + 'en' is two."""
    if re.search(r"[^\W_]-$", line) and not _SUSPENDED_HYPHEN_NEXT.match(continuation):
        return line + continuation
    return f"{line} {continuation}"


def outline(pieces: Sequence[Piece]) -> list[Block]:
    """Nest items by kind: letters, then '1°' (or numbers in a letter), then bullets; paragraphs end lists."""
    builder = _Outline()
    for piece in pieces:
        builder.add(piece)
    return builder.root


class _Outline:
    def __init__(self) -> None:
        self.root: list[Block] = []
        self.stack: list[tuple[int, Item]] = []

    def add(self, piece: Piece | None) -> None:
        while piece is not None:
            if piece.kind == "para":
                self.stack.clear()
                self.root.append(piece.text)
                return
            item = self._place(piece)
            piece = self._split_off(item, piece)

    def _place(self, piece: Piece) -> Item:
        level = self._level(piece)
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        item = Item(f"{piece.label}." if piece.label else "", [piece.text] if piece.text else [])
        (self.stack[-1][1].blocks if self.stack else self.root).append(item)
        self.stack.append((level, item))
        return item

    def _level(self, piece: Piece) -> int:
        if piece.kind == "bullet":
            return 3
        if piece.label.endswith("°") or (piece.label.isdigit() and self._open(1)):
            return 2
        return 1

    def _open(self, level: int) -> Item | None:
        return next((item for lvl, item in reversed(self.stack) if lvl == level), None)

    def _split_off(self, item: Item, piece: Piece) -> Piece | None:
        """Items the source ran together ('...verstrekt. b. ten aanzien van ...: 1°. dezelfde ...')."""
        matches = (re.search(pattern, piece.text) for pattern in self._expected_patterns())
        found = min((m for m in matches if m), key=lambda m: m.start(), default=None)
        if found is None:
            return None
        item.blocks[0] = piece.text[: found.start()]
        return Piece("item", piece.text[found.end():], found.group("label"))

    def _expected_patterns(self) -> list[str]:
        """The next label in sequence after ';', ':' or '.'; a first 'a.' only right after a colon."""
        letter, ordinal = self._open(1), self._open(2)
        if letter is None:
            return [r"(?<=:)\s+(?P<label>a)\.\s+"]
        if not re.fullmatch(r"[a-z]{1,2}\.", letter.label):
            return []
        labels = [_next_letter(letter.label[:-1]), _next_ordinal(ordinal.label[:-1]) if ordinal else "1°"]
        return [rf"(?<=[;:.])\s+(?P<label>{re.escape(label)})\.\s+" for label in labels if label]


def _next_letter(letter: str) -> str:
    """'a' -> 'b', 'z' -> 'aa', 'ab' -> 'ac' (Dutch onderdelen run on as aa, ab, ...)."""
    if letter[-1] != "z":
        return letter[:-1] + chr(ord(letter[-1]) + 1)
    return "aa" if len(letter) == 1 else ""


def _next_ordinal(ordinal: str) -> str:
    digits = ordinal.rstrip("°")
    return f"{int(digits) + 1}°" if digits.isdigit() and ordinal.endswith("°") else ""
