"""A trainer's own casus (issue 17) and the quiz's multi-provision pick, on a real Engine (real rules,
vocabulary, retrieval over the `api_kb` slice, citation verification): reading with the chat's understanding,
corrections laid over it, validation naming the field, packs (Markdown, PDF, eval case file) with own cases,
`deelwijzer scenarios --own FILE`, and the provisions scored by overlap."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_fakes import app_settings
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from bot.api import create_app
from bot.assessment import Assessor
from bot.engine import Engine
from bot.retrieval import HybridRetriever
from bot.training import cli as training_cli
from bot.training.export import pack_cases, pack_markdown
from bot.training.own import OwnCaseFileError, OwnCaseInput, load_own_file, read_own, read_own_cases
from bot.training.quiz import grade, quiz_questions
from bot.training.scenarios import generate
from evals.case_files import load_cases
from kb.local_kb import LocalKnowledgeBase

CASUS = (
    "Ik ben jeugdhulpverlener. Een meisje van 15 jaar vertelt dat ze na school moet werken voor een man die "
    "haar geld afpakt. Mag ik haar gegevens delen met de politie voor de opsporing?"
)


@pytest.fixture(scope="module")
def engine(api_kb: LocalKnowledgeBase, tmp_path_factory: pytest.TempPathFactory) -> Engine:
    settings = app_settings(tmp_path_factory.mktemp("training-own") / "data")
    return Engine(settings, api_kb, Assessor(), HybridRetriever(api_kb, settings.retrieval))


@pytest.fixture(scope="module")
def client(engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings(tmp_path_factory.mktemp("own-api") / "data"), engine)) as client:
        yield client


def _understood(body: dict[str, object], fact: str) -> dict[str, object]:
    facts = body["understood"]
    assert isinstance(facts, list)
    return next(item for item in facts if item["fact"] == fact)


def test_own_casus_is_read_like_chat_and_answered(engine: Engine) -> None:
    case = read_own(engine, CASUS)
    chat = engine.answer(CASUS)
    assert [f.model_dump() for f in case.understood] == [f.model_dump() for f in chat.understood]
    assert case.answer.verdict == chat.verdict and case.own and case.given == {}
    assert case.facts["sender"] == "jeugdhulp" and case.facts["age"] == 15
    assert case.facts["recipients"] == ["politie"]


def test_api_reads_an_own_casus_and_takes_corrections(client: TestClient, engine: Engine) -> None:
    plain = client.post("/api/training/own", json={"casus": CASUS})
    assert plain.status_code == 200, plain.text
    body = plain.json()
    assert body["own"] is True and body["theme_label"] == "Eigen casus" and body["casus"] == CASUS
    assert _understood(body, "sender")["source"] == "question"
    assert _understood(body, "age")["value"] == 15
    assert body["answer"]["verdict"] == engine.answer(CASUS).verdict
    corrected = client.post("/api/training/own", json={"casus": CASUS, "facts": {"age": 19}}).json()
    age = _understood(corrected, "age")
    assert age["value"] == 19 and age["source"] == "given"
    assert corrected["given"] == {"age": 19} and corrected["facts"]["age"] == 19
    assert corrected["answer"]["verdict"] == engine.answer(CASUS, facts={"age": 19}).verdict
    # the text says 15, the trainer says 19: the read-back says so (the case file grades the text alone)
    assert not corrected["readback"]["facts_ok"]
    assert any(m.startswith("age:") for m in corrected["readback"]["mismatches"])


def test_api_own_casus_validation_names_the_field(client: TestClient) -> None:
    for body, field in (
        ({"casus": "   "}, "casus"),
        ({}, "casus"),
        ({"casus": "x" * 2001}, "casus"),
        ({"casus": CASUS, "facts": {"sender": "kookles"}}, "facts.sender"),
        ({"casus": CASUS, "facts": {"kleur": "rood"}}, "facts.kleur"),
    ):
        response = client.post("/api/training/own", json=body)
        assert response.status_code == 422, (body, response.text)
        error = response.json()["error"]
        assert error["field"] == field and field in error["message"], error
    own = [{"casus": CASUS, "facts": {"age": "oud"}}]
    bad = client.post("/api/training/pack", json={"n": 1, "format": "md", "own": own})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "own.0.facts.age"


def test_api_pack_export_includes_an_own_case(client: TestClient, tmp_path: Path) -> None:
    own = [{"casus": CASUS, "facts": {"consent": "refused"}}]
    request = {"theme": "rechten", "n": 1, "seed": 5, "own": own}
    verdict = client.post("/api/training/own", json=own[0]).json()["answer"]["verdict_label"]
    markdown = client.post("/api/training/pack", json={**request, "format": "md"})
    assert markdown.status_code == 200, markdown.text
    text = markdown.text
    assert "Casus 2 — eigen casus (door de trainer geschreven)" in text and CASUS in text
    assert "Gecorrigeerd door de trainer: Toestemming" in text
    assert f"Oordeel: {verdict}." in text.split("## Antwoordblad")[1]
    cases = client.post("/api/training/pack", json={**request, "format": "cases"})
    path = tmp_path / "own-pack.yaml"
    path.write_text(cases.text, encoding="utf-8")
    loaded = {case.id: case for case in load_cases(path)}
    assert loaded["eigen-1"].question == CASUS and loaded["eigen-1"].note.startswith("eigen casus")
    assert loaded["eigen-1"].facts["consent"] == "refused" and len(loaded) == 3
    pdf = client.post("/api/training/pack", json={**request, "format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_own_cases_file_yaml_and_markdown(tmp_path: Path, engine: Engine) -> None:
    yaml_file = tmp_path / "eigen.yaml"
    yaml_file.write_text(
        f"- {CASUS!r}\n- casus: {CASUS!r}\n  facts: {{consent: refused}}\n", encoding="utf-8"
    )
    cases = load_own_file(yaml_file)
    assert [c.facts for c in cases] == [{}, {"consent": "refused"}]
    md_file = tmp_path / "eigen.md"
    md_file.write_text(
        f"# Casus A\n{CASUS}\n\n# Casus B\nIk ben huisarts.\nMag ik dat delen?\n", encoding="utf-8"
    )
    assert [c.casus for c in load_own_file(md_file)] == [CASUS, "Ik ben huisarts. Mag ik dat delen?"]
    (tmp_path / "bad.yaml").write_text("- casus: 3\n  kleur: rood\n", encoding="utf-8")
    with pytest.raises(OwnCaseFileError, match="casus 1 moet een tekst zijn"):
        load_own_file(tmp_path / "bad.yaml")
    own = read_own_cases(engine, [OwnCaseInput(casus=CASUS)])
    pack = generate(engine, "comensha", n=1, seed=1)
    assert "eigen casus" in pack_markdown(pack, own) and "eigen-1" in pack_cases(pack, own)


def test_cli_scenarios_own(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(training_cli, "_engine", lambda: engine)
    own = tmp_path / "eigen.yaml"
    own.write_text(f"- casus: {CASUS!r}\n  facts: {{age: 19}}\n", encoding="utf-8")
    out = tmp_path / "pack.yaml"
    runner = CliRunner()
    args = [
        "scenarios",
        "--theme",
        "comensha",
        "--n",
        "1",
        "--seed",
        "1",
        "--own",
        str(own),
        "--cases",
        str(out),
    ]
    result = runner.invoke(training_cli.app, args)
    assert result.exit_code == 0, result.output
    assert "eigen-1 (eigen casus)" in result.output and "age: bedoeld 19" in result.output
    ids = [case.id for case in load_cases(out)]
    assert ids[-1] == "eigen-1" and len(ids) == 3
    own.write_text(f"- casus: {CASUS!r}\n  facts: {{sender: kookles}}\n", encoding="utf-8")
    result = runner.invoke(training_cli.app, args)
    assert result.exit_code == 2 and "own.0.facts.sender" in result.output


def test_quiz_scores_a_multi_provision_pick_by_overlap(engine: Engine) -> None:
    questions = [q for q in quiz_questions(generate(engine, "alle", n=6, seed=3)) if q.decisive_articles]
    assert questions, "some model answers cite decisive provisions"
    question = questions[0]
    right = [question.provision_options.index(key) for key in question.decisive_articles]
    wrong = [i for i, key in enumerate(question.provision_options) if key not in question.decisive_articles]
    assert len(question.provision_options) == 5 and wrong
    verdict = [v for v, _ in question.verdict_options].index(question.answer.verdict)
    full = grade(question, verdict, right)
    assert full.points == 2 and full.provision_ok and full.hits == question.decisive_articles
    extra = grade(question, verdict, [*right, wrong[0]])
    assert extra.provision_score == round(len(right) / (len(right) + 1), 2)
    assert "1 overbodig" in extra.provision_feedback() and "overlap" in extra.provision_feedback()
    assert grade(question, verdict, [wrong[0]]).provision_score == 0
    assert grade(question, verdict, []).points == 1


def test_cli_quiz_takes_several_provisions(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(training_cli, "_engine", lambda: engine)
    result = CliRunner().invoke(training_cli.app, ["quiz", "--theme", "comensha", "--n", "2", "--seed", "1"],
                                input="1\n1,2\n1\n9\n\n")  # fmt: skip
    assert result.exit_code == 0, result.output
    picks = re.findall(r"(\d+) van (\d+) beslissende bepalingen gekozen, (\d+) overbodig", result.output)
    assert len(picks) == 2
    (hits, _, extra), (none, _, no_extra) = picks
    assert int(hits) + int(extra) == 2 and (none, no_extra) == ("0", "0")  # '1,2' and nothing
    assert "Kies nummers van 1 tot en met 5" in result.output  # '9' is asked again
    assert "overlap" in result.output and "van 4 punten" in result.output
