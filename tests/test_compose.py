"""Composition: FORMAT.md answer fields, verbatim quotes, missing sources, guidance note, Markdown."""

from __future__ import annotations

import json

from bot.answer import Facts, Step
from bot.assessment_types import Assessment
from bot.compose import compose
from bot.render import render_markdown
from bot.retrieval import Retrieved
from bot.verify import collapse
from kb.passages import Passage

# Invented texts in the style of the sources (not copied from the corpus).
ART6 = (
    "De verwerking is alleen rechtmatig indien aan ten minste een van de onderstaande voorwaarden is "
    "voldaan: a. de betrokkene heeft toestemming gegeven; e. de verwerking is noodzakelijk voor de "
    "vervulling van een taak van algemeen belang."
)
SUB_E = "e. de verwerking is noodzakelijk voor de vervulling van een taak van algemeen belang."
ART9 = "Verwerking van gegevens over gezondheid is verboden. Het verbod geldt niet als een wettelijke uitzondering van toepassing is."  # noqa: E501
GUIDE = "Meld een signaal eerst bij de coördinator. De coördinator beslist binnen twee werkdagen over delen."


def passage(
    key: str, text: str, *, language: str = "nl", doc_type: str = "verordening", **extra: object
) -> Passage:
    return Passage(
        key=key, source_id=key.split()[0].casefold(), citation_name=key.split()[0], language=language,
        version_date="2018-05-23", text=text, doc_type=doc_type,
        url=f"https://example.org/{key.replace(' ', '_')}",
        **extra,  # type: ignore[arg-type]
    )  # fmt: skip


P6 = passage("AVG art. 6 lid 1", ART6, subs={"a": "a. de betrokkene heeft toestemming gegeven;", "e": SUB_E})
P9 = passage("AVG art. 9 lid 1", ART9)
PGUIDE = passage("werkinstructie-riec § 2", GUIDE, doc_type="werkinstructie")


def retrieved(*passages: Passage) -> list[Retrieved]:
    return [Retrieved(p, 1.0, "key") for p in passages]


def assessment(verdict: str = "mag_mits", keys: list[str] | None = None, **extra: object) -> Assessment:
    data: dict[str, object] = {
        "verdict": verdict,
        "facts": Facts(data=["gezondheid"]),
        "summary": "Ja, mits er een uitzondering geldt.",
        "steps": [
            Step(
                id="grondslag",
                title="Grondslag",
                finding="Taak van algemeen belang.",
                keys=["AVG art. 6 lid 1 sub e"],
            ),
            Step(
                id="bijzonder",
                title="Bijzondere gegevens",
                finding="Gezondheid is verboden.",
                keys=["AVG art. 9"],
            ),
        ],
        "conditions": ["Er geldt een wettelijke uitzondering."],
        "record": ["Grondslag en doel."],
        "escalate": "Vraag de FG.",
        "keys": keys if keys is not None else ["AVG art. 9", "AVG art. 6 lid 1 sub e"],
    }
    data.update(extra)
    return Assessment.model_validate(data)


def test_answer_has_the_format_fields_and_verbatim_quotes() -> None:
    answer = compose(
        assessment(), retrieved(P9, P6), "Mag ik gezondheidsgegevens delen?", id="c-1", kb_build="b1"
    )
    data = json.loads(answer.model_dump_json())
    assert {"id", "verdict", "summary", "conditions", "clarifying_questions", "citations"} <= data.keys()
    assert (data["id"], data["verdict"], data["kb_build"]) == ("c-1", "mag_mits", "b1")
    assert [c["key"] for c in data["citations"]] == ["AVG art. 9 lid 1", "AVG art. 6 lid 1 sub e"]
    assert data["citations"][1]["quote"] == SUB_E
    assert data["citations"][0]["quote"].startswith("Verwerking van gegevens over gezondheid is verboden.")
    for citation, stored in zip(answer.citations, (P9, P6), strict=True):
        assert collapse(citation.quote) in collapse(stored.text)
        assert (citation.source_version, citation.url, citation.source_type) == (
            "2018-05-23", stored.url, "verordening"
        )  # fmt: skip
    assert answer.removed_citations == 0
    assert answer.relies_on_guidance is False


