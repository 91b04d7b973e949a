"""`deelwijzer rules recheck`: the rules (and legal thresholds) to re-read because a provision changed.

Exit codes: 0 nothing to re-check, 1 rules to re-check (usable in a scheduled job), 3 no knowledge base.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from bot.rule_changes import load_checked, rules_to_recheck
from bot.rules import load_rulebook
from kb.errors import KbError
from kb.local_kb import open_knowledge_base
from kb.settings import get_settings

app = typer.Typer(
    help="De beoordelingsregels en de wetsversies waartegen ze zijn getoetst.", no_args_is_help=True
)
out = Console()
err = Console(stderr=True)
EXIT_RECHECK = 1
EXIT_NO_KB = 3


@app.command()
def recheck(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """List the rules whose provisions changed since the law version they were checked against."""
    try:
        kb = open_knowledge_base(get_settings(), None)
    except KbError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        sys.exit(EXIT_NO_KB)
    checked = load_checked()
    found = rules_to_recheck(kb, load_rulebook(), checked)
    if as_json:
        print(json.dumps({"checked_on": checked.checked_on, "rules": [item.model_dump() for item in found]}))
    elif not found:
        out.print(
            f"Geen regels opnieuw te toetsen: elke wet is nog de versie waartegen ze op "
            f"{checked.checked_on} zijn getoetst (of de gewijzigde bepalingen raken geen regel)."
        )
    else:
        table = Table("regel", "stap", "wet", "getoetst tegen", "nu", "bepalingen", "waarom")
        for item in found:
            why = "bepaling gewijzigd" if item.reason == "changed" else "oude versie niet in kennisbank"
            table.add_row(
                item.rule,
                item.step,
                item.source,
                item.checked_version,
                item.current_version,
                ", ".join(item.keys),
                why,
            )
        out.print(table)
        out.print(f"{len(found)} regel(s) opnieuw toetsen; pas daarna kb/assessment/_checked.yaml aan.")
    sys.exit(EXIT_RECHECK if found else 0)
