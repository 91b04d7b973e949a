"""The official-source sync against a loopback server shaped like the BWB SRU service, the BWB repository and
the Publications Office Cellar. The law texts it serves are the real corpus files, read at test time."""

from __future__ import annotations

import io
import json
import socket
import threading
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from ingest.errors import SyncError
from ingest.sync import SyncIncomplete, SyncReport, sync_official_sources
from ingest.sync_base import SourceProblem
from ingest.sync_bwb import Toestand, choose_in_force
from ingest.sync_eu import FORMEX_ZIP, formex_members
from kb.registry import Registry, Source
from kb.settings import IngestSettings, Settings

OFFICIAL_REPO = "https://repository.officiele-overheidspublicaties.nl/bwb"
Handler = Callable[[dict[str, list[str]], dict[str, str]], tuple[int, str, bytes]]


# --- the loopback "official" server ------------------------------------------------------------------------


@dataclass
class Official:
    base: str
    routes: dict[str, Handler] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, list[str]], dict[str, str]]] = field(default_factory=list)

    def serve(self, path: str, body: bytes, status: int = 200, content_type: str = "application/xml") -> None:
        self.routes[path] = lambda query, headers: (status, content_type, body)

    def paths(self) -> list[str]:
        return [path for path, _, _ in self.requests]


@pytest.fixture()
def official() -> Iterator[Official]:
    state = Official(base="")

    class Handle(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            parts = urlsplit(self.path)
            query, headers = parse_qs(parts.query), {k.lower(): v for k, v in self.headers.items()}
            state.requests.append((parts.path, query, headers))
            route = state.routes.get(parts.path)
            status, content_type, body = route(query, headers) if route else (404, "text/html", b"Not Found")
            self.send_response(status)
            if status in (301, 302, 303, 307):
                self.send_header("Location", body.decode())
                body = b""
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handle)
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def settings_for(base: str, tmp_path: Path) -> Settings:
    ingest = IngestSettings(bwb_sru_url=f"{base}/sru/Search", bwb_repository_url=f"{base}/repo",
                            eurlex_url=f"{base}/eurlex", http_timeout_s=5.0)
    return Settings(data_dir=tmp_path / "data", ingest=ingest)


def law(source_id: str, name: str, bwb_id: str, *, sync: bool = True) -> Source:
    return Source(id=source_id, name=name, title=name, bwb_id=bwb_id, sync=sync)


def run(official: Official, tmp_path: Path, *sources: Source, **options: str) -> SyncReport:
    """Sync `sources` from the loopback server into tmp_path/out."""
    settings = settings_for(official.base, tmp_path)
    return sync_official_sources(settings, Registry(list(sources)), tmp_path / "out",
                                 cellar_url=f"{official.base}/cellar", **options)


def synced(tmp_path: Path, bwb_id: str, valid_from: str) -> Path:
    return tmp_path / "out" / "nl-bwb-xml" / bwb_id / valid_from / "toestand.xml"


# --- SRU answers shaped like zoekservice.overheid.nl --------------------------------------------------------


@dataclass(frozen=True)
class Rec:
    bwb_id: str
    label: str  #: "<date>_<n>"
    end: str = "9999-12-31"
    seen_from: str = ""
    seen_until: str = "9999-12-31"
    title: str = "Jeugdwet"
    dated: bool = True  #: False: the record has no validity period (the start is read from the URL)

    @property
    def start(self) -> str:
        return self.label.split("_")[0]


