"""`deelwijzer eval cases|retrieval|report|covenants`, mounted on the product's root through the
`deelwijzer.commands` entry point `eval` (pyproject.toml). Exit codes: 0 ok, 2 bad input, 3 no knowledge base.
Tables go to stdout, progress to stderr."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from evals.beir import LEVELS, BeirError, load_beir
from evals.case_files import CaseFileError, load_cases
from evals.covenant_eval import covenants
from evals.fact_reading import FACT_HEADER, FactTotals, fact_rows
from evals.grading import CaseResult
from evals.report import load_covenants, load_retrieval, ms, pct, totals_rows, write_report
from evals.retrieval_eval import SYSTEMS, RetrievalReport, evaluate_beir
from evals.run_cases import CaseRun, Change, compare, count_changes, load_run, run_cases, save_run
from kb.errors import EmbedderMismatchError, NoKnowledgeBaseError

app = typer.Typer(help="Evaluate: gold cases, retrieval on a BEIR folder, a report.", no_args_is_help=True)
app.command(help="The covenant check against the test covenants' ground truth.")(covenants)
out = Console()
err = Console(stderr=True)

EXIT_BAD_INPUT = 2
EXIT_NO_KB = 3


@contextlib.contextmanager
def _exit_codes() -> Iterator[None]:
    try:
        yield
    except (CaseFileError, BeirError, ValueError) as error:
        err.print(f"[red]error:[/red] {escape(str(error))}", highlight=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except (NoKnowledgeBaseError, EmbedderMismatchError) as error:
        err.print(f"[red]error:[/red] {escape(str(error))}", highlight=False)
        raise typer.Exit(EXIT_NO_KB) from None


# --- cases --------------------------------------------------------------------------------------------------


@app.command()
def cases(
    path: Annotated[Path, typer.Argument(help="A case file (.yaml) or a folder of them.")],
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write per-case rows and totals here.")
    ] = None,
    previous: Annotated[
        Path | None, typer.Option("--compare", help="An earlier --json file: list cases that changed.")
    ] = None,
) -> None:
    """Run every case through the engine and grade the answers (FORMAT.md metrics)."""
    from bot.engine import build_engine

    with _exit_codes():
        gold = load_cases(path)
        before = load_run(previous) if previous else None
        with err.status("Kennisbank en model laden…"):
            engine = build_engine()
        run = run_cases(engine, gold, on_result=_progress(len(gold)))
        out.print(case_table(run.cases))
        out.print(totals_table(run))
        if run.totals.fact_reading and run.totals.fact_reading.per_fact:
            out.print(fact_table(run.totals.fact_reading))
        if json_out:
            save_run(run, json_out)
            err.print(f"wrote {json_out}")
        if before is not None:
            out.print(changes_table(compare(before, run)))


def _progress(total: int) -> Callable[[CaseResult], None]:
    done = [0]

    def report(result: CaseResult) -> None:
        done[0] += 1
        err.print(f"[dim]{done[0]}/{total} {result.id}: {result.verdict or 'error'}[/dim]", highlight=False)

    return report


DEFAULT_OUT = Path("evals/out")  # where the README's `eval cases --json` and friends write


def _mark(ok: bool | None) -> str:
    return "" if ok is None else ("[green]✓[/green]" if ok else "[red]✗[/red]")


def case_table(results: Sequence[CaseResult]) -> Table:
    header = ("case", "expected", "answer", "", "must-cite", "cite-any", "unsupported", "facts", "ms")
    table = Table(*header, title="Cases")
    for r in results:
        must = f"{len(r.must_cite_hit)}/{len(r.must_cite)}" if r.must_cite else ""
        bad = str(len(r.unsupported)) + (" + NOT-cite" if r.must_not_cite_violations else "")
        table.add_row(
            r.id, ", ".join(r.expected), r.verdict or "[red]error[/red]", _mark(r.verdict_ok) + _asks(r),
            must, _mark(r.cite_any_hit), bad, _facts_read(r), f"{r.latency_ms:.0f}",
        )  # fmt: skip
    return table


def _asks(r: CaseResult) -> str:
    """A wrong verdict that asks the right question (issue 14)."""
    return " [yellow]asks ✓[/yellow]" if r.criterion and r.criterion.how == "asks" else ""


def _facts_read(r: CaseResult) -> str:
    grades = r.fact_reading.grades if r.fact_reading else []
    return f"{sum(g.matched for g in grades)}/{len(grades)}" if grades else ""


def fact_table(totals: FactTotals) -> Table:
    title = (
        f"Facts read ({totals.cases_with_facts} cases with facts; "
        f"{totals.unresolved_values} expected values not vocabulary ids, not graded)"
    )
    table = Table(*FACT_HEADER, title=title)
    for row in fact_rows(totals):
        table.add_row(*row)
    return table


def totals_table(run: CaseRun) -> Table:
    table = Table("metric", "value", title=f"Totals ({run.totals.cases} cases, build {run.kb_build})")
    for name, value in totals_rows(run.totals):
        table.add_row(name, value)
    return table


def changes_table(changes: Sequence[Change]) -> Table:
    counts = count_changes(changes)
    cases = len({change.id for change in changes})
    title = f"Compared: {counts['better']} better, {counts['worse']} worse (changes in {cases} cases)"
    table = Table("case", "", "change", title=title)
    for change in changes:
        mark = "[green]better[/green]" if change.direction == "better" else "[red]worse[/red]"
        table.add_row(change.id, mark, change.what)
    return table


# --- retrieval ----------------------------------------------------------------------------------------------


@app.command()
def retrieval(
    beir: Annotated[
        Path, typer.Option("--beir", help="BEIR folder: corpus.jsonl, queries.jsonl, qrels/test.tsv")
    ],
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the metrics here.")] = None,
    system: Annotated[
        list[str] | None,
        typer.Option("--system", help=f"Only these systems (repeatable): {', '.join(SYSTEMS)}."),
    ] = None,
    level: Annotated[
        str,
        typer.Option(
            "--level", help="'article': the qrels judge articles (a statute QA set); default 'passage'."
        ),
    ] = "passage",
) -> None:
    """Index a BEIR folder into a temporary store; R@1/5/10/100, nDCG@10, MRR@10 per system."""
    from kb.embedders import make_embedder
    from kb.settings import get_settings

    with _exit_codes():
        if level not in LEVELS:
            raise BeirError(f"--level {level!r}: use one of {', '.join(LEVELS)}")
        data = load_beir(beir, level)
        settings = get_settings()
        status = f"{len(data.corpus)} documenten indexeren, {len(data.judged_queries())} vragen zoeken…"
        with err.status(status):
            report = evaluate_beir(data, settings, make_embedder(settings), system or SYSTEMS)
        out.print(retrieval_table(report))
        if json_out:
            json_out.parent.mkdir(parents=True, exist_ok=True)
            json_out.write_text(report.model_dump_json(indent=1) + "\n", encoding="utf-8")
            err.print(f"wrote {json_out}")


def retrieval_table(report: RetrievalReport) -> Table:
    names = ["R@1", "R@5", "R@10", "R@100", "nDCG@10", "MRR@10"]
    title = f"{report.beir}: {report.queries} queries, {report.documents} documents"
    table = Table("system", *names, "p50", "p95", title=title)
    for name, m in report.systems.items():
        flat = m.flat()
        table.add_row(name, *(pct(flat[n]) for n in names), ms(m.latency_p50_ms), ms(m.latency_p95_ms))
    return table


# --- report -------------------------------------------------------------------------------------------------


@app.command()
def report(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for report.md and the PNG plots.")],
    cases_json: Annotated[
        Path | None, typer.Option("--cases-json", help="JSON of `eval cases --json`.")
    ] = None,
    retrieval_json: Annotated[
        list[Path] | None,
        typer.Option("--retrieval-json", help="JSON of `eval retrieval --json` (repeatable: one per set)."),
    ] = None,
    covenants_json: Annotated[
        Path | None, typer.Option("--covenants-json", help="JSON of `eval covenants --json`.")
    ] = None,
) -> None:
    """Write a Markdown report with tables and PNG plots (without options: the runs in evals/out/)."""
    if not (cases_json or retrieval_json or covenants_json):
        names = ("cases.json", "covenants.json")
        cases_json, covenants_json = (
            DEFAULT_OUT / name if (DEFAULT_OUT / name).is_file() else None for name in names
        )
        retrieval_json = sorted(DEFAULT_OUT.glob("retrieval*.json"))
    with _exit_codes():
        run = load_run(cases_json) if cases_json else None
        found = [load_retrieval(path) for path in retrieval_json or []]
        checked = load_covenants(covenants_json) if covenants_json else None
        path = write_report(out_dir, run, found, checked)
        print(path, file=sys.stdout)
