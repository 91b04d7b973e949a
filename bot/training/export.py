"""Training packs as Markdown, PDF and an eval case file (/work/shared/evals/FORMAT.md).

    markdown = pack_markdown(pack)      # cases, answer sheet with quotes, trainer notes with contrast pairs
    pdf = pack_pdf(pack)                # the same blocks, rendered like a decision record (bot/records.py)
    yaml_text = pack_cases(pack)        # every case and its contrast as a gradable case
    pack_markdown(pack, own)            # ... with the trainer's own cases (bot/training/own.py) after them

Nothing here depends on the date or the machine: the same pack gives the same bytes of Markdown and YAML.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from ruamel.yaml import YAML

from bot.answer import GUIDANCE_TYPES, FactValue
from bot.fact_inputs import FACT_IDS, load_words, value_label
from bot.records import Block, blocks_to_markdown, blocks_to_pdf
from bot.training.own import OwnScenario
from bot.training.scenarios import ModelAnswer, Pack, Scenario
from bot.vocabulary import load_vocabulary
from bot.words import verdict_label
from kb.citations import article_level

TITLE = "Oefenpakket gegevensdeling"
FICTION_NOTE = (
    "Alle namen, plaatsen en situaties in dit pakket zijn fictief. Het modelantwoord komt uit de regels van "
    "Deelwijzer met letterlijke, gecontroleerde citaten; het is een hulpmiddel, geen juridisch advies."
)
OWN_NOTE = (
    "Casussen gemarkeerd als ‘eigen casus’ zijn door de trainer geschreven, niet gegenereerd; het "
    "modelantwoord geldt voor de feiten zoals de trainer ze heeft bevestigd of gecorrigeerd."
)
CHOICES = "Jouw oordeel: ☐ Ja  ☐ Ja, mits  ☐ Nee  ☐ Hangt af — en welke bepalingen beslissen?"


def pack_blocks(pack: Pack, own: Sequence[OwnScenario] = ()) -> list[Block]:
    meta = (
        f"Thema: {pack.theme} · Moeilijkheid: {pack.difficulty} · Seed: {pack.seed} · "
        f"{len(pack.scenarios)} casussen" + (f" en {len(own)} eigen" if own else "")
    )
    blocks = [Block("title", TITLE), Block("note", meta), Block("note", FICTION_NOTE)]
    blocks += [Block("note", OWN_NOTE)] if own else []
    blocks.append(Block("heading", "Casussen"))
    cases: list[Scenario | OwnScenario] = [*pack.scenarios, *own]
    for number, case in enumerate(cases, start=1):
        blocks += [
            Block("subheading", f"Casus {number} — {_label(case)}"),
            Block("text", case.casus),
            Block("field", CHOICES),
        ]
    blocks.append(Block("heading", "Antwoordblad"))
    for number, case in enumerate(cases, start=1):
        blocks += [Block("subheading", f"Casus {number}"), *answer_blocks(case.answer)]
    blocks.append(Block("heading", "Trainersnotities"))
    for number, case in enumerate(cases, start=1):
        if isinstance(case, OwnScenario):
            blocks += [Block("subheading", f"Casus {number} (eigen casus)"), *own_blocks(case)]
        else:
            blocks += [Block("subheading", f"Casus {number}: wat als …?"), *trainer_blocks(case)]
    return blocks


def _label(case: Scenario | OwnScenario) -> str:
    return "eigen casus (door de trainer geschreven)" if isinstance(case, OwnScenario) else case.theme_label


def answer_blocks(answer: ModelAnswer) -> list[Block]:
    blocks = [Block("text", f"Oordeel: {answer.verdict_label}. {answer.summary}")]
    blocks += [Block("check", condition) for condition in answer.conditions]
    blocks += [Block("item", f"{step.title}: {step.finding}") for step in answer.steps]
    if answer.decisive:
        blocks.append(Block("text", f"Beslissende bepalingen: {', '.join(answer.decisive)}"))
    for citation in answer.citations:
        kind = f", {citation.source_type}, geen wettekst" if citation.source_type in GUIDANCE_TYPES else ""
        blocks.append(
            Block("item", f"{citation.key} (versie {citation.source_version}{kind}) {citation.url}".strip())
        )
        blocks.append(Block("quote", f"“{citation.quote}”"))
    return blocks


def trainer_blocks(scenario: Scenario) -> list[Block]:
    contrast = scenario.contrast
    was, now = scenario.facts.get(contrast.fact), contrast.value
    return [
        Block(
            "item", "Feiten: " + "; ".join(fact_line(fact, value) for fact, value in ordered(scenario.facts))
        ),
        Block("text", contrast.prompt),
        Block("item", f"Verandert: {fact_line(contrast.fact, was)} → {value_text(contrast.fact, now)}"),
        Block("item", f"Oordeel: {scenario.answer.verdict_label} → {contrast.answer.verdict_label}"),
        Block("text", contrast.casus),
        Block("text", contrast.answer.summary),
        *(Block("item", f"{c.key}: “{c.quote}”") for c in contrast.answer.citations[:2]),
    ]


def own_blocks(case: OwnScenario) -> list[Block]:
    facts = "; ".join(fact_line(fact, value) for fact, value in ordered(case.facts))
    blocks = [Block("item", f"Feiten: {facts}")]
    if case.given:
        corrected = "; ".join(fact_line(fact, value) for fact, value in ordered(case.given))
        blocks.append(Block("item", f"Gecorrigeerd door de trainer: {corrected}"))
    if not case.readback.ok:
        blocks.append(Block("text", "Let op: de tekst alleen wordt anders gelezen ("
                            + "; ".join(case.readback.mismatches or [f"oordeel {case.readback.text_verdict}"])
                            + "); het casebestand toetst de tekst alleen."))  # fmt: skip
    return blocks


def ordered(facts: dict[str, FactValue]) -> list[tuple[str, FactValue]]:
    return [(fact, facts[fact]) for fact in FACT_IDS if fact in facts]


def fact_line(fact: str, value: FactValue) -> str:
    shown = "weet ik niet" if value is None else value_text(fact, value)
    return f"{load_words().facts[fact].label.get('nl')}: {shown}"


def value_text(fact: str, value: FactValue) -> str:
    """The Dutch label of a value ('Veilig Thuis', 'toestemming geweigerd of niet gevraagd')."""
    vocabulary = load_vocabulary()
    if isinstance(value, list):
        return ", ".join(value_label(fact, item, vocabulary) for item in value)
    return value_label(fact, value, vocabulary)


def pack_markdown(pack: Pack, own: Sequence[OwnScenario] = ()) -> str:
    return blocks_to_markdown(pack_blocks(pack, own))


def pack_pdf(pack: Pack, own: Sequence[OwnScenario] = ()) -> bytes:
    return blocks_to_pdf(pack_blocks(pack, own), TITLE)


def pack_cases(pack: Pack, own: Sequence[OwnScenario] = ()) -> str:
    """The pack as a case file: each casus and its contrast, graded on the model verdict and its most decisive
    provision (article level), with the facts it was written from; then the own cases (note 'eigen casus')."""
    items: list[dict[str, Any]] = []
    for scenario in pack.scenarios:
        items.append(
            _case(scenario.id, scenario.casus, scenario.answer, scenario.facts, scenario.theme_label)
        )
        note = f"contrast van {scenario.id}: {scenario.contrast.prompt}"
        items.append(_case(f"{scenario.id}-contrast", scenario.contrast.casus, scenario.contrast.answer,
                           scenario.contrast.facts, note))  # fmt: skip
    for case in own:
        checked = "" if case.readback.ok else " (let op: de tekst alleen wordt anders gelezen)"
        items.append(_case(case.id, case.casus, case.answer, case.facts, f"eigen casus{checked}"))
    stream = io.StringIO()
    yaml = YAML()
    yaml.width = 4096
    yaml.dump(items, stream)
    return stream.getvalue()


def _case(
    id: str, question: str, answer: ModelAnswer, facts: dict[str, FactValue], note: str
) -> dict[str, Any]:
    law = [c.key for c in answer.citations[:2] if c.source_type not in GUIDANCE_TYPES]
    return {
        "id": id, "question": question, "verdict": [answer.verdict],
        "must_cite": [article_level(key) for key in law[:1]], "facts": dict(facts),
        "note": f"{note} — modelantwoord: {verdict_label(answer.verdict, 'nl')}",
    }  # fmt: skip
