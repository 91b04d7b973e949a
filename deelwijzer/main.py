"""The `deelwijzer` command. Each package brings its own commands; this root only mounts them: kb, ingest
and bot by import, evaluation (and any other add-on) through the `deelwijzer.commands` entry points.

A product error (kb.errors.DeelwijzerError) that no command answers itself ends here, once for all commands:
its message on stderr and exit code 2, or 3 when the knowledge base is missing or was built by another
embedder (the codes every command documents)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

from bot import cli as bot_cli
from bot import rules_cli
from bot.covenant import cli as covenant_cli
from bot.matrix.cli import matrix
from bot.training import cli as training_cli
from deelwijzer.plugins import mount_plugins
from ingest.cli import ingest
from kb import cli as kb_cli
from kb.errors import DeelwijzerError, EmbedderMismatchError, NoKnowledgeBaseError
from kb.settings import get_settings

EXIT_BAD_INPUT = 2
EXIT_NO_KB = 3
err = Console(stderr=True)


class ProductCommands(TyperGroup):
    """The root group: turns a product error any command let through into a message and an exit code."""

    def invoke(self, ctx: Any) -> Any:  # typer's own (vendored) click Context
        try:
            return super().invoke(ctx)
        except DeelwijzerError as error:
            err.print(f"[red]error:[/red] {escape(str(error))}", highlight=False)
            raise typer.Exit(exit_code(error)) from None


def exit_code(error: DeelwijzerError) -> int:
    """3 when there is no usable knowledge base (run `deelwijzer ingest`), else 2: the user must fix input."""
    return EXIT_NO_KB if isinstance(error, NoKnowledgeBaseError | EmbedderMismatchError) else EXIT_BAD_INPUT


def build_app() -> typer.Typer:
    """The root command with every product command and every installed plugin mounted."""
    app = typer.Typer(
        name="deelwijzer",
        cls=ProductCommands,
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
