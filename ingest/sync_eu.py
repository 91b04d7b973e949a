"""EU law (the GDPR) as Formex 4 XML from the Publications Office's Cellar, written as in the shared corpus:
`<dest>/eu-gdpr-formex/original/L_2016119NL.01000101.xml` (+ its .doc.xml descriptor) and
`<dest>/eu-gdpr-formex/consolidated/<files of the consolidated version>`.

Cellar serves a work's Formex package by content negotiation on its CELEX URI:
`GET <cellar>/<CELEX>` with `Accept: application/zip;mtype=fmx4` and `Accept-Language: nld|eng` answers
(after redirects) a zip holding the act's XML file(s) and its `.doc.xml` descriptor.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from ingest.sync_base import Fetcher, SourceProblem, SyncedFile, is_present, write_atomic
from kb.registry import Source

#: The one place the Cellar address lives. `<base>/<CELEX>` is the work's dissemination URI.
CELLAR_URL = "https://publications.europa.eu/resource/celex"
FORMEX_ZIP = "application/zip;mtype=fmx4"
#: Cellar names languages in ISO 639-2 (the Publications Office's authority table)
CELLAR_LANGUAGES = {"nl": "nld", "en": "eng", "de": "deu", "fr": "fra"}
MAX_MEMBERS = 200
_SAFE_NAME = re.compile(r"^[\w][\w.-]*\.xml$")


@dataclass(frozen=True)
class FormexItem:
    celex: str  #: the CELEX of the exact text: the OJ act, or a consolidated version 0<...>-<YYYYMMDD>
    folder: str  #: where its files go, relative to dest_dir


#: What the sync fetches per EU act. The GDPR has not been amended since 2016: its only consolidated version
#: (corrigenda integrated, articles only) is 02016R0679-20160504; the OJ act carries the recitals. When a new
#: consolidated version appears, add its CELEX here.
FORMEX_ITEMS: dict[str, tuple[FormexItem, ...]] = {
    "32016R0679": (
        FormexItem("32016R0679", "eu-gdpr-formex/original"),
        FormexItem("02016R0679-20160504", "eu-gdpr-formex/consolidated"),
    ),
}


def formex_items(source: Source) -> tuple[FormexItem, ...]:
    return FORMEX_ITEMS.get(source.celex) or (FormexItem(source.celex, f"eu-{source.id}-formex/original"),)


def sync_formex(fetcher: Fetcher, source: Source, dest_dir: Path, cellar_url: str,
                max_member_bytes: int) -> list[SyncedFile]:
    """Every Formex item of `source` in every language it is registered in."""
    files: list[SyncedFile] = []
    for item in formex_items(source):
        for language in source.languages:
            files += _sync_item(fetcher, source, item, language, dest_dir, (cellar_url, max_member_bytes))
    return files


def _sync_item(fetcher: Fetcher, source: Source, item: FormexItem, language: str, dest_dir: Path,
               limits: tuple[str, int]) -> list[SyncedFile]:
    cellar_url, max_member_bytes = limits
    folder = dest_dir / item.folder
    record = folder / f".{item.celex}.{language}.sync.json"
    present = _present_files(source, record, folder)
    if present:
        return present
    url = f"{cellar_url.rstrip('/')}/{item.celex}"
    headers = {"Accept": FORMEX_ZIP, "Accept-Language": CELLAR_LANGUAGES.get(language, language)}
    reply = fetcher.get(url, headers=headers)
    if reply.status != 200 or not reply.content.startswith(b"PK"):
        raise SourceProblem(f"{url} ({headers['Accept-Language']}) answered HTTP {reply.status} "
                            f"{reply.content_type or 'without a content type'} instead of a Formex zip")
    members = formex_members(reply.content, reply.url, max_member_bytes)
    version = _version_date(members)
    for name, data in members.items():
        write_atomic(folder / name, data)
    write_atomic(record, json.dumps({"celex": item.celex, "language": language, "url": reply.url,
                                     "version_date": version, "files": sorted(members)}, indent=1).encode())
    return [SyncedFile(source.id, folder / name, version, reply.url, "fetched") for name in sorted(members)]


def _present_files(source: Source, record: Path, folder: Path) -> list[SyncedFile]:
    """What an earlier sync of this exact CELEX and language wrote, if it is all still there."""
    if not record.is_file():
        return []
    try:
        done = json.loads(record.read_text(encoding="utf-8"))
        paths = [folder / str(name) for name in done["files"]]
    except (ValueError, KeyError, TypeError):
        return []
    if not paths or not all(is_present(path) for path in paths):
        return []
    version, url = str(done.get("version_date", "")), str(done.get("url", ""))
    return [SyncedFile(source.id, path, version, url, "present") for path in paths]


def formex_members(package: bytes, url: str, max_member_bytes: int) -> dict[str, bytes]:
    """The XML files of a Formex zip: the descriptor and the files it names (all XML if it names none).
    Refuses unsafe or oversized archives instead of unpacking them."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(package))
        entries = [e for e in archive.infolist() if not e.is_dir()]
        if len(entries) > MAX_MEMBERS:
            raise SourceProblem(f"{url}: the zip holds {len(entries)} files, more than a Formex act has")
        members = {_member_name(e, url, max_member_bytes): archive.read(e) for e in entries
                   if e.filename.casefold().endswith(".xml")}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, ValueError) as exc:
        raise SourceProblem(f"{url}: the Formex zip cannot be read ({exc})") from exc
    if not members:
        raise SourceProblem(f"{url}: the Formex zip holds no XML file")
    return _named_by_descriptor(members, url)


def _member_name(entry: zipfile.ZipInfo, url: str, max_bytes: int) -> str:
    name = PurePosixPath(entry.filename.replace("\\", "/")).name
    if not _SAFE_NAME.match(name) or entry.file_size > max_bytes:
        raise SourceProblem(f"{url}: refused zip entry {entry.filename!r} ({entry.file_size:,} bytes)")
    return name


def _named_by_descriptor(members: dict[str, bytes], url: str) -> dict[str, bytes]:
    descriptors = [name for name in members if name.endswith((".doc.xml", ".doc.fmx.xml"))]
    named = {ref for name in descriptors for ref in _physical_refs(members[name], url)}
    if not named:
        return members
    missing = named - members.keys()
    if missing:
        raise SourceProblem(f"{url}: the descriptor names {sorted(missing)}, which the zip does not hold")
    return {name: data for name, data in members.items() if name in named or name in descriptors}


def _physical_refs(descriptor: bytes, url: str) -> set[str]:
    try:
        root = ElementTree.fromstring(descriptor)
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        raise SourceProblem(f"{url}: the Formex descriptor is not XML ({exc})") from exc
    return {ref.get("FILE", "") for ref in root.iter("REF.PHYS") if ref.get("FILE", "").endswith(".xml")}


def _version_date(members: dict[str, bytes]) -> str:
    """CONSLEG.DATE of a consolidated text, else the OJ publication date from the descriptor."""
    texts = [data[:20_000].decode("utf-8", "replace") for data in members.values()]
    for pattern in (r'CONSLEG\.DATE="(\d{8})"', r'<PUBLICATION\.REF[^>]*>.*?<DATE ISO="(\d{8})"'):
        for text in texts:
            found = re.search(pattern, text, re.DOTALL)
            if found:
                day = found.group(1)
                return f"{day[:4]}-{day[4:6]}-{day[6:]}"
    return ""
