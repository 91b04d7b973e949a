"""Composition: turn an assessment and the retrieved passages into a draft answer (no LLM).

Every citation quotes the stored text verbatim; the draft is finished — citations verified, verdict settled —
by bot/finalize.py, on every path. A key the assessment names but the knowledge base does not hold is never
cited: the step says the source is missing. Rendering is bot/render.py; the words are bot/words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bot.answer import GUIDANCE_TYPES, Answer, Citation, Step
from bot.assessment_types import Assessment
from bot.finalize import Draft, finalize
from bot.quotes import choose_quote
from bot.retrieval import Retrieved
from bot.verify import passage_key_of
from bot.words import words as words_of
from kb.citations import article_level, parse_key
from kb.errors import CitationKeyError
from kb.passages import Passage

__all__ = ["GUIDANCE_TYPES", "Draft", "compose", "draft", "finalize", "wanted_keys"]

RELATED_LIMIT = 2
#: Laws that frame every question; an assessment citing only these has not reached the sector's own regime.
GENERAL_LAWS = frozenset({"AVG", "UAVG", "Grondwet"})


def texts(language: str) -> dict[str, str]:
    return words_of("composition", language)


@dataclass
class Cited:
    """The outcome of citing the assessment's keys: citations, key renames and what is missing."""

    citations: list[Citation]
    renamed: dict[str, str]
    missing: list[str]


def compose(
    assessment: Assessment, retrieved: Sequence[Retrieved], question: str, id: str = "", kb_build: str = ""
) -> Answer:
    """The finished answer without an LLM: `finalize(draft(...))`."""
    return finalize(draft(assessment, retrieved, question, id=id, kb_build=kb_build))


def draft(
    assessment: Assessment, retrieved: Sequence[Retrieved], question: str, id: str = "", kb_build: str = ""
) -> Draft:
    """The draft answer for `assessment`, citing only passages in `retrieved` (verified by finalize)."""
    language = assessment.facts.language
    passages = [item.passage for item in retrieved]
    cited = cite_keys(assessment, passages, question)
    steps = mark_missing(assessment.steps, cited, language)
    scope = related_scope(assessment)
    if scope:
        related = cite_related(retrieved, question, cited.citations, sector_only=scope == "sector")
        cited.citations += related.citations
        steps += [related_step(related.citations, assessment)] if related.citations else []
    answer = Answer(
        id=id, verdict=assessment.verdict, summary=assessment.summary,
        conditions=list(assessment.conditions), clarifying_questions=list(assessment.clarifying_questions),
        citations=cited.citations, steps=steps, record=list(assessment.record), escalate=assessment.escalate,
        facts=assessment.facts, language=language, kb_build=kb_build,
    )  # fmt: skip
    return Draft(answer, passages, cited.missing)


def wanted_keys(assessment: Assessment) -> list[str]:
    """The assessment's keys, then any further keys its steps name, without repeats."""
    keys = [*assessment.keys, *(key for step in assessment.steps for key in step.keys)]
    return list(dict.fromkeys(keys))


def cite_keys(assessment: Assessment, passages: Sequence[Passage], question: str) -> Cited:
    cited = Cited([], {}, [])
    for key in wanted_keys(assessment):
        passage = find_passage(key, passages, assessment.facts.language)
        if passage is None:
            cited.missing.append(key)
            continue
        cite_key = key if _same_passage(key, passage) else passage.key
        cited.renamed[key] = cite_key
        if any(citation.key == cite_key for citation in cited.citations):
            continue
        context = " ".join([question, *_step_text(assessment.steps, key)])
        cited.citations.append(make_citation(cite_key, passage, context))
    return cited


def make_citation(key: str, passage: Passage, context: str) -> Citation:
    return Citation(
        key=key, quote=choose_quote(passage, key, context), source_version=passage.version_date,
        url=passage.url, source_type=passage.doc_type,
    )  # fmt: skip


