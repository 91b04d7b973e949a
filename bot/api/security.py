"""Security at the HTTP edge: response headers, request-size limits and the Beheer token."""

from __future__ import annotations

import contextlib
import json
import secrets

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.api.errors import ApiError, error_body
from bot.api.rate_limits import client_of, limiter_of, too_many

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "cross-origin-opener-policy": "same-origin",
}
UPLOAD_PREFIX = "/api/admin/uploads"


class SecurityHeaders:
    """Adds SECURITY_HEADERS to every response, and `Cache-Control: no-store` to API answers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        no_store = str(scope["path"]).startswith(("/api/", "/v1/"))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.decode().lower() not in SECURITY_HEADERS
                ]
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                if no_store:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Refuses request bodies over the limit with 413 JSON: by Content-Length up front, and by counting
    the bytes actually received (chunked bodies). Upload routes get their own, larger limit."""

    def __init__(self, app: ASGIApp, max_bytes: int, max_upload_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_upload_bytes = max_upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_upload_bytes if str(scope["path"]).startswith(UPLOAD_PREFIX) else self.max_bytes
        if _declared_length(scope) > limit:
            await _send_too_large(send, limit)
            return
        guard = _LimitGuard(receive, send, limit)
        with contextlib.suppress(_TooLarge):
            await self.app(scope, guard.receive, guard.send)


class _TooLarge(Exception):
    pass


def _declared_length(scope: Scope) -> int:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0


class _LimitGuard:
    """Counts received body bytes; past the limit it answers 413 itself and drops what the app sends."""

    def __init__(self, receive: Receive, send: Send, limit: int) -> None:
        self._receive = receive
        self._send = send
        self._limit = limit
        self._seen = 0
        self._refused = False

    async def receive(self) -> Message:
        message = await self._receive()
        if message["type"] == "http.request":
            self._seen += len(message.get("body", b""))
            if self._seen > self._limit and not self._refused:
                self._refused = True
                await _send_too_large(self._send, self._limit)
                raise _TooLarge
        return message

    async def send(self, message: Message) -> None:
        if not self._refused:
            await self._send(message)


async def _send_too_large(send: Send, limit: int) -> None:
    body = json.dumps(
        error_body(
            "too_large", f"De body is groter dan {limit} bytes: stuur minder tekst of een kleiner bestand."
        )
    ).encode()
    await send({
        "type": "http.response.start", "status": 413,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
    })  # fmt: skip
    await send({"type": "http.response.body", "body": body})


def require_admin(request: Request) -> None:
    """FastAPI dependency for Beheer routes: `Authorization: Bearer <server.admin_token>`, compared in
    constant time. Without a configured token Beheer is closed (401). A client past its limit of wrong
    tokens gets 429 for every Beheer request until the bucket refills, so guessing stays slow."""
    token = request.app.state.deelwijzer.settings.server.admin_token
    if not token:
        raise ApiError(
            401, "admin_disabled",
            "Beheer staat uit: stel een token in (DEELWIJZER_SERVER__ADMIN_TOKEN) en herstart de server.",
        )  # fmt: skip
    limiter, client = limiter_of(request), client_of(request)
    wait = limiter.wait_time("admin_failures", client)
    if wait:
        raise too_many("admin_failures", limiter.per_minute["admin_failures"], wait)
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secrets.compare_digest(given.strip().encode(), token.encode()):
        limiter.take("admin_failures", client)
        raise ApiError(401, "unauthorized", "Geen of een onjuist beheertoken: log opnieuw in bij Beheer.")
