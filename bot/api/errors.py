"""Errors at the HTTP edge: every 4xx/5xx is JSON `{"error": {"code", "message", "field"}}`.

Messages never repeat what the user typed (a question may hold personal data)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot.inputs import InputError


class ApiError(Exception):
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


def input_error(exc: InputError) -> ApiError:
    """A refused client input as the HTTP error: 422 naming the field and the limit."""
    return ApiError(422, exc.code, exc.message, exc.field)


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.code, exc.message, exc.field, exc.headers)


async def _input_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InputError)
    return error_response(422, exc.code, exc.message, exc.field)


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
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(InputError, _input_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
