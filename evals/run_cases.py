"""Run an engine over gold cases, grade every answer, and compare two runs.

    run = run_cases(build_engine(settings), load_cases(Path("evals/cases")))
    save_run(run, Path("evals/out/cases.json"))
    changes = compare(load_run(previous_path), run)
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, Protocol

from pydantic import BaseModel, ValidationError

from bot.answer import Answer, Turn
from evals.case_files import Case
from evals.grading import CaseResult, CitationChecker, Totals, grade_case, summarize
from kb.knowledge_base import KnowledgeBase


class CaseEngine(Protocol):
    """What the runner needs of bot.engine.Engine."""

    @property
    def kb(self) -> KnowledgeBase: ...

    def answer(self, question: str, history: Sequence[Turn] = (), id: str = "") -> Answer: ...


class CaseRun(BaseModel):
    """The JSON of `deelwijzer eval cases --json`: what ran, the totals and one row per case."""

    created: str
    kb_build: str = ""
    embedder: str = ""
    totals: Totals
    cases: list[CaseResult]


class Change(BaseModel):
    id: str
    direction: Literal["better", "worse"]
    what: str


OnResult = Callable[[CaseResult], None]


def run_cases(engine: CaseEngine, cases: Sequence[Case], on_result: OnResult | None = None) -> CaseRun:
    """Answer and grade every case, in order (history turns passed as Turns)."""
    checker = CitationChecker(engine.kb)
    results: list[CaseResult] = []
    for case in cases:
        result = run_case(engine, case, checker)
        results.append(result)
        if on_result is not None:
            on_result(result)
    manifest = engine.kb.manifest
    return CaseRun(
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        kb_build=manifest.build_id,
        embedder=manifest.embedder,
        totals=summarize(results),
        cases=results,
    )


def run_case(engine: CaseEngine, case: Case, checker: CitationChecker) -> CaseResult:
    """One case; an engine exception becomes a failed row (verdict '') with the error text."""
    turns = case.turns()
    started = time.perf_counter()
    try:
        answer = engine.answer(case.question, turns, id=case.id)
    except Exception as exc:  # a crash on one case is a result to report, not the end of the run
        latency = (time.perf_counter() - started) * 1000
        return grade_case(case, None, latency, checker, error=f"{type(exc).__name__}: {exc}")
    latency = (time.perf_counter() - started) * 1000
    return grade_case(case, answer, latency, checker, rules_fired(engine, case.question, turns))


def rules_fired(engine: object, question: str, turns: list[Turn]) -> list[str]:
    """The ids of the assessment rules that fired, when the engine exposes its assessor (cheap, pure)."""
    assessor = getattr(engine, "assessor", None)
    if assessor is None:
        return []
    return list(getattr(assessor.assess(question, turns), "rules_fired", []))


# --- files ----------------------------------------------------------------------------------------------


def save_run(run: CaseRun, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(run.model_dump_json(indent=1) + "\n", encoding="utf-8")


def load_run(path: Path) -> CaseRun:
    """A saved run; ValueError naming the file when it is not one."""
    try:
        return CaseRun.model_validate_json(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(
            f"{path}: cannot read it ({exc}); pass the JSON written by `eval cases --json`"
        ) from None
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise ValueError(
            f"{path}: not a case-run JSON (field '{field}': {first['msg']}); "
            "pass the file written by `eval cases --json`"
        ) from None


# --- compare --------------------------------------------------------------------------------------------


def compare(previous: CaseRun, current: CaseRun) -> list[Change]:
    """Per case present in both runs: what got better or worse (verdict, citations, support, errors)."""
    before = {row.id: row for row in previous.cases}
    changes: list[Change] = []
    for row in current.cases:
        if row.id in before:
            changes.extend(case_changes(before[row.id], row))
    return changes


def case_changes(old: CaseResult, new: CaseResult) -> list[Change]:
    changes: list[Change] = []
    if old.verdict_ok is not None and old.verdict_ok != new.verdict_ok:
        direction = "better" if new.verdict_ok else "worse"
        changes.append(Change(id=new.id, direction=direction, what=f"verdict {old.verdict} -> {new.verdict}"))
    for name, old_value, new_value, higher_is_better in _scores(old, new):
        if new_value != old_value:
            better = (new_value > old_value) == higher_is_better
            what = f"{name} {old_value} -> {new_value}"
            changes.append(Change(id=new.id, direction="better" if better else "worse", what=what))
    return changes


def _scores(old: CaseResult, new: CaseResult) -> list[tuple[str, int, int, bool]]:
    """(name, old, new, higher is better)."""
    return [
        ("must_cite hits", len(old.must_cite_hit), len(new.must_cite_hit), True),
        ("cite_any hit", int(bool(old.cite_any_hit)), int(bool(new.cite_any_hit)), True),
        ("must_not_cite violations", len(old.must_not_cite_violations), len(new.must_not_cite_violations),
         False),
        ("unsupported citations", len(old.unsupported), len(new.unsupported), False),
        ("errors", int(bool(old.error)), int(bool(new.error)), False),
    ]


def count_changes(changes: Sequence[Change]) -> dict[str, int]:
    return {
        "better": sum(c.direction == "better" for c in changes),
        "worse": sum(c.direction == "worse" for c in changes),
    }