def find_passage(key: str, passages: Sequence[Passage], language: str) -> Passage | None:
    """The passage of `key` (the lid of a sub key, the first lid of an article key), answer language first."""
    exact = [p for p in passages if _same_passage(key, p)]
    article = article_level(key).casefold()
    wider = [p for p in passages if _article_only(key) and article_level(p.key).casefold() == article]
    for candidates in (exact, wider):
        preferred = [p for p in candidates if p.language == language] or candidates
        if preferred:
            return preferred[0]
    return None


def _same_passage(key: str, passage: Passage) -> bool:
    try:
        return parse_key(key).passage_key.casefold() == passage.key.casefold()
    except CitationKeyError:
        return key.casefold() == passage.key.casefold()


def _article_only(key: str) -> bool:
    try:
        parsed = parse_key(key)
    except CitationKeyError:
        return False
    return bool(parsed.article) and not parsed.lid and not parsed.sub


def _step_text(steps: Sequence[Step], key: str) -> list[str]:
    return [f"{step.title} {step.finding}" for step in steps if key in step.keys]


def mark_missing(steps: Sequence[Step], cited: Cited, language: str) -> list[Step]:
    """Steps with cited keys renamed, missing keys removed and a 'source missing' sentence added."""
    words = texts(language)
    result: list[Step] = []
    for step in steps:
        gone = [key for key in step.keys if key in cited.missing]
        finding = " ".join([step.finding, *(words["missing"].format(key=key) for key in gone)]).strip()
        keys = [cited.renamed[key] for key in step.keys if key in cited.renamed]
        result.append(step.model_copy(update={"finding": finding, "keys": list(dict.fromkeys(keys))}))
    orphans = [key for key in cited.missing if not any(key in step.keys for step in steps)]
    if orphans:
        notes = " ".join(words["missing"].format(key=key) for key in orphans)
        result.append(Step(id="ontbrekende-bronnen", title=words["missing_title"], finding=notes))
    return result


def related_scope(assessment: Assessment) -> Literal["", "all", "sector"]:
    """Which search results to offer: any when the assessment named no provision or could not settle the
    question; sector-law ones when it reasoned from the general laws only (a sector law the rules do not
    cover may hold the answer); none otherwise."""
    keys = wanted_keys(assessment)
    if assessment.verdict == "buiten_bereik":
        return ""
    if assessment.verdict == "hangt_af" or not keys:
        return "all"
    return "" if any(_sector_law(key) for key in keys) else "sector"


def cite_related(
    retrieved: Sequence[Retrieved], question: str, cited: Sequence[Citation], sector_only: bool = False
) -> Cited:
    """Citations of the best search results whose passage is not cited yet (with `sector_only`, only
    provisions of laws other than the general ones)."""
    taken = {passage_key_of(citation.key) for citation in cited}
    found = [
        item.passage
        for item in retrieved
        if item.via != "key"
        and item.passage.key.casefold() not in taken
        and (not sector_only or _sector_passage(item.passage))
    ]
    return Cited([make_citation(p.key, p, question) for p in found[:RELATED_LIMIT]], {}, [])


def _sector_passage(passage: Passage) -> bool:
    return passage.citation_name not in GENERAL_LAWS and passage.doc_type not in GUIDANCE_TYPES


def _sector_law(key: str) -> bool:
    """A provision of a law other than the general ones (guidance is cited by § or page, not by article)."""
    try:
        parsed = parse_key(key)
    except CitationKeyError:
        return False
    return bool(parsed.article) and parsed.source not in GENERAL_LAWS


def related_step(citations: Sequence[Citation], assessment: Assessment) -> Step:
    words = texts(assessment.facts.language)
    finding = words["related_finding" if wanted_keys(assessment) else "related_finding_none"]
    keys = [citation.key for citation in citations]
    return Step(id="verwante-bepalingen", title=words["related_title"], finding=finding, keys=keys)
