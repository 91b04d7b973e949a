"""Facts the user sets (bot/fact_inputs.py) and "Zo heb ik uw vraag begrepen" (bot/understood.py), with the
real vocabulary and the real rule assessor."""

from __future__ import annotations

from typing import Any

import pytest

from bot.answer import Turn
from bot.assessment import Assessor
from bot.decisive import settle
from bot.fact_inputs import FACT_IDS, apply_facts, check_facts, fact_options
from bot.inputs import InputError
from bot.understood import understood
from bot.vocabulary import load_vocabulary

YOUTH_WORKER = (
    "Mag ik als jeugdhulpverlener zonder toestemming het adres van een cliënt doorgeven aan de gemeente?"
)
ALL_FOUR = {
    "sender": "jeugdhulp",
    "recipients": ["gemeente"],
    "data": ["gewoon"],
    "purposes": ["hulpverlening"],
}


@pytest.fixture(scope="module")
def assessor() -> Assessor:
    return Assessor()


@pytest.mark.parametrize(
    ("facts", "field", "named"),
    [
        ({"zender": "politie"}, "facts.zender", ["sender", "recipients", "partnership"]),
        ({"sender": "marsmannetje"}, "facts.sender", ["'marsmannetje'", "politie", "jeugdhulp", "null"]),
        ({"recipients": ["gemeente", "maan"]}, "facts.recipients", ["'maan'", "gemeente"]),
        ({"consent": "misschien"}, "facts.consent", ["given", "refused", "impossible"]),
        ({"minor": "ja"}, "facts.minor", ["true", "false"]),
        ({"partnership": "raad"}, "facts.partnership", ["riec", "zvh", "overleg", "none"]),
        ({"age": 200}, "facts.age", ["0–120"]),
        ({"age": True}, "facts.age", ["hele jaren"]),
    ],
)
def test_bad_facts_name_the_field_and_the_allowed_values(
    facts: dict[str, Any], field: str, named: list[str]
) -> None:
    with pytest.raises(InputError) as raised:
        check_facts(facts, load_vocabulary())
    assert raised.value.field == field
    for word in named:
        assert word in raised.value.message


def test_good_facts_are_normalised() -> None:
    checked = check_facts(
        {"sender": "politie", "recipients": "gemeente", "minor": False, "age": 15, "consent": None},
        load_vocabulary(),
    )
    assert checked == {
        "sender": "politie",
        "recipients": ["gemeente"],
        "minor": False,
        "age": 15,
        "consent": None,
    }


def test_facts_override_what_was_read(assessor: Assessor) -> None:
    read = assessor.understand(YOUTH_WORKER)
    assert (read.sender, read.consent) == ("jeugdhulp", "refused")
    as_read = assessor.assess_understanding(read)
    police = assessor.assess_understanding(apply_facts(read, {"sender": "politie"}, assessor.vocabulary))
    assert any(key.startswith("Jeugdwet") for key in as_read.keys)
    assert not any(key.startswith("Jeugdwet") for key in police.keys)
    assert any(key.startswith("Wpg") for key in police.keys)
    health = apply_facts(
        assessor.understand("Mag de gemeente gezondheidsgegevens van een slachtoffer delen met de politie?"),
        {"data": ["gewoon"]},
        assessor.vocabulary,
    )
    # was mag_niet (AVG art. 9); ordinary data leave the question which law carries it (AVG art. 6 lid 3)
    assert assessor.assess_understanding(health).verdict == "hangt_af"


def test_null_forgets_what_was_read(assessor: Assessor) -> None:
    read = assessor.understand(YOUTH_WORKER)
    forgotten = apply_facts(read, {"consent": None}, assessor.vocabulary)
    assert forgotten.consent == ""
    consent = next(
        f for f in understood(forgotten, {"consent": None}, assessor.vocabulary) if f.fact == "consent"
    )
    assert (consent.value, consent.source, consent.words) == (None, "given", "")


def test_facts_alone_need_no_question(assessor: Assessor) -> None:
    given = check_facts(ALL_FOUR, assessor.vocabulary)
    understanding = apply_facts(assessor.understand(""), given, assessor.vocabulary)
    assessment, _ = settle(assessor, understanding)
    assert assessment.verdict == "mag_mits"
    assert any(key.startswith("Jeugdwet") for key in assessment.keys)


def test_understood_says_how_each_fact_was_found(assessor: Assessor) -> None:
    history = [Turn(question="Mag ik als arts gegevens van een patiënt delen met de politie?")]
    read = assessor.understand("En als het om gezondheidsgegevens gaat?", history)
    facts = {f.fact: f for f in understood(read, {"urgent": True}, assessor.vocabulary)}
    assert list(facts) == list(FACT_IDS)
    assert (facts["sender"].value, facts["sender"].source, facts["sender"].label) == (
        "arts",
        "history",
        "Wie deelt",
    )
    assert facts["data"].source == "question" and facts["data"].words == "gezondheidsgegevens"
    assert facts["data"].value_label == ["gezondheidsgegevens"]
    assert (facts["urgent"].value, facts["urgent"].source) == (True, "given")
    assert facts["purposes"].source == "missing" and facts["purposes"].value is None
    assert all(f.options_ref == f.fact for f in facts.values())
    guessed = read.model_copy(update={"purposes": ["hulpverlening"], "semantic": ["purposes"]})
    purposes = next(f for f in understood(guessed, {}, assessor.vocabulary) if f.fact == "purposes")
    assert purposes.source == "guess" and purposes.value_label == ["hulpverlening en zorg"]


def test_understood_words_and_partnership(assessor: Assessor) -> None:
    read = assessor.understand("Mag de politie in het RIEC het strafblad van een verdachte delen?")
    facts = {f.fact: f for f in understood(read, {}, assessor.vocabulary)}
    assert (facts["sender"].value, facts["sender"].words) == ("politie", "politie")
    assert facts["partnership"].value == "riec" and facts["partnership"].value_label == "in het RIEC"
    none = apply_facts(read, {"partnership": "none"}, assessor.vocabulary)
    assert "riec" not in {*none.recipients, *none.mentioned_roles}


def test_english_answers_get_english_labels(assessor: Assessor) -> None:
    read = assessor.understand("May the police share data about a victim with the municipality?")
    facts = {f.fact: f for f in understood(read, {}, assessor.vocabulary)}
    assert facts["recipients"].label == "With whom" and facts["recipients"].value_label == [
        "the municipality"
    ]


def test_fact_options_list_every_fact_with_vocabulary_labels() -> None:
    options = {fact["id"]: fact for fact in fact_options(load_vocabulary())}
    assert list(options) == list(FACT_IDS)
    assert {f["kind"] for f in options.values()} == {"one", "many", "age", "bool"}
    senders = {o["value"]: o["label"] for o in options["sender"]["options"]}
    assert senders["gemeente"] == "de gemeente" and "politie" in senders
    assert {o["value"] for o in options["consent"]["options"]} == {"given", "refused", "impossible"}
    assert [o["value"] for o in options["minor"]["options"]] == [True, False]
    assert options["age"]["options"] == []
    english = {fact["id"]: fact for fact in fact_options(load_vocabulary(), "en")}
    assert english["data"]["label"] == "Which data"
    assert {o["value"]: o["label"] for o in english["data"]["options"]}["gezondheid"] == "health data"
