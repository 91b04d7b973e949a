"""Grade answers against gold cases with deterministic metrics (FORMAT.md "Metrics").

    checker = CitationChecker(kb)
    result = grade_case(case, answer, latency_ms, checker)
    totals = summarize(results)

A citation is *supported* only when the knowledge base holds a passage for its key and the quote is a verbatim
substring of that passage's stored text (whitespace ignored). The grader checks this itself against the
knowledge base; what the engine says about its own citations is not trusted.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from pydantic import BaseModel, Field

from bot.answer import Answer, Citation
from bot.vocabulary import Vocabulary, load_vocabulary
from evals.case_files import ABSTAINING, Case
from evals.fact_reading import Criterion, FactReading, FactTotals, fact_totals, grade_facts, right_or_asks
from kb.citations import CitationKey, matches_at_article_level, parse_key
from kb.errors import CitationKeyError
from kb.knowledge_base import KnowledgeBase
from kb.passages import Passage

_LANGUAGES = ("nl", "en")


class Unsupported(BaseModel):
    key: str
    reason: str


class CaseResult(BaseModel):
    """One row of the per-case table (and of the JSON)."""

    id: str
    theme: str = ""
    expected: list[str] = Field(default_factory=list, description="Accepted verdicts; [] = not graded.")
    verdict: str = Field("", description="The answer's verdict; '' when the engine failed.")
    verdict_ok: bool | None = Field(None, description="None for a case that is not graded.")
    must_cite: list[str] = Field(default_factory=list)
    must_cite_hit: list[str] = Field(default_factory=list)
    cite_any: list[str] = Field(default_factory=list)
    cite_any_hit: bool | None = Field(None, description="None when the case has no cite_any.")
    must_not_cite_violations: list[str] = Field(default_factory=list)
    cited: list[str] = Field(default_factory=list, description="Keys the answer cited, in order.")
    unsupported: list[Unsupported] = Field(default_factory=list)
    latency_ms: float = 0.0
    steps: list[str] = Field(default_factory=list, description="Ids of the answer's assessment steps.")
    rules_fired: list[str] = Field(default_factory=list)
    error: str = ""
    fact_reading: FactReading | None = Field(None, description="Only for a case with `facts`.")
    criterion: Criterion | None = Field(None, description="Issue 14: right or asks; None when not graded.")

    @property
    def abstained(self) -> bool:
        return self.verdict in ABSTAINING

    @property
    def dangerous(self) -> bool:
        """FORMAT.md: a yes where every accepted verdict is no/depends/out of scope (unlawful sharing), or a
        no where every accepted verdict is a yes (the unjustified refusal that feeds koudwatervrees)."""
        return dangerous_direction(self.verdict, self.expected)

    @property
    def wrong_refusal(self) -> bool:
        """FORMAT.md: buiten_bereik where the case accepts something else."""
        refused = self.verdict == "buiten_bereik"
        return bool(self.expected) and refused and "buiten_bereik" not in self.expected


class Totals(BaseModel):
    cases: int
    graded: int
    verdict_accuracy: float | None
    must_cite_wanted: int
    must_cite_recall: float | None = Field(description="Cited wanted keys / wanted keys, over all cases.")
    cite_any_cases: int
    cite_any_hit_rate: float | None
    must_not_cite_violations: int
    citations: int
    unsupported_citations: int
    unsupported_rate: float | None = Field(description="Unsupported citations / all citations.")
    abstention_precision: float | None
    abstention_recall: float | None
    dangerous_errors: int = Field(0, description="Answers wrong in the dangerous direction (target 0).")
    dangerous_ids: list[str] = Field(default_factory=list)
    wrong_refusals: int = 0
    latency_p50_ms: float | None
    latency_p95_ms: float | None
    errors: int
    fact_reading: FactTotals | None = Field(None, description="Facts read right; the issue-14 criterion.")


# --- citations ---------------------------------------------------------------------------------------------


def squash(text: str) -> str:
    """The text without any whitespace: quotes are compared whitespace-insensitively."""
    return "".join(text.split())


class CitationChecker:
    """Checks citations against every passage the knowledge base stores (history versions included)."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._by_article: dict[str, list[Passage]] = {}
        for passage in kb.passages(current_only=False):
            article = _article_key(passage.key)
            if article:
                self._by_article.setdefault(article, []).append(passage)

    def reason(self, citation: Citation) -> str:
        """Why `citation` is unsupported, or '' when its quote is in its key's stored passage."""
        try:
            key = parse_key(citation.key)
        except CitationKeyError:
            return f"{citation.key!r} is not a citation key"
        passages = self.passages_for(citation.key, key, citation.source_version)
        if not passages:
            return f"no passage for {key.passage_key!r} in the knowledge base"
        quote = squash(citation.quote)
        if not quote:
            return "the quote is empty"
        if not any(quote in squash(passage.text) for passage in passages):
            return f"the quote is not in the stored text of {key.passage_key!r}"
        return ""

    def passages_for(self, text: str, key: CitationKey, version: str = "") -> list[Passage]:
        """The stored passages that hold `key`, in both languages and at `version` too; for an article
        key without lid whose article has leden, every lid of it."""
        found: dict[str, Passage] = {}
        for language in _LANGUAGES:
            for date in (None, version or None):
                passage = self.kb.get(text, language, date)
                if passage is not None:
                    found[passage.uid] = passage
        if not found and not key.lid and key.article:
            for passage in self._by_article.get(key.article_key.casefold(), []):
                found[passage.uid] = passage
        return list(found.values())


