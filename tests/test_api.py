"""The HTTP API in-process (FastAPI TestClient): answers, SSE chat with follow-ups, passages, sources, errors,
security headers, Beheer, feedback, records, uploads and the privacy of questions.

The knowledge base is real (real readers, real build, real chromadb) from a slice of the corpus; the
engine is scripted (a named boundary: these tests are about HTTP, not legal reasoning)."""

from __future__ import annotations

import io
import json
import logging
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api_fakes import (
    ADMIN_TOKEN,
    BSN,
    ScriptedEngine,
    app_settings,
)  # fmt: skip
from fastapi.testclient import TestClient
from pypdf import PdfReader

from bot.answer import Answer, Turn
from bot.api import create_app
from bot.api.conversations import ConversationStore
from bot.api.state import AppState
from bot.jobs import IngestJobs
from bot.render import render_markdown
from kb.local_kb import LocalKnowledgeBase
from kb.settings import ServerSettings, Settings

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture()
def client(tmp_path: Path, scripted_engine: ScriptedEngine) -> Iterator[TestClient]:
    app = create_app(
        app_settings(tmp_path / "data", max_request_bytes=20_000, max_question_chars=300), scripted_engine
    )
    with TestClient(app) as test_client:
        yield test_client


def state_of(client: TestClient) -> AppState:
    state: AppState = client.app.state.deelwijzer  # type: ignore[attr-defined]
    return state


def sse(text: str) -> list[tuple[str, dict[str, Any]]]:
    events = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        lines = block.strip().splitlines()
        name = next((line[6:].strip() for line in lines if line.startswith("event:")), "message")
        data = "\n".join(line[5:].lstrip() for line in lines if line.startswith("data:"))
        if data:
            events.append((name, json.loads(data)))
    return events


# --- asking ---


