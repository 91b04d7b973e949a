"""Follow-ups reuse the facts of earlier turns, corrections replace them, a new full question starts fresh."""

from __future__ import annotations

import pytest

from bot.answer import Facts, Turn
from bot.assessment import Assessor
from bot.understanding import is_followup, read_question, understand

FIRST = "Mag ik als arts gegevens over een patiënt delen met de politie?"


@pytest.fixture(scope="module")
def assessor() -> Assessor:
    return Assessor()


def turns(*questions: str) -> list[Turn]:
    return [Turn(question=q) for q in questions]


def test_a_followup_about_a_minor_keeps_sender_and_recipient() -> None:
    u = understand("En als het om een minderjarige gaat?", turns(FIRST))
    assert (u.sender, u.recipients, u.minor, u.intents) == ("arts", ["politie"], True, ["share"])


def test_without_consent_followup_adds_the_refusal() -> None:
    u = understand("en zonder toestemming?", turns(FIRST))
    assert (u.sender, u.recipients, u.consent) == ("arts", ["politie"], "refused")


def test_a_country_followup_moves_the_recipient_abroad() -> None:
    first = "Mag de gemeente het adres van een slachtoffer delen met de politie?"
    u = understand("En naar Marokko?", turns(first))
    assert (u.sender, u.recipients, u.country, u.outside_eer, u.data) == (
        "gemeente", ["buitenlandse_autoriteit"], "marokko", True, ["gewoon"],
    )  # fmt: skip


def test_an_english_followup_is_answered_in_english() -> None:
    u = understand("What if it's urgent?", turns(FIRST))
    assert (u.sender, u.recipients, u.urgent, u.language) == ("arts", ["politie"], True, "en")


def test_data_from_a_followup_is_added_to_earlier_data() -> None:
    first = "Mag de opvang de politie vertellen dat een cliënte verslaafd is?"
    u = understand("En als ze ook verdacht wordt van drugshandel?", turns(first))
    assert sorted(u.data) == ["gezondheid", "strafrechtelijk"]
    assert (u.sender, u.recipients) == ("opvang", ["politie"])


def test_a_correction_replaces_the_named_role() -> None:
    first = "Mag de politie het adres van een slachtoffer aan CoMensha geven?"
    u = understand("Nee, het is geen politie maar de gemeente.", turns(first))
    assert (u.sender, u.recipients) == ("gemeente", ["comensha"])


def test_i_meant_replaces_the_recipient() -> None:
    first = "Mag de politie het adres van een slachtoffer aan CoMensha geven?"
    u = understand("Ik bedoelde de IND", turns(first))
    assert (u.sender, u.recipients) == ("politie", ["ind"])


def test_a_correction_of_the_sender_by_role_cue() -> None:
    u = understand("Sorry, ik ben jeugdhulpverlener.", turns(FIRST))
    assert (u.sender, u.recipients) == ("jeugdhulp", ["politie"])


def test_a_correction_of_the_data_replaces_it() -> None:
    first = "Mag ik als zorgcoördinator gezondheidsgegevens van een slachtoffer delen met de politie?"
    u = understand("Nee, het gaat niet om gezondheidsgegevens maar om haar BSN.", turns(first))
    assert u.data == ["bsn"]
    assert (u.sender, u.recipients) == ("gemeente", ["politie"])


def test_a_new_full_question_starts_fresh() -> None:
    second = "Mag de politie gegevens over een slachtoffer verstrekken aan het COA?"
    u = understand(second, turns(FIRST, "En als het om een minderjarige gaat?"))
    assert (u.sender, u.recipients, u.minor) == ("politie", ["coa"], None)


def test_an_unrelated_question_after_a_conversation_is_out_of_scope() -> None:
    u = understand("Wanneer is de volgende gemeenteraad?", turns(FIRST))
    assert (u.in_scope, u.sender, u.recipients) == (False, "", [])


def test_an_unrelated_question_in_between_does_not_break_the_thread() -> None:
    u = understand("En als ze 15 is?", turns(FIRST, "Wanneer is de volgende gemeenteraad?"))
    assert (u.in_scope, u.sender, u.recipients, u.minor, u.age) == (True, "arts", ["politie"], True, 15)


def test_kept_facts_of_a_turn_are_used_over_rereading_it() -> None:
    kept = Facts(sender="ggz", recipient="veilig_thuis", data=["gezondheid"], minor=True)
    u = understand("En zonder toestemming?", [Turn(question="Mag ik dit melden?", facts=kept)])
    assert (u.sender, u.recipients, u.data, u.minor, u.consent) == (
        "ggz", ["veilig_thuis"], ["gezondheid"], True, "refused",
    )  # fmt: skip


def test_followup_detection() -> None:
    assert is_followup(read_question("En naar Marokko?"))
    assert is_followup(read_question("What if she is 15?"))
    full = "Mag de politie gegevens over een slachtoffer verstrekken aan het COA?"
    assert not is_followup(read_question(full))


def test_followups_change_the_verdict_through_the_assessor(assessor: Assessor) -> None:
    history = [Turn(question=FIRST, answer_verdict="hangt_af")]
    assert assessor.assess(FIRST).verdict == "hangt_af"
    with_consent = assessor.assess("En als de patiënt toestemming heeft gegeven?", history)
    urgent = assessor.assess("En als er acuut levensgevaar is?", history)
    facts = with_consent.facts
    assert (with_consent.verdict, facts.sender, facts.consent) == ("mag_mits", "arts", True)
    assert "Wet BIG art. 88" in with_consent.keys
    assert (urgent.verdict, urgent.keys[0]) == ("mag_mits", "AVG art. 6 lid 1 sub d")


def test_a_followup_does_not_inherit_what_the_earlier_turn_asked_to_do() -> None:
    first = "mag ik bij de melding in de verwijsindex in het opmerkingenveld zetten 'vermoedelijk uitgebuit'?"
    u = understand(
        "ok duidelijk, alleen de kale melding dus. Maar ze wil ook die kale melding niet. "
        "Mag ik haar dan nog steeds in de VI zetten?",
        turns(first),
    )
    assert "content_in_registration" not in u.signals
