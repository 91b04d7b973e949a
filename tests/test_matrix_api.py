"""The Deelkaart over HTTP (real engine, slice knowledge base): GET /api/matrix as JSON, CSV and PDF, a cell's
full answer, agreements behind the Beheer token, and the cells that changed between two builds that differ
in one provision (UAVG art. 46 worded differently)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_fakes import ADMIN_TOKEN, app_settings, build_slice
from fastapi.testclient import TestClient
from matrix_support import SLICE, UAVG_46_NEW, changed_uavg, real_engine
from pypdf import PdfReader
from store_fakes import HashEmbedder

from bot.api import create_app
from bot.matrix.axes import MapRequest
from bot.matrix.changes import diff_maps, engine_at, kept_builds
from bot.matrix.compute import compute_map
from ingest.pipeline import ingest_files
from kb.local_kb import LocalKnowledgeBase, open_knowledge_base
from kb.settings import Settings

QUERY = {"data": "bsn", "purpose": "hulpverlening"}
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Iterator[LocalKnowledgeBase]:
    """A knowledge base whose current build differs from the previous one in UAVG art. 46 only."""
    data_dir = tmp_path_factory.mktemp("matrix-builds")
    first = build_slice(data_dir, corpus_dir, SLICE)
    first.close()
    changed = changed_uavg(corpus_dir, tmp_path_factory.mktemp("changed-corpus"))
    ingest_files(Settings(data_dir=data_dir), HashEmbedder(), [changed])
    store = open_knowledge_base(Settings(data_dir=data_dir), HashEmbedder())
    yield store
    store.close()


@pytest.fixture(scope="module")
def client(two_builds: LocalKnowledgeBase, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data = tmp_path_factory.mktemp("matrix-app")
    engine = real_engine(two_builds, data / "engine")
    engine.settings = Settings(data_dir=two_builds._kb_dir.parent)  # the builds live there
    with TestClient(create_app(app_settings(data / "data"), engine, two_builds)) as test_client:
        yield test_client


def test_matrix_json_lists_cells_with_vocabulary_ids(client: TestClient) -> None:
    response = client.get("/api/matrix", params={**QUERY, "minor": "true", "consent": "refused"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["request"]["minor"] is True and body["request"]["consent"] == "refused"
    cell = next(c for c in body["cells"] if (c["sender"], c["recipient"]) == ("jeugdhulp", "gemeente"))
    assert cell["verdict"] in ("mag", "mag_mits", "mag_niet", "hangt_af", "buiten_bereik")
    assert any(key.startswith("UAVG art. 46") for key in cell["keys"])
    assert "minderjarig" in body["circumstances"] and body["coverage"]["cells"] == len(body["cells"])


def test_matrix_refuses_unknown_ids_naming_the_field(client: TestClient) -> None:
    response = client.get("/api/matrix", params={"data": "geheim", "purpose": "hulpverlening"})
    assert response.status_code == 422
    assert "'data'" in response.json()["error"]["message"]
    assert client.get("/api/matrix", params={**QUERY, "consent": "misschien"}).status_code == 422


def test_cell_gives_the_full_answer_of_ask(client: TestClient) -> None:
    params = {**QUERY, "sender": "jeugdhulp", "recipient": "gemeente"}
    cell = client.get("/api/matrix/cell", params=params).json()
    facts = MapRequest(**QUERY).facts("jeugdhulp", "gemeente")
    asked = client.post("/api/ask", json={"question": "", "facts": facts}).json()
    assert cell["verdict"] == asked["verdict"] and cell["citations"] == asked["citations"]
    assert cell["record_token"] and cell["facts"] == facts
    assert client.get("/api/matrix/cell", params={**params, "sender": "x"}).status_code == 422


def test_agreements_need_the_token_and_show_on_the_map(client: TestClient) -> None:
    body = {
        **QUERY,
        "sender": "politie",
        "recipient": "gemeente",
        "text": "Alleen via het ZVH",
        "author": "FG",
    }
    assert client.post("/api/admin/matrix/agreements", json=body).status_code == 401
    added = client.post("/api/admin/matrix/agreements", json=body, headers=ADMIN)
    assert added.status_code == 201, added.text
    shown = client.get("/api/matrix", params=QUERY).json()["agreements"]
    assert [(a["text"], a["author"]) for a in shown] == [("Alleen via het ZVH", "FG")]
    csv_text = client.get("/api/matrix", params={**QUERY, "format": "csv"}).text
    assert "Alleen via het ZVH (FG," in csv_text
    pdf = client.get("/api/matrix", params={**QUERY, "format": "pdf"})
    assert pdf.headers["content-type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Alleen via het ZVH" in text
    bad = client.post("/api/admin/matrix/agreements", json={**body, "text": ""}, headers=ADMIN)
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "text"
    gone = client.delete(f"/api/admin/matrix/agreements/{added.json()['id']}", headers=ADMIN)
    assert gone.status_code == 200
    assert client.get("/api/matrix", params=QUERY).json()["agreements"] == []


def test_changed_cells_between_two_builds(two_builds: LocalKnowledgeBase, client: TestClient) -> None:
    settings = Settings(data_dir=two_builds._kb_dir.parent)
    old, new = kept_builds(settings.kb_dir)
    assert new == two_builds.manifest.build_id
    engine = real_engine(two_builds, settings.data_dir)
    with engine_at(engine, old) as then:
        before = compute_map(then, MapRequest(**QUERY))
        again = compute_map(then, MapRequest(**QUERY), use_cache=False)
    after = compute_map(engine, MapRequest(**QUERY))
    changes = diff_maps(before, after)
    citing = {(c.sender, c.recipient) for c in after.cells if "UAVG art. 46" in c.keys}
    assert citing and {(c.sender, c.recipient) for c in changes.changed} == citing
    for change in changes.changed:
        assert change.text_changed == ["UAVG art. 46"] and change.old_verdict == change.new_verdict
        assert not change.added and not change.removed
    assert UAVG_46_NEW[:40] in two_builds.get("UAVG art. 46").text  # type: ignore[union-attr]
    assert diff_maps(before, again).changed == []  # the same build: nothing changed
    response = client.get("/api/matrix/changes", params=QUERY)
    assert response.status_code == 200, response.text
    over_http = response.json()
    assert over_http["old_build"] == old and len(over_http["changed"]) == len(changes.changed)
