"""The engine and the CLI end to end on the REAL slice knowledge base (see test_retrieval.py) with the real
rule assessor and the real e5 model. The only fake is the scripted chat model (the LLM boundary)."""

from __future__ import annotations

import json
import logging
import re
import statistics
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from test_retrieval import SAMENWERKING, slice_settings
from typer.testing import CliRunner

from bot.answer import Answer, Turn
from bot.cli import app
from bot.engine import Engine, build_engine
from bot.render import render_markdown
from bot.verify import collapse
from bot.words import verdict_label
from kb.citations import parse_key
from kb.settings import Settings, get_settings

QUESTIONS = [
    SAMENWERKING,
    "Mag ik als medewerker van de opvang aan de politie doorgeven dat een cliënt verslaafd is?",
    "Mag een woningcorporatie bijhouden welke huurders verdacht worden van mensenhandel?",
    "Mag de politie gegevens over een slachtoffer van mensenhandel aan CoMensha verstrekken?",
    "Mag ik het BSN van een slachtoffer doorgeven aan de gemeente?",
    "Mag de politie gegevens delen met Veilig Thuis over een minderjarige?",
    "Mag de gemeente gezondheidsgegevens van een slachtoffer delen met de zorgaanbieder?",
    "Mag ik zonder toestemming gegevens van een cliënt delen met de politie?",
    "Mag de politie informatie verstrekken aan de burgemeester voor een sluiting van een pand?",
    "Mag een hulpverlener gegevens over uitbuiting delen met de IND?",
    "Mag de politie gegevens verstrekken aan de Nationaal rapporteur mensenhandel?",
    "Mag ik strafrechtelijke gegevens van een verdachte delen in het casusoverleg?",
    "Mag de gemeente gegevens over arbeidsuitbuiting delen met de Arbeidsinspectie?",
    "Mag een arts gegevens van een patiënt die mogelijk slachtoffer is delen met de politie?",
    "Welke gegevens moet de politie vastleggen als zij gegevens verstrekt?",
    "May the police share data about a trafficking victim with CoMensha?",
    "May I share health data of a victim with the municipality?",
    "Wanneer is de volgende bijeenkomst van de gemeenteraad?",
    "Mag ik een foto van een vermoedelijk slachtoffer op sociale media zetten?",
    "Mag de politie gegevens delen met een buitenlandse politiedienst buiten de EER?",
]


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path, test_cache_dir: Path) -> Settings:
    return slice_settings(tmp_path_factory.getbasetemp() / "slice-kb", corpus_dir, test_cache_dir)


@pytest.fixture(scope="module")
def engine(settings: Settings) -> Engine:
    return build_engine(settings)


@pytest.fixture(scope="module")
def timed_answers(engine: Engine) -> list[tuple[Answer, float]]:
    """Each question answered once (models loaded, query not seen before), with its time in ms."""
    engine.answer("Mag ik een adres doorgeven aan de wijkagent?")  # warm-up (first inference)
    timed = []
    for n, question in enumerate(QUESTIONS):
        started = time.perf_counter()
        answer = engine.answer(question, id=f"q{n}")
        timed.append((answer, (time.perf_counter() - started) * 1000))
    return timed


@pytest.fixture(scope="module")
def answers(timed_answers: list[tuple[Answer, float]]) -> list[Answer]:
    return [answer for answer, _ in timed_answers]


def assert_verbatim(engine: Engine, answer: Answer) -> None:
    for citation in answer.citations:
        passage_key = parse_key(citation.key).passage_key
        stored = [engine.kb.get(passage_key, language) for language in ("nl", "en")]
        texts = [
            collapse(p.text) for p in stored if p is not None and p.version_date == citation.source_version
        ]
        assert any(collapse(citation.quote) in text for text in texts), (
            answer.id,
            citation.key,
            citation.quote,
        )


@pytest.mark.model
def test_every_citation_of_every_answer_is_verbatim(engine: Engine, answers: list[Answer]) -> None:
    assert sum(len(answer.citations) for answer in answers) >= 20
    for answer in answers:
        assert answer.removed_citations == 0, answer.id
        assert answer.kb_build == engine.kb.manifest.build_id
        assert_verbatim(engine, answer)


