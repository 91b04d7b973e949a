"""Commands other packages add to the root, declared in the `deelwijzer.commands` entry-point group:

    [project.entry-points."deelwijzer.commands"]
    eval = "evals.eval_cli:app"

Each entry point names a `typer.Typer`, mounted under the entry point's name. A plugin whose libraries are not
installed (the eval extra) still shows up, as a command that says what to install.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import EntryPoint, entry_points

import typer
from rich.console import Console
from rich.markup import escape

GROUP = "deelwijzer.commands"
err = Console(stderr=True)


def command_plugins() -> list[EntryPoint]:
    """The declared commands, sorted by name (one per name: the first declaration wins)."""
    seen: dict[str, EntryPoint] = {}
    for point in sorted(entry_points(group=GROUP), key=lambda point: point.name):
        seen.setdefault(point.name, point)
    return list(seen.values())


def mount_plugins(app: typer.Typer) -> None:
    """Mount every declared command group on `app`."""
    for point in command_plugins():
        try:
            plugin = point.load()
        except ImportError as error:
            app.command(name=point.name, help=f"(not installed: {error.name})")(_missing(point, error))
            continue
        if not isinstance(plugin, typer.Typer):
            raise TypeError(
                f"entry point {point.name} = {point.value!r} in group {GROUP} is a {type(plugin).__name__}; "
                "point it at a typer.Typer"
            )
        app.add_typer(plugin, name=point.name)


def _missing(point: EntryPoint, error: ImportError) -> Callable[[], None]:
    def unavailable() -> None:
        err.print(
            "[red]error:[/red] "
            + escape(
                f"`deelwijzer {point.name}` needs {error.name}, which is not installed; "
                f"install the extra: pip install 'deelwijzer[{point.name}]'"
            ),
            highlight=False,
        )
        raise typer.Exit(2)

    unavailable.__doc__ = f"Not available: install deelwijzer[{point.name}]."
    return unavailable
