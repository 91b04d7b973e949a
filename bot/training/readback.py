"""Text and facts agree: read a generated casus back through the understanding and compare the facts it was
written from, fact by fact, and the verdict the text alone gets with the model answer's verdict.

    check = read_back(engine, casus, facts, verdict)   # ReadBack(facts_ok=True, verdict_ok=True, ...)

Both sides are compared as the engine holds them: the intended facts laid over an empty understanding
(bot/fact_inputs.py apply_facts), the read ones as understood. When the case names a partnership, the venue is
that fact, so venues are left out of the recipients on both sides.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, Field

from bot.answer import FactValue
from bot.engine import Engine
from bot.fact_inputs import VENUE_ROLES, apply_facts
from bot.understanding import Understanding
from bot.understood import fact_value


class ReadBack(BaseModel):
    facts_ok: bool = Field(description="Every fact of the case came back the same from the text.")
    verdict_ok: bool = Field(description="The text alone gets the same verdict as the model answer.")
    mismatches: list[str] = Field(
        default_factory=list, description="'fact: bedoeld X, gelezen Y' per mismatch."
    )
    text_verdict: str = ""

    @property
    def ok(self) -> bool:
        return self.facts_ok and self.verdict_ok


def read_back(engine: Engine, casus: str, facts: Mapping[str, FactValue], verdict: str) -> ReadBack:
    read = engine.assessor.understand(casus)
    intended = apply_facts(Understanding(), facts, engine.assessor.vocabulary)
    mismatches = []
    for fact in facts:
        want, got = compared_value(intended, fact, facts), compared_value(read, fact, facts)
        if not _same(want, got):
            mismatches.append(f"{fact}: bedoeld {want!r}, gelezen {got!r}")
    text_verdict = engine.answer(casus).verdict
    return ReadBack(
        facts_ok=not mismatches, verdict_ok=text_verdict == verdict, mismatches=mismatches,
        text_verdict=text_verdict,
    )  # fmt: skip


def compared_value(u: Understanding, fact: str, facts: Mapping[str, FactValue]) -> FactValue:
    """The value as compared; a slot filled by the embedding fallback (a guess) counts as not read."""
    if fact in u.semantic:
        return None
    value = fact_value(u, fact)
    if fact == "recipients" and isinstance(value, list) and "partnership" in facts:
        return [role for role in value if role not in VENUE_ROLES]
    return value


def _same(want: FactValue, got: FactValue) -> bool:
    if isinstance(want, list) and isinstance(got, list):
        return set(want) == set(got)
    return want == got
