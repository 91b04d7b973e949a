"""Finish an answer once: every path (plain, LLM-rephrased, streamed, OpenAI-compatible) ends here.

A draft (bot/compose.py, perhaps reworded by bot/llm.py) becomes the Answer: each citation is verified against
the passages retrieved for it (bot/verify.py), the verdict is settled on what survives, and the summary says
when the answer leans on guidance rather than on the law.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.answer import GUIDANCE_TYPES, Answer, Citation, Verdict
from bot.verify import index_by_key, verify
from bot.words import words
from kb.passages import Passage


@dataclass(frozen=True)
class Draft:
    """An answer before its checks: citations not yet verified, verdict and summary as the assessment (or the
    LLM's rewording of the summary) gave them. `passages` are the only texts a citation may quote;
    `missing` are the keys the assessment named that the knowledge base does not hold; `added` are the
    citations an LLM proposed (shown when verified, but the verdict never rests on them)."""

    answer: Answer
    passages: list[Passage] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    added: list[Citation] = field(default_factory=list)


def finalize(draft: Draft) -> Answer:
    """The finished answer: verified citations (the rest dropped and counted), the settled verdict and the
    guidance note."""
    answer = draft.answer
    index = index_by_key(draft.passages)
    kept, dropped = verify(answer.citations, index)
    verdict, summary = settle(answer, kept, draft.missing)
    # when the verdict does not stand (its provisions are missing), the summary is replaced and nothing an
    # LLM proposed for it is kept
    added, dropped_added = verify(draft.added, index) if verdict == answer.verdict else ([], [])
    citations = [*kept, *added]
    guidance = guidance_type(citations)
    return answer.model_copy(
        update={
            "verdict": verdict,
            "summary": with_guidance_note(summary, guidance, answer.language),
            "citations": citations,
            "relies_on_guidance": bool(guidance),
            "removed_citations": answer.removed_citations + len(dropped) + len(dropped_added),
        }
    )


def settle(answer: Answer, kept: Sequence[Citation], missing: Sequence[str]) -> tuple[Verdict, str]:
    """The draft's verdict, unless every provision it rests on is missing from the knowledge base."""
    if not missing or kept or answer.verdict in ("hangt_af", "buiten_bereik"):
        return answer.verdict, answer.summary
    summary = words("composition", answer.language)["missing_summary"].format(keys=", ".join(missing))
    if answer.escalate:
        return "hangt_af", f"{summary} {answer.escalate}"
    return "buiten_bereik", summary


def guidance_type(citations: Sequence[Citation]) -> str:
    """The least authoritative guidance type cited ('' when the answer rests on legislation only)."""
    types = {citation.source_type for citation in citations}
    return next((kind for kind in GUIDANCE_TYPES if kind in types), "")


def with_guidance_note(summary: str, guidance: str, language: str) -> str:
    if not guidance:
        return summary
    noun = words("guidance_nouns", language)[guidance]
    note = words("composition", language)["guidance"].format(noun=noun)
    return summary if note in summary else f"{summary} {note}".strip()