def test_article_key_is_cited_with_the_key_of_the_passage_found() -> None:
    answer = compose(assessment(), retrieved(P9, P6), "gezondheid")
    assert answer.steps[1].keys == ["AVG art. 9 lid 1"]
    assert answer.steps[0].keys == ["AVG art. 6 lid 1 sub e"]


def test_missing_key_is_not_cited_and_the_step_says_so() -> None:
    answer = compose(assessment(), retrieved(P6), "gezondheid")
    assert [c.key for c in answer.citations] == ["AVG art. 6 lid 1 sub e"]
    assert answer.steps[1].finding == "Gezondheid is verboden. Bron ontbreekt in de kennisbank: AVG art. 9."
    assert answer.steps[1].keys == []
    assert answer.verdict == "mag_mits"


def test_nothing_held_turns_the_verdict_into_hangt_af_with_escalation() -> None:
    answer = compose(assessment(verdict="mag_niet"), [], "gezondheid")
    assert answer.verdict == "hangt_af"
    assert answer.citations == []
    assert "AVG art. 9" in answer.summary
    assert answer.summary.endswith("Vraag de FG.")


def test_nothing_held_and_no_one_to_ask_is_out_of_scope() -> None:
    answer = compose(assessment(verdict="mag", escalate=""), [], "gezondheid")
    assert answer.verdict == "buiten_bereik"
    assert answer.summary.startswith("De bepalingen waarop dit oordeel rust, staan niet in de kennisbank")


def test_key_named_only_outside_the_steps_gets_its_own_step() -> None:
    answer = compose(assessment(keys=["UAVG art. 30 lid 1"]), retrieved(P9, P6), "gezondheid")
    assert answer.steps[-1].title == "Ontbrekende bronnen"
    assert answer.steps[-1].finding == "Bron ontbreekt in de kennisbank: UAVG art. 30 lid 1."


def test_guidance_citation_sets_the_flag_and_the_note() -> None:
    answer = compose(assessment(keys=["werkinstructie-riec § 2"]), retrieved(PGUIDE, P6, P9), "signaal delen")
    assert answer.relies_on_guidance is True
    assert answer.summary.endswith("(gebaseerd op een werkinstructie, niet op de wet zelf)")
    assert answer.citations[0].source_type == "werkinstructie"


def test_english_answer_prefers_english_text_and_english_words() -> None:
    english = passage(
        "AVG art. 9 lid 1", "Processing of data concerning health shall be prohibited.", language="en"
    )
    case = assessment(keys=["AVG art. 9", "UAVG art. 30"], facts=Facts(language="en"))
    answer = compose(case, retrieved(P9, english, P6), "May I share health data?")
    assert answer.language == "en"
    assert answer.citations[0].quote == "Processing of data concerning health shall be prohibited."
    assert "Source missing from the knowledge base: UAVG art. 30." in answer.steps[-1].finding


def test_without_named_keys_the_best_search_results_are_offered() -> None:
    found = [Retrieved(P6, 0.03, "both"), Retrieved(P9, 0.02, "dense"), Retrieved(PGUIDE, 0.01, "bm25")]
    case = assessment(verdict="hangt_af", keys=[], steps=[])
    answer = compose(case, found, "rechtmatig verwerken")
    assert [c.key for c in answer.citations] == ["AVG art. 6 lid 1", "AVG art. 9 lid 1"]
    assert answer.steps[-1].keys == ["AVG art. 6 lid 1", "AVG art. 9 lid 1"]


def test_out_of_scope_answer_cites_nothing() -> None:
    case = assessment(
        verdict="buiten_bereik", keys=[], steps=[], summary="Dit gaat niet over gegevens delen."
    )
    answer = compose(case, [Retrieved(P6, 0.03, "both")], "Wanneer vergadert de raad?")
    assert (answer.verdict, answer.citations) == ("buiten_bereik", [])