@pytest.mark.model
def test_answers_carry_ids_and_cite_the_right_law(answers: list[Answer]) -> None:
    assert [answer.id for answer in answers] == [f"q{n}" for n in range(len(QUESTIONS))]
    assert any(c.key.startswith("Wpg art. 20") for c in answers[0].citations), answers[0].citations
    assert any(c.key.startswith("AVG art. 9") for c in answers[1].citations)
    assert answers[17].verdict == "buiten_bereik"
    assert answers[17].citations == []


@pytest.mark.model
def test_english_question_gets_english_answer_and_text(answers: list[Answer]) -> None:
    english = answers[16]
    assert english.language == "en"
    avg = [c for c in english.citations if c.key.startswith("AVG ")]
    assert avg, english.citations
    assert "processing" in " ".join(c.quote for c in avg).casefold()


@pytest.mark.model
def test_follow_up_uses_the_history(engine: Engine) -> None:
    history = [
        Turn(
            question="Mag ik een signaal van uitbuiting doorgeven aan de gemeente?", answer_verdict="mag_mits"
        )
    ]
    answer = engine.answer("En als het om een minderjarige gaat?", history, id="vervolg")
    assert answer.facts.minor is True
    assert answer.verdict != "buiten_bereik"
    assert_verbatim(engine, answer)


@pytest.mark.model
def test_latency_of_answer(timed_answers: list[tuple[Answer, float]]) -> None:
    timings = sorted(ms for _, ms in timed_answers)
    p95 = timings[min(len(timings) - 1, round(0.95 * len(timings)) - 1)]
    print(
        f"\nanswer() over {len(timings)} questions: p50 {statistics.median(timings):.0f} ms, p95 {p95:.0f} ms"
    )
    assert len(timings) == len(QUESTIONS)
    assert all(ms > 0 for ms in timings)


