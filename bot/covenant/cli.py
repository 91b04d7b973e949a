"""`deelwijzer convenant check FILE [--json]` (mounted by deelwijzer/main.py). Exit codes: 0 ok, 2 bad file,
3 no knowledge base (the keys cannot be verified without it); the root command turns the covenant and
knowledge-base errors into these."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from bot.covenant.check import CovenantChecker
from bot.covenant.report import CovenantReport, report_markdown
from kb.local_kb import open_knowledge_base
from kb.settings import get_settings

app = typer.Typer(help="Convenant toetsen: what a covenant lacks, with the provisions that require it.",
                  no_args_is_help=True)  # fmt: skip
out = Console()
err = Console(stderr=True)
EXIT_BAD_FILE = 2


@app.command()
def check(
    file: Annotated[Path, typer.Argument(help="The covenant as a text PDF.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    markdown: Annotated[Path | None, typer.Option(help="Also write the report as Markdown here.")] = None,
) -> None:
    """Check a covenant PDF against the checklist; nothing of the file is stored."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        err.print(f"[red]error:[/red] {escape(str(file))}: cannot read the file ({escape(str(exc))})")
        raise typer.Exit(EXIT_BAD_FILE) from None
    store = open_knowledge_base(get_settings(), None)
    try:
        report = CovenantChecker(store).check(data, file.name)
    finally:
        store.close()
    if markdown:
        markdown.write_text(report_markdown(report, file.name), encoding="utf-8")
    if as_json:
        print(json.dumps(report.model_dump(), ensure_ascii=False, indent=2))
    else:
        _print_table(report)


def _print_table(report: CovenantReport) -> None:
    parties = Table("partij", "rol", "p.", "grondslag genoemd", title="Partijen")
    for party in report.parties:
        parties.add_row(
            escape(party.name), party.role or "?", str(party.page), "ja" if party.named else "nee"
        )
    out.print(parties)
    items = Table(title="Checklist", show_lines=True)
    for name in ("item", "status"):
        items.add_column(name, no_wrap=True)
    items.add_column("citaat")
    items.add_column("bepalingen")
    for item in report.items:
        quote = f"p. {item.quotes[0].page}: {item.quotes[0].text}" if item.quotes else ""
        items.add_row(item.id, item.status, escape(quote[:160]), escape("; ".join(item.keys)))
    out.print(items)