def test_markdown_shows_verdict_checklist_steps_record_and_sources() -> None:
    text = render_markdown(compose(assessment(), retrieved(P9, P6), "gezondheid"))
    assert text.startswith("**Oordeel: Ja, mits** — Ja, mits er een uitzondering geldt.")
    assert "- [ ] Er geldt een wettelijke uitzondering." in text
    assert "1. **Grondslag** — Taak van algemeen belang.\n   Bepalingen: AVG art. 6 lid 1 sub e" in text
    assert "### Wat leg je vast\n- Grondslag en doel." in text
    assert f"- **AVG art. 6 lid 1 sub e** (versie 2018-05-23, verordening) — <{P6.url}>\n  > {SUB_E}" in text


def test_hangt_af_also_offers_search_results_not_cited_yet() -> None:
    found = [*retrieved(P6), Retrieved(P6, 0.03, "both"), Retrieved(PGUIDE, 0.02, "dense")]
    case = assessment(verdict="hangt_af", keys=["AVG art. 6 lid 1 sub e"], steps=[])
    answer = compose(case, found, "signaal coördinator")
    assert [c.key for c in answer.citations] == ["AVG art. 6 lid 1 sub e", "werkinstructie-riec § 2"]
    assert answer.steps[-1].finding.startswith("De bepalingen hierboven beslissen de vraag niet zonder meer")
    assert answer.relies_on_guidance is True


def test_long_sub_item_is_quoted_by_its_most_relevant_lines() -> None:
    items = [
        "1°. de stichting voor opvang van kinderen, ten behoeve van de zorg voor die kinderen;",
        "2°. de stichting voor hulp aan slachtoffers van verkeersongevallen, voor hun schadeverhaal;",
        "3°. de stichting die slachtoffers van uitbuiting registreert, ten behoeve van hun opvang.",
    ]
    sub_b = "de instanties die hulp verlenen:\n" + "\n".join(items * 2)
    text = "Gegevens worden verstrekt aan:\na. de burgemeester;\nb. " + sub_b
    stored = passage("Testbesluit art. 4 lid 1", text, subs={"a": "de burgemeester;", "b": sub_b})
    case = assessment(keys=["Testbesluit art. 4 lid 1 sub b"], steps=[])
    answer = compose(case, retrieved(stored), "Mag ik een slachtoffer van uitbuiting aanmelden voor opvang?")
    quote = answer.citations[0].quote
    assert len(quote) <= 350
    assert quote in sub_b
    assert "3°. de stichting die slachtoffers van uitbuiting registreert" in quote


def test_keys_resolving_to_one_passage_are_cited_once() -> None:
    case = assessment(keys=["AVG art. 9", "AVG art. 9 lid 1", "AVG art. 6 lid 1 sub e"], steps=[])
    answer = compose(case, retrieved(P9, P6), "gezondheid")
    assert [c.key for c in answer.citations] == ["AVG art. 9 lid 1", "AVG art. 6 lid 1 sub e"]


def test_reasoning_from_general_laws_only_offers_the_best_sector_law_passages() -> None:
    wmo = passage(
        "Wmo 2015 art. 5.1.1 lid 4",
        "Het college verwerkt met uitdrukkelijke toestemming ook gegevens.",
        doc_type="wet",
    )
    art5 = passage("AVG art. 5 lid 1", "Persoonsgegevens moeten worden verwerkt voor welbepaalde doeleinden.")
    found = [
        *retrieved(P9, P6),
        Retrieved(art5, 0.04, "both"),
        Retrieved(PGUIDE, 0.03, "bm25"),
        Retrieved(wmo, 0.02, "dense"),
    ]
    answer = compose(assessment(), found, "gegevens uit de jeugdhulp gebruiken voor de Wmo")
    assert answer.verdict == "mag_mits"
    assert [c.key for c in answer.citations][-1:] == ["Wmo 2015 art. 5.1.1 lid 4"]
    assert "AVG art. 5 lid 1" not in [
        c.key for c in answer.citations
    ]  # general laws are not offered as 'related'
    assert answer.steps[-1].id == "verwante-bepalingen" and answer.steps[-1].keys == [
        "Wmo 2015 art. 5.1.1 lid 4"
    ]
