"""`deelwijzer ask` and `deelwijzer search`. Exit codes: 0 ok, 2 bad input, 3 no knowledge base.

In JSON modes stdout carries only the JSON; logs and progress go to stderr.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
from pydantic import BaseModel, ValidationError
from rich.console import Console
from rich.markdown import Markdown
from rich.markup import escape
from rich.table import Table

from bot.answer import FactValue, Turn
from bot.engine import Engine, build_engine
from bot.fact_inputs import CORE_FACTS, check_facts
from bot.inputs import InputError
from bot.render import render_markdown
from bot.retrieval import Retrieved
from kb.errors import DeelwijzerError, EmbedderMismatchError, NoKnowledgeBaseError
from kb.knowledge_base import Filters

app = typer.Typer(
    help="Vraag Deelwijzer of je gegevens mag delen, of zoek in de wetteksten.", no_args_is_help=True
)
err = Console(stderr=True)

EXIT_BAD_INPUT = 2
EXIT_NO_KB = 3


class Request(BaseModel):
    """One line of an `ask --jsonl` file."""

    id: str
    question: str = ""
    history: list[Turn] = []
    facts: dict[str, Any] | None = None


class BadInput(DeelwijzerError):  # noqa: N818 - turned into exit code 2 at the edge
    """Input the user must fix; the message names the file, line and field."""


@app.command()
def ask(
    question: Annotated[str | None, typer.Argument(help="De vraag, tussen aanhalingstekens.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print het antwoord als JSON-object.")] = False,
    jsonl: Annotated[
        Path | None,
        typer.Option("--jsonl", help='Bestand met per regel {"id", "question", "history", "facts"}.'),
    ] = None,
    facts: Annotated[
        str | None,
        typer.Option(
            "--facts",
            help="Feiten die boven wat gelezen is gaan, als JSON, zoals "
            '\'{"sender": "jeugdhulp", "consent": "refused"}\' (ids: GET /api/facts). '
            "Met sender, recipients, data en purposes is geen vraag nodig.",
        ),
    ] = None,
) -> None:
    """Beantwoord één vraag, of elke regel van een JSONL-bestand (één JSON-antwoord per regel)."""
    _setup_logging()
    out = sys.stdout
    with _exit_codes(), contextlib.redirect_stdout(sys.stderr):
        if jsonl is not None:
            _ask_file(jsonl, question, out)
        else:
            given = parse_facts(facts, "--facts")
            text = (question or "") if complete(given) else _require_question(question)
            _ask_one(text, given, as_json, out)


def parse_facts(raw: str | dict[str, Any] | None, where: str) -> dict[str, FactValue]:
    """The facts as checked values; BadInput names the field and the allowed values."""
    if raw is None:
        return {}
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as error:
            raise BadInput(
                f'{where}: not valid JSON ({error.msg}); expected {{"sender": "politie", ...}}'
            ) from None
    from bot.vocabulary import load_vocabulary

    try:
        return check_facts(raw, load_vocabulary(), "facts")  # type: ignore[arg-type]
    except InputError as error:
        raise BadInput(f"{where}: {error.message}") from None


def complete(facts: dict[str, FactValue]) -> bool:
    """Sender, recipients, data and purposes given: no question text needed."""
    return all(facts.get(fact) for fact in CORE_FACTS)


def _ask_one(question: str, facts: dict[str, FactValue], as_json: bool, out: TextIO) -> None:
    answer = _engine().answer(question, facts=facts or None)
    if as_json:
        _write_line(out, answer.model_dump_json())
    else:
        Console(file=out).print(Markdown(render_markdown(answer)))


def _ask_file(path: Path, question: str | None, out: TextIO) -> None:
    if question:
        raise BadInput("give either a question or --jsonl FILE, not both")
    requests = read_requests(path)
    engine = _engine()
    for number, request in enumerate(requests, start=1):
        facts = parse_facts(request.facts, f"{path}: {request.id}")
        answer = engine.answer(request.question, request.history, id=request.id, facts=facts or None)
        _write_line(out, answer.model_dump_json())
        err.print(f"[dim]{number}/{len(requests)} {request.id}: {answer.verdict}[/dim]")


def read_requests(path: Path) -> list[Request]:
    """Every non-blank line of `path` as a Request; BadInput names the file, line and field otherwise."""
    if not path.is_file():
        raise BadInput(f"{path}: file not found; pass a JSONL file with one question object per line")
    requests: list[Request] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                requests.append(parse_request(line, f"{path}:{number}"))
    return requests


def parse_request(line: str, where: str) -> Request:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise BadInput(
            f'{where}: not valid JSON ({error.msg}); expected {{"id": ..., "question": ...}}'
        ) from None
    if not isinstance(data, dict):
        raise BadInput(f"{where}: expected a JSON object with 'id' and 'question', got {type(data).__name__}")
    if isinstance(data.get("id"), int):
        data["id"] = str(data["id"])
    try:
        request = Request.model_validate(data)
    except ValidationError as error:
        raise BadInput(f"{where}: {_field_problem(error)}") from None
    facts = parse_facts(request.facts, where)
    if not request.question.strip() and not complete(facts):
        raise BadInput(
            f"{where}: field 'question' is empty; give the question text (or facts for sender, "
            "recipients, data and purposes)"
        )
    return request


def _field_problem(error: ValidationError) -> str:
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or "line"
    return f"field '{field}': {first['msg']} (got {first.get('input')!r})"


@app.command()
def search(
    text: Annotated[str, typer.Argument(help="Zoektekst.")],
    k: Annotated[int, typer.Option("--k", min=1, max=100, help="Aantal passages.")] = 8,
    source: Annotated[
        list[str] | None, typer.Option("--source", help="Alleen deze bron-id (herhaalbaar).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print de passages als JSON-lijst.")] = False,
) -> None:
    """Zoek passages in de kennisbank (BM25 + embeddings, samengevoegd)."""
    _setup_logging()
    out = sys.stdout
    with _exit_codes(), contextlib.redirect_stdout(sys.stderr):
        if not text.strip():
            raise BadInput("search text is empty; give a few words to search for")
        found = _engine().search(text, k, Filters(source_ids=source or []))
        if as_json:
            _write_line(out, json.dumps([retrieved_json(item) for item in found], ensure_ascii=False))
        else:
            Console(file=out).print(results_table(found))


def retrieved_json(item: Retrieved) -> dict[str, Any]:
    passage = item.passage
    return {
        "key": passage.key, "source_id": passage.source_id, "language": passage.language,
        "version_date": passage.version_date, "url": passage.url, "score": item.score, "via": item.via,
        "text": passage.text,
    }  # fmt: skip


def results_table(found: list[Retrieved]) -> Table:
    table = Table("#", "sleutel", "versie", "via", "score", "tekst")
    for rank, item in enumerate(found, start=1):
        snippet = item.passage.text[:160] + ("…" if len(item.passage.text) > 160 else "")
        table.add_row(
            str(rank), item.passage.key, item.passage.version_date, item.via, f"{item.score:.4f}", snippet
        )
    return table


def _require_question(question: str | None) -> str:
    if not question or not question.strip():
        raise BadInput('no question: use `ask "Mag ik ...?"` or `ask --jsonl FILE`')
    return question


def _engine() -> Engine:
    with err.status("Kennisbank en model laden…"):
        return build_engine()


def _write_line(out: TextIO, text: str) -> None:
    out.write(text + "\n")
    out.flush()


@contextlib.contextmanager
def _exit_codes() -> Iterator[None]:
    """Turn the errors a user can fix into a message on stderr and exit code 2 or 3."""
    try:
        yield
    except BadInput as error:
        err.print(f"[red]error:[/red] {escape(str(error))}", highlight=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except (NoKnowledgeBaseError, EmbedderMismatchError) as error:
        err.print(f"[red]error:[/red] {escape(str(error))}", highlight=False)
        raise typer.Exit(EXIT_NO_KB) from None


def _setup_logging() -> None:
    """Warnings and up to stderr, unless the root command configured logging already."""
    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
        )