@pytest.mark.model
def test_questions_are_never_logged(engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    question = "Mag ik het dossier van mevrouw Jansen-Bakker delen met de politie?"
    with caplog.at_level(logging.DEBUG):
        answer = engine.answer(question, id="privacy-1")
    assert "privacy-1" in caplog.text
    assert answer.verdict in caplog.text
    assert "Jansen" not in caplog.text
    assert "dossier" not in caplog.text


@pytest.mark.model
def test_build_engine_loads_once_per_settings(settings: Settings, engine: Engine) -> None:
    assert build_engine(settings) is engine


@pytest.mark.model
def test_fabricated_llm_citation_is_removed_and_counted(engine: Engine) -> None:
    plain = engine.answer(SAMENWERKING)
    summary = f"{verdict_label(plain.verdict, 'nl')}: lees de voorwaarden en de bepalingen hieronder."
    fabricated = [
        {"key": "Wpg art. 20 lid 9", "quote": "De politie mag altijd alles delen."},
        {"key": "Wpg art. 20 lid 1", "quote": "de politie deelt alle gegevens met iedereen"},
    ]
    reply = json.dumps({"summary": summary, "citations": fabricated})
    chat = GenericFakeChatModel(messages=iter([AIMessage(content=reply)]))
    with_llm = Engine(engine.settings, engine.kb, engine.assessor, engine.retriever, chat_model=chat)
    answer = with_llm.answer(SAMENWERKING)
    assert answer.removed_citations == 2
    assert answer.citations == plain.citations
    assert "De politie mag altijd alles delen." not in json.dumps(answer.model_dump())
    assert answer.verdict == plain.verdict
    assert answer.summary == summary


DUTCH_LABELS = ("Ja", "Ja, mits", "Nee", "Hangt af", "Buiten bereik", "Oordeel")


@pytest.mark.model
def test_english_answer_with_an_llm_holds_no_dutch_verdict_label(engine: Engine) -> None:
    """The rephrase prompt, the summary and the rendered answer are English end to end."""
    question = "May the police share data about a trafficking victim with CoMensha?"
    plain = engine.answer(question)
    label = verdict_label(plain.verdict, "en")
    summary = f"{label}. Read the conditions and the provisions below."
    reply = json.dumps({"summary": summary, "citations": []})
    chat = GenericFakeChatModel(messages=iter([AIMessage(content=reply)]))
    sent: list[str] = []
    invoke = chat.invoke

    def recording_invoke(messages, *args, **kwargs):  # type: ignore[no-untyped-def]
        sent.extend(str(message.content) for message in messages)
        return invoke(messages, *args, **kwargs)

    object.__setattr__(chat, "invoke", recording_invoke)
    with_llm = Engine(engine.settings, engine.kb, engine.assessor, engine.retriever, chat_model=chat)
    answer = with_llm.answer(question)
    assert answer.language == "en" and answer.verdict == plain.verdict != "buiten_bereik"
    assert f'("{label}")' in sent[0]
    verdict_line = render_markdown(answer).splitlines()[0]
    assert verdict_line.startswith(f"**Conclusion: {label}** — {label}.")
    for dutch in DUTCH_LABELS:
        assert not re.search(rf"\b{re.escape(dutch)}\b", sent[0] + answer.summary + verdict_line), dutch


# --- CLI ---------------------------------------------------------------------------------------------------


@pytest.fixture()
def cli_env(settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """The CLI reads get_settings(): point it at the slice (the loaded engine is reused)."""
    monkeypatch.setenv("DEELWIJZER_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


@pytest.mark.model
def test_ask_jsonl_prints_exactly_one_json_line_per_question(cli_env: Settings, tmp_path: Path) -> None:
    lines = [
        {"id": "a", "question": SAMENWERKING, "history": []},
        {"id": "b", "question": "Wanneer is de volgende bijeenkomst van de gemeenteraad?"},
        {"id": "c", "question": "En als het om een minderjarige gaat?",
         "history": [{"question": "Mag ik een signaal van uitbuiting doorgeven aan de gemeente?",
                      "answer_verdict": "mag_mits"}]},
    ]  # fmt: skip
    path = tmp_path / "vragen.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["ask", "--jsonl", str(path)])
    assert result.exit_code == 0, result.output
    out = result.stdout.splitlines()
    assert len(out) == 3
    parsed = [json.loads(line) for line in out]
    assert [item["id"] for item in parsed] == ["a", "b", "c"]
    assert parsed[1]["verdict"] == "buiten_bereik"
    assert all(
        {"verdict", "summary", "conditions", "clarifying_questions", "citations"} <= set(p) for p in parsed
    )


@pytest.mark.model
def test_ask_json_prints_one_object(cli_env: Settings) -> None:
    result = CliRunner().invoke(app, ["ask", SAMENWERKING, "--json"])
    assert result.exit_code == 0, result.output
    answer = Answer.model_validate_json(result.stdout)
    assert any(c.key.startswith("Wpg art. 20") for c in answer.citations)


@pytest.mark.model
def test_ask_prints_markdown(cli_env: Settings) -> None:
    result = CliRunner().invoke(app, ["ask", SAMENWERKING])
    assert result.exit_code == 0, result.output
    assert "Oordeel:" in result.stdout
    assert "Bronnen" in result.stdout
    assert "Wpg art. 20" in result.stdout


@pytest.mark.model
def test_search_filters_by_source(cli_env: Settings) -> None:
    arguments = ["search", "samenwerkingsverband politiegegevens", "--k", "4", "--source", "wpg", "--json"]
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert len(found) == 4
    assert {item["source_id"] for item in found} == {"wpg"}
    assert found[0]["key"].startswith("Wpg art. ")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"id": "a", "question": "Mag ik delen?"}\n{"id": "b"}\n', "vragen.jsonl:2: field 'question'"),
        ('{"id": "a", "question": "Mag ik delen?"}\nniet json\n', "vragen.jsonl:2: not valid JSON"),
        ('{"id": "a", "question": "  "}\n', "vragen.jsonl:1: field 'question' is empty"),
        ('["a"]\n', "vragen.jsonl:1: expected a JSON object"),
    ],
)
def test_bad_jsonl_exits_2_naming_file_line_and_field(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "vragen.jsonl"
    path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(app, ["ask", "--jsonl", str(path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert message in " ".join(result.stderr.split())


def test_missing_question_exits_2() -> None:
    result = CliRunner().invoke(app, ["ask"])
    assert result.exit_code == 2
    assert "no question" in result.stderr


def test_no_knowledge_base_exits_3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEELWIJZER_DATA_DIR", str(tmp_path / "leeg"))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["ask", "Mag ik delen?", "--json"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 3
    assert result.stdout == ""
    assert "deelwijzer ingest" in " ".join(result.stderr.split())
