"""The evaluation report: Markdown tables and PNG plots (matplotlib, Agg) from the JSON of a case run and/or
retrieval runs (one per BEIR set). Holds ids, keys, verdicts and figures — never corpus text.

    write_report(Path("docs/eval-report"), cases=load_run(a), retrieval=[load_retrieval(b)])
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402 - the backend is chosen first
from matplotlib.figure import Figure  # noqa: E402
from pydantic import ValidationError  # noqa: E402

from evals.case_files import VERDICTS  # noqa: E402
from evals.fact_reading import FACT_HEADER, FactTotals, criterion_text, fact_rows  # noqa: E402
from evals.grading import CaseResult, Totals, summarize  # noqa: E402
from evals.retrieval_eval import RetrievalReport  # noqa: E402
from evals.run_cases import CaseRun  # noqa: E402

REPORT_FILE = "report.md"
NONE = "—"
Group = Callable[[CaseResult], Sequence[str]]


def load_retrieval(path: Path) -> RetrievalReport:
    try:
        return RetrievalReport.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError) as exc:
        raise ValueError(
            f"{path}: not a retrieval JSON ({type(exc).__name__}); pass the file of `eval retrieval --json`"
        ) from None


def load_covenants(path: Path) -> dict[str, Any]:
    """The JSON of `eval covenants --json` (items, covenants, scan_refused)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path}: not a covenant-check JSON ({type(exc).__name__})") from None
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise ValueError(f"{path}: not a covenant-check JSON; pass the file of `eval covenants --json`")
    return data


def write_report(
    out: Path,
    cases: CaseRun | None = None,
    retrieval: Sequence[RetrievalReport] = (),
    covenants: dict[str, Any] | None = None,
) -> Path:
    """Write report.md and its PNGs into `out` (one retrieval section per BEIR set); returns the Markdown
    path."""
    if cases is None and not retrieval and covenants is None:
        raise ValueError("nothing to report: give a case-run, retrieval or covenant-check JSON")
    out.mkdir(parents=True, exist_ok=True)
    parts = ["# Deelwijzer evaluation report", ""]
    if cases is not None:
        parts += cases_section(cases, out)
    for found in retrieval:
        parts += retrieval_section(found, out)
    if covenants is not None:
        parts += covenant_section(covenants)
    path = out / REPORT_FILE
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")
    return path


# --- formatting -------------------------------------------------------------------------------------------


def pct(value: float | None) -> str:
    return NONE if value is None else f"{100 * value:.1f}%"


def ms(value: float | None) -> str:
    return NONE if value is None else f"{value:.0f} ms"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return [*lines, *("| " + " | ".join(row) + " |" for row in rows), ""]


# --- cases ------------------------------------------------------------------------------------------------


def cases_section(run: CaseRun, out: Path) -> list[str]:
    totals = run.totals
    lines = [f"## Gold cases ({totals.cases} cases, build `{run.kb_build}`, {run.created})", ""]
    lines += table(["metric", "value"], totals_rows(totals))
    lines += facts_section(run)
    lines += ["### Per expected verdict", "", "By the case's preferred (first) verdict.", ""]
    lines += group_table(run.cases, lambda r: [r.expected[0] if r.expected else "(not graded)"], "verdict")
    lines += ["### Per theme (case file)", ""]
    lines += group_table(run.cases, lambda r: [r.theme or "?"], "theme")
    lines += ["### Per assessment step", "", "Cases whose answer contains the step.", ""]
    lines += group_table(run.cases, lambda r: r.steps or ["(no step)"], "step")
    plot_steps(run.cases, out / "steps.png")
    lines += ["![verdict accuracy per step](steps.png)", ""]
    if any(r.rules_fired for r in run.cases):
        lines += ["### Per assessment rule", "", "Cases in which the rule fired.", ""]
        lines += group_table(run.cases, lambda r: r.rules_fired or ["(none)"], "rule")
    lines += confusion_section(run.cases, out / "confusion.png")
    plot_latency(run.cases, out / "latency.png")
    lines += ["### Latency", "", "![latency histogram](latency.png)", ""]
    lines += failures(run.cases)
    return lines


def totals_rows(totals: Totals) -> list[list[str]]:
    return [
        ["verdict accuracy", f"{pct(totals.verdict_accuracy)} of {totals.graded} graded"],
        ["must-cite recall", f"{pct(totals.must_cite_recall)} of {totals.must_cite_wanted} keys"],
        ["cite-any hit rate", f"{pct(totals.cite_any_hit_rate)} of {totals.cite_any_cases} cases"],
        ["must-not-cite violations", str(totals.must_not_cite_violations)],
        ["unsupported citations",
         f"{totals.unsupported_citations} of {totals.citations} ({pct(totals.unsupported_rate)})"],
        ["abstention precision / recall",
         f"{pct(totals.abstention_precision)} / {pct(totals.abstention_recall)}"],
        ["dangerous-direction errors",
         str(totals.dangerous_errors)
         + (f" ({', '.join(totals.dangerous_ids)})" if totals.dangerous_ids else "")],
        ["wrong refusals (buiten_bereik)", str(totals.wrong_refusals)],
        ["latency p50 / p95", f"{ms(totals.latency_p50_ms)} / {ms(totals.latency_p95_ms)}"],
        ["engine errors", str(totals.errors)],
        *fact_total_rows(totals.fact_reading),
    ]  # fmt: skip


