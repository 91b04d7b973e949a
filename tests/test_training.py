"""Training scenarios (issue 17) on a real Engine: the real rule assessor and vocabulary, retrieval over the
`api_kb` corpus slice (UAVG, Jeugdwet), so verdicts, read-back and citation verification are the real ones.
Generation, determinism, contrast flips, read-back, and the exported pack loading as an eval case file."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from api_fakes import app_settings
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from bot.api import create_app
from bot.assessment import Assessor
from bot.engine import Engine
from bot.fact_inputs import check_facts
from bot.retrieval import HybridRetriever
from bot.training import cli as training_cli
from bot.training.export import pack_cases, pack_markdown, pack_pdf
from bot.training.quiz import grade, quiz_questions
from bot.training.readback import read_back
from bot.training.scenarios import Pack, draw_facts, generate
from bot.training.themes import THEME_IDS, THEMES, ThemeError, themes
from bot.vocabulary import load_vocabulary
from evals.case_files import load_cases
from kb.local_kb import LocalKnowledgeBase


@pytest.fixture(scope="module")
def engine(api_kb: LocalKnowledgeBase, tmp_path_factory: pytest.TempPathFactory) -> Engine:
    settings = app_settings(tmp_path_factory.mktemp("training") / "data")
    return Engine(settings, api_kb, Assessor(), HybridRetriever(api_kb, settings.retrieval))


@pytest.fixture(scope="module")
def pack(engine: Engine) -> Pack:
    return generate(engine, "alle", n=8, seed=3)


def test_pack_covers_themes_with_offered_scenarios(pack: Pack) -> None:
    assert len(THEME_IDS) >= 8
    assert len(pack.scenarios) == 8
    assert len({scenario.theme for scenario in pack.scenarios}) >= 6
    for scenario in pack.scenarios:
        assert scenario.offered, scenario.readback
        assert "(fictief)" in scenario.casus and scenario.casus.rstrip().endswith("?")
        assert scenario.answer.verdict in ("mag", "mag_mits", "mag_niet", "hangt_af")
        assert scenario.answer.summary


def test_every_contrast_flips_the_verdict_by_one_fact(pack: Pack) -> None:
    for scenario in pack.scenarios:
        contrast = scenario.contrast
        assert contrast.answer.verdict != scenario.answer.verdict
        changed = {fact for fact in contrast.facts if contrast.facts[fact] != scenario.facts.get(fact)}
        assert changed == {contrast.fact}
        assert contrast.casus != scenario.casus and contrast.prompt.startswith("Wat als")


def test_citations_are_verified_stored_text(pack: Pack, api_kb: LocalKnowledgeBase) -> None:
    cited = [c for s in pack.scenarios for c in s.answer.citations]
    assert cited, "the slice holds UAVG and Jeugdwet: some answers must cite them"
    for citation in cited:
        passage = api_kb.get(citation.key)
        assert passage is not None, citation.key
        assert " ".join(citation.quote.split()) in " ".join(passage.text.split())


def test_same_seed_same_pack_other_seed_other_cases(engine: Engine, pack: Pack) -> None:
    again = generate(engine, "alle", n=8, seed=3)
    assert again.model_dump() == pack.model_dump()
    assert pack_markdown(again) == pack_markdown(pack)
    other = generate(engine, "alle", n=8, seed=4)
    assert [s.casus for s in other.scenarios] != [s.casus for s in pack.scenarios]
    assert len({s.casus for s in other.scenarios} & {s.casus for s in pack.scenarios}) <= 2


def test_read_back_rejects_a_casus_that_says_something_else(engine: Engine, pack: Pack) -> None:
    scenario = pack.scenarios[0]
    check = read_back(engine, scenario.casus, scenario.facts, scenario.answer.verdict)
    assert check.ok and not check.mismatches
    wrong = {**scenario.facts, "sender": "om" if scenario.facts["sender"] != "om" else "politie"}
    check = read_back(engine, scenario.casus, wrong, scenario.answer.verdict)
    assert not check.facts_ok and check.mismatches[0].startswith("sender:")


def test_theme_and_difficulty_selection(engine: Engine) -> None:
    youth = generate(engine, "minderjarigen", n=2, seed=1, difficulty="basis")
    assert {s.theme for s in youth.scenarios} == {"minderjarigen"}
    assert {s.level for s in youth.scenarios} == {1}
    assert any(s.contrast.fact == "age" for s in youth.scenarios)
    with pytest.raises(ThemeError, match="kies uit"):
        themes("kookles")


def test_export_is_a_loadable_case_file_and_a_real_pdf(pack: Pack, tmp_path: Path) -> None:
    path = tmp_path / "pack.yaml"
    path.write_text(pack_cases(pack), encoding="utf-8")
    cases = load_cases(path)
    assert len(cases) == 2 * len(pack.scenarios)
    first = cases[0]
    assert first.question == pack.scenarios[0].casus
    assert first.verdict == [pack.scenarios[0].answer.verdict]
    assert first.facts == pack.scenarios[0].facts
    assert cases[1].id == f"{first.id}-contrast"
    markdown = pack_markdown(pack)
    for heading in ("Casussen", "Antwoordblad", "Trainersnotities"):
        assert f"## {heading}" in markdown
    assert pack.scenarios[0].contrast.prompt in markdown
    pdf = pack_pdf(pack)
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000


def test_quiz_grades_verdict_and_provisions(pack: Pack) -> None:
    question = next(q for q in quiz_questions(pack) if q.decisive_articles)
    right_verdict = [v for v, _ in question.verdict_options].index(question.answer.verdict)
    assert grade(question, right_verdict, [-1]).points == 1
    wrong_verdict = (right_verdict + 1) % len(question.verdict_options)
    assert grade(question, wrong_verdict, []).points == 0
    assert set(question.decisive_articles) <= set(question.provision_options)
    right = [question.provision_options.index(key) for key in question.decisive_articles]
    assert grade(question, right_verdict, right).points == 2


def test_cli_scenarios_and_quiz(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(training_cli, "_engine", lambda: engine)
    runner = CliRunner()
    cases = tmp_path / "pack.yaml"
    result = runner.invoke(training_cli.app, ["scenarios", "--theme", "comensha", "--n", "2", "--seed", "1",
                                              "--cases", str(cases)])  # fmt: skip
    assert result.exit_code == 0, result.output
    ids = [case.id for case in load_cases(cases)]
    assert len(ids) == 4 and ids[0].startswith("comensha-1-") and ids[1] == f"{ids[0]}-contrast"
    result = runner.invoke(training_cli.app, ["quiz", "--theme", "comensha", "--n", "2", "--seed", "1"],
                           input="3\n1\n3\n1\n")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Modelantwoord:" in result.output and "Score:" in result.output and "van 4 punten" in result.output
    result = runner.invoke(training_cli.app, ["scenarios", "--theme", "kookles"])
    assert result.exit_code == 2 and "kies uit" in result.output


def test_api_quiz_and_pack(engine: Engine, tmp_path: Path) -> None:
    with TestClient(create_app(app_settings(tmp_path / "data"), engine)) as client:
        themes_body = client.get("/api/training/themes").json()
        assert [theme["id"] for theme in themes_body["themes"]] == list(THEME_IDS)
        body = client.post("/api/training/quiz", json={"theme": "rechten", "n": 2, "seed": 5}).json()
        assert len(body["questions"]) == 2
        question = body["questions"][0]
        assert "(fictief)" in question["casus"] and question["answer"]["verdict"]
        assert len(question["provision_options"]) >= 2
        cases = client.post(
            "/api/training/pack", json={"theme": "rechten", "n": 2, "seed": 5, "format": "cases"}
        )
        assert cases.status_code == 200 and question["casus"] in cases.text
        wrong = client.post("/api/training/quiz", json={"theme": "kookles"})
        assert wrong.status_code == 422 and "kies uit" in wrong.text
        too_many = client.post("/api/training/quiz", json={"n": 50})
        assert too_many.status_code == 422


def test_every_pattern_draws_facts_as_checked() -> None:
    """List facts are drawn as lists and every value is allowed (check_facts leaves them unchanged)."""
    vocabulary = load_vocabulary()
    for theme in THEMES:
        for pattern in theme.patterns:
            for seed in range(4):
                facts = draw_facts(pattern, random.Random(seed))
                assert check_facts(facts, vocabulary) == facts, (theme.id, facts)
