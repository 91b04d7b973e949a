"""Dutch law from the BWB: find the version in force (SRU search, else the repository manifest) and download
its toestand XML into `<dest>/nl-bwb-xml/<BWB id>/<valid from>/toestand.xml`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from ingest.sync_base import Fetcher, SourceProblem, SyncedFile, is_present, write_atomic
from kb.registry import Source
from kb.settings import IngestSettings

DCTERMS = "http://purl.org/dc/terms/"
OVERHEIDBWB = "http://standaarden.overheid.nl/bwb/terms/"
SRU_DIAGNOSTIC = "http://docs.oasis-open.org/ns/search-ws/diagnostic"
PAGE_SIZE = 50
MAX_PAGES = 40
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: a toestand's path in the repository: <BWB>/<date>_<n>/xml/<file>.xml
_REPO_PATH = re.compile(r"^(?P<bwb>BWB[RV]\d{7})/(?P<date>\d{4}-\d{2}-\d{2})_(?P<n>\d+)/xml/[\w.-]+\.xml$")


@dataclass(frozen=True)
class Toestand:
    """One consolidated version (toestand) of one regulation."""

    bwb_id: str
    start: str  #: geldigheidsperiode_startdatum: valid from
    url: str
    end: str = ""  #: geldigheidsperiode_einddatum ('' or 9999-12-31: open)
    seen_from: str = ""  #: zichtperiode_startdatum: when the BWB published this reading
    seen_until: str = ""
    number: int = 0  #: the `_n` of `<date>_<n>`: later corrections of the same date count up
    title: str = ""


def sync_bwb(fetcher: Fetcher, settings: IngestSettings, source: Source, dest_dir: Path,
             today: str) -> SyncedFile:
    """Download the toestand in force `today`, unless that version is already in `dest_dir`."""
    versions = find_versions(fetcher, settings, source.bwb_id)
    chosen = choose_in_force(versions, today, source.bwb_id)
    target = toestand_path(dest_dir, source.bwb_id, chosen.start)
    if is_present(target):
        return SyncedFile(source.id, target, chosen.start, chosen.url, "present")
    reply = fetcher.get_ok(chosen.url)
    valid_from = check_toestand(reply.content, source.bwb_id, reply.url)
    target = toestand_path(dest_dir, source.bwb_id, valid_from)
    write_atomic(target, reply.content)
    return SyncedFile(source.id, target, valid_from, reply.url, "fetched")


def toestand_path(dest_dir: Path, bwb_id: str, valid_from: str) -> Path:
    return dest_dir / "nl-bwb-xml" / bwb_id / valid_from / "toestand.xml"


def find_versions(fetcher: Fetcher, settings: IngestSettings, bwb_id: str) -> list[Toestand]:
    """The SRU search first; when it fails or finds nothing, the repository manifest."""
    try:
        versions = search_versions(fetcher, settings, bwb_id)
        if versions:
            return versions
        search_problem = f"the search service found no version of {bwb_id}"
    except SourceProblem as exc:
        search_problem = str(exc)
    try:
        return manifest_versions(fetcher, settings.bwb_repository_url, bwb_id)
    except SourceProblem as exc:
        raise type(exc)(f"{search_problem}; fallback: {exc}") from exc


# --- SRU search -------------------------------------------------------------------------------------------


def search_versions(fetcher: Fetcher, settings: IngestSettings, bwb_id: str) -> list[Toestand]:
    versions: list[Toestand] = []
    start = 1
    for _ in range(MAX_PAGES):
        page, total, next_start = _search_page(fetcher, settings, bwb_id, start)
        versions += page
        if not page or next_start is None or next_start <= start or len(versions) >= total:
            break
        start = next_start
    return [v for v in versions if v.bwb_id == bwb_id]


def _search_page(fetcher: Fetcher, settings: IngestSettings, bwb_id: str,
                 start: int) -> tuple[list[Toestand], int, int | None]:
    params = {"operation": "searchRetrieve", "version": "2.0", "x-connection": "BWB",
              "query": f"dcterms.identifier=={bwb_id}", "startRecord": str(start),
              "maximumRecords": str(PAGE_SIZE)}
    reply = fetcher.get(settings.bwb_sru_url, params=params)
    # Known quirk: some answers come with HTTP 406 and a valid body, so the status is not trusted.
    root = _parse(reply.content, f"{reply.url} answered HTTP {reply.status} without a search result")
    diagnostic = root.find(f".//{{{SRU_DIAGNOSTIC}}}message")
    if diagnostic is not None:
        raise SourceProblem(f"{reply.url}: the search service said {(diagnostic.text or '').strip()!r}")
    records = [_record(gzd, settings.bwb_repository_url) for gzd in root.iter() if _local(gzd.tag) == "gzd"]
    total = int(_text_by_local_name(root, "numberOfRecords") or len(records))
    next_text = _text_by_local_name(root, "nextRecordPosition")
    return [r for r in records if r is not None], total, int(next_text) if next_text.isdigit() else None


def _record(gzd: Element, repository: str) -> Toestand | None:
    def text(namespace: str, name: str) -> str:
        found = gzd.find(f".//{{{namespace}}}{name}")
        return (found.text or "").strip() if found is not None else ""

    bwb_id = text(DCTERMS, "identifier")
    located = _repository_path(text(OVERHEIDBWB, "locatie_toestand"))
    if not (bwb_id and located):
        return None
    start = text(OVERHEIDBWB, "geldigheidsperiode_startdatum")
    start = start if _DATE.match(start) else located["date"]  # the toestand is named after its start
    return Toestand(bwb_id, start, f"{repository.rstrip('/')}/{located[0]}",
                    end=text(OVERHEIDBWB, "geldigheidsperiode_einddatum"),
                    seen_from=text(OVERHEIDBWB, "zichtperiode_startdatum"),
                    seen_until=text(OVERHEIDBWB, "zichtperiode_einddatum"),
                    number=int(located["n"]), title=text(DCTERMS, "title"))


def _repository_path(url: str) -> re.Match[str] | None:
    """`<BWB>/<date>_<n>/xml/<file>.xml` from a repository URL. Only that path is used, on the configured
    repository, whatever host the search answer names: a search answer cannot send the sync elsewhere."""
    return _REPO_PATH.match(url.split("/bwb/", 1)[1]) if "/bwb/" in url else None


# --- repository manifest (fallback) -----------------------------------------------------------------------


def manifest_versions(fetcher: Fetcher, repository: str, bwb_id: str) -> list[Toestand]:
    """Every expression the manifest offers as XML; `_latestItem` alone when it lists none."""
    base = f"{repository.rstrip('/')}/{bwb_id}"
    reply = fetcher.get_ok(f"{base}/manifest.xml")
    root = _parse(reply.content, f"{reply.url} is not a BWB manifest (not XML)")
    expressions = [e for e in root.iter() if _local(e.tag) == "expression"]
    versions = [v for v in (_expression(e, base, bwb_id) for e in expressions) if v]
    if versions:
        return versions
    latest = next((e.get("_latestItem", "") for e in root.iter() if e.get("_latestItem")), "")
    match = _REPO_PATH.match(f"{bwb_id}/{latest}")
    if not match:
        raise SourceProblem(f"{reply.url} names no usable version (_latestItem={latest!r})")
    return [Toestand(bwb_id, match["date"], f"{base}/{latest}", number=int(match["n"]))]


def _expression(expression: Element, base: str, bwb_id: str) -> Toestand | None:
    path = f"{bwb_id}/{expression.get('label', '')}/xml/{_xml_item(expression)}"
    match = _REPO_PATH.match(path)
    if not match:
        return None

    def meta(name: str) -> str:
        return _text_by_local_name(expression, name)

    url = f"{base}/{path.split('/', 1)[1]}"
    return Toestand(bwb_id, meta("datum_inwerkingtreding") or match["date"], url, end=meta("einddatum"),
                    seen_from=meta("zichtdatum_start"), seen_until=meta("zichtdatum_eind"),
                    number=int(match["n"]))


def _xml_item(expression: Element) -> str:
    """The file name of the expression's XML manifestation, unless the repository marks it deleted."""
    for manifestation in expression.iter():
        if _local(manifestation.tag) == "manifestation" and manifestation.get("label") == "xml":
            for item in manifestation.iter():
                if _local(item.tag) == "item" and item.get("_deleted") != "true":
                    return item.get("label", "")
    return ""


