"""Ask instead of guess (bot/decisive.py) and out of scope only when it is (issue 14 items 4 and 5), with the
real rule assessor and the real vocabulary."""

from __future__ import annotations

import pytest

from bot.assessment import Assessor
from bot.decisive import MAX_OPTIONS, MAX_RUNS, RuleRunner, alternatives, settle
from bot.fact_inputs import apply_facts
from bot.rules import decide, fact_view
from bot.understanding import Understanding

NO_SENDER = "Mogen we aan de gemeente de etnische afkomst van een slachtoffer doorgeven?"
HEALTH = "Mag de gemeente gezondheidsgegevens van een slachtoffer delen met de politie?"
YOUTH_WORKER = (
    "Mag ik als jeugdhulpverlener zonder toestemming de handhaver van de gemeente bevestigen dat de cliënt "
    "daar woont?"
)


@pytest.fixture(scope="module")
def assessor() -> Assessor:
    return Assessor()


def test_an_unknown_sender_that_flips_the_verdict_is_asked_not_guessed(assessor: Assessor) -> None:
    understanding = assessor.understand(NO_SENDER)
    assert understanding.sender == ""
    assert assessor.assess_understanding(understanding).verdict == "mag_niet"  # what it said before
    assessment, clarify = settle(assessor, understanding)
    assert assessment.verdict == "hangt_af"
    assert clarify is not None and clarify.fact == "sender"
    verdicts = {option.verdict for option in clarify.options}
    assert {"mag_niet", "mag_mits"} <= verdicts
    assert clarify.question in assessment.summary
    assert assessment.clarifying_questions[0] == clarify.question
    assert assessment.escalate  # hangt_af: put it to the FG
    by_value = {option.value: option for option in clarify.options}
    assert by_value["gemeente"].label == "de gemeente"
    assert by_value["gemeente"].preview.startswith("Nee")
    assert by_value["jeugdhulp"].verdict == "mag_mits" and by_value["jeugdhulp"].preview.startswith(
        "Ja, mits"
    )


def test_each_option_leads_to_the_verdict_it_promises(assessor: Assessor) -> None:
    understanding = assessor.understand(NO_SENDER)
    _, clarify = settle(assessor, understanding)
    assert clarify is not None
    for option in clarify.options:
        answered = apply_facts(understanding, {"sender": option.value}, assessor.vocabulary)
        assert assessor.assess_understanding(answered).verdict == option.verdict, option.value
    chosen = apply_facts(understanding, {"sender": "jeugdhulp"}, assessor.vocabulary)
    assessment, again = settle(assessor, chosen)
    assert assessment.verdict == "mag_mits" and again is None
    dont_know = apply_facts(understanding, {"sender": None}, assessor.vocabulary)
    assessment, again = settle(assessor, dont_know, {"sender": None})  # "weet ik niet": still open
    assert assessment.verdict == "hangt_af" and again is not None and again.fact == "sender"


def test_a_guessed_decisive_fact_never_carries_a_yes_or_no(assessor: Assessor) -> None:
    read = assessor.understand(HEALTH)
    assert settle(assessor, read)[0].verdict == "mag_niet"  # the words said 'gezondheidsgegevens'
    guessed = read.model_copy(update={"semantic": ["data"]})  # as if the similarity fallback had found them
    assessment, clarify = settle(assessor, guessed)
    assert assessment.verdict == "hangt_af"
    assert clarify is not None and clarify.fact == "data"
    by_value = {option.value: option.verdict for option in clarify.options}
    assert by_value["gezondheid"] == "mag_niet" and by_value["gewoon"] == "hangt_af"  # then: which law?


def test_the_incremental_rule_run_equals_a_full_run(assessor: Assessor) -> None:
    for question in (NO_SENDER, HEALTH, "Mag de politie het adres van een minderjarige delen met de school?"):
        understanding = assessor.understand(question)
        runner = RuleRunner(assessor, understanding)
        for fact in ("sender", "recipients", "data", "purposes", "consent", "minor", "partnership"):
            for value in alternatives(fact, assessor.vocabulary):
                outcome = runner.outcome(fact, value)
                full = decide(
                    assessor.rulebook.evaluate(fact_view(outcome.understanding, assessor.vocabulary))
                )
                assert outcome.decision.verdict == full.verdict, (question, fact, value)
                assert [r.id for r in outcome.decision.fired] == [r.id for r in full.fired]


