"""A trainer's own casus (issue 17): a text in their own words, read by the same understanding as chat, the
facts the trainer corrected laid over it, and the engine's model answer for exactly that.

    case = read_own(engine, "Ik ben huisarts ... Mag ik ... delen met de politie?", {"consent": "refused"})
    case.understood      # "Zo heb ik uw vraag begrepen", fact by fact (the chips of the web app)
    case.answer.verdict  # the rules' verdict, citations verified by the engine

`given` holds what the trainer set (the corrections), `facts` every known fact after them. The text is read
back as a generated casus is (bot/training/readback.py): when the text alone is read otherwise or gets another
verdict, the trainer is told, since the eval case file grades the text alone. Nothing is stored: the text
lives in the request and in the pack the trainer downloads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from bot.answer import Clarify, FactValue, UnderstoodFact
from bot.engine import Engine
from bot.fact_inputs import check_facts
from bot.inputs import InputError, check_chars
from bot.training.readback import ReadBack, read_back
from bot.training.scenarios import ModelAnswer
from kb.errors import DeelwijzerError

OWN_LABEL = "Eigen casus"
MAX_OWN_CASES = 10


class OwnCaseInput(BaseModel):
    """What the trainer sends: the casus text and the facts they corrected (ids as in GET /api/facts)."""

    casus: str = Field(description="The casus in the trainer's own words (no real personal data).")
    facts: dict[str, Any] = Field(
        default_factory=dict, description="Corrections of what was read; null = 'weet ik niet'."
    )


class OwnScenario(BaseModel):
    """Scenario-shaped: the casus, the facts the trainer set, what was understood and the model answer."""

    id: str = "eigen"
    own: Literal[True] = True
    theme: str = "eigen"
    theme_label: str = OWN_LABEL
    casus: str
    facts: dict[str, FactValue] = Field(description="Every known fact, the trainer's corrections included.")
    given: dict[str, FactValue] = Field(description="The trainer's corrections, checked.")
    understood: list[UnderstoodFact] = Field(default_factory=list)
    clarify: Clarify | None = None
    language: str = "nl"
    answer: ModelAnswer
    readback: ReadBack


def checked_casus(text: str, max_chars: int, field: str = "casus") -> str:
    casus = " ".join(text.split())
    if not casus:
        raise InputError("empty_casus", field, f"Veld '{field}' is leeg: schrijf de casus in eigen woorden.")
    return check_chars(casus, field, max_chars)


def read_own(
    engine: Engine, casus: str, facts: Mapping[str, Any] | None = None, *, id: str = "eigen",
    field: str = "", max_chars: int = 2000,
) -> OwnScenario:  # fmt: skip
    """The own casus read and answered; InputError names the field (`{field}casus`, `{field}facts.X`)."""
    text = checked_casus(casus, max_chars, f"{field}casus")
    given = check_facts(facts or {}, engine.assessor.vocabulary, f"{field}facts")
    answer = engine.answer(text, facts=given)
    known = {fact.fact: fact.value for fact in answer.understood if fact.value is not None}
    return OwnScenario(
        id=id, casus=text, facts=known, given=given, understood=answer.understood, clarify=answer.clarify,
        language=answer.language, answer=ModelAnswer.of(answer),
        readback=read_back(engine, text, known, answer.verdict),
    )  # fmt: skip


def read_own_cases(
    engine: Engine, cases: Sequence[OwnCaseInput], field: str = "own", max_chars: int = 2000,
    limit: int = MAX_OWN_CASES,
) -> list[OwnScenario]:  # fmt: skip
    """Every own case of a pack, numbered eigen-1, eigen-2, ... in the order given."""
    if len(cases) > limit:
        raise InputError(
            "too_many", field, f"Veld '{field}' heeft {len(cases)} casussen; het maximum is {limit}."
        )
    return [
        read_own(engine, case.casus, case.facts, id=f"eigen-{number}", field=f"{field}.{number - 1}.",
                 max_chars=max_chars)
        for number, case in enumerate(cases, start=1)
    ]  # fmt: skip


class OwnCaseFileError(DeelwijzerError, ValueError):
    """A file of own cases that cannot be read; the message names the file, the entry and the fix."""


def load_own_file(path: Path) -> list[OwnCaseInput]:
    """Own cases from a file: YAML, a list whose items are a casus text or {casus, facts}; or Markdown, one
    casus per `#` section (or per paragraph when there are no headings). Facts are checked when read."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise OwnCaseFileError(
            f"{path}: kan het bestand niet lezen ({exc.__class__.__name__}); "
            "geef een UTF-8 YAML- of Markdown-bestand."
        ) from None
    if path.suffix.lower() in (".md", ".markdown", ".txt"):
        cases = [OwnCaseInput(casus=block) for block in _markdown_blocks(text)]
    else:
        cases = _yaml_cases(path, text)
    if not cases:
        raise OwnCaseFileError(f"{path}: geen casussen gevonden; schrijf er minstens één.")
    return cases


def _yaml_cases(path: Path, text: str) -> list[OwnCaseInput]:
    try:
        items = YAML(typ="safe").load(text)
    except YAMLError as exc:
        raise OwnCaseFileError(f"{path}: geen geldige YAML ({exc.__class__.__name__}).") from None
    if not isinstance(items, list):
        raise OwnCaseFileError(f"{path}: verwacht een YAML-lijst van casussen ('- casus: ...').")
    cases = []
    for number, item in enumerate(items, start=1):
        entry = {"casus": item} if isinstance(item, str) else item
        try:
            cases.append(OwnCaseInput.model_validate(entry))
        except ValidationError:
            raise OwnCaseFileError(
                f"{path}: casus {number} moet een tekst zijn of {{casus: tekst, facts: {{sender: politie}}}}."
            ) from None
    return cases


def _markdown_blocks(text: str) -> list[str]:
    lines = text.splitlines()
    if any(line.startswith("#") for line in lines):
        blocks: list[list[str]] = []
        current: list[str] = []
        for line in lines:
            if line.startswith("#"):
                blocks.append(current)
                current = []
            else:
                current.append(line)
        blocks.append(current)
        parts = [" ".join(block) for block in blocks]
    else:
        parts = text.split("\n\n")
    return [" ".join(part.split()) for part in parts if part.strip()]
