"""How well the engine reads the facts of a question (issue 14), graded against a case's `facts`.

    reading = grade_facts(case, answer, vocabulary)     # per fact: expected, read, matched
    right_or_asks(case, answer, reading.expected)       # right, or hangt_af asking the right question
    totals = fact_totals(readings, criteria)            # per fact and overall, plus the issue-14 criterion

Expected facts (`facts:` in a case file) use the fact ids of Answer.understood (bot/fact_inputs.FACT_IDS;
`recipient` and `purpose` are read as `recipients` and `purposes`). Values are kb/vocabulary ids for sender,
recipients, data and purposes (an entry's Dutch label without its article, e.g. `Veilig Thuis`, is accepted
too, case and accents ignored); `given` / `refused` / `impossible` for consent; `riec` / `zvh` / `overleg` /
`none` for partnership; true / false for minor, urgent and outside_eer; whole years for age. A value that is
none of these (free text such as `huisarts`) is not graded but listed as unresolved, so a case writer sees
what to turn into an id: the grader never uses the engine's own word lists to read the expected facts.
A fact absent from `facts` is not graded; other keys (`identifiable`) are listed as ignored.

Matching: a one-valued fact matches when the value read equals the expected one; a partnership or urgency
that was not read counts as `none` / false, as the rules read it (minor: when only `age` is expected, minor is
not graded; for the clarify check it follows from the age). A list fact (recipients, data, purposes) matches
when every expected id was read (expected ⊆ read); ids read beyond the expected ones are tolerated but listed
as `extra` and counted as over-read (for data, `gewoon` is never extra: all personal data is at least that).

The issue-14 criterion, over graded cases: the answer is right, or it is `hangt_af` with a clarify question
whose option(s) for the expected value of that fact all lead to an accepted verdict.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel, Field

from bot.answer import Answer, FactValue
from bot.fact_inputs import FACT_IDS, load_words
from bot.parameters import age_years
from bot.vocabulary import Vocabulary
from evals.case_files import Case

ALIASES = {"recipient": "recipients", "purpose": "purposes"}
#: what the rules take a fact that was not read to mean (bot/rules.fact_view): no partnership, no urgency
NOT_NAMED: dict[str, FactValue] = {"partnership": "none", "urgent": False}
_ARTICLES = ("de ", "het ", "een ", "the ", "a ", "an ")


class FactGrade(BaseModel):
    fact: str
    expected: FactValue = Field(description="The expected value, as vocabulary ids.")
    read: FactValue = Field(None, description="The value in Answer.understood.")
    source: str = Field("", description="How the engine found it: question, history, guess, given, missing.")
    matched: bool
    extra: list[str] = Field(default_factory=list, description="List facts: ids read but not expected.")


class FactReading(BaseModel):
    """The fact grades of one case."""

    expected: dict[str, FactValue] = Field(default_factory=dict, description="The gradable expected facts.")
    grades: list[FactGrade] = Field(default_factory=list)
    unresolved: list[str] = Field(default_factory=list, description="'fact: value' not an id; not graded.")
    ignored: list[str] = Field(default_factory=list, description="Keys of `facts` that are no fact id.")


class Criterion(BaseModel):
    """Issue 14: right, or hangt_af with a question whose right option leads to an accepted verdict."""

    ok: bool
    how: Literal["right", "asks", "wrong", "asks_wrong", "asks_unknown"]
    detail: str = ""


# --- expected facts -----------------------------------------------------------------------------------------


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _bare(label: str) -> str:
    folded = _fold(label)
    for article in _ARTICLES:
        if folded.startswith(article):
            return folded[len(article) :]
    return folded


def resolve_id(fact: str, value: Any, vocab: Vocabulary) -> FactValue:
    """One expected value as an id of `fact`; None when it is not one (free text)."""
    spec = load_words().facts[fact]
    if spec.kind == "bool":
        return value if isinstance(value, bool) else None
    if spec.kind == "age":
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    if not isinstance(value, str):
        return None
    if not spec.values:
        return _fold(value) if _fold(value) in spec.options else None
    lexicon = vocab.slot(spec.values)
    wanted = _fold(value)
    for entry_id in lexicon.entries:
        if wanted in (_fold(entry_id), _bare(lexicon.label(entry_id, "nl"))):
            return entry_id
    return None


def expected_facts(raw: Mapping[str, Any], vocab: Vocabulary) -> FactReading:
    """A FactReading with the gradable expected facts (ids) and what was unresolved or ignored."""
    reading = FactReading()
    expected = reading.expected
    for key, value in raw.items():
        fact = ALIASES.get(key, key)
        if fact not in FACT_IDS:
            reading.ignored.append(key)
            continue
        many = load_words().facts[fact].kind == "many"
        items = value if isinstance(value, list) else [value]
        ids = [(item, resolve_id(fact, item, vocab)) for item in items if item is not None]
        reading.unresolved += [f"{fact}: {item}" for item, found in ids if found is None]
        found = [f for _, f in ids if f is not None]
        if found and (many or len(ids) == 1):
            expected[fact] = list(dict.fromkeys(str(f) for f in found)) if many else found[0]
    return reading


# --- grading one case ---------------------------------------------------------------------------------------


def grade_facts(case: Case, answer: Answer | None, vocab: Vocabulary) -> FactReading | None:
    """The fact grades of `case` (None when it has no `facts`); a failed answer reads nothing."""
    if not case.facts:
        return None
    reading = expected_facts(case.facts, vocab)
    understood = {f.fact: f for f in answer.understood} if answer else {}
    for fact, want in reading.expected.items():
        item = understood.get(fact)
        read = item.value if item else None
        matched, extra = match(fact, want, read)
        source = item.source if item else "missing"
        reading.grades.append(
            FactGrade(fact=fact, expected=want, read=read, source=source, matched=matched, extra=extra)
        )
    return reading


def match(fact: str, expected: FactValue, read: FactValue) -> tuple[bool, list[str]]:
    """(matched, extra ids read) under the rules of the module docstring."""
    if isinstance(expected, list):
        got = read if isinstance(read, list) else ([] if read is None else [str(read)])
        extra = [v for v in got if v not in expected and not (fact == "data" and v == "gewoon")]
        return set(expected) <= set(got), extra
    if read is None and fact in NOT_NAMED:
        read = NOT_NAMED[fact]
    return read == expected, []


def right_or_asks(case: Case, answer: Answer | None, expected: Mapping[str, FactValue]) -> Criterion | None:
    """The issue-14 criterion for a graded case (None when the case is not graded)."""
    if not case.graded:
        return None
    if answer is None:
        return Criterion(ok=False, how="wrong", detail="engine error")
    if answer.verdict in case.verdict:
        return Criterion(ok=True, how="right")
    if answer.verdict != "hangt_af" or answer.clarify is None:
        return Criterion(ok=False, how="wrong")
    fact = answer.clarify.fact
    want = _expected_value(fact, expected)
    if want is None:
        return Criterion(ok=False, how="asks_unknown", detail=f"asks {fact}; the case does not state it")
    options = [o for o in answer.clarify.options if _option_fits(o.value, want)]
    if not options:
        return Criterion(ok=False, how="asks_wrong", detail=f"asks {fact}; no option for {want!r}")
    leads = ", ".join(f"{o.value}→{o.verdict}" for o in options)
    ok = all(o.verdict in case.verdict for o in options)
    return Criterion(ok=ok, how="asks" if ok else "asks_wrong", detail=f"asks {fact}: {leads}")


def _expected_value(fact: str, expected: Mapping[str, FactValue]) -> FactValue:
    if fact == "minor" and "minor" not in expected and isinstance(expected.get("age"), int):
        age = expected["age"]
        return isinstance(age, int) and age < age_years("meerderjarig")
    return expected.get(fact)


def _option_fits(value: FactValue, want: FactValue) -> bool:
    if isinstance(want, list):
        return value in want
    return value == want


# --- totals -------------------------------------------------------------------------------------------------


class FactCount(BaseModel):
    graded: int = 0
    matched: int = 0
    over_read: int = Field(0, description="List facts: answers that read ids beyond the expected ones.")

    @property
    def share(self) -> float | None:
        return self.matched / self.graded if self.graded else None


class FactTotals(BaseModel):
    """Fact reading over the cases with `facts`, and the issue-14 criterion over the graded cases."""

    cases_with_facts: int = 0
    per_fact: dict[str, FactCount] = Field(default_factory=dict)
    overall: FactCount = Field(default_factory=FactCount)
    overall_accuracy: float | None = None
    unresolved_values: int = Field(0, description="Expected values that are free text, not ids; not graded.")
    criterion_graded: int = 0
    criterion_right: int = 0
    criterion_asks: int = Field(0, description="Wrong verdict, but hangt_af with the right question.")
    criterion_share: float | None = Field(None, description="(right + asks) / graded; the target is 0.95.")


def fact_totals(readings: Sequence[FactReading | None], criteria: Sequence[Criterion | None]) -> FactTotals:
    totals = FactTotals()
    for reading in (r for r in readings if r is not None):
        totals.cases_with_facts += 1
        totals.unresolved_values += len(reading.unresolved)
        for grade in reading.grades:
            for count in (totals.per_fact.setdefault(grade.fact, FactCount()), totals.overall):
                count.graded += 1
                count.matched += grade.matched
                count.over_read += bool(grade.extra)
    totals.per_fact = {fact: totals.per_fact[fact] for fact in FACT_IDS if fact in totals.per_fact}
    totals.overall_accuracy = totals.overall.share
    judged = [c for c in criteria if c is not None]
    totals.criterion_graded = len(judged)
    totals.criterion_right = sum(c.how == "right" for c in judged)
    totals.criterion_asks = sum(c.how == "asks" for c in judged)
    ok = totals.criterion_right + totals.criterion_asks
    totals.criterion_share = ok / len(judged) if judged else None
    return totals


def fact_rows(totals: FactTotals) -> list[list[str]]:
    """Rows of the per-fact table: fact, graded, read right, share, over-read."""
    counts = [*totals.per_fact.items(), ("overall", totals.overall)]
    return [[fact, str(c.graded), str(c.matched), _pct(c.share), str(c.over_read)] for fact, c in counts]


FACT_HEADER = ("fact", "graded", "read right", "share", "over-read")


def criterion_text(totals: FactTotals) -> str:
    return (
        f"{_pct(totals.criterion_share)} of {totals.criterion_graded} graded "
        f"({totals.criterion_right} right + {totals.criterion_asks} asking the right question; target 95%)"
    )


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"
