"""Formex 4 reader (EU Publications Office XML): the GDPR as published (ACT) or consolidated (CONS.ACT).

One passage per numbered paragraph (`AVG art. 6 lid 1`), per article without paragraphs (`AVG art. 4`, its
points in `subs`) and per recital (`AVG overweging 43`). Footnotes are dropped; quotation marks come from the
QUOT.START/QUOT.END codes; everything else is the text as written.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree.ElementTree import Element

from ingest.errors import InvalidSourceError, NotASourceFile
from ingest.readers.text import Block, Item, body, clean, iso_date, parse_xml, root_tag
from kb.citations import CitationKey
from kb.passages import Document, Passage, make_document_id
from kb.registry import Registry, Source

_ACT_ROOTS = {"ACT", "CONS.ACT"}
_NOT_LAW_ROOTS = {
    "DOC": "a Formex document descriptor (metadata only)",
    "CORR": "a corrigendum: it lists corrections, the corrected text is in the consolidated act",
}
_SKIPPED = {"NOTE", "NO.P", "NO.PARAG", "TI.ART", "STI.ART", "PREFIX"}
_INLINE = {"HT", "DATE", "FT", "QUOT.START", "QUOT.END", "REF.DOC.OJ", "NOTE", "TERM", "IE", "SUP", "INF"}
_FORMEX_SCHEMA = re.compile(rb"formex\.publications\.europa\.eu|formex-\d", re.IGNORECASE)
_EURLEX = "https://eur-lex.europa.eu/legal-content/{lang}/TXT/HTML/?uri=CELEX:{celex}"


class FormexReader:
    name = "formex/1"

    def can_read(self, path: Path, head: bytes) -> bool:
        if path.suffix.lower() != ".xml":
            return False
        tag = root_tag(head)
        return tag in _ACT_ROOTS or (tag in _NOT_LAW_ROOTS and _FORMEX_SCHEMA.search(head) is not None)

    def read(self, path: Path, registry: Registry) -> Document:
        root = parse_xml(path)
        if root.tag in _NOT_LAW_ROOTS:
            raise NotASourceFile(str(path), _NOT_LAW_ROOTS[root.tag])
        if root.tag not in _ACT_ROOTS:
            raise InvalidSourceError(str(path), f"root element <{root.tag}> is not a Formex act",
                                     "give the act file (root ACT or CONS.ACT)")
        return _ActReading(path, root, registry).document()


class _ActReading:
    """One pass over one act file."""

    def __init__(self, path: Path, root: Element, registry: Registry) -> None:
        self.path = path
        self.root = root
        self.language = _language(path, root)
        self.celex = _celex(path, root, registry)
        self.source = _source(path, registry, self.celex)
        self.version_date = _version_date(path, root)
        self.base_url = _EURLEX.format(lang=self.language.upper(), celex=self.celex)

    def document(self) -> Document:
        passages = [*self._recitals(), *self._articles()]
        if not passages:
            raise InvalidSourceError(str(self.path), "no articles or recitals found", "is this the full act?")
        return Document(
            document_id=self._document_id(), source_id=self.source.id, citation_name=self.source.name,
            title=_title(self.root) or self.source.title, language=self.language,
            version_date=self.version_date, doc_type=self.source.type, path=str(self.path),
            reader=FormexReader.name, url=self.base_url, passages=passages,
            identifiers={k: v for k, v in (("celex", self.celex), ("eli", self.source.eli)) if v},
        )

    def _document_id(self) -> str:
        return make_document_id(self.source.id, self.language, self.version_date)

    def _passage(self, key: CitationKey, blocks: list[Block], anchor: str, **fields: object) -> Passage:
        text, subs = body(blocks)
        return Passage(
            key=str(key), source_id=self.source.id, citation_name=self.source.name, language=self.language,
            version_date=self.version_date, text=text, subs=subs, url=f"{self.base_url}#{anchor}",
            doc_type=self.source.type, authority=self.source.authority, document_id=self._document_id(),
            **fields,
        )

    def _recitals(self) -> list[Passage]:
        passages = []
        for consid in self.root.iter("CONSID"):
            number = _recital_number(consid)
            numbered = consid.findall("NP")
            blocks = [b for n in numbered for b in content_blocks(n)] if numbered else content_blocks(consid)
            if number and blocks:
                key = CitationKey(self.source.name, recital=number)
                passages.append(self._passage(key, blocks, f"rct_{number}", recital=number))
        return passages

    def _articles(self) -> list[Passage]:
        passages: list[Passage] = []
        for article, headings in _articles_with_headings(self.root, []):
            passages.extend(self._article(article, headings))
        return passages

    def _article(self, article: Element, headings: list[str]) -> list[Passage]:
        number = _article_number(self.path, article)
        fields = {"article": number, "title": _text(article.find("STI.ART")),
                  "heading_path": headings}
        paragraphs = article.findall("PARAG")
        if not paragraphs:
            key = CitationKey(self.source.name, number)
            return [self._passage(key, content_blocks(article), f"art_{number}", **fields)]
        passages = []
        for parag in paragraphs:
            lid = re.sub(r"\D", "", parag.findtext("NO.PARAG", ""))
            key = CitationKey(self.source.name, number, lid)
            passages.append(self._passage(key, content_blocks(parag), f"art_{number}", lid=lid, **fields))
        return passages


# ---- document facts ------------------------------------------------------------------------------------


def _language(path: Path, root: Element) -> str:
    code = root.findtext(".//LG.DOC") or root.findtext(".//LG.OJ")
    if not code:
        raise InvalidSourceError(str(path), "no LG.DOC or LG.OJ element: the language is unknown",
                                 "use the complete Formex file")
    return clean(code).lower()


def _celex(path: Path, root: Element, registry: Registry) -> str:
    """The act's own CELEX: NO.CELEX (consolidated) or built from NO.DOC (as published)."""
    for element in root.iter("NO.CELEX"):
        if element.text and registry.by_celex(clean(element.text)):
            return clean(element.text)
    year, number = root.findtext(".//NO.DOC/YEAR"), root.findtext(".//NO.DOC/NO.CURRENT")
    if year and number and number.strip().isdigit():
        for kind in "RLD":
            celex = f"3{clean(year)}{kind}{int(number):04d}"
            if registry.by_celex(celex):
                return celex
    found = root.findtext(".//NO.CELEX") or f"{year}/{number}"
    raise InvalidSourceError(str(path), f"the act {found} is not in the source registry",
                             "add it with its CELEX number to kb/sources.toml")


