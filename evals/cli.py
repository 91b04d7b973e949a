"""The `deelwijzer` command. Each package brings its own commands; this outermost layer only mounts them
(evals is the one package allowed to import all the others)."""

from __future__ import annotations

from typing import Annotated

import typer

from bot import cli as bot_cli
from bot import rules_cli
from bot.covenant import cli as covenant_cli
from evals import eval_cli
from ingest.cli import ingest
from kb import cli as kb_cli
from kb.settings import get_settings

app = typer.Typer(
    name="deelwijzer",
    help="Deelwijzer: mag ik X delen met Y voor doel Z? Antwoord uit de wet, met bronnen.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.command(help="Build the knowledge base: --from DIR, the official sources, or FILES to add.")(ingest)
app.add_typer(kb_cli.app, name="kb")
app.add_typer(rules_cli.app, name="rules")
app.add_typer(covenant_cli.app, name="convenant")
app.registered_commands.extend(bot_cli.app.registered_commands)
app.add_typer(eval_cli.app, name="eval")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind (default from settings).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default from settings).")] = None,
) -> None:
    """Start the HTTP API and the web app."""
    import uvicorn

    settings = get_settings().server
    uvicorn.run(
        "bot.api.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        access_log=False,
        workers=1,
    )


def main() -> None:
    app()


if __name__ == "__main__":
    main()
