"""Errors at the HTTP edge: every 4xx/5xx is JSON `{"error": {"code", "message", "field"}}`.

`http_error` is the one place where a product error (`kb.errors.DeelwijzerError` and all below it) becomes an
HTTP status, code, message and field. Routes raise the product's own errors and leave the answer to it; a
route catches an error itself only where its meaning depends on the route (an unknown build id in a query).
Messages never repeat what the user typed (a question may hold personal data)."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot.api.record_tokens import RecordTokenError
from bot.covenant.errors import CovenantFileError
from bot.inputs import InputError
from bot.jobs import UploadError
from bot.records import RecordError
from bot.training.themes import ThemeError
from kb.changes import ChangesError
from kb.errors import CitationKeyError, DeelwijzerError, KbError

log = logging.getLogger(__name__)
UNEXPECTED = "Er ging iets mis op de server: probeer het opnieuw of meld het beheer."


class ApiError(DeelwijzerError):
    def __init__(
        self, status: int, code: str, message: str, field: str = "", headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers or {}


def error_body(code: str, message: str, field: str = "") -> dict[str, dict[str, str]]:
    return {"error": {"code": code, "message": message, "field": field}}


def error_response(
    status: int, code: str, message: str, field: str = "", headers: dict[str, str] | None = None
) -> JSONResponse:
    extra = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
    body = error_body(code, message, field)
    return JSONResponse(body, status_code=status, headers={**extra, **(headers or {})})


def http_error(exc: DeelwijzerError) -> ApiError:
    """The HTTP answer to a product error. The first case the error is an instance of answers, so a subclass
    stands before its base (CitationKeyError before KbError)."""
    match exc:
        case ApiError():
            return exc
        case InputError():  # a client input over a limit or not valid: 422 naming the field and the limit
            return ApiError(422, exc.code, exc.message, exc.field)
        case RecordTokenError():
            message = f"Vastleggen kan alleen van een antwoord van deze server: {exc}. Stel de vraag opnieuw."
            return ApiError(422, "invalid_record_token", message, "record_token")
        case UploadError():
            return ApiError(422, "not_a_pdf", str(exc), "filename")
        case CovenantFileError():
            return ApiError(422, "unreadable_covenant", f"{exc.problem} — {exc.fix}", "body")
        case ThemeError():
            return ApiError(422, "invalid_theme", str(exc), "theme")
        case CitationKeyError():
            return ApiError(422, "invalid_key", str(exc), "key")
        case ChangesError():
            return ApiError(422, "not_comparable", str(exc), "source_id")
        case RecordError():  # the server cannot render the PDF (e.g. its font is missing)
            return ApiError(500, "pdf_unavailable", str(exc), "format")
        case KbError():
            return ApiError(503, "no_knowledge_base", f"De kennisbank is niet beschikbaar: {exc}")
    return _unexpected(exc)


def _unexpected(exc: DeelwijzerError) -> ApiError:
    """A product error no case above expects (a broken word catalogue, a casus without words): logged by type
    only, since its message might quote a request, and answered 500 without details."""
    log.error("unexpected product error %s.%s", type(exc).__module__, type(exc).__name__)
    return ApiError(500, "internal_error", UNEXPECTED)


async def _product_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DeelwijzerError)
    answer = http_error(exc)
    return error_response(answer.status, answer.code, answer.message, answer.field, answer.headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {}
    kind = str(first.get("type", ""))
    location = [str(part) for part in first.get("loc", ()) if part not in ("body", "query", "path")]
    field = ".".join(location)
    if kind == "json_invalid":
        return error_response(400, "bad_json", "De body is geen geldige JSON: stuur een JSON-object.", "body")
    if kind == "missing":
        return error_response(422, "missing", f"Veld '{field}' ontbreekt: vul het in.", field)
    if kind == "invalid_unicode":
        where = str(first.get("ctx", {}).get("field", field or "body"))
        return error_response(422, kind, str(first.get("msg", "")), where)
    reason = str(first.get("msg", "ongeldige waarde"))
    return error_response(422, "invalid", f"Veld '{field or 'body'}' is ongeldig: {reason}.", field or "body")


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404:
        return error_response(404, "not_found", f"Niets gevonden op {request.url.path}.")
    if exc.status_code == 405:
        return error_response(405, "method_not_allowed", f"{request.method} kan niet op {request.url.path}.")
    return error_response(exc.status_code, "http_error", str(exc.detail))


def install_error_handlers(app: FastAPI) -> None:
    """One handler for every product error (Starlette finds it through the error's class hierarchy)."""
    app.add_exception_handler(DeelwijzerError, _product_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