def record_xml(rec: Rec, position: int) -> str:
    seen_from = rec.seen_from or rec.start
    validity = (f"""
       <overheidbwb:geldigheidsperiode_startdatum>{rec.start}</overheidbwb:geldigheidsperiode_startdatum>
       <overheidbwb:geldigheidsperiode_einddatum>{rec.end}</overheidbwb:geldigheidsperiode_einddatum>"""
                if rec.dated else "")
    return f"""
  <sru:record>
   <sru:recordSchema>http://standaarden.overheid.nl/sru/</sru:recordSchema>
   <sru:recordPacking>xml</sru:recordPacking>
   <sru:recordData>
    <gzd xmlns="http://standaarden.overheid.nl/sru" xmlns:dcterms="http://purl.org/dc/terms/"
         xmlns:overheid="http://standaarden.overheid.nl/owms/terms/"
         xmlns:overheidbwb="http://standaarden.overheid.nl/bwb/terms/">
     <originalData><overheidbwb:meta>
      <owmskern>
       <dcterms:identifier>{rec.bwb_id}</dcterms:identifier>
       <dcterms:title>{rec.title}</dcterms:title>
       <dcterms:type>wet</dcterms:type>
       <overheid:authority>Volksgezondheid, Welzijn en Sport</overheid:authority>
       <dcterms:modified>{seen_from}</dcterms:modified>
      </owmskern>
      <bwbipm>
       <overheidbwb:toestand>http://wetten.overheid.nl/id/{rec.bwb_id}/{rec.start}/0</overheidbwb:toestand>{validity}
       <overheidbwb:zichtperiode_startdatum>{seen_from}</overheidbwb:zichtperiode_startdatum>
       <overheidbwb:zichtperiode_einddatum>{rec.seen_until}</overheidbwb:zichtperiode_einddatum>
      </bwbipm>
     </overheidbwb:meta></originalData>
     <enrichedData>
      <overheidbwb:locatie_toestand>{OFFICIAL_REPO}/{rec.bwb_id}/{rec.label}/xml/{rec.bwb_id}_{rec.label}.xml</overheidbwb:locatie_toestand>
     </enrichedData>
    </gzd>
   </sru:recordData>
   <sru:recordPosition>{position}</sru:recordPosition>
  </sru:record>"""


def sru_answer(records: list[Rec], start: int, page: int) -> bytes:
    chosen = records[start - 1 : start - 1 + page]
    after = start + len(chosen)
    more = after <= len(records)
    next_position = f"<sru:nextRecordPosition>{after}</sru:nextRecordPosition>" if more else ""
    body = "".join(record_xml(rec, start + i) for i, rec in enumerate(chosen))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<sru:searchRetrieveResponse xmlns:sru="http://docs.oasis-open.org/ns/search-ws/sruResponse">
 <sru:version>2.0</sru:version>
 <sru:numberOfRecords>{len(records)}</sru:numberOfRecords>
 <sru:records>{body}
 </sru:records>
 {next_position}
</sru:searchRetrieveResponse>""".encode()


def install_sru(official: Official, by_id: dict[str, list[Rec]], *, status_for: dict[str, int] | None = None,
                page_cap: int = 2) -> None:
    """The search service: pages of at most `page_cap` records, whatever maximumRecords asks (as real
    servers may); `status_for` gives an id's HTTP status (406 with a valid body, the known quirk)."""

    def handle(query: dict[str, list[str]], headers: dict[str, str]) -> tuple[int, str, bytes]:
        assert query["operation"] == ["searchRetrieve"] and query["x-connection"] == ["BWB"]
        bwb_id = query["query"][0].removeprefix("dcterms.identifier==")
        start, wanted = int(query["startRecord"][0]), int(query["maximumRecords"][0])
        body = sru_answer(by_id.get(bwb_id, []), start, min(wanted, page_cap))
        return (status_for or {}).get(bwb_id, 200), "text/xml", body

    official.routes["/sru/Search"] = handle


def serve_toestand(official: Official, corpus_dir: Path, bwb_id: str, folder_date: str, label: str) -> bytes:
    data = (corpus_dir / "nl-bwb-xml" / bwb_id / folder_date / "toestand.xml").read_bytes()
    official.serve(f"/repo/{bwb_id}/{label}/xml/{bwb_id}_{label}.xml", data)
    return data


JEUGDWET = "BWBR0034925"
JEUGDWET_VERSIONS = [
    Rec(JEUGDWET, "2022-07-01_0", end="2022-12-31"),
    Rec(JEUGDWET, "2023-01-01_0", end="2023-12-31"),
    # two readings of the same version: the first was replaced on 2024-01-05 by a corrected one
    Rec(JEUGDWET, "2024-01-01_0", seen_until="2024-01-04"),
    Rec(JEUGDWET, "2024-01-01_1", seen_from="2024-01-05"),
    Rec(JEUGDWET, "2027-01-01_0"),
]


# --- BWB ----------------------------------------------------------------------------------------------------


