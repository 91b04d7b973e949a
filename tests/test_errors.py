"""One error root for the product (kb.errors.DeelwijzerError), turned into an answer at each edge in one
place: bot/api/errors.py for HTTP, deelwijzer/main.py for the command line.

The classes are found by importing every module of the product and evals, so a new error class that forgets
the root fails here without anyone listing it."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from api_fakes import app_settings
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from bot.api import create_app
from bot.api.errors import ApiError
from bot.api.record_tokens import RecordTokenError
from bot.covenant.errors import ChecklistError, CovenantFileError
from bot.inputs import InputError
from bot.jobs import UploadError
from bot.matrix.agreements import AgreementError
from bot.records import RecordError
from bot.rules import RuleError
from bot.training.casus import CasusError
from bot.training.themes import ThemeError
from bot.words import WordsError
from deelwijzer.main import build_app
from evals.beir import BeirError
from evals.case_files import CaseFileError
from kb.changes import ChangesError
from kb.errors import CitationKeyError, DeelwijzerError, EmbedderMismatchError, KbError, NoKnowledgeBaseError

PACKAGES = ("kb", "ingest", "bot", "evals", "deelwijzer")


def product_modules() -> Iterator[str]:
    for name in PACKAGES:
        yield name
        package = importlib.import_module(name)
        for found in pkgutil.walk_packages(package.__path__, f"{name}."):
            if not found.name.endswith("__main__"):  # running it would start the command
                yield found.name


def exception_classes() -> dict[str, type[BaseException]]:
    """Every exception class defined in a product or evals module, by 'module.Class'. Private classes (a
    leading underscore: control-flow signals that never leave their module, e.g. the body-size guard's) are
    left out."""
    found: dict[str, type[BaseException]] = {}
    for module_name in product_modules():
        module = importlib.import_module(module_name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module_name and issubclass(cls, BaseException) and not name.startswith("_"):
                found[f"{module_name}.{name}"] = cls
    return found


def test_every_product_error_derives_from_the_root() -> None:
    found = exception_classes()
    names = {path.rsplit(".", 1)[1] for path in found}
    assert {"KbError", "ApiError", "RecordError", "UploadError", "CaseFileError", "BeirError"} <= names
    strays = sorted(path for path, cls in found.items() if not issubclass(cls, DeelwijzerError))
    assert strays == [], (
        f"derive these from kb.errors.DeelwijzerError (keep ValueError as a 2nd base): {strays}"
    )


@pytest.mark.parametrize(
    "cls",
    [
        InputError,
        AgreementError,
        ThemeError,
        CasusError,
        UploadError,
        RecordTokenError,
        CaseFileError,
        BeirError,
    ],
)
def test_errors_that_were_value_errors_still_are(cls: type[Exception]) -> None:
    """Callers (and pydantic validators) catch these as ValueError; the root is added, not swapped in."""
    assert issubclass(cls, DeelwijzerError) and issubclass(cls, ValueError)


# (error, status, code, field, a piece of the message)
MAPPED = [
    (InputError("too_long", "question", "Veld 'question' te lang."), 422, "too_long", "question", "te lang"),
    (AgreementError("invalid", "text", "Veld 'text' is leeg."), 422, "invalid", "text", "leeg"),
    (RecordTokenError("verlopen"), 422, "invalid_record_token", "record_token", "Vastleggen kan alleen"),
    (UploadError("x.txt: geen PDF"), 422, "not_a_pdf", "filename", "geen PDF"),
    (CovenantFileError("c.pdf", "geen tekst", "scan eerst met OCR"), 422, "unreadable_covenant", "body",
     "geen tekst — scan eerst met OCR"),
    (ThemeError("onbekend thema 'x'"), 422, "invalid_theme", "theme", "onbekend thema"),
    (CitationKeyError("'AVG art' is geen sleutel"), 422, "invalid_key", "key", "geen sleutel"),
    (ChangesError("maar één versie"), 422, "not_comparable", "source_id", "één versie"),
    (RecordError("lettertype ontbreekt"), 500, "pdf_unavailable", "format", "lettertype ontbreekt"),
    (NoKnowledgeBaseError("run deelwijzer ingest"), 503, "no_knowledge_base", "", "niet beschikbaar"),
    (RuleError("regels.yaml: stap ontbreekt"), 503, "no_knowledge_base", "", "regels.yaml"),
    (ApiError(404, "unknown_job", "Taak bestaat niet.", "id"), 404, "unknown_job", "id", "Taak"),
]  # fmt: skip


def raising_app(tmp_path: Path, error: BaseException) -> TestClient:
    """The real app with one extra route that raises `error`, as a route's own code would."""
    app: FastAPI = create_app(app_settings(tmp_path / "data"))

    @app.get("/api/raise")
    def raise_it() -> None:
        raise error

    return TestClient(app, raise_server_exceptions=False)


@pytest.mark.parametrize(
    ("error", "status", "code", "field", "says"), MAPPED, ids=[type(m[0]).__name__ for m in MAPPED]
)
def test_the_api_maps_each_kind_of_error_in_one_place(
    tmp_path: Path, error: DeelwijzerError, status: int, code: str, field: str, says: str
) -> None:
    response = raising_app(tmp_path, error).get("/api/raise")
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "field"}
    assert (body["error"]["code"], body["error"]["field"]) == (code, field)
    assert says in body["error"]["message"]