def _source(path: Path, registry: Registry, celex: str) -> Source:
    source = registry.by_celex(celex)
    if source is None:  # _celex only returns registered numbers
        raise InvalidSourceError(str(path), f"CELEX {celex} is not registered", "add it to kb/sources.toml")
    return source


def _version_date(path: Path, root: Element) -> str:
    """Consolidation date for CONS.ACT; for an ACT the Official Journal date from its descriptor."""
    consleg = root.find("INFO.CONSLEG")
    if consleg is not None and consleg.get("CONSLEG.DATE"):
        return iso_date(consleg.get("CONSLEG.DATE", ""))
    published = _publication_date(path, root)
    if published:
        return published
    date = root.find("BIB.INSTANCE/DATE")
    if date is None or not date.get("ISO"):
        raise InvalidSourceError(str(path), "no consolidation, publication or adoption date found",
                                 "use the complete Formex file")
    return iso_date(date.get("ISO", ""))


def _publication_date(path: Path, root: Element) -> str:
    """The OJ date sits in the descriptor (`*.doc.xml`) the act names in DOCUMENT.REF/@FILE."""
    ref = root.find("BIB.INSTANCE/DOCUMENT.REF")
    name = ref.get("FILE", "") if ref is not None else ""
    descriptor = path.with_name(Path(name).name) if name else None
    if descriptor is None or not descriptor.is_file():
        return ""
    date = parse_xml(descriptor).find("PUBLICATION.REF/DATE")
    return iso_date(date.get("ISO", "")) if date is not None else ""


def _title(root: Element) -> str:
    title = root.find("TITLE/TI")
    if title is None:
        title = root.find("CONS.DOC/TITLE/TI")
    return clean(" ".join(_text(p) for p in title.iter("P"))) if title is not None else ""


# ---- structure ----------------------------------------------------------------------------------------