def test_the_version_in_force_lands_in_the_corpus_layout(official: Official, corpus_dir: Path,
                                                         tmp_path: Path) -> None:
    install_sru(official, {JEUGDWET: JEUGDWET_VERSIONS})
    expected = serve_toestand(official, corpus_dir, JEUGDWET, "2024-01-01", "2024-01-01_1")
    registry = Registry([law("jeugdwet", "Jeugdwet", JEUGDWET), law("sr", "Sr", "BWBR0001854", sync=False)])

    report = sync_official_sources(settings_for(official.base, tmp_path), registry, tmp_path / "out",
                                   today="2025-06-01")

    target = tmp_path / "out" / "nl-bwb-xml" / JEUGDWET / "2024-01-01" / "toestand.xml"
    assert target.read_bytes() == expected
    assert [(f.source_id, f.path, f.version_date, f.status) for f in report.files] == [
        ("jeugdwet", target, "2024-01-01", "fetched")
    ]
    label = "2024-01-01_1"
    assert report.files[0].url == f"{official.base}/repo/{JEUGDWET}/{label}/xml/{JEUGDWET}_{label}.xml"
    searches = [query for path, query, _ in official.requests if path == "/sru/Search"]
    assert [q["startRecord"] for q in searches] == [["1"], ["3"], ["5"]]  # paged through all five records
    assert {q["query"][0] for q in searches} == {"dcterms.identifier==BWBR0034925"}  # sr is not synced
    assert not list(target.parent.glob("*.part"))


def test_a_406_answer_with_a_valid_body_is_used(official: Official, corpus_dir: Path, tmp_path: Path) -> None:
    grondwet = "BWBR0001840"
    versions = [Rec(grondwet, "2023-02-22_0", title="Grondwet", dated=False),  # start from the URL
                Rec(grondwet, "2099-01-01_0", title="Grondwet", dated=False)]
    install_sru(official, {grondwet: versions}, status_for={grondwet: 406})
    expected = serve_toestand(official, corpus_dir, grondwet, "2023-02-22", "2023-02-22_0")

    run(official, tmp_path, law("grondwet", "Grondwet", grondwet), today="2025-06-01")

    assert synced(tmp_path, grondwet, "2023-02-22").read_bytes() == expected


UAVG = "BWBR0040940"
MANIFEST = f"""<?xml version="1.0" encoding="UTF-8"?>
<work label="{UAVG}" _latestItem="2027-01-01_0/xml/{UAVG}_2027-01-01_0.xml">
 <metadata><datum_inwerkingtreding>2018-05-25</datum_inwerkingtreding></metadata>
 <expression label="2025-01-01_0">
  <metadata><datum_inwerkingtreding>2025-01-01</datum_inwerkingtreding><einddatum>2026-08-31</einddatum>
   <zichtdatum_start>2025-01-01</zichtdatum_start><zichtdatum_eind>9999-12-31</zichtdatum_eind></metadata>
  <manifestation label="xml"><metadata><hashcode>a1</hashcode><size>300000</size></metadata>
   <item label="{UAVG}_2025-01-01_0.xml" _deleted="false"/></manifestation>
 </expression>
 <expression label="2026-09-01_0">
  <metadata><datum_inwerkingtreding>2026-09-01</datum_inwerkingtreding><einddatum>9999-12-31</einddatum>
   <zichtdatum_start>2026-08-20</zichtdatum_start><zichtdatum_eind>9999-12-31</zichtdatum_eind></metadata>
  <manifestation label="xml"><metadata><hashcode>b2</hashcode><size>303747</size></metadata>
   <item label="{UAVG}_2026-09-01_0.xml" _deleted="false"/></manifestation>
 </expression>
 <expression label="2027-01-01_0">
  <metadata><datum_inwerkingtreding>2027-01-01</datum_inwerkingtreding></metadata>
  <manifestation label="xml"><item label="{UAVG}_2027-01-01_0.xml" _deleted="false"/></manifestation>
 </expression>
</work>"""


