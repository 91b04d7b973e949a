"""What the assessment produces and the answer pipeline consumes (the seam between reasoning and wording)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from bot.answer import Facts, Step, Verdict


class Assessment(BaseModel):
    """The outcome of the rule-based assessment. Every user-facing string is already in `facts.language`."""

    verdict: Verdict
    facts: Facts
    summary: str = Field(description="The verdict in one or two sentences.")
    steps: list[Step] = Field(default_factory=list, description="The steps that applied, in order.")
    conditions: list[str] = Field(default_factory=list)
    clarifying_questions: list[str] = Field(default_factory=list)
    record: list[str] = Field(default_factory=list, description="Wat leg je vast.")
    escalate: str = ""
    keys: list[str] = Field(
        default_factory=list,
        description="Provisions to cite, most decisive first (citation keys, may have sub).",
    )
    search_hints: list[str] = Field(default_factory=list, description="Extra query text for retrieval.")
    rules_fired: list[str] = Field(
        default_factory=list, description="Ids of the rules that fired (for evals)."
    )