def test_ask_returns_the_answer_json(client: TestClient, api_kb: LocalKnowledgeBase) -> None:
    response = client.post(
        "/api/ask", json={"question": "Mag ik het BSN delen met de gemeente?", "id": "q-1"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == "q-1"
    assert body["verdict"] == "mag_mits"
    [citation] = body["citations"]
    assert citation["key"] == "UAVG art. 46 lid 1"
    assert citation["source_version"] == "2026-09-01"
    stored = api_kb.get("UAVG art. 46 lid 1")
    assert stored is not None and citation["quote"] in stored.text
    assert body["steps"][0]["keys"] == ["UAVG art. 46 lid 1"]
    assert body["kb_build"] == api_kb.manifest.build_id


def test_ask_passes_history(client: TestClient, scripted_engine: ScriptedEngine) -> None:
    history = [{"question": "Mag ik een signaal delen met de gemeente?", "answer_verdict": "mag_mits"}]
    client.post("/api/ask", json={"question": "En als het om een minderjarige gaat?", "history": history})
    question, turns, _ = scripted_engine.calls[-1]
    assert question == "En als het om een minderjarige gaat?"
    assert [(t.question, t.answer_verdict) for t in turns] == [(history[0]["question"], "mag_mits")]


def test_chat_streams_verdict_text_citations_done(
    client: TestClient, scripted_engine: ScriptedEngine
) -> None:
    response = client.post("/api/chat", json={"question": "Mag ik het BSN delen met de gemeente?"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = sse(response.text)
    names = [name for name, _ in events]
    assert names[0] == "verdict" and names[-2:] == ["citations", "done"]
    assert set(names[1:-2]) == {"text"} and len(names) > 4
    assert events[0][1] == {"verdict": "mag_mits", "label": "Ja, mits"}
    answer = Answer.model_validate(events[-1][1]["answer"])
    assert "".join(data["text"] for name, data in events if name == "text") == render_markdown(answer)
    assert [c["key"] for c in events[-2][1]["citations"]] == ["UAVG art. 46 lid 1"]
    assert events[-1][1]["conversation_id"]


def test_chat_follow_up_sees_earlier_turns(client: TestClient, scripted_engine: ScriptedEngine) -> None:
    first = sse(client.post("/api/chat", json={"question": "Mag ik het BSN delen met de gemeente?"}).text)
    conversation_id = first[-1][1]["conversation_id"]
    follow = {"conversation_id": conversation_id, "question": "En als het om een minderjarige gaat?"}
    second = sse(client.post("/api/chat", json=follow).text)
    assert second[0][1]["verdict"] == "hangt_af"
    assert second[-1][1]["conversation_id"] == conversation_id
    _, history, answer_id = scripted_engine.calls[-1]
    assert [(t.question, t.answer_verdict) for t in history] == [
        ("Mag ik het BSN delen met de gemeente?", "mag_mits")
    ]
    assert history[0].facts is not None and history[0].facts.recipient == "gemeente"
    assert answer_id.endswith("-2")
    # an unknown or expired conversation starts afresh
    fresh = sse(
        client.post("/api/chat", json={"conversation_id": "verlopen", "question": "Mag ik delen?"}).text
    )
    assert fresh[-1][1]["conversation_id"] not in ("verlopen", conversation_id)
    assert scripted_engine.calls[-1][1] == []


def test_conversations_are_bounded_in_count_age_and_turns() -> None:
    now = [0.0]
    store = ConversationStore(max_conversations=2, max_age_s=60, max_turns=3, clock=lambda: now[0])
    a, _ = store.open(None)
    for n in range(5):
        store.add(a, Turn(question=f"vraag {n}"))
    assert [t.question for t in store.open(a)[1]] == ["vraag 2", "vraag 3", "vraag 4"]
    b, _ = store.open(None)
    c, _ = store.open(None)  # a is the least recently used: dropped
    assert len(store) == 2 and store.open(a)[0] != a
    now[0] = 61.0
    assert store.open(b)[0] != b and store.open(c)[0] != c


# --- passages, sources, health ---


def test_passage_by_key(client: TestClient, api_kb: LocalKnowledgeBase) -> None:
    body = client.get("/api/passages/UAVG art. 46 lid 1").json()
    stored = api_kb.get("UAVG art. 46 lid 1")
    assert stored is not None
    assert body["text"] == stored.text and body["key"] == stored.key
    assert body["source"] == "UAVG" and body["source_title"].startswith("Uitvoeringswet")
    assert body["version_date"] == "2026-09-01" and body["current"] is True
    assert body["url"].startswith("https://wetten.overheid.nl/BWBR0040940/")


def test_passage_of_an_older_version(client: TestClient) -> None:
    old = client.get("/api/passages/Jeugdwet art. 7.3.11 lid 4", params={"version": "2024-06-01"}).json()
    new = client.get("/api/passages/Jeugdwet art. 7.3.11 lid 4").json()
    assert (old["version_date"], old["current"]) == ("2024-01-01", False)
    assert (new["version_date"], new["current"]) == ("2026-01-01", True)


def test_passage_errors_are_json(client: TestClient) -> None:
    missing = client.get("/api/passages/UAVG art. 999")
    assert missing.status_code == 404
    assert missing.json()["error"] == {
        "code": "unknown_key",
        "message": "'UAVG art. 999' staat niet in de kennisbank: controleer de verwijzing.",
        "field": "key",
    }
    invalid = client.get("/api/passages/geen sleutel")
    assert invalid.status_code == 422 and invalid.json()["error"]["code"] == "invalid_key"
    assert "AVG art. 6 lid 1 sub e" in invalid.json()["error"]["message"]


def test_sources_list_versions_and_counts(client: TestClient, api_kb: LocalKnowledgeBase) -> None:
    body = client.get("/api/sources").json()
    by_id = {source["id"]: source for source in body["sources"]}
    assert body["kb_build"] == api_kb.manifest.build_id
    jeugdwet = by_id["jeugdwet"]
    assert [(v["version_date"], v["current"]) for v in jeugdwet["versions"]] == [
        ("2024-01-01", False),
        ("2026-01-01", True),
    ]
    assert jeugdwet["passages"] == len(api_kb.passages_of("jeugdwet/nl/2026-01-01")) > 100
    assert by_id["avg"]["versions"] == [] and by_id["avg"]["name"] == "AVG"


def test_healthz(client: TestClient, api_kb: LocalKnowledgeBase) -> None:
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["kb_build"] == api_kb.manifest.build_id
    assert body["documents"] == 3
    assert body["dense_index"]["state"] == "ready"  # a complete build: search uses its vectors


# --- errors and security ---


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"question": "   "}, 422, "empty_question", "question"),
        ({"question": "x" * 301}, 422, "question_too_long", "question"),
        ({"vraag": "Mag ik delen?"}, 422, "missing", "question"),
        ({"question": 12}, 422, "invalid", "question"),
    ],
)
def test_bad_questions(client: TestClient, body: dict[str, Any], status: int, code: str, field: str) -> None:
    for path in ("/api/ask", "/api/chat"):
        response = client.post(path, json=body)
        assert response.status_code == status
        error = response.json()["error"]
        assert (error["code"], error["field"]) == (code, field)
        assert error["message"]


