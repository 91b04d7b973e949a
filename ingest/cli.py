"""`deelwijzer ingest`: build the knowledge base from a corpus folder, the official sources or files."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ingest.errors import NotASourceFile, SyncError
from ingest.pipeline import IngestReport, complete_dense_index, ingest_files, ingest_folder
from ingest.sync import sync_official_sources
from kb.builds import current_manifest
from kb.embedders import make_embedder
from kb.errors import KbError
from kb.registry import load_registry
from kb.settings import Settings, get_settings

console = Console(stderr=True)
EXIT_BAD_INPUT = 2
EXIT_UNREACHABLE = 4


def ingest(
    files: Annotated[
        list[Path] | None, typer.Argument(help="Single files to add or replace (PDF, XML, YAML, MD).")
    ] = None,
    from_dir: Annotated[
        Path | None, typer.Option("--from", help="Corpus folder laid out like shared/corpus (offline).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Rebuild even when nothing changed.")] = False,
    dense_later: Annotated[
        bool,
        typer.Option(
            "--dense-later",
            help="Put the build in service without vectors (search by words, rules, citations answer at "
            "once); `deelwijzer serve` or `ingest --complete-dense` adds the vectors in the background.",
        ),
    ] = False,
    complete_dense: Annotated[
        bool,
        typer.Option(
            "--complete-dense", help="Only embed the build in service that was made with --dense-later."
        ),
    ] = False,
) -> None:
    """Build the knowledge base: from a folder, from the official sources, or add single files."""
    settings = get_settings()
    if complete_dense:
        _complete_dense(settings)
        return
    try:
        report = _run(settings, files or [], from_dir or settings.corpus_dir, force, dense_later)
    except NotASourceFile as exc:
        _fail(f"{exc.path}: {exc.reason} — nothing was changed", EXIT_BAD_INPUT)
    except SyncError as exc:
        _sync_failed(settings, exc)
        return
    except KbError as exc:
        _fail(f"{exc}\nNothing was changed.", EXIT_BAD_INPUT)
    _print_report(report)


def _complete_dense(settings: Settings) -> None:
    try:
        with _progress_bar() as (_, update):
            manifest = complete_dense_index(settings, make_embedder(settings), progress=update)
    except KbError as exc:
        _fail(f"{exc}\nThe build in service is unchanged.", EXIT_BAD_INPUT)
    if manifest is None:
        console.print("The build in service has its dense index: nothing to do.")
    else:
        console.print(f"Dense index complete — build {manifest.build_id} in service.")


def _run(
    settings: Settings, files: list[Path], corpus_dir: Path | None, force: bool, dense_later: bool = False
) -> IngestReport:
    embedder = make_embedder(settings)
    with _progress_bar() as (bar, update):
        if files:
            return ingest_files(settings, embedder, files, force=force, progress=update)
        if corpus_dir is None:
            corpus_dir = _sync(settings)
        if not corpus_dir.is_dir():
            raise KbError(
                f"corpus folder {corpus_dir} does not exist: pass --from DIR with the texts to ingest"
            )
        return ingest_folder(
            settings, embedder, corpus_dir, force=force, progress=update, defer_dense=dense_later
        )


def _sync(settings: Settings) -> Path:
    if not settings.ingest.official_sync:
        raise SyncError(
            "no corpus folder given and the official sync is off: "
            "run `deelwijzer ingest --from DIR` or set DEELWIJZER_CORPUS_DIR"
        )
    dest = settings.data_dir / "official"
    console.print("Fetching the current texts from the official sources …")
    sync_official_sources(settings, load_registry(), dest)
    return dest


class _progress_bar:  # noqa: N801 - used as a context manager
    def __enter__(self) -> tuple[Progress, Callable[[int, int], None]]:
        self.bar = Progress(
            TextColumn("Embedding passages"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self.task = self.bar.add_task("embed", total=None)
        self.bar.start()
        return self.bar, self.update

    def update(self, done: int, total: int) -> None:
        self.bar.update(self.task, completed=done, total=total)

    def __exit__(self, *_: object) -> None:
        self.bar.stop()


def _print_report(report: IngestReport) -> None:
    result = report.result
    table = Table("source", "status", "added", "changed", "unchanged", "removed", title="Ingest")
    for source_id, plan in sorted(result.plan.sources.items()):
        table.add_row(
            source_id,
            plan.status,
            *(str(len(x)) for x in (plan.added, plan.changed, plan.unchanged, plan.removed)),
        )
    console.print(table)
    for skipped in report.skipped:
        console.print(f"skipped {skipped.path}: {skipped.reason}")
    for ignored in report.ignored:
        console.print(f"ignored {ignored.path}: {ignored.reason}")
    for key, signals in report.flagged:
        console.print(
            f"[yellow]warning:[/yellow] {key} reads like instructions to an assistant "
            f"({', '.join(signals)}); it is kept as document text and never followed — check the document",
            highlight=False,
        )
    state = f"build {result.manifest.build_id} in service" if result.written else "knowledge base unchanged"
    if result.manifest.dense_index == "pending":
        state += " (search by words only until its dense index is complete: `deelwijzer serve` does it)"
    console.print(
        f"{result.plan.summary()} — {state} (files parsed: {report.parsed}, reused: {report.reused})"
    )
    print(result.plan.summary())


def _sync_failed(settings: Settings, exc: SyncError) -> None:
    """Offline with a knowledge base already in service: keep serving it; without one: fail."""
    manifest = current_manifest(settings.kb_dir)
    if manifest is None:
        _fail(f"{exc}\nNothing was changed.", EXIT_UNREACHABLE)
    console.print(f"[yellow]warning:[/yellow] {exc}", highlight=False)
    console.print(f"Kept the knowledge base in service (build {manifest.build_id}, made {manifest.created}).")
    print("0 changed")


def _fail(message: str, code: int) -> NoReturn:
    console.print(f"[red]error:[/red] {message}", highlight=False)
    sys.exit(code)