def test_manifest_fallback_when_the_search_fails(official: Official, corpus_dir: Path,
                                                 tmp_path: Path) -> None:
    official.serve("/sru/Search", b"<html><body>Internal Server Error</body></html>", 500, "text/html")
    official.serve(f"/repo/{UAVG}/manifest.xml", MANIFEST.encode())
    expected = serve_toestand(official, corpus_dir, UAVG, "2026-09-01", "2026-09-01_0")

    report = run(official, tmp_path, law("uavg", "UAVG", UAVG), today="2026-11-23")

    assert synced(tmp_path, UAVG, "2026-09-01").read_bytes() == expected
    assert report.files[0].version_date == "2026-09-01"  # not the future _latestItem 2027-01-01


def test_manifest_with_only_latest_item(official: Official, corpus_dir: Path, tmp_path: Path) -> None:
    vw = "BWBR0011823"
    install_sru(official, {})  # the search finds nothing
    official.serve(f"/repo/{vw}/manifest.xml",
                   f'<work label="{vw}" _latestItem="2024-01-01_0/xml/{vw}_2024-01-01_0.xml"/>'.encode())
    expected = serve_toestand(official, corpus_dir, vw, "2024-01-01", "2024-01-01_0")

    run(official, tmp_path, law("vw-2000", "Vw 2000", vw), today="2025-06-01")

    assert synced(tmp_path, vw, "2024-01-01").read_bytes() == expected


def test_a_version_already_present_is_not_downloaded_again(official: Official, corpus_dir: Path,
                                                           tmp_path: Path) -> None:
    install_sru(official, {JEUGDWET: JEUGDWET_VERSIONS})
    serve_toestand(official, corpus_dir, JEUGDWET, "2024-01-01", "2024-01-01_1")
    run(official, tmp_path, law("jeugdwet", "Jeugdwet", JEUGDWET), today="2025-06-01")
    official.requests.clear()

    again = run(official, tmp_path, law("jeugdwet", "Jeugdwet", JEUGDWET), today="2025-06-01")

    assert [f.status for f in again.files] == ["present"] and again.fetched == []
    assert set(official.paths()) == {"/sru/Search"}  # only asked which version is current


def test_a_wrong_file_is_refused_and_other_sources_still_sync(official: Official, corpus_dir: Path,
                                                              tmp_path: Path) -> None:
    grondwet = "BWBR0001840"
    install_sru(official, {JEUGDWET: JEUGDWET_VERSIONS, grondwet: [Rec(grondwet, "2023-02-22_0")],
                           "BWBR0099999": [Rec("BWBR0099999", "2030-01-01_0")]})
    # the repository answers the Grondwet's URL with the Jeugdwet
    jeugdwet = (corpus_dir / "nl-bwb-xml" / JEUGDWET / "2024-01-01" / "toestand.xml").read_bytes()
    official.serve(f"/repo/{grondwet}/2023-02-22_0/xml/{grondwet}_2023-02-22_0.xml", jeugdwet)
    serve_toestand(official, corpus_dir, JEUGDWET, "2024-01-01", "2024-01-01_1")
    sources = [law("grondwet", "Grondwet", grondwet), law("jeugdwet", "Jeugdwet", JEUGDWET),
               law("toekomstwet", "Toekomstwet", "BWBR0099999")]

    with pytest.raises(SyncIncomplete) as caught:
        run(official, tmp_path, *sources, today="2025-06-01")

    message = str(caught.value)
    assert "official sync failed for 2 of 3 sources" in message
    wrong_url = f"{official.base}/repo/{grondwet}/2023-02-22_0/xml/{grondwet}_2023-02-22_0.xml"
    assert (f"grondwet: {wrong_url} is not the toestand of {grondwet} (root <toestand> bwb-id='{JEUGDWET}')"
            in message)
    assert ("toekomstwet: BWBR0099999 has no version in force on 2025-06-01 (the first starts 2030-01-01)"
            in message)
    assert [f.source_id for f in caught.value.report.fetched] == ["jeugdwet"]
    assert not (tmp_path / "out" / "nl-bwb-xml" / grondwet).exists()