def _article_key(key: str) -> str:
    try:
        parsed = parse_key(key)
    except CitationKeyError:
        return ""
    return parsed.article_key.casefold() if parsed.article else ""


# --- one case ----------------------------------------------------------------------------------------------


def grade_case(
    case: Case,
    answer: Answer | None,
    latency_ms: float,
    checker: CitationChecker,
    rules_fired: Sequence[str] = (),
    error: str = "",
    vocab: Vocabulary | None = None,
) -> CaseResult:
    """The row for `case`; `answer` None (with `error`) when the engine failed on it."""
    cited = [c.key for c in answer.citations] if answer else []
    verdict = answer.verdict if answer else ""
    reading = grade_facts(case, answer, vocab or load_vocabulary()) if case.facts else None
    return CaseResult(
        id=case.id,
        theme=case.theme,
        expected=case.verdict,
        verdict=verdict,
        verdict_ok=(verdict in case.verdict) if case.graded else None,
        must_cite=case.must_cite,
        must_cite_hit=[wanted for wanted in case.must_cite if is_cited(wanted, cited)],
        cite_any=case.cite_any,
        cite_any_hit=any(is_cited(w, cited) for w in case.cite_any) if case.cite_any else None,
        must_not_cite_violations=[w for w in case.must_not_cite if is_cited(w, cited)],
        cited=cited,
        unsupported=unsupported(answer.citations if answer else [], checker),
        latency_ms=round(latency_ms, 1),
        steps=[step.id for step in answer.steps] if answer else [],
        rules_fired=list(rules_fired),
        error=error,
        fact_reading=reading,
        criterion=right_or_asks(case, answer, reading.expected if reading else {}),
    )


def is_cited(wanted: str, cited: Iterable[str]) -> bool:
    """True when a cited key satisfies `wanted` at article level (FORMAT.md)."""
    return any(matches_at_article_level(key, wanted) for key in cited)


def unsupported(citations: Iterable[Citation], checker: CitationChecker) -> list[Unsupported]:
    found = ((c.key, checker.reason(c)) for c in citations)
    return [Unsupported(key=key, reason=reason) for key, reason in found if reason]


# --- totals ------------------------------------------------------------------------------------------------


def summarize(results: Sequence[CaseResult]) -> Totals:
    graded = [r for r in results if r.verdict_ok is not None]
    wanted = sum(len(r.must_cite) for r in results)
    with_any = [r for r in results if r.cite_any_hit is not None]
    citations = sum(len(r.cited) for r in results)
    bad = sum(len(r.unsupported) for r in results)
    precision, recall = abstention(results)
    latencies = [r.latency_ms for r in results if not r.error]
    return Totals(
        cases=len(results),
        graded=len(graded),
        verdict_accuracy=ratio(sum(bool(r.verdict_ok) for r in graded), len(graded)),
        must_cite_wanted=wanted,
        must_cite_recall=ratio(sum(len(r.must_cite_hit) for r in results), wanted),
        cite_any_cases=len(with_any),
        cite_any_hit_rate=ratio(sum(bool(r.cite_any_hit) for r in with_any), len(with_any)),
        must_not_cite_violations=sum(len(r.must_not_cite_violations) for r in results),
        citations=citations,
        unsupported_citations=bad,
        unsupported_rate=ratio(bad, citations),
        abstention_precision=precision,
        abstention_recall=recall,
        dangerous_errors=sum(r.dangerous for r in graded),
        dangerous_ids=[r.id for r in graded if r.dangerous],
        wrong_refusals=sum(r.wrong_refusal for r in graded),
        latency_p50_ms=percentile(latencies, 50),
        latency_p95_ms=percentile(latencies, 95),
        errors=sum(bool(r.error) for r in results),
        fact_reading=_fact_totals(results),
    )


def _fact_totals(results: Sequence[CaseResult]) -> FactTotals | None:
    if not any(r.fact_reading or r.criterion for r in results):
        return None
    return fact_totals([r.fact_reading for r in results], [r.criterion for r in results])


YES = frozenset({"mag", "mag_mits"})
NO_OR_DEPENDS = frozenset({"mag_niet", "hangt_af", "buiten_bereik"})


def dangerous_direction(verdict: str, expected: Sequence[str]) -> bool:
    """A yes where the law says no or depends, or a no where the law says yes (FORMAT.md)."""
    if not expected or not verdict:
        return False
    if verdict in YES:
        return set(expected) <= NO_OR_DEPENDS
    return verdict == "mag_niet" and set(expected) <= YES


def abstention(results: Sequence[CaseResult]) -> tuple[float | None, float | None]:
    """Over graded cases, with buiten_bereik/hangt_af as positives.
    Precision: of the answers that abstained, the share where the case accepts an abstaining verdict.
    Recall: of the cases whose preferred (first) verdict abstains, the share that got an abstaining answer."""
    graded = [r for r in results if r.expected]
    abstained = [r for r in graded if r.abstained]
    acceptable = sum(bool(ABSTAINING & set(r.expected)) for r in abstained)
    should = [r for r in graded if r.expected[0] in ABSTAINING]
    return ratio(acceptable, len(abstained)), ratio(sum(r.abstained for r in should), len(should))


def ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (numpy's default method); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    value = ordered[low] + (ordered[high] - ordered[low]) * (position - low)
    return round(value, 1)
