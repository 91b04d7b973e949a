"""Facts as input on the HTTP API and the CLI (issue 14 item 2): `facts` on /api/ask and /api/chat, GET
/api/facts, `deelwijzer ask --facts` and the JSON Lines field.

Validation and passing-through run against the scripted engine (conftest `scripted_engine`); the overrides
run against a real Engine (real rule assessor and vocabulary, retrieval over the `api_kb` corpus slice of
UAVG and Jeugdwet), so the verdict and the citations are the real ones."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api_fakes import ScriptedEngine, app_settings
from fastapi.testclient import TestClient
from test_api import sse
from typer.testing import CliRunner

from bot import cli
from bot.api import create_app
from bot.assessment import Assessor
from bot.engine import Engine
from bot.retrieval import HybridRetriever
from kb.local_kb import LocalKnowledgeBase

YOUTH_WORKER = (
    "Mag ik als jeugdhulpverlener zonder toestemming het adres van een cliënt doorgeven aan de gemeente?"
)
HEALTH = "Mag de gemeente gezondheidsgegevens van een slachtoffer delen met de politie?"
ALL_FOUR = {
    "sender": "jeugdhulp",
    "recipients": ["gemeente"],
    "data": ["gewoon"],
    "purposes": ["hulpverlening"],
}


@pytest.fixture()
def scripted(tmp_path: Path, scripted_engine: ScriptedEngine) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings(tmp_path / "data"), scripted_engine)) as client:
        yield client


@pytest.fixture(scope="module")
def real_engine(api_kb: LocalKnowledgeBase, tmp_path_factory: pytest.TempPathFactory) -> Engine:
    settings = app_settings(tmp_path_factory.mktemp("facts") / "data")
    return Engine(settings, api_kb, Assessor(), HybridRetriever(api_kb, settings.retrieval))


@pytest.fixture()
def real(tmp_path: Path, real_engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings(tmp_path / "data"), real_engine)) as client:
        yield client


def keys(body: dict[str, Any]) -> set[str]:
    return {citation["key"] for citation in body["citations"]}


# --- validation and passing through (scripted engine) ------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "field", "named"),
    [
        ({"zender": "politie"}, "facts.zender", "sender, recipients, data, purposes, consent"),
        ({"sender": "marsmannetje"}, "facts.sender", "politie"),
        ({"consent": "misschien"}, "facts.consent", "given, refused, impossible"),
        ({"urgent": "ja"}, "facts.urgent", "true, false"),
    ],
)
def test_bad_facts_are_a_422_naming_the_field_and_allowed_values(
    scripted: TestClient, scripted_engine: ScriptedEngine, facts: dict[str, Any], field: str, named: str
) -> None:
    for path in ("/api/ask", "/api/chat"):
        response = scripted.post(path, json={"question": "Mag ik dit delen?", "facts": facts})
        assert response.status_code == 422, path
        error = response.json()["error"]
        assert error["field"] == field and named in error["message"]
    assert scripted_engine.calls == []


def test_facts_reach_the_engine_and_empty_question_needs_all_four(
    scripted: TestClient, scripted_engine: ScriptedEngine
) -> None:
    response = scripted.post("/api/ask", json={"question": "", "facts": ALL_FOUR})
    assert response.status_code == 200
    assert scripted_engine.calls[-1][0] == "" and scripted_engine.facts[-1] == ALL_FOUR
    partial = scripted.post("/api/ask", json={"question": " ", "facts": {"sender": "politie"}})
    assert partial.status_code == 422 and partial.json()["error"]["code"] == "empty_question"


def test_chat_keeps_the_facts_for_the_next_turns(
    scripted: TestClient, scripted_engine: ScriptedEngine
) -> None:
    first = scripted.post(
        "/api/chat", json={"question": "Mag ik dit delen?", "facts": {"consent": "refused"}}
    )
    conversation = next(data for name, data in sse(first.text) if name == "done")["conversation_id"]
    second = scripted.post(
        "/api/chat", json={"conversation_id": conversation, "question": "", "facts": ALL_FOUR}
    )
    assert second.status_code == 200
    _, history, _ = scripted_engine.calls[-1]
    assert history[0].given == {"consent": "refused"}
    assert scripted_engine.facts[-1] == ALL_FOUR
    third = scripted.post("/api/chat", json={"conversation_id": conversation, "question": ""})
    assert third.status_code == 200  # the kept facts still say who shares what
    assert [turn.given for turn in scripted_engine.calls[-1][1]] == [{"consent": "refused"}, ALL_FOUR]


def test_facts_lists_and_schema(scripted: TestClient) -> None:
    body = scripted.get("/api/facts").json()
    ids = [fact["id"] for fact in body["facts"]]
    assert ids[:4] == ["sender", "recipients", "data", "purposes"] and "partnership" in ids
    sender = body["facts"][0]
    assert sender["label"] == "Wie deelt" and sender["kind"] == "one"
    assert {"value": "gemeente", "label": "de gemeente"} in sender["options"]
    english = scripted.get("/api/facts", params={"language": "en"}).json()
    assert english["facts"][0]["label"] == "Who shares"
    schema = scripted.get("/api/openapi.json").json()
    assert "/api/facts" in schema["paths"]
    ask = schema["components"]["schemas"]["AskRequest"]["properties"]
    assert "facts" in ask and "null" in ask["facts"]["description"]


# --- the real engine: facts change the verdict and the citations --------------------------------------------


def test_a_fact_changes_the_verdict_and_the_citations(real: TestClient) -> None:
    read = real.post("/api/ask", json={"question": HEALTH}).json()
    assert read["verdict"] == "mag_niet" and "UAVG art. 22 lid 1" in keys(read)
    sender = next(fact for fact in read["understood"] if fact["fact"] == "data")
    assert sender["value"] == ["gezondheid"] and sender["source"] == "question"
    changed = real.post("/api/ask", json={"question": HEALTH, "facts": {"data": ["gewoon"]}}).json()
    # ordinary data: no art. 9 ban, but the law carrying the municipality's sharing is not said (art. 6 lid 3)
    assert changed["verdict"] == "hangt_af" and "UAVG art. 22 lid 1" not in keys(changed)
    assert changed["summary"].startswith("Dat hangt af van de wet")
    data = next(fact for fact in changed["understood"] if fact["fact"] == "data")
    assert (data["value"], data["source"], data["value_label"]) == (
        ["gewoon"],
        "given",
        ["gewone persoonsgegevens (zoals naam en adres)"],
    )


def test_another_sender_cites_another_law(real: TestClient) -> None:
    youth = real.post("/api/ask", json={"question": YOUTH_WORKER}).json()
    police = real.post("/api/ask", json={"question": YOUTH_WORKER, "facts": {"sender": "politie"}}).json()
    assert any(key.startswith("Jeugdwet") for key in keys(youth))
    assert not any(key.startswith("Jeugdwet") for key in keys(police))


def test_facts_only_answer(real: TestClient) -> None:
    body = real.post("/api/ask", json={"question": "", "facts": ALL_FOUR}).json()
    assert body["verdict"] == "mag_mits"
    assert any(key.startswith("Jeugdwet") for key in keys(body))
    sources = {fact["fact"]: fact["source"] for fact in body["understood"]}
    assert [sources[f] for f in ALL_FOUR] == ["given"] * 4 and sources["consent"] == "missing"


def test_clarify_on_the_api_and_its_option_answers_it(real: TestClient) -> None:
    question = "Mogen we aan de gemeente de etnische afkomst van een slachtoffer doorgeven?"
    body = real.post("/api/ask", json={"question": question}).json()
    assert body["verdict"] == "hangt_af" and body["clarify"]["fact"] == "sender"
    verdicts = {o["verdict"] for o in body["clarify"]["options"]}
    assert {"mag_niet", "mag_mits"} <= verdicts
    option = next(
        o for o in body["clarify"]["options"] if o["value"] == "jeugdhulp"
    )  # Jeugdwet is in the slice
    assert option["verdict"] == "mag_mits" and option["label"] == "een jeugdhulpverlener"
    answered = real.post("/api/ask", json={"question": question, "facts": {"sender": option["value"]}}).json()
    assert answered["verdict"] == "mag_mits" and answered["clarify"] is None


# --- CLI ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["ask", "--facts", '{"sender": "marsmannetje"}', "Mag ik dit delen?"], "facts.sender"),
        (["ask", "--facts", "{niet json", "Mag ik dit delen?"], "not valid JSON"),
        (["ask", "--facts", '{"zender": "politie"}', "Mag ik dit delen?"], "sender, recipients"),
    ],
)
def test_cli_bad_facts_exit_2(arguments: list[str], message: str) -> None:
    result = CliRunner().invoke(cli.app, arguments)
    assert result.exit_code == 2 and result.stdout == ""
    assert message in " ".join(result.stderr.split())


def test_cli_bad_facts_in_jsonl_exit_2_naming_line_and_allowed_values(tmp_path: Path) -> None:
    path = tmp_path / "vragen.jsonl"
    path.write_text(
        '{"id": "a", "question": "Mag ik dit delen?", "facts": {"consent": "ja"}}\n', encoding="utf-8"
    )
    result = CliRunner().invoke(cli.app, ["ask", "--jsonl", str(path)])
    assert result.exit_code == 2
    assert "vragen.jsonl:1" in result.stderr and "given, refused, impossible" in " ".join(
        result.stderr.split()
    )


def test_cli_facts_and_jsonl_facts(
    real_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "_engine", lambda: real_engine)
    result = CliRunner().invoke(
        cli.app, ["ask", "--json", "--facts", json.dumps({"data": ["gewoon"]}), HEALTH]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["verdict"] == "hangt_af"
    only_facts = CliRunner().invoke(cli.app, ["ask", "--json", "--facts", json.dumps(ALL_FOUR)])
    assert only_facts.exit_code == 0 and json.loads(only_facts.stdout)["verdict"] == "mag_mits"
    lines = [{"id": "a", "question": HEALTH}, {"id": "b", "question": HEALTH, "facts": {"data": "gewoon"}},
             {"id": "c", "question": "", "facts": ALL_FOUR}]  # fmt: skip
    path = tmp_path / "vragen.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    result = CliRunner().invoke(cli.app, ["ask", "--jsonl", str(path)])
    assert result.exit_code == 0, result.output
    verdicts = [json.loads(line)["verdict"] for line in result.stdout.splitlines()]
    assert verdicts == ["mag_niet", "hangt_af", "mag_mits"]