def fact_total_rows(facts: FactTotals | None) -> list[list[str]]:
    """The issue-14 rows: right or asking the right question, and facts read right."""
    if facts is None:
        return []
    rows = [["right or asks the right question (issue 14)", criterion_text(facts)]]
    if facts.per_fact:
        read = f"{pct(facts.overall_accuracy)} of {facts.overall.graded} in {facts.cases_with_facts} cases"
        rows.append(["facts read right", read])
    return rows


def facts_section(run: CaseRun) -> list[str]:
    facts = run.totals.fact_reading
    if facts is None or not facts.per_fact:
        return []
    intro = (
        f"How often the engine's understanding (Answer.understood) matched the case's `facts` "
        f"({facts.cases_with_facts} cases; {facts.unresolved_values} expected values were free text, not "
        "vocabulary ids, and are not graded). Lists match when every expected id was read; over-read: "
        "ids read beyond the expected ones (see evals/fact_reading.py)."
    )
    return ["### Facts read (issue 14)", "", intro, "", *table(FACT_HEADER, fact_rows(facts))]


def grouped(results: Sequence[CaseResult], group: Group) -> dict[str, list[CaseResult]]:
    groups: dict[str, list[CaseResult]] = {}
    for result in results:
        for name in dict.fromkeys(group(result)):
            groups.setdefault(name, []).append(result)
    return dict(sorted(groups.items()))


def group_table(results: Sequence[CaseResult], group: Group, label: str) -> list[str]:
    rows = []
    for name, members in grouped(results, group).items():
        t = summarize(members)
        rows.append([
            f"`{name}`", str(t.cases), pct(t.verdict_accuracy), pct(t.must_cite_recall),
            pct(t.cite_any_hit_rate), str(t.unsupported_citations), ms(t.latency_p50_ms),
        ])  # fmt: skip
    header = [label, "cases", "verdict acc.", "must-cite recall", "cite-any", "unsupported", "p50"]
    return table(header, rows)


def confusion(results: Sequence[CaseResult]) -> tuple[list[str], list[list[int]]]:
    """Rows: preferred verdict of the graded cases; columns: the answer's verdict ('' = engine error)."""
    labels = list(VERDICTS)
    cols = [*labels, "(error)"]
    matrix = [[0] * len(cols) for _ in labels]
    for r in results:
        if r.expected:
            column = cols.index(r.verdict) if r.verdict in labels else len(labels)
            matrix[labels.index(r.expected[0])][column] += 1
    return cols, matrix


def confusion_section(results: Sequence[CaseResult], png: Path) -> list[str]:
    cols, matrix = confusion(results)
    rows = [[f"**{VERDICTS[i]}**", *(str(n) for n in row)] for i, row in enumerate(matrix)]
    plot_confusion(cols, matrix, png)
    return [
        "### Verdict confusion matrix",
        "",
        "Rows: the case's preferred verdict; columns: the answer's verdict. A case that accepts several",
        "verdicts counts as correct for any of them, so off-diagonal cells are not all errors.",
        "",
        *table(["expected \\ answer", *cols], rows),
        f"![confusion matrix]({png.name})",
        "",
    ]


def failures(results: Sequence[CaseResult]) -> list[str]:
    rows = [
        [r.id, ", ".join(r.expected) or NONE, r.verdict or "(error)", ", ".join(_missing(r)) or NONE,
         str(len(r.unsupported))]
        for r in results
        if r.verdict_ok is False or _missing(r) or r.unsupported or r.error
    ]  # fmt: skip
    if not rows:
        return ["### Cases with a problem", "", "None.", ""]
    header = ["case", "expected", "answer", "missing keys", "unsupported"]
    return ["### Cases with a problem", "", *table(header, rows)]


def _missing(r: CaseResult) -> list[str]:
    missing = [key for key in r.must_cite if key not in r.must_cite_hit]
    if r.cite_any_hit is False:
        missing.append("any of " + " / ".join(r.cite_any))
    return missing + [f"NOT {key}" for key in r.must_not_cite_violations]


# --- retrieval --------------------------------------------------------------------------------------------


def retrieval_section(report: RetrievalReport, out: Path) -> list[str]:
    names = list(report.systems)
    metric_names = list(next(iter(report.systems.values())).flat()) if names else []
    rows = [
        [f"`{name}`", *(f"{100 * (v or 0):.1f}" for v in m.flat().values()), ms(m.latency_p50_ms),
         ms(m.latency_p95_ms)]
        for name, m in report.systems.items()
    ]  # fmt: skip
    png = "retrieval.png" if report.beir == "beir-deelwijzer" else f"retrieval-{report.beir}.png"
    plot_retrieval(report, out / png)
    settings = ", ".join(f"{k}={v}" for k, v in report.retrieval.items())
    judged = "judged per article" if report.level == "article" else "judged per passage"
    return [
        f"## Retrieval on BEIR set `{report.beir}`",
        "",
        f"{report.queries} judged queries ({judged}), {report.documents} documents, embedder "
        f"`{report.embedder}`; pipeline settings: {settings}. Scores in %.",
        "",
        *table(["system", *metric_names, "p50", "p95"], rows),
        f"![retrieval metrics]({png})",
        "",
    ]