def test_unreachable_service_says_which_url_and_what_to_do(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"

    with pytest.raises(SyncError) as caught:
        sync_official_sources(settings_for(closed, tmp_path), Registry([law("uavg", "UAVG", UAVG)]),
                              tmp_path / "out", today="2026-11-23")

    message = str(caught.value)
    search = f"{closed}/sru/Search?operation=searchRetrieve&version=2.0&x-connection=BWB"
    assert f"could not reach {search}" in message
    assert f"could not reach {closed}/repo/{UAVG}/manifest.xml" in message
    assert "Connection refused" in message or "connection" in message.casefold()
    assert message.endswith(
        "no internet? set DEELWIJZER_CORPUS_DIR=/path/to/corpus or run `deelwijzer ingest --from DIR`"
    )
    assert not (tmp_path / "out").exists()


# --- choosing the version -----------------------------------------------------------------------------------


def toestand(start: str, end: str = "", n: int = 0) -> Toestand:
    return Toestand("BWBR0000001", start, f"u/{start}_{n}", end=end, number=n)


def test_choose_in_force_prefers_the_open_version_over_a_newer_ended_one() -> None:
    versions = [toestand("2020-01-01"), toestand("2024-01-01", end="2024-03-31"), toestand("2026-01-01")]
    assert choose_in_force(versions, "2024-06-01", "BWBR0000001").start == "2020-01-01"


def test_choose_in_force_falls_back_to_the_newest_start_not_after_today() -> None:
    versions = [toestand("2020-01-01", end="2020-12-31"), toestand("2021-01-01", end="2021-12-31")]
    assert choose_in_force(versions, "2024-06-01", "BWBR0000001").start == "2021-01-01"


def test_choose_in_force_takes_the_latest_correction_of_the_same_date() -> None:
    versions = [toestand("2024-01-01", n=0), toestand("2024-01-01", n=2), toestand("2024-01-01", n=1)]
    assert choose_in_force(versions, "2024-06-01", "BWBR0000001").number == 2


def test_choose_in_force_with_only_future_versions() -> None:
    expected = r"no version in force on 2024-06-01 \(the first starts 2025-01-01\)"
    with pytest.raises(SourceProblem, match=expected):
        choose_in_force([toestand("2025-01-01")], "2024-06-01", "BWBR0000001")


# --- GDPR (Formex from Cellar) ------------------------------------------------------------------------------


GDPR = "eu-gdpr-formex"


def formex_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def install_cellar(official: Official, corpus_dir: Path) -> dict[tuple[str, str], dict[str, bytes]]:
    """Cellar: the CELEX URI redirects (303) to a manifestation that serves the zip for the asked language."""
    packages: dict[tuple[str, str], dict[str, bytes]] = {}
    for lang, code in (("NL", "nld"), ("EN", "eng")):
        original = corpus_dir / GDPR / "original"
        act, descriptor = f"L_2016119{lang}.01000101.xml", f"L_2016119{lang}.01000101.doc.xml"
        packages[("32016R0679", code)] = {
            act: (original / act).read_bytes(),
            descriptor: (original / descriptor).read_bytes(),
            f"L_2016119{lang}.toc.xml": b"<?xml version='1.0'?><TOC/>",  # the OJ issue's table of contents
        }
        consolidated = corpus_dir / GDPR / "consolidated" / f"gdpr-consolidated-{lang.lower()}.xml"
        packages[("02016R0679-20160504", code)] = {consolidated.name: consolidated.read_bytes()}

    def redirect(celex: str) -> Handler:
        return lambda query, headers: (303, "text/plain", f"/cellar/manifestation/{celex}".encode())

    def package(celex: str) -> Handler:
        def handle(query: dict[str, list[str]], headers: dict[str, str]) -> tuple[int, str, bytes]:
            if headers.get("accept") != FORMEX_ZIP:
                return 406, "text/plain", b"Not Acceptable"
            return 200, "application/zip", formex_zip(packages[(celex, headers["accept-language"])])
        return handle

    for celex in ("32016R0679", "02016R0679-20160504"):
        official.routes[f"/cellar/{celex}"] = redirect(celex)
        official.routes[f"/cellar/manifestation/{celex}"] = package(celex)
    return packages


AVG = Source(id="avg", name="AVG", title="AVG", type="verordening", languages=["nl", "en"],
             celex="32016R0679", sync=True)


def test_gdpr_formex_lands_like_the_corpus(official: Official, corpus_dir: Path, tmp_path: Path) -> None:
    install_cellar(official, corpus_dir)
    out = tmp_path / "out"

    report = run(official, tmp_path, AVG)

    written = sorted(str(p.relative_to(out)) for p in out.rglob("*.xml"))
    assert written == [
        f"{GDPR}/consolidated/gdpr-consolidated-en.xml",
        f"{GDPR}/consolidated/gdpr-consolidated-nl.xml",
        f"{GDPR}/original/L_2016119EN.01000101.doc.xml",
        f"{GDPR}/original/L_2016119EN.01000101.xml",
        f"{GDPR}/original/L_2016119NL.01000101.doc.xml",
        f"{GDPR}/original/L_2016119NL.01000101.xml",
    ]  # the OJ table of contents is not named by the descriptor and stays out
    for path in written:
        assert (out / path).read_bytes() == (corpus_dir / path).read_bytes()
    dates = {f.path.name: f.version_date for f in report.files}
    assert dates["L_2016119NL.01000101.xml"] == "2016-05-04"
    assert dates["gdpr-consolidated-nl.xml"] == "2018-05-23"
    assert {h["accept-language"] for p, _, h in official.requests if "manifestation" in p} == {"nld", "eng"}
    record = json.loads((out / GDPR / "original" / ".32016R0679.nl.sync.json").read_text())
    assert record["files"] == ["L_2016119NL.01000101.doc.xml", "L_2016119NL.01000101.xml"]


def test_gdpr_already_present_is_not_downloaded_again(official: Official, corpus_dir: Path,
                                                      tmp_path: Path) -> None:
    install_cellar(official, corpus_dir)
    run(official, tmp_path, AVG)
    official.requests.clear()

    again = run(official, tmp_path, AVG)

    assert official.requests == []
    assert {f.status for f in again.files} == {"present"} and len(again.files) == 6


def test_cellar_without_formex_is_a_clear_failure(official: Official, tmp_path: Path) -> None:
    official.serve("/cellar/32016R0679", b"<html>notice</html>", 200, "text/html")
    with pytest.raises(SyncIncomplete) as caught:
        run(official, tmp_path, AVG)
    cellar = f"{official.base}/cellar/32016R0679"
    assert f"avg: {cellar} (nld) answered HTTP 200 text/html instead of a Formex zip" in str(caught.value)


def test_unsafe_zip_entries_are_refused() -> None:
    package = formex_zip({"../../etc/cron.d/x.xml": b"<ACT/>", "L_1.xml": b"<ACT/>"})
    members = formex_members(package, "u", 1000)
    assert set(members) == {"x.xml", "L_1.xml"}  # directories stripped: nothing lands outside the folder
    with pytest.raises(SourceProblem, match=r"refused zip entry 'big\.xml' \(2,000 bytes\)"):
        formex_members(formex_zip({"big.xml": b"x" * 2000}), "u", 1000)
    with pytest.raises(SourceProblem, match="the Formex zip cannot be read"):
        formex_members(b"PK\x03\x04 broken", "u", 1000)


# --- the synced folder reads like the corpus ----------------------------------------------------------------


def test_the_synced_folder_is_read_by_the_normal_readers(official: Official, corpus_dir: Path,
                                                         tmp_path: Path) -> None:
    bwb_xml = pytest.importorskip("ingest.readers.bwb_xml")
    formex = pytest.importorskip("ingest.readers.formex")
    from ingest.discovery import Candidate, scan_folder
    from ingest.errors import NotASourceFile

    install_sru(official, {JEUGDWET: JEUGDWET_VERSIONS})
    serve_toestand(official, corpus_dir, JEUGDWET, "2024-01-01", "2024-01-01_1")
    install_cellar(official, corpus_dir)
    registry = Registry([AVG, law("jeugdwet", "Jeugdwet", JEUGDWET)])
    out = tmp_path / "out"
    run(official, tmp_path, *registry.sources, today="2025-06-01")

    read = set()
    for found in scan_folder(out, [bwb_xml.BwbXmlReader(), formex.FormexReader()], max_bytes=50_000_000):
        assert isinstance(found, Candidate), found  # every synced file is claimed by a reader
        try:
            document = found.reader.read(found.path, registry)
        except NotASourceFile:
            continue  # the Formex descriptors, as in the corpus
        read.add((document.source_id, document.language, document.version_date))
    gdpr = {("avg", lang, day) for lang in ("nl", "en") for day in ("2016-05-04", "2018-05-23")}
    assert read == {("jeugdwet", "nl", "2024-01-01"), *gdpr}