def test_too_long_question_names_the_limit(client: TestClient) -> None:
    error = client.post("/api/ask", json={"question": "x" * 301}).json()["error"]
    assert error["message"] == "Veld 'question' heeft 301 tekens; het maximum is 300: maak de vraag korter."


def test_bad_json(client: TestClient) -> None:
    response = client.post("/api/ask", content=b'{"question": ', headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_json"


def test_body_too_large_by_length_and_by_stream(client: TestClient, scripted_engine: ScriptedEngine) -> None:
    big = json.dumps({"question": "x", "pad": "y" * 30_000}).encode()
    response = client.post("/api/ask", content=big, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while reading
        yield b'{"question": "x", "pad": "'
        for _ in range(30):
            yield b"y" * 1000
        yield b'"}'

    streamed = client.post("/api/ask", content=chunks(), headers={"Content-Type": "application/json"})
    assert streamed.status_code == 413
    assert "20000 bytes" in streamed.json()["error"]["message"]
    assert scripted_engine.calls == []


def test_unknown_route_and_method_are_json(client: TestClient) -> None:
    assert client.get("/api/bestaat-niet").json()["error"]["code"] == "not_found"
    wrong = client.get("/api/ask")
    assert wrong.status_code == 405 and wrong.json()["error"]["code"] == "method_not_allowed"


@pytest.mark.parametrize("path", ["/", "/static/app.js", "/api/sources", "/api/bestaat-niet"])
def test_security_headers(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "http" not in csp  # no external sources
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-frame-options"] == "DENY"
    assert (headers.get("cache-control") == "no-store") == path.startswith("/api/")


def test_web_page_uses_no_external_resources(client: TestClient) -> None:
    page = client.get("/").text
    assert '<html lang="nl">' in page
    assert "http://" not in page and "https://" not in page
    for asset in ("/static/app.js", "/static/style.css"):
        text = client.get(asset).text
        assert "http://" not in text and "https://" not in text and "@import" not in text


def test_engine_failure_is_json_without_the_question(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    response = client.post("/api/ask", json={"question": f"kapot met BSN {BSN}"})
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "answer_failed"
    assert BSN not in response.text
    assert "answer failed id=- error=RuntimeError" in caplog.text
    assert BSN not in caplog.text


# --- Beheer ---


def test_admin_needs_the_token(client: TestClient) -> None:
    assert client.get("/api/admin/feedback").status_code == 401
    wrong = client.get("/api/admin/feedback", headers={"Authorization": "Bearer raden"})
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "unauthorized"
    assert wrong.headers["www-authenticate"] == "Bearer"
    assert client.get("/api/admin/feedback", headers=AUTH).status_code == 200


def test_admin_without_configured_token_is_closed(tmp_path: Path, scripted_engine: ScriptedEngine) -> None:
    app = create_app(app_settings(tmp_path / "data", token=""), scripted_engine)
    with TestClient(app) as closed:
        for headers in ({}, {"Authorization": "Bearer "}, {"Authorization": "Bearer iets"}):
            response = closed.get("/api/admin/jobs", headers=headers)
            assert response.status_code == 401
            assert response.json()["error"]["code"] == "admin_disabled"
            assert "DEELWIJZER_SERVER__ADMIN_TOKEN" in response.json()["error"]["message"]


def test_feedback_is_stored_scrubbed_and_listed_with_filters(client: TestClient) -> None:
    sent = client.post("/api/feedback", json={
        "rating": "down", "reason": "bron_ontbreekt", "comment": f"BSN {BSN} mist", "verdict": "mag_mits",
        "question": f"Mag ik het BSN {BSN} delen?", "keys": ["UAVG art. 46 lid 1"],
    })  # fmt: skip
    assert sent.status_code == 201
    assert sent.json()["stored_question"] == "Mag ik het BSN [BSN] delen?"
    client.post("/api/feedback", json={"rating": "up"})
    listed = client.get("/api/admin/feedback", params={"rating": "down"}, headers=AUTH).json()["entries"]
    assert [(e["reason"], e["question"], e["comment"]) for e in listed] == [
        ("bron_ontbreekt", "Mag ik het BSN [BSN] delen?", "BSN [BSN] mist")
    ]
    assert len(client.get("/api/admin/feedback", headers=AUTH).json()["entries"]) == 2
    bad = client.get("/api/admin/feedback", params={"reason": "boos"}, headers=AUTH)
    assert bad.status_code == 422 and "onjuist" in bad.json()["error"]["message"]
    refused = client.post("/api/feedback", json={"rating": "meh"})
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "rating"


def test_unsettled_answers_are_counted_by_their_facts_only(client: TestClient, tmp_path: Path) -> None:
    for question in (f"Wanneer is de vergadering? BSN {BSN}", "wanneer is de VERGADERING met Jan Jansen?"):
        client.post("/api/ask", json={"question": question})
    client.post("/api/ask", json={"question": "En als het om een minderjarige gaat?"})
    client.post("/api/ask", json={"question": "Mag ik het BSN delen?"})  # settled: not counted
    top = client.get("/api/admin/unanswered", headers=AUTH).json()["patterns"]
    assert [(p["verdict"], p["minor"], p["count"]) for p in top] == [
        ("buiten_bereik", "", 2),
        ("hangt_af", "ja", 1),
    ]
    assert top[0]["gaps"] == ["sender", "recipient", "data", "purpose"]
    stored = (tmp_path / "data" / "feedback.sqlite3").read_bytes()
    assert b"vergadering" not in stored.lower() and b"Jansen" not in stored and b"minderjarige" not in stored


def test_changes_between_versions(client: TestClient) -> None:
    body = client.get("/api/admin/changes/jeugdwet", headers=AUTH).json()
    assert (body["old"]["version_date"], body["new"]["version_date"]) == ("2024-01-01", "2026-01-01")
    assert body["unchanged"] > 50
    assert body["changed"], "the 2024 and 2026 Jeugdwet differ"
    change = body["changed"][0]
    assert {piece["op"] for piece in change["diff"]} >= {"same"}
    assert change["old_text"] != change["new_text"]
    none = client.get("/api/admin/changes/uavg", headers=AUTH)
    assert none.status_code == 422 and "ingest a second version" in none.json()["error"]["message"]
    # the rules and legal thresholds resting on a changed provision (Jeugdwet art. 1.1 changed: the age of
    # majority rests on it) are named beside the changes
    assert "leeftijd:meerderjarig" in {rule["rule"] for rule in body["rules"]}


def test_rules_to_recheck_after_a_law_change(client: TestClient) -> None:
    """The slice holds Jeugdwet 2024 and 2026; the rules were checked against 2026: nothing to re-read."""
    assert client.get("/api/admin/rules/recheck").status_code == 401
    body = client.get("/api/admin/rules/recheck", headers=AUTH).json()
    assert body["checked_on"] and all(rule["source"] != "Jeugdwet" for rule in body["rules"])


# --- records ---


def test_records_as_markdown_and_pdf(client: TestClient) -> None:
    answer = client.post("/api/ask", json={"question": f"Mag ik het BSN {BSN} delen?"}).json()
    request = {"record_token": answer["record_token"], "motivation": "Wettelijke taak."}
    markdown = client.post("/api/records", json={**request, "format": "md"})
    assert markdown.status_code == 200
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert 'filename="deelwijzer-vastlegging-' in markdown.headers["content-disposition"]
    assert "UAVG art. 46 lid 1" in markdown.text and "Wettelijke taak." in markdown.text
    assert BSN not in markdown.text and "[BSN]" in markdown.text
    pdf = client.post("/api/records", json=request)
    assert pdf.headers["content-type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "UAVG art. 46 lid 1" in " ".join(text.split())
    assert BSN not in text


# --- uploads ---

PROGRESS_SCRIPT = (
    "import sys, time\n"
    "print('lezen: ' + sys.argv[1].rsplit('/', 1)[-1], file=sys.stderr, flush=True)\n"
    "time.sleep(0.2)\n"
    "print('embedden 3/3', file=sys.stderr, flush=True)\n"
    "sys.exit(0 if sys.argv[1].endswith('goed.pdf') else 4)\n"
)


def scripted_jobs(client: TestClient, tmp_path: Path) -> None:
    """Swap the ingest command for a script that prints progress (the test is about job reporting)."""
    script = tmp_path / "ingest_script.py"
    script.write_text(PROGRESS_SCRIPT, encoding="utf-8")
    state_of(client).jobs = IngestJobs(
        tmp_path / "incoming", command=lambda p: [sys.executable, str(script), str(p)]
    )


def wait_for(client: TestClient, job_id: str, timeout: float = 20) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/api/admin/jobs/{job_id}", headers=AUTH).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish")


def test_upload_runs_in_background_and_reports_progress(client: TestClient, tmp_path: Path) -> None:
    scripted_jobs(client, tmp_path)
    pdf = b"%PDF-1.4\n% test\n"
    started = client.post(
        "/api/admin/uploads", params={"filename": "../Convenant goed.pdf"}, content=pdf, headers=AUTH
    )
    assert started.status_code == 202
    job = wait_for(client, started.json()["id"])
    assert job["filename"] == "Convenant-goed.pdf"
    assert (job["status"], job["exit_code"]) == ("done", 0)
    assert job["lines"] == ["lezen: Convenant-goed.pdf", "embedden 3/3"]
    assert not any((tmp_path / "incoming").iterdir()), "the staged upload is removed"
    failed = client.post("/api/admin/uploads", params={"filename": "fout.pdf"}, content=pdf, headers=AUTH)
    assert wait_for(client, failed.json()["id"])["status"] == "failed"
    listed = client.get("/api/admin/jobs", headers=AUTH).json()["jobs"]
    assert [j["filename"] for j in listed] == ["fout.pdf", "Convenant-goed.pdf"]


def test_upload_refusals(client: TestClient) -> None:
    not_pdf = client.post(
        "/api/admin/uploads", params={"filename": "notitie.pdf"}, content=b"hallo", headers=AUTH
    )
    assert not_pdf.status_code == 422 and "%PDF-" in not_pdf.json()["error"]["message"]
    wrong_name = client.post(
        "/api/admin/uploads", params={"filename": "x.exe"}, content=b"%PDF-1", headers=AUTH
    )
    assert wrong_name.status_code == 422 and wrong_name.json()["error"]["field"] == "filename"
    empty = client.post("/api/admin/uploads", params={"filename": "x.pdf"}, content=b"", headers=AUTH)
    assert empty.json()["error"]["code"] == "empty_upload"
    anonymous = client.post("/api/admin/uploads", params={"filename": "x.pdf"}, content=b"%PDF-1")
    assert anonymous.status_code == 401
    assert client.get("/api/admin/jobs/onbekend", headers=AUTH).json()["error"]["code"] == "unknown_job"


def test_upload_limit_is_its_own(tmp_path: Path, scripted_engine: ScriptedEngine) -> None:
    settings = app_settings(tmp_path / "data", max_request_bytes=1000, max_upload_bytes=5000)
    with TestClient(create_app(settings, scripted_engine)) as small:
        big = b"%PDF-1.4\n" + b"0" * 6000
        response = small.post(
            "/api/admin/uploads", params={"filename": "groot.pdf"}, content=big, headers=AUTH
        )
        assert response.status_code == 413 and "5000 bytes" in response.json()["error"]["message"]


# --- privacy ---


def test_a_bsn_in_a_question_reaches_neither_logs_nor_database(
    client: TestClient, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for question in (f"Mag ik BSN {BSN} delen?", f"Wanneer is de vergadering over {BSN}?"):
        client.post("/api/ask", json={"question": question})
        client.post("/api/chat", json={"question": question})
    client.post("/api/feedback", json={"rating": "down", "question": f"BSN {BSN}", "comment": BSN})
    assert client.get("/api/admin/unanswered", headers=AUTH).json()["patterns"]  # something was stored
    assert BSN not in caplog.text
    files = [p for p in (tmp_path / "data").rglob("*") if p.is_file()]
    assert any(p.name == "feedback.sqlite3" for p in files)
    for path in files:
        assert BSN.encode() not in path.read_bytes(), path


# --- the real ingest command and the real engine ---


def covenant_pdf(sentence: str) -> bytes:
    """A small covenant with a text layer, written for this test."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("DejaVu", "", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    pdf.set_font("DejaVu", size=11)
    for article in (1, 2):
        pdf.add_page()
        pdf.multi_cell(0, 6, f"Artikel {article} Gegevensuitwisseling in het casusoverleg. {sentence} " * 4)
    return bytes(pdf.output())


@pytest.mark.model
def test_upload_is_ingested_by_the_real_command(tmp_path: Path, test_cache_dir: Path) -> None:
    """`python -m deelwijzer ingest FILE` in a subprocess: the first build holds just the covenant."""
    settings = app_settings(tmp_path / "data").model_copy(
        update={"models_folder": test_cache_dir / "models", "cache_folder": test_cache_dir / "cache"}
    )
    with TestClient(create_app(settings)) as client:
        assert client.get("/healthz").json()["kb_build"] is None
        pdf = covenant_pdf("De deelnemers verstrekken elkaar alleen gegevens die noodzakelijk zijn.")
        started = client.post(
            "/api/admin/uploads", params={"filename": "Convenant casusoverleg.pdf"}, content=pdf, headers=AUTH
        )
        job = wait_for(client, started.json()["id"], timeout=240)
        assert (job["status"], job["exit_code"]) == ("done", 0), job["lines"]
        assert any("convenant-casusoverleg" in line for line in job["lines"])
        health = client.get("/healthz").json()
        assert health["kb_build"] and (health["documents"], health["passages"]) == (1, 2)
        sources = {s["id"]: s for s in client.get("/api/sources").json()["sources"]}
        [version] = sources["convenant-casusoverleg"]["versions"]
        assert version["passage_count"] == 2 and version["reader"].startswith("pdf")
    assert (settings.data_dir / "uploads" / "Convenant-casusoverleg.pdf").is_file()


@pytest.mark.slow
def test_real_engine_answers_stream_and_quote_verbatim(full_kb_settings: Settings) -> None:
    settings = full_kb_settings.model_copy(update={"server": ServerSettings(admin_token=ADMIN_TOKEN)})
    with TestClient(create_app(settings)) as client:
        question = (
            "Mag ik als hulpverlener een signaal van mensenhandel delen met het Zorg- en Veiligheidshuis?"
        )
        answer = client.post("/api/ask", json={"question": question}).json()
        assert answer["verdict"] in ("mag", "mag_mits", "mag_niet", "hangt_af", "buiten_bereik")
        assert answer["citations"], answer["summary"]
        for citation in answer["citations"]:
            stored = client.get(
                f"/api/passages/{citation['key']}", params={"version": citation["source_version"]}
            )
            assert stored.status_code == 200, citation["key"]
            assert " ".join(citation["quote"].split()) in " ".join(stored.json()["text"].split())
        first = sse(client.post("/api/chat", json={"question": question}).text)
        follow = {
            "conversation_id": first[-1][1]["conversation_id"],
            "question": "En als het om een minderjarige gaat?",
        }
        second = sse(client.post("/api/chat", json=follow).text)
        assert [name for name, _ in second][0] == "verdict" and second[-1][0] == "done"
        assert second[-1][1]["conversation_id"] == follow["conversation_id"]
        changes = client.get("/api/admin/changes/jeugdwet", headers=AUTH).json()
        assert (changes["old"]["version_date"], changes["new"]["version_date"]) == (
            "2024-01-01",
            "2026-01-01",
        )
