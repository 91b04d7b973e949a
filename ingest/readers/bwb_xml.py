"""BWB "toestand" XML reader: the official consolidated Dutch law as wetten.overheid.nl publishes it.

One passage per lid (`Jeugdwet art. 7.3.11 lid 4`), or per article without leden. Repealed articles are
skipped, articles not yet in force are kept with status 'nogniet'. Editorial parts (meta-data, redactie,
opmerkingen-inhoud) are left out; inline elements (intref, extref, nadruk) are joined without added spaces.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from xml.etree.ElementTree import Element

from ingest.errors import InvalidSourceError
from ingest.readers.text import Block, Item, body, clean, parse_xml, root_tag
from kb.citations import CitationKey, parse_key
from kb.errors import CitationKeyError
from kb.passages import Document, Passage, make_document_id
from kb.registry import Registry, Source

_EDITORIAL = {"meta-data", "redactie", "opmerkingen-inhoud", "kop", "lidnr", "li.nr", "noot", "aanhef"}
_BLOCKS = {"al", "lijst", "li", "lid", "al-groep", "tussenkop"}
_DOC_TYPES = {"wet": "wet", "rijkswet": "wet", "amvb": "amvb", "rijksamvb": "amvb"}
_SITE = "https://wetten.overheid.nl"


class BwbXmlReader:
    name = "bwb-xml/1"

    def can_read(self, path: Path, head: bytes) -> bool:
        return path.suffix.lower() == ".xml" and root_tag(head) == "toestand"

    def read(self, path: Path, registry: Registry) -> Document:
        root = parse_xml(path)
        if root.tag != "toestand":
            raise InvalidSourceError(str(path), f"root element <{root.tag}> is not <toestand>",
                                     "give a BWB toestand XML file from wetten.overheid.nl")
        return _ToestandReading(path, root, registry).document()


class _ToestandReading:
    def __init__(self, path: Path, root: Element, registry: Registry) -> None:
        self.path = path
        self.bwb_id = _required(path, root, "bwb-id")
        self.version_date = _required(path, root, "inwerkingtreding")
        wetgeving = root.find("wetgeving")
        if wetgeving is None:
            raise InvalidSourceError(str(path), "no <wetgeving> element", "use the complete toestand file")
        self.wetgeving = wetgeving
        self.citeertitel = _text(wetgeving.find("citeertitel")) or _text(wetgeving.find("intitule"))
        doc_type = _DOC_TYPES.get(wetgeving.get("soort", "wet").casefold(), "wet")
        self.source: Source = registry.for_bwb_document(self.bwb_id, self.citeertitel, doc_type)
        self.document_id = make_document_id(self.source.id, "nl", self.version_date)
        self.base_url = f"{_SITE}/{self.bwb_id}/{self.version_date}"

    def document(self) -> Document:
        found = _articles(self.wetgeving, [])
        passages = [passage for article, headings in found for passage in self._article(article, headings)]
        if not passages:
            raise InvalidSourceError(str(self.path), "no articles in force", "check the file is complete")
        return Document(
            document_id=self.document_id, source_id=self.source.id, citation_name=self.source.name,
            title=self.citeertitel or self.source.title, language="nl", version_date=self.version_date,
            doc_type=self.source.type, path=str(self.path), reader=BwbXmlReader.name,
            identifiers={"bwb_id": self.bwb_id}, url=self.base_url, passages=passages,
        )

    def _article(self, article: Element, headings: list[str]) -> list[Passage]:
        status = article.get("status", "goed")
        number = clean(article.findtext("kop/nr", ""))
        if status == "vervallen" or not _citable(self.source.name, number):
            return []
        anchor = article.get("bwb-ng-variabel-deel", "").lstrip("/").replace("/", "_")
        fields: dict[str, object] = {
            "article": number, "title": _text(article.find("kop/titel")), "heading_path": headings,
            "status": status, "url": f"{self.base_url}#{anchor}" if anchor else self.base_url,
        }
        leden = [lid for lid in article.findall("lid") if lid.get("status") != "vervallen"]
        if leden:
            passages = [self._lid(number, lid, fields) for lid in leden]
        else:
            jci = _jci(article, self.bwb_id, number)
            passages = [self._passage(number, "", blocks(article), jci, fields)]
        return [passage for passage in passages if passage.text]  # e.g. only a 'nog niet in werking' note

    def _lid(self, number: str, lid: Element, fields: Mapping[str, object]) -> Passage:
        lid_nr = re.sub(r"[.\s]", "", lid.findtext("lidnr", ""))
        return self._passage(number, lid_nr, blocks(lid), _jci(lid, self.bwb_id, number, lid_nr), fields)

    def _passage(
        self, number: str, lid: str, content: list[Block], jci: str, fields: Mapping[str, object]
    ) -> Passage:
        text, subs = body(content)
        return Passage(
            key=str(CitationKey(self.source.name, number, lid)), source_id=self.source.id,
            citation_name=self.source.name, language="nl", version_date=self.version_date, text=text,
            lid=lid, subs=subs, jci=jci, doc_type=self.source.type, authority=self.source.authority,
            document_id=self.document_id, **fields,
        )


def _required(path: Path, root: Element, attribute: str) -> str:
    value = clean(root.get(attribute, ""))
    if not value:
        raise InvalidSourceError(str(path), f"<toestand> has no {attribute} attribute",
                                 "use the toestand file as downloaded from the BWB repository")
    return value


def _citable(source_name: str, number: str) -> bool:
    """Articles without a number, or numbered so the key grammar cannot say it, are left out."""
    if not number:
        return False
    try:
        return parse_key(str(CitationKey(source_name, number))).article == number
    except CitationKeyError:
        return False


def _articles(element: Element, headings: list[str]) -> list[tuple[Element, list[str]]]:
    """Every artikel below `element`, with the headings of the containers (hoofdstuk ...) above it."""
    found: list[tuple[Element, list[str]]] = []
    for child in element:
        if child.tag == "artikel":
            found.append((child, headings))
        elif child.tag not in _EDITORIAL and child.get("status") != "vervallen":
            heading = _heading(child)
            found.extend(_articles(child, [*headings, heading] if heading else headings))
    return found


def _heading(container: Element) -> str:
    """'Hoofdstuk' + '7' + 'Gegevensverwerking' -> 'Hoofdstuk 7 Gegevensverwerking'."""
    kop = container.find("kop")
    if kop is None:
        return ""
    return clean(" ".join(_text(kop.find(part)) for part in ("label", "nr", "titel")))


def _jci(element: Element, bwb_id: str, article: str, lid: str = "") -> str:
    """The jci 1.3 id from the element's own meta-data, else one built from the numbers."""
    for jci in element.findall("meta-data/jcis/jci"):
        if jci.get("versie") == "1.3" and jci.get("verwijzing"):
            return jci.get("verwijzing", "")
    built = f"jci1.3:c:{bwb_id}&artikel={article}"
    return f"{built}&lid={lid}" if lid else built


# ---- text ---------------------------------------------------------------------------------------------


def blocks(element: Element) -> list[Block]:
    """Paragraphs (al) and list items (lijst/li) of an artikel, lid or li, in document order."""
    found: list[Block] = []
    for child in element:
        if child.tag in _EDITORIAL:
            continue
        if child.tag == "lijst":
            found.extend(_item(li) for li in child.findall("li"))
        elif any(grandchild.tag in _BLOCKS for grandchild in child):
            found.extend(blocks(child))
        else:
            found.append(_text(child))
    return [b for b in found if b]


def _item(li: Element) -> Item:
    return Item(clean(li.findtext("li.nr", "")), blocks(li))


def _text(element: Element | None) -> str:
    """Inline text of an element: child elements' text joined as is, editorial parts left out."""
    return clean(_raw_text(element)) if element is not None else ""


def _raw_text(element: Element) -> str:
    parts = [element.text or ""]
    for child in element:
        if child.tag not in _EDITORIAL:
            parts.append(_raw_text(child))
        parts.append(child.tail or "")
    return "".join(parts)
