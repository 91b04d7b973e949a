"""Grading: hand-made answers against hand-made cases give exact metric values. Citations are checked
against a real knowledge base (the UAVG BWB XML and the Besluit meldcode YAML from the shared corpus, read by
the real readers); the embedder is the SHA-256 bag-of-words fake, as these tests are about grading."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from store_fakes import HashEmbedder

from bot.answer import Answer, Citation, Step, Turn
from evals.case_files import Case
from evals.grading import CitationChecker, grade_case, is_cited, percentile, squash, summarize
from evals.run_cases import CaseRun, compare, count_changes, load_run, run_cases, save_run
from ingest.readers.bwb_xml import BwbXmlReader
from ingest.readers.regelrecht import RegelrechtReader
from kb.builds import write_build
from kb.local_kb import LocalKnowledgeBase, open_knowledge_base
from kb.registry import load_registry
from kb.settings import Settings

UAVG = "nl-bwb-xml/BWBR0040940/2026-09-01/toestand.xml"
MELDCODE = (
    "nl-regelrecht-corpus/regulation/nl/amvb/"
    "besluit_verplichte_meldcode_huiselijk_geweld_en_kindermishandeling/2020-10-01.yaml"
)


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Iterator[LocalKnowledgeBase]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("grading"))
    registry = load_registry()
    documents = [
        BwbXmlReader().read(corpus_dir / UAVG, registry),
        RegelrechtReader().read(corpus_dir / MELDCODE, registry),
    ]
    embedder = HashEmbedder()
    readers = ["bwb-xml", "regelrecht"]
    write_build(documents, settings=settings, embedder=embedder, file_hashes={}, readers=readers,
                chunker_version="grading-test/1")  # fmt: skip
    opened = open_knowledge_base(settings, embedder)
    yield opened
    opened.close()


def text_of(kb: LocalKnowledgeBase, key: str) -> str:
    passage = kb.get(key)
    assert passage is not None, key
    return passage.text


def cite(key: str, quote: str, version: str = "2026-09-01") -> Citation:
    return Citation(key=key, quote=quote, source_version=version)


def answer(verdict: str, citations: Sequence[Citation] = (), steps: Sequence[str] = ()) -> Answer:
    return Answer(
        verdict=verdict,
        summary="Handgemaakt antwoord.",
        citations=list(citations),
        steps=[Step(id=s, title=s, finding="") for s in steps],
    )


def test_quotes_are_checked_against_the_stored_text(kb: LocalKnowledgeBase) -> None:
    checker = CitationChecker(kb)
    lid_1 = text_of(kb, "UAVG art. 30 lid 1")
    words = lid_1.split()
    spaced = "  \n".join(words[:8])  # whitespace differs, words the same
    assert checker.reason(cite("UAVG art. 30 lid 1", spaced)) == ""
    assert checker.reason(cite("UAVG art. 30 lid 1 sub a", lid_1[:40])) == ""  # a sub key: its lid's passage
    assert checker.reason(cite("UAVG art. 30 lid 1", lid_1[:30] + " verzonnen woorden")) == (
        "the quote is not in the stored text of 'UAVG art. 30 lid 1'"
    )
    assert checker.reason(cite("UAVG art. 30 lid 1", text_of(kb, "UAVG art. 31")[:40])).startswith(
        "the quote is not in the stored text"
    )
    assert checker.reason(cite("UAVG art. 99 lid 7", "alles mag")) == (
        "no passage for 'UAVG art. 99 lid 7' in the knowledge base"
    )
    assert checker.reason(cite("artikel zes", "x")) == "'artikel zes' is not a citation key"
    assert checker.reason(cite("UAVG art. 31", "   ")) == "the quote is empty"


def test_an_article_key_is_supported_by_any_of_its_leden(kb: LocalKnowledgeBase) -> None:
    checker = CitationChecker(kb)
    lid_2 = text_of(kb, "UAVG art. 30 lid 2")
    assert checker.reason(cite("UAVG art. 30", lid_2[:50])) == ""
    lid_2 = text_of(kb, "Besluit meldcode art. 2 lid 2")
    assert checker.reason(cite("Besluit meldcode art. 2", lid_2[:50])) == ""


def test_article_level_matching() -> None:
    assert is_cited("AVG art. 6", ["AVG art. 6 lid 1 sub e"])
    assert not is_cited("AVG art. 6", ["AVG art. 60"])
    assert is_cited("Besluit politiegegevens art. 4:2", ["Besluit politiegegevens art. 4:2 lid 1 sub b"])
    assert not is_cited("Wpg art. 20", [])


def hand_made(kb: LocalKnowledgeBase) -> list[tuple[Case, Answer, float]]:
    lid_1 = text_of(kb, "UAVG art. 30 lid 1")
    art_31 = text_of(kb, "UAVG art. 31")
    return [
        (   # A: right verdict, one of two must-cite keys
            Case(id="a", question="q", verdict=["mag_niet"], must_cite=["UAVG art. 30", "UAVG art. 31"]),
            answer("mag_niet", [cite("UAVG art. 30 lid 1", lid_1[:60])], steps=["grondslag"]),
            10.0,
        ),
        (   # B: wrong verdict, abstains where it should not, cites a forbidden and invented provision
            Case(id="b", question="q", verdict=["mag", "mag_mits"], cite_any=["Besluit meldcode art. 2"],
                 must_not_cite=["UAVG art. 99"]),
            answer("hangt_af", [cite("UAVG art. 99 lid 7", "alles mag gedeeld worden")], steps=["grondslag"]),
            20.0,
        ),
        (   # C: abstains as it should; one quote altered, one with different whitespace
            Case(id="c", question="q", verdict=["hangt_af"], cite_any=["UAVG art. 31", "AVG art. 9"]),
            answer("hangt_af", [cite("UAVG art. 31", art_31[:40] + " en verder alles"),
                                cite("UAVG art. 31", "\n".join(art_31[:80].split()))],
                   steps=["strafrechtelijk"]),
            30.0,
        ),
        (   # D: not graded; an article-level key quoting its second lid
            Case(id="d", question="q", verdict=[], must_cite=["UAVG art. 30"]),
            answer("mag", [cite("UAVG art. 30", text_of(kb, "UAVG art. 30 lid 2")[:50])]),
            40.0,
        ),
    ]  # fmt: skip


def test_totals_of_hand_made_answers(kb: LocalKnowledgeBase) -> None:
    checker = CitationChecker(kb)
    results = [grade_case(case, ans, ms, checker) for case, ans, ms in hand_made(kb)]
    a, b, c, d = results
    assert (a.verdict_ok, b.verdict_ok, c.verdict_ok, d.verdict_ok) == (True, False, True, None)
    assert a.must_cite_hit == ["UAVG art. 30"] and d.must_cite_hit == ["UAVG art. 30"]
    assert (b.cite_any_hit, c.cite_any_hit, a.cite_any_hit) == (False, True, None)
    assert b.must_not_cite_violations == ["UAVG art. 99"]
    assert [u.key for u in b.unsupported + c.unsupported] == ["UAVG art. 99 lid 7", "UAVG art. 31"]
    assert a.unsupported == [] and d.unsupported == [] and a.steps == ["grondslag"]

    totals = summarize(results)
    assert (totals.cases, totals.graded) == (4, 3)
    assert totals.verdict_accuracy == pytest.approx(2 / 3)
    assert totals.must_cite_wanted == 3
    assert totals.must_cite_recall == pytest.approx(2 / 3)
    assert (totals.cite_any_cases, totals.cite_any_hit_rate) == (2, 0.5)
    assert totals.must_not_cite_violations == 1
    assert (totals.citations, totals.unsupported_citations, totals.unsupported_rate) == (5, 2, 0.4)
    assert (totals.abstention_precision, totals.abstention_recall) == (0.5, 1.0)
    assert (totals.latency_p50_ms, totals.latency_p95_ms) == (25.0, 38.5)
    assert totals.errors == 0


def test_percentile_and_squash() -> None:
    assert percentile([], 50) is None
    assert percentile([7.0], 95) == 7.0
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 50) == 3.0
    assert percentile([10.0, 20.0], 95) == 19.5
    assert squash(" a \n b\u00a0c ") == "abc"


class ScriptedEngine:
    """The engine seam (evals.run_cases.CaseEngine): fixed answers per question, records the history."""

    def __init__(self, kb: LocalKnowledgeBase, answers: dict[str, Answer]) -> None:
        self.kb = kb
        self.answers = answers
        self.histories: list[list[str]] = []

    def answer(self, question: str, history: Sequence[Turn] = (), id: str = "") -> Answer:
        self.histories.append([f"{turn.question}={turn.answer_verdict}" for turn in history])
        if question not in self.answers:
            raise RuntimeError(f"no scripted answer for {id}")
        return self.answers[question]


def test_run_cases_passes_history_reports_errors_and_compares(kb: LocalKnowledgeBase, tmp_path: Path) -> None:
    lid_1 = text_of(kb, "UAVG art. 30 lid 1")
    follow_up = Case.model_validate({
        "id": "f", "question": "En nu?", "verdict": ["mag"], "must_cite": ["UAVG art. 30"],
        "history": [{"question": "Mag ik?", "answer_verdict": "mag_niet"}],
    })  # fmt: skip
    broken = Case(id="x", question="Crash?", verdict=["mag"])
    good = answer("mag", [cite("UAVG art. 30 lid 1", lid_1[:40])])
    engine = ScriptedEngine(kb, {"En nu?": good})
    run = run_cases(engine, [follow_up, broken])
    assert engine.histories == [["Mag ik?=mag_niet"], []]
    assert run.kb_build == kb.manifest.build_id and run.embedder == "hash-bow"
    assert [r.verdict_ok for r in run.cases] == [True, False]
    assert run.cases[1].error == "RuntimeError: no scripted answer for x"
    assert (run.totals.verdict_accuracy, run.totals.errors, run.totals.must_cite_recall) == (0.5, 1, 1.0)

    save_run(run, tmp_path / "run.json")
    before = load_run(tmp_path / "run.json")
    assert isinstance(before, CaseRun) and before.cases[0].cited == ["UAVG art. 30 lid 1"]
    worse = ScriptedEngine(kb, {"En nu?": answer("mag_niet"), "Crash?": answer("mag")})
    changes = compare(before, run_cases(worse, [follow_up, broken]))
    assert [(c.id, c.direction, c.what) for c in changes] == [
        ("f", "worse", "verdict mag -> mag_niet"),
        ("f", "worse", "must_cite hits 1 -> 0"),
        ("x", "better", "verdict  -> mag"),
        ("x", "better", "errors 1 -> 0"),
    ]
    assert count_changes(changes) == {"better": 2, "worse": 2}


def test_load_run_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"created": "x"}', encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad.json: not a case-run JSON \(field 'totals'"):
        load_run(path)


# --- the report and the command line ----------------------------------------------------------------------


def test_report_and_cli_from_a_saved_run(
    kb: LocalKnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from evals.eval_cli import app

    checker = CitationChecker(kb)
    results = [grade_case(case, ans, ms, checker, rules_fired=["r-" + case.id])
               for case, ans, ms in hand_made(kb)]  # fmt: skip
    run = CaseRun(created="2026-11-23T12:00", kb_build="b1", totals=summarize(results), cases=results)
    save_run(run, tmp_path / "cases.json")
    result = CliRunner().invoke(app, ["report", "--cases-json", str(tmp_path / "cases.json"), "--out",
                                      str(tmp_path / "report")])  # fmt: skip
    assert result.exit_code == 0, result.output
    markdown = (tmp_path / "report" / "report.md").read_text(encoding="utf-8")
    assert "| verdict accuracy | 66.7% of 3 graded |" in markdown
    assert "| unsupported citations | 2 of 5 (40.0%) |" in markdown
    assert "| `grondslag` | 2 | 50.0% | 50.0% |" in markdown  # cases a and b carry the step
    assert "| **mag** | 0 | 0 | 0 | 1 | 0 | 0 |" in markdown  # case b: expected mag, answered hangt_af
    row_b = "| b | mag, mag_mits | hangt_af | any of Besluit meldcode art. 2, NOT UAVG art. 99 | 1 |"
    assert row_b in markdown
    for png in ("steps.png", "confusion.png", "latency.png"):
        assert (tmp_path / "report" / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # without options the report takes the runs the README's commands write to evals/out/
    (tmp_path / "evals" / "out").mkdir(parents=True)
    save_run(run, tmp_path / "evals" / "out" / "cases.json")
    monkeypatch.chdir(tmp_path)
    plain = CliRunner().invoke(app, ["report", "--out", str(tmp_path / "plain")])
    assert plain.exit_code == 0, plain.output
    plain_report = (tmp_path / "plain" / "report.md").read_text(encoding="utf-8")
    assert "| verdict accuracy | 66.7% of 3 graded |" in plain_report
    # ...and every retrieval run there, one section per BEIR set
    from evals.retrieval_eval import Metrics, RetrievalReport

    metrics = Metrics(recall={"R@1": 0.2, "R@5": 0.4, "R@10": 0.5, "R@100": 0.9}, ndcg_10=0.45, mrr_10=0.3)
    for name, level in (("beir-deelwijzer", "passage"), ("statute-qa-test", "article")):
        found = RetrievalReport(beir=name, level=level, documents=9, queries=3, embedder="e", retrieval={},
                                index_seconds={}, systems={"hybrid": metrics, "dense": metrics})  # fmt: skip
        suffix = "" if name == "beir-deelwijzer" else f"-{name}"
        (tmp_path / "evals" / "out" / f"retrieval{suffix}.json").write_text(found.model_dump_json())
    both = CliRunner().invoke(app, ["report", "--out", str(tmp_path / "both")])
    assert both.exit_code == 0, both.output
    both_report = (tmp_path / "both" / "report.md").read_text(encoding="utf-8")
    assert "## Retrieval on BEIR set `beir-deelwijzer`" in both_report
    assert "## Retrieval on BEIR set `statute-qa-test`" in both_report
    assert "3 judged queries (judged per article)" in both_report
    assert "| `hybrid` | 20.0 | 40.0 | 50.0 | 90.0 | 45.0 | 30.0 |" in both_report
    for png in ("retrieval.png", "retrieval-statute-qa-test.png"):
        assert (tmp_path / "both" / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_refuses_a_bad_case_file_with_exit_code_2(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from evals.eval_cli import app

    bad = tmp_path / "bad.yaml"
    bad.write_text('- id: z-1\n  question: "Mag ik?"\n  verdict: [ja]\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["cases", str(bad)])
    assert result.exit_code == 2
    assert "case 'z-1'" in result.output and "'ja'" in result.output


def test_dangerous_direction_is_a_yes_against_no_or_a_no_against_yes() -> None:
    from evals.grading import dangerous_direction

    assert dangerous_direction("mag", ["mag_niet"])
    assert dangerous_direction("mag_mits", ["hangt_af", "mag_niet"])
    assert dangerous_direction("mag_niet", ["mag", "mag_mits"])
    assert not dangerous_direction("mag_mits", ["hangt_af", "mag_mits"])  # accepted
    assert not dangerous_direction("hangt_af", ["mag"])  # wrong, but asks instead of deciding
    assert not dangerous_direction("mag_niet", ["hangt_af", "mag_mits"])  # wrong, not every accepted is yes
    assert not dangerous_direction("mag", [])  # not graded


def test_the_report_shows_the_covenant_check_per_item_and_its_misses(tmp_path: Path) -> None:
    from evals.report import load_covenants, write_report

    data = {
        "items": [{"item": "doel", "dev": "5/5 (100%)", "unseen": "0/1 (0%)", "all": "5/6 (83%)"}],
        "covenants": [{"covenant": "06-unseen", "unseen": True, "wrong": {"doel": "ontbreekt"},
                       "bad_quotes": [], "bad_keys": []}],
        "scan_refused": "",
    }  # fmt: skip
    path = tmp_path / "covenants.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    markdown = write_report(tmp_path / "report", covenants=load_covenants(path)).read_text(encoding="utf-8")
    assert "| doel | 5/5 (100%) | 0/1 (0%) | 5/6 (83%) |" in markdown
    assert "- 06-unseen: doel (ontbreekt)" in markdown
    assert "Quotes not found in the covenant text or keys not verified: 0." in markdown
    path.write_text("[]", encoding="utf-8")
    with pytest.raises(ValueError, match="not a covenant-check JSON"):
        load_covenants(path)
