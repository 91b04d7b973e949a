"""Convenant toetsen over HTTP (`POST /api/covenants/check`, behind the Beheer token) and on the command line
(`deelwijzer convenant check FILE [--json]`). The knowledge base is real: a slice of the corpus (GDPR, UAVG,
WGS, Wpg, the covenant guidance) built by the real ingest; keys outside it are left out of the report."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_fakes import ADMIN_TOKEN, app_settings
from covenant_support import PRE_WGS, SCAN, SOUND, build_covenant_kb, render_covenants
from fastapi.testclient import TestClient
from pypdf import PdfReader
from typer.testing import CliRunner

from bot.api import create_app
from deelwijzer.main import build_app
from kb.local_kb import LocalKnowledgeBase
from kb.settings import get_settings

cli_app = build_app()
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}", "Content-Type": "application/pdf"}
ITEM_FIELDS = {"id", "status", "quotes", "keys", "explanation"}


@pytest.fixture(scope="module")
def kb_dir(
    tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path
) -> Iterator[tuple[Path, LocalKnowledgeBase]]:
    data_dir = tmp_path_factory.mktemp("covenant-kb") / "data"
    store = build_covenant_kb(data_dir, corpus_dir)
    yield data_dir, store
    store.close()


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return render_covenants(tmp_path_factory.mktemp("covenant-pdfs"))


@pytest.fixture()
def client(tmp_path: Path, kb_dir: tuple[Path, LocalKnowledgeBase]) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings(tmp_path / "data"), kb=kb_dir[1])) as test_client:
        yield test_client


def _files(folder: Path) -> set[Path]:
    return {path for path in folder.rglob("*") if path.is_file()} if folder.exists() else set()


def test_check_answers_the_report_and_keeps_nothing(
    client: TestClient, pdfs: dict[str, Path], tmp_path: Path, kb_dir: tuple[Path, LocalKnowledgeBase]
) -> None:
    before = _files(tmp_path)
    response = client.post("/api/covenants/check", params={"filename": "Convenant ZVH.pdf"},
                           content=pdfs[PRE_WGS].read_bytes(), headers=AUTH)  # fmt: skip
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"items", "parties"}
    assert all(set(item) == ITEM_FIELDS for item in body["items"])
    assert all(set(q) == {"page", "text"} for item in body["items"] for q in item["quotes"])
    statuses = {item["id"]: item["status"] for item in body["items"]}
    assert statuses["convenant_als_grondslag"] == "probleem" and statuses["dpia"] == "ontbreekt"
    assert [party["role"] for party in body["parties"]] == [
        "gemeente",
        "politie",
        "om",
        "ggz",
        "hulpverlener",
    ]
    keys = {key for item in body["items"] for key in item["keys"]}
    store = kb_dir[1]
    assert "AVG art. 6 lid 3" in keys and all(store.get(key) or store.article(key) for key in keys)
    assert (
        "Wet BIG art. 88" not in keys
    )  # required by the checklist, but not in this knowledge base: left out
    assert _files(tmp_path) == before, "nothing of the uploaded file is stored"


def test_check_needs_the_beheer_token(client: TestClient, pdfs: dict[str, Path]) -> None:
    data = pdfs[SOUND].read_bytes()
    assert client.post("/api/covenants/check", content=data).status_code == 401
    wrong = client.post("/api/covenants/check", content=data, headers={"Authorization": "Bearer raden"})
    assert wrong.status_code == 401


@pytest.mark.parametrize(
    ("name", "message"),
    [(SCAN, "geen tekst, scan eerst met OCR"), ("", "Het bestand is leeg"), ("zip", "dit is geen PDF")],
)
def test_bad_files_are_refused(client: TestClient, pdfs: dict[str, Path], name: str, message: str) -> None:
    content = pdfs[name].read_bytes() if name in pdfs else (b"PK\x03\x04 zip" if name else b"")
    response = client.post("/api/covenants/check", content=content, headers=AUTH)
    assert response.status_code == 422
    assert message in response.json()["error"]["message"]


def test_export_as_markdown_and_pdf(client: TestClient, pdfs: dict[str, Path]) -> None:
    data = pdfs[SOUND].read_bytes()
    markdown = client.post("/api/covenants/check", params={"format": "markdown", "filename": "zvh.pdf"},
                           content=data, headers=AUTH)  # fmt: skip
    assert markdown.status_code == 200 and markdown.headers["content-type"].startswith("text/markdown")
    assert markdown.text.startswith("# Toets convenant: zvh.pdf")
    assert (
        "### bewaartermijn: aanwezig" in markdown.text
        and "> p. 2: “8.1 Gegevens in het dossier" in markdown.text
    )
    pdf = client.post("/api/covenants/check", params={"format": "pdf"}, content=data, headers=AUTH)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Toets convenant" in text and "convenant_als_grondslag: aanwezig" in text


# --- command line -------------------------------------------------------------------------------------------


@pytest.fixture()
def cli_env(monkeypatch: pytest.MonkeyPatch, kb_dir: tuple[Path, LocalKnowledgeBase]) -> Iterator[None]:
    monkeypatch.setenv("DEELWIJZER_DATA_DIR", str(kb_dir[0]))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.usefixtures("cli_env")
def test_cli_check_json(pdfs: dict[str, Path]) -> None:
    result = CliRunner().invoke(cli_app, ["convenant", "check", str(pdfs[SOUND]), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report) == {"items", "parties"}
    assert {item["id"]: item["status"] for item in report["items"]}["grondslag_per_partij"] == "aanwezig"


@pytest.mark.usefixtures("cli_env")
def test_cli_table_and_markdown(pdfs: dict[str, Path], tmp_path: Path) -> None:
    target = tmp_path / "toets.md"
    result = CliRunner().invoke(
        cli_app, ["convenant", "check", str(pdfs[PRE_WGS]), "--markdown", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert "convenant_als_grondslag" in result.stdout and "probleem" in result.stdout
    assert "### convenant_als_grondslag: probleem" in target.read_text(encoding="utf-8")


@pytest.mark.usefixtures("cli_env")
def test_cli_refuses_a_scan(pdfs: dict[str, Path]) -> None:
    result = CliRunner().invoke(cli_app, ["convenant", "check", str(pdfs[SCAN])])
    assert result.exit_code == 2
    assert "geen tekst, scan eerst met OCR" in result.stderr


@pytest.mark.usefixtures("isolated_settings")
def test_cli_without_knowledge_base(pdfs: dict[str, Path]) -> None:
    result = CliRunner().invoke(cli_app, ["convenant", "check", str(pdfs[SOUND])])
    assert result.exit_code == 3
    assert "deelwijzer ingest" in result.stderr
