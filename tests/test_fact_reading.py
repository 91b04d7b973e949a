"""Fact reading (issue 14): scripted answers (what the engine understood, the question it asks) graded
against hand-written case facts. The grader is under test, not the engine; the vocabulary is the real one."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answer import Answer, Clarify, ClarifyOption, FactValue, UnderstoodFact
from bot.vocabulary import Vocabulary, load_vocabulary
from evals.case_files import Case, CaseFileError, load_case_file
from evals.fact_reading import expected_facts, fact_rows, grade_facts, match, right_or_asks
from evals.grading import CaseResult, summarize
from evals.report import write_report
from evals.run_cases import CaseRun


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return load_vocabulary()


def answer(verdict: str, understood: dict[str, FactValue], clarify: Clarify | None = None) -> Answer:
    facts = [UnderstoodFact(fact=f, label=f, value=v, source="question") for f, v in understood.items()]
    return Answer(verdict=verdict, summary="Handgemaakt.", understood=facts, clarify=clarify)


def asking(fact: str, *options: tuple[FactValue, str]) -> Clarify:
    return Clarify(
        fact=fact,
        question="?",
        options=[ClarifyOption(value=v, label=str(v), verdict=verdict, preview="") for v, verdict in options],
    )


def test_expected_values_must_be_ids_or_labels_free_text_is_listed(vocab: Vocabulary) -> None:
    raw = {
        "sender": "huisarts",  # free text: the id is 'arts'
        "recipient": "Veilig Thuis",  # alias of recipients; the Dutch label of veilig_thuis
        "data": ["gezondheid", "seksueel leven", "BSN"],
        "purpose": "opsporing",
        "consent": "refused",
        "minor": False,
        "age": 34,
        "partnership": "ander overleg",
        "identifiable": True,
    }
    reading = expected_facts(raw, vocab)
    assert reading.expected == {
        "recipients": ["veilig_thuis"],
        "data": ["gezondheid", "bsn"],
        "purposes": ["opsporing"],
        "consent": "refused",
        "minor": False,
        "age": 34,
    }
    assert reading.unresolved == ["sender: huisarts", "data: seksueel leven", "partnership: ander overleg"]
    assert reading.ignored == ["identifiable"]


def test_matching_lists_by_subset_single_values_by_equality() -> None:
    assert match("recipients", ["politie"], ["politie", "gemeente"]) == (True, ["gemeente"])
    assert match("recipients", ["politie", "ind"], ["politie"]) == (False, [])
    assert match("data", ["gezondheid"], ["gewoon", "gezondheid"]) == (True, [])  # gewoon is never extra
    assert match("data", ["gezondheid"], None) == (False, [])
    assert match("sender", "arts", "ggz") == (False, [])
    assert match("minor", False, None) == (False, [])
    assert match("partnership", "none", None) == (True, [])  # not named = not in a partnership
    assert match("partnership", "zvh", None) == (False, [])
    assert match("urgent", False, None) == (True, [])  # the rules read no urgency as not urgent
    assert match("urgent", True, None) == (False, [])
    assert match("outside_eer", False, None) == (False, [])  # unknown abroad is not inside the EEA


def test_grade_facts_per_fact_with_source(vocab: Vocabulary) -> None:
    case = Case(
        id="f1",
        question="q",
        verdict=["mag_niet"],
        facts={
            "sender": "arts",
            "recipients": ["politie"],
            "data": ["gezondheid"],
            "age": 29,
            "urgent": False,
        },
    )
    read = answer(
        "mag_niet", {"sender": "arts", "recipients": ["politie", "om"], "data": ["gewoon"], "age": 29}
    )
    reading = grade_facts(case, read, vocab)
    assert reading is not None
    got = {g.fact: (g.matched, g.read, g.extra, g.source) for g in reading.grades}
    assert got == {
        "sender": (True, "arts", [], "question"),
        "recipients": (True, ["politie", "om"], ["om"], "question"),
        "data": (False, ["gewoon"], [], "question"),
        "age": (True, 29, [], "question"),
        "urgent": (True, None, [], "missing"),  # not in Answer.understood: not urgent
    }
    failed = grade_facts(case, None, vocab)
    assert failed is not None and [g.fact for g in failed.grades if g.matched] == ["urgent"]
    assert grade_facts(Case(id="f2", question="q", verdict=[]), read, vocab) is None  # no facts: not graded


def test_right_or_asking_the_question_whose_right_option_leads_to_an_accepted_verdict() -> None:
    case = Case(id="c", question="q", verdict=["mag_mits"])
    expected: dict[str, FactValue] = {"sender": "gemeente", "recipients": ["politie"], "age": 15}

    def judge(verdict: str, clarify: Clarify | None = None, wanted: dict[str, FactValue] = expected) -> str:
        criterion = right_or_asks(case, answer(verdict, {}, clarify), wanted)
        assert criterion is not None
        return criterion.how if criterion.ok == (criterion.how in ("right", "asks")) else "inconsistent"

    assert judge("mag_mits") == "right"
    assert judge("mag") == "wrong"
    assert judge("hangt_af") == "wrong"  # no question asked
    sender = asking("sender", ("jeugdhulp", "mag_niet"), ("gemeente", "mag_mits"))
    assert judge("hangt_af", sender) == "asks"
    assert judge("hangt_af", sender, {"recipients": ["politie"]}) == "asks_unknown"  # case names no sender
    assert judge("hangt_af", asking("sender", ("gemeente", "mag_niet"))) == "asks_wrong"  # leads wrong
    assert judge("hangt_af", asking("sender", ("politie", "mag_mits"))) == "asks_wrong"  # no such option
    recipients = asking("recipients", ("politie", "mag_mits"), ("om", "mag_niet"))
    assert judge("hangt_af", recipients) == "asks"
    minor = asking("minor", (True, "mag_mits"), (False, "mag_niet"))
    assert judge("hangt_af", minor) == "asks"  # minor follows from the expected age 15
    assert right_or_asks(Case(id="u", question="q", verdict=[]), answer("mag", {}), expected) is None
    error = right_or_asks(case, None, expected)
    assert error is not None and (error.ok, error.how) == (False, "wrong")


def rows() -> list[CaseResult]:
    vocab = load_vocabulary()
    scripted = [
        (  # right, reads both facts
            Case(id="a", question="q", verdict=["mag_niet"], facts={"sender": "arts", "consent": "refused"}),
            answer("mag_niet", {"sender": "arts", "consent": "refused"}),
        ),
        (  # asks the right question; sender not read
            Case(
                id="b", question="q", verdict=["mag_mits"], facts={"sender": "gemeente", "data": "huisadres"}
            ),
            answer(
                "hangt_af", {"sender": None}, asking("sender", ("gemeente", "mag_mits"), ("ggz", "mag_niet"))
            ),
        ),
        (  # dangerous: yes where the law says no; misread consent
            Case(id="c", question="q", verdict=["mag_niet"], facts={"consent": "refused"}),
            answer("mag", {"consent": "given"}),
        ),
        (Case(id="d", question="q", verdict=["hangt_af"]), answer("hangt_af", {})),  # right, no facts
    ]
    results = []
    for case, ans in scripted:
        reading = grade_facts(case, ans, vocab)
        criterion = right_or_asks(case, ans, reading.expected if reading else {})
        results.append(
            CaseResult(id=case.id, expected=case.verdict, verdict=ans.verdict,
                       verdict_ok=ans.verdict in case.verdict, fact_reading=reading, criterion=criterion)
        )  # fmt: skip
    return results


def test_totals_per_fact_the_criterion_and_the_report(tmp_path: Path) -> None:
    totals = summarize(rows())
    facts = totals.fact_reading
    assert facts is not None
    assert (facts.cases_with_facts, facts.unresolved_values) == (3, 1)  # 'huisadres' is no data id
    assert {f: (c.graded, c.matched) for f, c in facts.per_fact.items()} == {
        "sender": (2, 1),
        "consent": (2, 1),
    }
    assert (facts.overall.graded, facts.overall.matched, facts.overall_accuracy) == (4, 2, 0.5)
    assert (facts.criterion_graded, facts.criterion_right, facts.criterion_asks) == (4, 2, 1)
    assert facts.criterion_share == 0.75
    assert (totals.dangerous_errors, totals.dangerous_ids) == (1, ["c"])
    assert fact_rows(facts)[-1] == ["overall", "4", "2", "50.0%", "0"]
    run = CaseRun(created="2026-12-08T12:00", kb_build="b1", totals=totals, cases=rows())
    markdown = write_report(tmp_path, run).read_text(encoding="utf-8")
    assert "| right or asks the right question (issue 14) | 75.0% of 4 graded (2 right + 1 asking" in markdown
    assert "| facts read right | 50.0% of 4 in 3 cases |" in markdown
    assert "| sender | 2 | 1 | 50.0% | 0 |" in markdown
    reloaded = CaseRun.model_validate_json(run.model_dump_json())
    assert reloaded.totals.fact_reading == facts


def test_case_files_keep_facts_and_name_a_bad_facts_field(tmp_path: Path) -> None:
    path = tmp_path / "cases.yaml"
    path.write_text(
        '- id: f-1\n  question: "Mag ik?"\n  verdict: [mag]\n'
        "  facts:\n    sender: politie\n    minor: true\n",
        encoding="utf-8",
    )
    assert load_case_file(path)[0].facts == {"sender": "politie", "minor": True}
    path.write_text(
        '- id: f-2\n  question: "Mag ik?"\n  verdict: [mag]\n  facts: [politie]\n', encoding="utf-8"
    )
    with pytest.raises(CaseFileError, match="case 'f-2': field 'facts' must be a mapping"):
        load_case_file(path)
