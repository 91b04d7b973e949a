"""`deelwijzer matrix --data ID --purpose ID [--minor] [--consent given|refused] [--urgent] [--partnership ID]
[--csv FILE | --pdf FILE | --json]`: the Deelkaart on the command line. Exit codes as `ask`: 2 bad input, 3 no
knowledge base. Without an output option it prints a summary and the coverage."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from bot.engine import build_engine
from bot.inputs import InputError
from bot.matrix.agreements import FILE, AgreementStore
from bot.matrix.axes import Consent, MapRequest, Partnership, check_request
from bot.matrix.compute import compute_map
from bot.matrix.export import cell_label, dumps, to_csv, to_json, to_pdf
from bot.vocabulary import load_vocabulary
from kb.errors import KbError
from kb.settings import get_settings

err = Console(stderr=True)


def matrix(
    data: Annotated[str, typer.Option("--data", help="Soort gegevens (id uit kb/vocabulary/data.yaml).")],
    purpose: Annotated[str, typer.Option("--purpose", help="Doel (id uit kb/vocabulary/purposes.yaml).")],
    minor: Annotated[bool, typer.Option("--minor", help="De betrokkene is minderjarig.")] = False,
    consent: Annotated[str, typer.Option("--consent", help="given of refused (anders: onbekend).")] = "",
    urgent: Annotated[bool, typer.Option("--urgent", help="Acuut gevaar: het kan niet wachten.")] = False,
    partnership: Annotated[str, typer.Option("--partnership", help="riec, zvh of overleg.")] = "",
    csv_file: Annotated[Path | None, typer.Option("--csv", help="Schrijf de kaart als CSV.")] = None,
    pdf_file: Annotated[
        Path | None, typer.Option("--pdf", help="Schrijf de kaart als PDF (A3 liggend).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print de kaart als JSON.")] = False,
) -> None:
    """De Deelkaart: wie mag wat delen met wie, voor één soort gegevens en één doel."""
    if sum([csv_file is not None, pdf_file is not None, as_json]) > 1:
        _fail("kies één van --csv, --pdf en --json", 2)
    if consent not in ("", "given", "refused") or partnership not in ("", "riec", "zvh", "overleg"):
        _fail("--consent is given of refused; --partnership is riec, zvh of overleg", 2)
    wanted = MapRequest(
        data=data, purpose=purpose, minor=minor, consent=_consent(consent), urgent=urgent,
        partnership=_partnership(partnership),
    )  # fmt: skip
    try:
        check_request(wanted, load_vocabulary())  # before the seconds of loading the engine
        deelkaart = compute_map(build_engine(), wanted)
    except InputError as exc:
        _fail(f"{exc.field}: {exc.message}", 2)
    except KbError as exc:
        _fail(str(exc), 3)
    own = AgreementStore(get_settings().data_dir / FILE).for_map(data, purpose)
    if as_json:
        typer.echo(dumps(to_json(deelkaart, own)))
    elif csv_file is not None:
        csv_file.write_text(to_csv(deelkaart, own), encoding="utf-8")
        err.print(f"CSV geschreven: {csv_file}")
    elif pdf_file is not None:
        pdf_file.write_bytes(to_pdf(deelkaart, own))
        err.print(f"PDF geschreven: {pdf_file}")
    else:
        c = deelkaart.coverage
        typer.echo(f"Deelkaart {deelkaart.data_label} — {deelkaart.purpose_label} ({deelkaart.kb_build})")
        for cell in deelkaart.cells:
            typer.echo(f"{cell.sender} -> {cell.recipient}: {cell_label(cell)} {cell.deciding}".rstrip())
        typer.echo(f"dekking {c.covered:.0%} ({c.by_rule} regel, {c.open} open, {c.no_rule} geen regel)")
    err.print(f"{len(deelkaart.cells)} cellen in {deelkaart.seconds:.2f} s")


def _consent(value: str) -> Consent:
    return "given" if value == "given" else "refused" if value == "refused" else ""


def _partnership(value: str) -> Partnership:
    return "riec" if value == "riec" else "zvh" if value == "zvh" else "overleg" if value == "overleg" else ""


def _fail(message: str, code: int) -> NoReturn:
    err.print(f"[red]fout:[/red] {message}")
    raise typer.Exit(code)
