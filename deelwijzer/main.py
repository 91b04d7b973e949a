"""The `deelwijzer` command. Each package brings its own commands; this root only mounts them: kb, ingest
and bot by import, evaluation (and any other add-on) through the `deelwijzer.commands` entry points."""

from __future__ import annotations

from typing import Annotated

import typer

from bot import cli as bot_cli
from bot import rules_cli
from bot.covenant import cli as covenant_cli
from bot.matrix.cli import matrix
from bot.training import cli as training_cli
from deelwijzer.plugins import mount_plugins
from ingest.cli import ingest
from kb import cli as kb_cli
from kb.settings import get_settings


def build_app() -> typer.Typer:
    """The root command with every product command and every installed plugin mounted."""
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
    app.command()(matrix)
    app.registered_commands.extend(training_cli.app.registered_commands)
    app.command()(serve)
    mount_plugins(app)
    return app


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
    build_app()()


if __name__ == "__main__":
    main()
