"""Training scenarios: facts, a casus text written from them, the engine's model answer, a contrast case
where one decisive fact flips the verdict, and the read-back check.

    pack = generate(engine, "alle", n=10, seed=7)           # same seed, same pack
    pack.scenarios[0].answer.verdict, pack.scenarios[0].contrast.answer.verdict

The model answer is Engine.answer(casus, facts=facts): the facts are set, not guessed, so the verdict is the
rules' verdict for exactly those facts, and every quote went through the engine's citation verification.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping

from pydantic import BaseModel, Field

from bot.answer import Answer, Citation, FactValue, Step
from bot.engine import Engine
from bot.fact_inputs import check_facts
from bot.training.casus import write_casus
from bot.training.readback import ReadBack, read_back
from bot.training.themes import Flip, Pattern, Theme, patterns, themes
from bot.words import verdict_label

DECISIVE_KEYS = 2  # the provisions a learner is asked to name: the assessment's most decisive ones


class ModelAnswer(BaseModel):
    verdict: str
    verdict_label: str
    summary: str
    conditions: list[str] = Field(default_factory=list)
    steps: list[Step] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    decisive: list[str] = Field(default_factory=list, description="The most decisive cited keys.")

    @classmethod
    def of(cls, answer: Answer) -> ModelAnswer:
        return cls(
            verdict=answer.verdict, verdict_label=verdict_label(answer.verdict, "nl"), summary=answer.summary,
            conditions=answer.conditions, steps=answer.steps, citations=answer.citations,
            decisive=[citation.key for citation in answer.citations[:DECISIVE_KEYS]],
        )  # fmt: skip


class Contrast(BaseModel):
    fact: str
    value: FactValue
    prompt: str = Field(description="The trainer's question: 'Wat als ...?'")
    facts: dict[str, FactValue]
    casus: str
    answer: ModelAnswer
    readback: ReadBack | None = None


class Scenario(BaseModel):
    id: str
    theme: str
    theme_label: str
    level: int
    facts: dict[str, FactValue]
    casus: str
    answer: ModelAnswer
    contrast: Contrast
    readback: ReadBack | None = None

    @property
    def offered(self) -> bool:
        """Offered to learners: the casus and its contrast both read back to their facts and verdicts."""
        return all(check is not None and check.ok for check in (self.readback, self.contrast.readback))


class PackStats(BaseModel):
    generated: int = 0
    read_back_ok: int = 0
    no_flip: int = 0
    themes: list[str] = Field(default_factory=list)


class Pack(BaseModel):
    theme: str
    seed: int
    difficulty: str
    scenarios: list[Scenario]
    stats: PackStats


def generate(
    engine: Engine, theme: str = "alle", n: int = 10, seed: int = 0, difficulty: str = "gemengd",
    check: bool = True,
) -> Pack:  # fmt: skip
    """`n` scenarios drawn round-robin over the selected themes. With `check`, only scenarios that read back
    are kept (stats count all generated ones); without, every generated scenario is returned."""
    chosen, stats = themes(theme), PackStats()
    kept: list[Scenario] = []
    for attempt in range(max(n * 6, 12)):
        if len(kept) >= n:
            break
        of = chosen[attempt % len(chosen)]
        scenario = build_scenario(
            engine, of, difficulty, _rng(seed, attempt), f"{of.id}-{seed}-{attempt + 1}"
        )
        if scenario is None:
            stats.no_flip += 1
            continue
        stats.generated += 1
        stats.read_back_ok += scenario.offered
        if scenario.offered or not check:
            kept.append(scenario)
    stats.themes = sorted({scenario.theme for scenario in kept})
    return Pack(theme=theme, seed=seed, difficulty=difficulty, scenarios=kept, stats=stats)


def build_scenario(
    engine: Engine, of: Theme, difficulty: str, rng: random.Random, id: str
) -> Scenario | None:
    """One scenario of theme `of`, or None when none of the pattern's flips changes the verdict."""
    pattern = rng.choice(patterns(of, difficulty))
    facts = check_facts(draw_facts(pattern, rng), engine.assessor.vocabulary)  # lists where lists belong
    text_seed = rng.getrandbits(64)
    casus = write_casus(facts, random.Random(text_seed))
    answer = model_answer(engine, casus, facts)
    if answer.verdict == "buiten_bereik":
        return None
    contrast = find_contrast(engine, pattern, facts, answer.verdict, text_seed, rng)
    if contrast is None:
        return None
    contrast.readback = read_back(engine, contrast.casus, contrast.facts, contrast.answer.verdict)
    return Scenario(
        id=id, theme=of.id, theme_label=of.label, level=pattern.level, facts=facts, casus=casus,
        answer=answer, contrast=contrast, readback=read_back(engine, casus, facts, answer.verdict),
    )  # fmt: skip


def draw_facts(pattern: Pattern, rng: random.Random) -> dict[str, FactValue]:
    facts: dict[str, FactValue] = {}
    for fact, choice in pattern.facts.items():
        value = rng.choice(choice) if isinstance(choice, tuple) else choice
        facts[fact] = list(value) if isinstance(value, list) else value  # type: ignore[assignment]
    return facts


def model_answer(engine: Engine, casus: str, facts: Mapping[str, FactValue]) -> ModelAnswer:
    return ModelAnswer.of(engine.answer(casus, facts=check_facts(facts, engine.assessor.vocabulary)))


def find_contrast(
    engine: Engine, pattern: Pattern, facts: dict[str, FactValue], verdict: str, text_seed: int,
    rng: random.Random,
) -> Contrast | None:  # fmt: skip
    """The first flip (in a seeded order) whose facts get another verdict; the casus keeps its name, place
    and wording apart from the flipped fact."""
    flips = list(pattern.flips)
    rng.shuffle(flips)
    for flip in flips:
        if facts.get(flip.fact) == flip.value:
            continue
        flipped = {**facts, flip.fact: _copy(flip)}
        casus = write_casus(flipped, random.Random(text_seed))
        answer = model_answer(engine, casus, flipped)
        if answer.verdict != verdict and answer.verdict != "buiten_bereik":
            return Contrast(
                fact=flip.fact,
                value=_copy(flip),
                prompt=flip.prompt,
                facts=flipped,
                casus=casus,
                answer=answer,
            )
    return None


def _copy(flip: Flip) -> FactValue:
    value = flip.value
    return list(value) if isinstance(value, list) else value  # type: ignore[return-value]


def _rng(seed: int, attempt: int) -> random.Random:
    """Deterministic per (seed, attempt): SHA-256, never hash()."""
    digest = hashlib.sha256(f"deelwijzer-training:{seed}:{attempt}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))
