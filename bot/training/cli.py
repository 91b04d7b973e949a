"""`deelwijzer scenarios` (a training pack: Markdown on stdout, or --pdf / --cases / --json / --markdown;
--own FILE adds the trainer's own cases) and `deelwijzer quiz` (practise in the terminal). Exit codes: 0 ok,
2 bad input, 3 no knowledge base. Nothing the learner answers or the trainer writes is stored."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Annotated

import typer

from bot.engine import Engine, build_engine
from bot.inputs import InputError
from bot.training.export import pack_cases, pack_markdown, pack_pdf
from bot.training.own import OwnCaseFileError, OwnScenario, load_own_file, read_own_cases
from bot.training.quiz import SCORING, Question, format_points, grade, quiz_questions
from bot.training.scenarios import Pack, generate
from bot.training.themes import THEME_IDS, ThemeError
from kb.errors import EmbedderMismatchError, NoKnowledgeBaseError

EXIT_BAD_INPUT, EXIT_NO_KB = 2, 3
MAX_OWN_FILE_CASES = 200
THEME_HELP = f"Thema: {', '.join(THEME_IDS)}, of 'alle' (ook een lijst met komma's)."
app = typer.Typer(no_args_is_help=True)


@app.command()
def scenarios(
    theme: Annotated[str, typer.Option(help=THEME_HELP)] = "alle",
    n: Annotated[int, typer.Option(min=1, max=200, help="Aantal casussen.")] = 8,
    seed: Annotated[int, typer.Option(help="Zelfde seed, zelfde pakket.")] = 0,
    difficulty: Annotated[str, typer.Option(help="basis, gevorderd of gemengd.")] = "gemengd",
    pdf: Annotated[Path | None, typer.Option(help="Schrijf het pakket als PDF.")] = None,
    cases: Annotated[
        Path | None, typer.Option(help="Schrijf de casussen als eval-casebestand (YAML).")
    ] = None,
    markdown: Annotated[Path | None, typer.Option(help="Schrijf het pakket als Markdown.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Het pakket als JSON op stdout.")] = False,
    own: Annotated[
        Path | None,
        typer.Option(help="Voeg eigen casussen toe: YAML (lijst van tekst of {casus, facts}) of Markdown."),
    ] = None,
) -> None:
    """Oefencasussen met modelantwoord, citaten en contrastparen (alleen casussen die goed teruglezen)."""
    engine = _engine_or_exit()
    pack = _generate(theme, n, seed, difficulty, engine)
    own_cases = _own_cases(own, engine) if own is not None else []
    for path, data in ((pdf, pack_pdf), (cases, pack_cases), (markdown, pack_markdown)):
        if path is not None:
            content = data(pack, own_cases)
            path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content, "utf-8")
            typer.echo(f"geschreven: {path}", err=True)
    if as_json:
        own_json = [case.model_dump(mode="json") for case in own_cases]
        typer.echo(
            json.dumps({**pack.model_dump(mode="json"), "own": own_json}, ensure_ascii=False, indent=2)
        )
    elif not (pdf or cases or markdown):
        typer.echo(pack_markdown(pack, own_cases))
    _report(pack, own_cases)


def _report(pack: Pack, own_cases: list[OwnScenario]) -> None:
    stats = pack.stats
    typer.echo(f"{len(pack.scenarios)} casussen; teruggelezen {stats.read_back_ok}/{stats.generated} "
               f"gegenereerd; thema's: {', '.join(stats.themes)}", err=True)  # fmt: skip
    for case in own_cases:
        mismatches = "; ".join(case.readback.mismatches or ["de tekst alleen geeft een ander oordeel"])
        read = "leest goed terug" if case.readback.ok else f"let op: {mismatches}"
        typer.echo(f"{case.id} (eigen casus): {case.answer.verdict_label}; {read}", err=True)


@app.command()
def quiz(
    theme: Annotated[str, typer.Option(help=THEME_HELP)] = "alle",
    n: Annotated[int, typer.Option(min=1, max=20, help="Aantal vragen.")] = 3,
    seed: Annotated[int | None, typer.Option(help="Vaste seed (standaard willekeurig).")] = None,
) -> None:
    """Oefen: kies per casus het oordeel en de beslissende bepalingen; daarna modelantwoord en score."""
    pack = _generate(
        theme, n, random.randrange(10**6) if seed is None else seed, "gemengd", _engine_or_exit()
    )
    score = 0.0
    questions = quiz_questions(pack)
    typer.echo(SCORING)
    for number, question in enumerate(questions, start=1):
        score += _ask(number, question)
    typer.echo(f"\nScore: {format_points(score)} van {2 * len(questions)} punten. Er is niets opgeslagen.")


def _ask(number: int, question: Question) -> float:
    typer.echo(f"\nCasus {number} ({question.theme_label}, fictief)\n{question.casus}\n")
    for index, (_, label) in enumerate(question.verdict_options, start=1):
        typer.echo(f"  {index}. {label}")
    verdict = _choose("Jouw oordeel (nummer)", len(question.verdict_options))
    for index, key in enumerate(question.provision_options, start=1):
        typer.echo(f"  {index}. {key}")
    provisions = _choose_many(
        "Beslissende bepalingen (nummers, bijv. 1,3; leeg = geen)", len(question.provision_options)
    )
    result = grade(question, verdict - 1, [p - 1 for p in provisions])
    typer.echo(("✔ " if result.verdict_ok else "✘ ") + f"Modelantwoord: {question.answer.verdict_label}. "
               + question.answer.summary)  # fmt: skip
    typer.echo(("✔ " if result.provision_ok else "✘ ") + f"Beslissend: {', '.join(question.answer.decisive)}")
    typer.echo(f"  {result.provision_feedback()}")
    for citation in question.answer.citations[:2]:
        typer.echo(f"  {citation.key}: “{citation.quote}”")
    return result.points


def _choose(prompt: str, count: int) -> int:
    """A number from 1 to `count`, asked again until it is one."""
    while True:
        picked: int = typer.prompt(prompt, type=int)
        if 1 <= picked <= count:
            return picked
        typer.echo(f"Kies een nummer van 1 tot en met {count}.")


def _choose_many(prompt: str, count: int) -> list[int]:
    """Numbers from 1 to `count`, separated by commas or spaces (empty: none), asked again until they are."""
    while True:
        picked: str = typer.prompt(prompt, default="", show_default=False)
        parts = picked.replace(",", " ").split()
        if all(part.isdigit() and 1 <= int(part) <= count for part in parts):
            return [int(part) for part in parts]
        typer.echo(f"Kies nummers van 1 tot en met {count}, gescheiden door komma's.")


def _own_cases(path: Path, engine: Engine) -> list[OwnScenario]:
    try:
        return read_own_cases(engine, load_own_file(path), limit=MAX_OWN_FILE_CASES)
    except OwnCaseFileError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except InputError as error:
        typer.echo(f"error: {path}: {error}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None


def _generate(theme: str, n: int, seed: int, difficulty: str, engine: Engine) -> Pack:
    try:
        return generate(engine, theme, n=n, seed=seed, difficulty=difficulty)
    except ThemeError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None


def _engine_or_exit() -> Engine:
    try:
        return _engine()
    except (NoKnowledgeBaseError, EmbedderMismatchError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(EXIT_NO_KB) from None


def _engine() -> Engine:
    return build_engine()