def test_alternatives_are_bounded(assessor: Assessor, monkeypatch: pytest.MonkeyPatch) -> None:
    runs: list[Understanding] = []
    original = RuleRunner.decision

    def counted(self: RuleRunner, alternative: Understanding) -> object:
        runs.append(alternative)
        return original(self, alternative)

    monkeypatch.setattr(RuleRunner, "decision", counted)
    _, clarify = settle(assessor, assessor.understand("Mag ik dit delen met iemand?"))
    assert len(runs) <= MAX_RUNS
    runs.clear()
    _, clarify = settle(assessor, assessor.understand(NO_SENDER))
    assert 0 < len(runs) <= MAX_RUNS
    assert clarify is not None and len(clarify.options) <= MAX_OPTIONS


def test_known_facts_are_not_asked_about(assessor: Assessor) -> None:
    assessment, clarify = settle(
        assessor, assessor.understand("Mag de politie het adres van een slachtoffer delen met de gemeente?")
    )
    assert assessment.verdict == "mag_mits" and clarify is None


def test_confirming_is_read_as_sharing(assessor: Assessor) -> None:
    """Issue 14's example: 'bevestigen' to an enforcement officer is a sharing question, not out of scope."""
    understanding = assessor.understand(YOUTH_WORKER)
    assert "share" in understanding.intents
    assert assessor.assess_understanding(understanding).verdict not in ("buiten_bereik", "mag", "mag_mits")


def test_role_data_and_act_is_never_out_of_scope_and_says_what_was_missed(assessor: Assessor) -> None:
    # 'natrekken' is an act the reading does not take as sharing, and no data category is named
    understanding = assessor.understand(
        "Mag ik als jeugdhulpverlener voor de handhaver van de gemeente natrekken of de cliënt daar woont?"
    )
    assert (
        assessor.assess_understanding(understanding).verdict == "buiten_bereik"
    )  # the reading missed the data
    assessment, clarify = settle(assessor, understanding)
    assert assessment.verdict == "hangt_af"
    assert assessment.summary.startswith("Ik heb niet goed begrepen om welke gegevens het gaat.")
    assert clarify is not None and clarify.fact == "data"
    assert {option.value for option in clarify.options} >= {"gewoon", "gezondheid", "bsn"}


@pytest.mark.parametrize(
    "question",
    [
        "Hoe laat gaat het gemeentehuis op zaterdag open?",
        "Wat zijn de openingstijden van het CoMensha-kantoor in Amersfoort?",
        "Heb je een goed recept voor pannenkoeken?",
    ],
)
def test_out_of_scope_stays_out_of_scope(assessor: Assessor, question: str) -> None:
    assessment, clarify = settle(assessor, assessor.understand(question))
    assert assessment.verdict == "buiten_bereik" and clarify is None


def test_a_yes_on_unasked_consent_is_asked_when_a_refusal_leaves_it_open(assessor: Assessor) -> None:
    # Wmo 2015 art. 5.3.3 lid 1: with consent yes; refused, the police may only be told after weighing a
    # conflict of duties (hangt_af). 'Ja, mits' to a question that does not say whether she agreed is a guess.
    understanding = assessor.understand(
        "Wmo-consulent: een vrouw (41) vertelde dat haar vriend haar laat werken in een club. "
        "Mag ik de politie bellen met haar naam en adres?"
    )
    assert understanding.consent == ""
    assert assessor.assess_understanding(understanding).verdict == "mag_mits"
    assessment, clarify = settle(assessor, understanding)
    assert assessment.verdict == "hangt_af"
    assert clarify is not None and clarify.fact == "consent"
    by_value = {option.value: option.verdict for option in clarify.options}
    assert by_value["given"] == "mag_mits" and by_value["refused"] == "hangt_af"
    said, none = settle(assessor, understanding.model_copy(update={"consent": "given"}))
    assert said.verdict == "mag_mits" and none is None