def test_api_error_headers_survive(tmp_path: Path) -> None:
    error = ApiError(429, "rate_limited", "Te veel vragen.", headers={"Retry-After": "7"})
    response = raising_app(tmp_path, error).get("/api/raise")
    assert response.status_code == 429 and response.headers["retry-after"] == "7"


class BrandNewError(DeelwijzerError):
    """An error no case in bot/api/errors.py knows yet."""


UNEXPECTED = [
    WordsError("nl.yaml: sleutel 'x' ontbreekt"),
    ChecklistError("checklist.yaml: kapot"),
    CasusError("geen woorden voor 'x'"),
    BrandNewError("Mag ik Jan de Vries…"),
]


@pytest.mark.parametrize("error", UNEXPECTED, ids=[type(error).__name__ for error in UNEXPECTED])
def test_an_unexpected_product_error_is_a_json_500_without_its_message(
    tmp_path: Path, error: DeelwijzerError, caplog: pytest.LogCaptureFixture
) -> None:
    response = raising_app(tmp_path, error).get("/api/raise")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert str(error) not in response.text and str(error) not in caplog.text  # it might quote a question
    assert type(error).__name__ in caplog.text


def test_a_real_route_without_knowledge_base_answers_503(tmp_path: Path) -> None:
    """The engine cannot load from an empty data dir: the KbError reaches the one handler."""
    client = TestClient(create_app(app_settings(tmp_path / "leeg")))
    response = client.post("/api/ask", json={"question": "Mag ik gegevens delen met de politie?"})
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "no_knowledge_base"


def cli_with(command: typer.Typer | None, error: DeelwijzerError) -> typer.Typer:
    """The real root command with one more command that raises `error` (in a sub-group when `command`)."""
    app = build_app()

    def fail() -> None:
        raise error

    if command is None:
        app.command("kapot")(fail)
    else:
        command.command("kapot")(fail)
        command.command("heel")(lambda: None)  # two commands: a group, not a single command
        app.add_typer(command, name="groep")
    return app


@pytest.mark.parametrize(
    ("error", "exit_code"),
    [
        (WordsError("nl.yaml: sleutel 'x' ontbreekt; voeg hem toe"), 2),
        (RecordError("het lettertype ontbreekt; installeer fonts-dejavu"), 2),
        (NoKnowledgeBaseError("nothing ingested; run `deelwijzer ingest`"), 3),
        (EmbedderMismatchError("built with another embedder; run `deelwijzer ingest --force`"), 3),
        (KbError("a rule file is broken; fix it"), 2),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, Exception) else str(v),
)
@pytest.mark.parametrize("nested", [False, True], ids=["command", "sub-command"])
def test_the_cli_answers_any_product_error_once(error: DeelwijzerError, exit_code: int, nested: bool) -> None:
    app = cli_with(typer.Typer() if nested else None, error)
    result = CliRunner().invoke(app, ["groep", "kapot"] if nested else ["kapot"])
    assert result.exit_code == exit_code
    assert f"error: {error}" in " ".join(result.stderr.split())
    assert "Traceback" not in result.output


def test_the_cli_leaves_other_errors_alone() -> None:
    """A bug is not a user error: it keeps its traceback (CliRunner hands it back)."""

    class Bug(Exception):
        pass

    app = build_app()

    @app.command("kapot")
    def fail() -> None:
        raise Bug("a bug")

    result = CliRunner().invoke(app, ["kapot"])
    assert isinstance(result.exception, Bug) and result.exit_code == 1