def _articles_with_headings(element: Element, headings: list[str]) -> list[tuple[Element, list[str]]]:
    found: list[tuple[Element, list[str]]] = []
    for child in element:
        if child.tag == "ARTICLE":
            found.append((child, headings))
        elif child.tag == "DIVISION":
            found.extend(_articles_with_headings(child, [*headings, _division_heading(child)]))
        elif child.tag in ("ENACTING.TERMS", "CONS.DOC"):
            found.extend(_articles_with_headings(child, headings))
    return found


def _division_heading(division: Element) -> str:
    """'HOOFDSTUK II' + 'Beginselen' -> 'Hoofdstuk II Beginselen'."""
    label = _text(division.find("TITLE/TI"))
    words = label.split(" ", 1)
    if words[0].isupper():
        words[0] = words[0].capitalize()
    subtitle = _text(division.find("TITLE/STI"))
    return clean(f"{' '.join(words)} {subtitle}")


def _article_number(path: Path, article: Element) -> str:
    match = re.search(r"(\d+[a-z]*)\s*$", clean(article.findtext("TI.ART", "")))
    if match:
        return match.group(1)
    identifier = article.get("IDENTIFIER", "").lstrip("0")
    if not identifier:
        raise InvalidSourceError(str(path), "an ARTICLE has neither a TI.ART number nor an IDENTIFIER",
                                 "check the file is complete")
    return identifier


def _recital_number(consid: Element) -> str:
    return re.sub(r"\D", "", consid.findtext(".//NO.P", ""))


# ---- text ---------------------------------------------------------------------------------------------


def content_blocks(element: Element) -> list[Block]:
    """The paragraphs and list items of an element, labels (NO.P, NO.PARAG) and footnotes left out."""
    blocks: list[Block] = []
    buffer = [element.text or ""]
    for child in element:
        if child.tag in _INLINE:
            buffer.extend(_inline_text(child))
        elif child.tag in _SKIPPED:
            pass
        else:
            _flush(buffer, blocks)
            blocks.extend(_child_blocks(child))
        buffer.append(child.tail or "")
    _flush(buffer, blocks)
    return blocks


def _flush(buffer: list[str], blocks: list[Block]) -> None:
    text = clean("".join(buffer))
    if text:
        blocks.append(text)
    buffer.clear()


def _child_blocks(child: Element) -> list[Block]:
    if child.tag == "LIST":
        return [_item(item) for item in child.findall("ITEM")]
    if child.tag == "DLIST":
        return [_definition(item, child.get("SEPARATOR", ":")) for item in child.findall("DLIST.ITEM")]
    if child.tag == "NP":
        return [Item(child.findtext("NO.P", ""), content_blocks(child))]
    return content_blocks(child)


def _item(item: Element) -> Item:
    parts = list(item)
    if len(parts) == 1 and parts[0].tag == "NP":
        return Item(parts[0].findtext("NO.P", ""), content_blocks(parts[0]))
    return Item("", content_blocks(item))


def _definition(item: Element, separator: str) -> Item:
    """PREFIX '1)', TERM '„persoonsgegevens”', ':' and DEFINITION -> '1) „persoonsgegevens”: alle ...'."""
    term = _text(item.find("TERM")) + separator
    definition = item.find("DEFINITION")
    blocks = content_blocks(definition) if definition is not None else []
    if blocks and isinstance(blocks[0], str):
        blocks[0] = f"{term} {blocks[0]}"
    else:
        blocks.insert(0, term)
    return Item(item.findtext("PREFIX", ""), blocks)


def _inline_text(element: Element | None) -> list[str]:
    """Text of an inline element without its tail: quotes from their codes, numbers grouped, notes dropped."""
    if element is None or element.tag in _SKIPPED:
        return []
    return _inner_text(element)


def _inner_text(element: Element) -> list[str]:
    if element.tag in ("QUOT.START", "QUOT.END"):
        return [chr(int(element.get("CODE", "22"), 16))]
    if element.tag == "FT" and element.get("TYPE") == "NUMBER":
        return [_group_digits(element.text or "")]
    parts = [element.text or ""]
    for child in element:
        parts.extend(_inline_text(child))
        parts.append(child.tail or "")
    return parts


def _text(element: Element | None) -> str:
    return clean("".join(_inner_text(element))) if element is not None else ""


def _group_digits(number: str) -> str:
    """The Official Journal prints 10000000 as '10 000 000'."""
    digits = clean(number)
    if not digits.isdigit():
        return digits
    groups: list[str] = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    return " ".join(groups)