# --- choosing and checking ----------------------------------------------------------------------------------


def choose_in_force(versions: list[Toestand], today: str, bwb_id: str) -> Toestand:
    """The version in force today (start <= today, no end or end >= today); else the newest start not after
    today. Among readings of the same validity, the latest one the BWB publishes today wins."""
    started = [v for v in versions if v.start <= today]
    if not started:
        first = min((v.start for v in versions), default="")
        raise SourceProblem(f"{bwb_id} has no version in force on {today}"
                            + (f" (the first starts {first})" if first else " (no versions listed)"))
    in_force = [v for v in started if not v.end or v.end >= today]
    return max(in_force or started, key=lambda v: _rank(v, today))


def _rank(version: Toestand, today: str) -> tuple[str, bool, str, int]:
    current_reading = not version.seen_until or version.seen_until >= today
    seen_from = version.seen_from if version.seen_from <= today else ""
    return version.start, current_reading, seen_from, version.number


def check_toestand(data: bytes, bwb_id: str, url: str) -> str:
    """The downloaded file must be the toestand of `bwb_id`; returns its `inwerkingtreding` date."""
    root = _parse(data, f"{url} did not return XML")
    if root.tag != "toestand" or root.get("bwb-id") != bwb_id:
        found = f"root <{root.tag}> bwb-id={root.get('bwb-id')!r}"
        raise SourceProblem(f"{url} is not the toestand of {bwb_id} ({found})")
    valid_from = root.get("inwerkingtreding", "")
    if not _DATE.match(valid_from):
        raise SourceProblem(f"{url}: toestand has no valid inwerkingtreding date ({valid_from!r})")
    return valid_from


def _parse(data: bytes, problem: str) -> Element:
    try:
        root: Element = ElementTree.fromstring(data)
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        raise SourceProblem(f"{problem} ({exc})") from exc
    return root


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _text_by_local_name(root: Element, name: str) -> str:
    found = next((e for e in root.iter() if _local(e.tag) == name), None)
    return (found.text or "").strip() if found is not None else ""