# --- plots ------------------------------------------------------------------------------------------------


def _save(fig: Figure, png: Path) -> None:
    fig.tight_layout()
    fig.savefig(png, dpi=110)
    plt.close(fig)


def plot_steps(results: Sequence[CaseResult], png: Path) -> None:
    groups = grouped(results, lambda r: r.steps or ["(no step)"])
    names = list(groups)
    accuracy = [_percent(summarize(m).verdict_accuracy) for m in groups.values()]
    recall = [_percent(summarize(m).must_cite_recall) for m in groups.values()]
    fig, ax = plt.subplots(figsize=(8, 0.4 * len(names) + 1.5))
    ys = range(len(names))
    ax.barh([y - 0.2 for y in ys], accuracy, height=0.4, label="verdict accuracy")
    ax.barh([y + 0.2 for y in ys], recall, height=0.4, label="must-cite recall")
    ax.set_yticks(list(ys), [f"{n} ({len(groups[n])})" for n in names])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("%")
    ax.set_title("Per assessment step (cases; no bar = nothing to measure)")
    ax.legend(loc="lower right")
    _save(fig, png)


def _percent(value: float | None) -> float:
    """A share as percent for a bar; NaN (no bar) when there was nothing to measure."""
    return float("nan") if value is None else 100 * value


def plot_confusion(cols: Sequence[str], matrix: Sequence[Sequence[int]], png: Path) -> None:
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(cols)), cols, rotation=30, ha="right")
    ax.set_yticks(range(len(VERDICTS)), VERDICTS)
    top = max((n for row in matrix for n in row), default=0)
    for i, row in enumerate(matrix):
        for j, n in enumerate(row):
            ax.text(j, i, str(n), ha="center", va="center", color="white" if n > top / 2 else "black")
    ax.set_xlabel("answer")
    ax.set_ylabel("expected (preferred)")
    ax.set_title("Verdict confusion matrix (graded cases)")
    _save(fig, png)


def plot_latency(results: Sequence[CaseResult], png: Path) -> None:
    values = [r.latency_ms for r in results if not r.error]
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.hist(values, bins=min(30, max(5, len(values) // 4)), color="#4a7ab8")
    t = summarize(results)
    for value, name, style in ((t.latency_p50_ms, "p50", "--"), (t.latency_p95_ms, "p95", ":")):
        if value is not None:
            ax.axvline(value, color="black", linestyle=style, linewidth=1, label=f"{name} {value:.0f} ms")
    ax.legend()
    ax.set_xlabel("ms per answer")
    ax.set_ylabel("cases")
    ax.set_title("Answer latency")
    _save(fig, png)


def plot_retrieval(report: RetrievalReport, png: Path) -> None:
    names = list(report.systems)
    metrics = ["R@5", "R@10", "nDCG@10", "MRR@10"]
    fig, ax = plt.subplots(figsize=(8, 4))
    width = 0.8 / max(1, len(names))
    for i, name in enumerate(names):
        flat = report.systems[name].flat()
        xs = [m + (i - (len(names) - 1) / 2) * width for m in range(len(metrics))]
        ax.bar(xs, [100 * (flat[k] or 0) for k in metrics], width=width, label=name)
    ax.set_xticks(range(len(metrics)), metrics)
    ax.set_ylim(0, 100)
    ax.set_ylabel("%")
    ax.set_title(f"Retrieval on {report.beir} ({report.queries} queries)")
    ax.legend(fontsize="small")
    _save(fig, png)


def covenant_section(data: dict[str, Any]) -> list[str]:
    """The covenant check per checklist item against the test covenants' ground truth (dev and unseen)."""
    rows = [[str(i.get("item", "")), str(i.get("dev", "")), str(i.get("unseen", "")), str(i.get("all", ""))]
            for i in data["items"]]  # fmt: skip
    intro = "Item-level accuracy on `evals/covenants` (`deelwijzer eval covenants`)."
    lines = ["## Covenant check", "", intro, ""]
    lines += table(("item", "dev covenants", "unseen covenant", "all"), rows)
    misses = [
        f"- {c['covenant']}: " + ", ".join(f"{item} ({got})" for item, got in c["wrong"].items())
        for c in data.get("covenants", [])
        if c.get("wrong")
    ]
    bad = sum(len(c.get("bad_quotes", [])) + len(c.get("bad_keys", [])) for c in data.get("covenants", []))
    lines += ["", f"Quotes not found in the covenant text or keys not verified: {bad}.", ""]
    if misses:
        lines += ["Misses:", "", *misses, ""]
    return lines
