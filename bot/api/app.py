"""The web application: JSON API, server-sent events, OpenAI-compatible endpoints and the Dutch web app."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from bot.api import (
    openai_compat,
    routes_admin,
    routes_ask,
    routes_covenants,
    routes_facts,
    routes_kb,
    routes_matrix,
    routes_records,
    routes_training,
)  # fmt: skip
from bot.api.conversations import ConversationStore
from bot.api.dense import DenseCompletion
from bot.api.errors import install_error_handlers
from bot.api.rate_limits import RateLimiter
from bot.api.record_tokens import RecordTokens
from bot.api.security import BodyLimit, SecurityHeaders
from bot.api.state import AnswerEngine, AppState, Backend, PassageStore
from bot.feedback import FeedbackStore
from bot.jobs import IngestJobs, settings_env
from kb.settings import Settings, get_settings

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
FEEDBACK_FILE = "feedback.sqlite3"
STAGING_DIR = "incoming"
WARM_UP_QUESTION = "Mag de gemeente een adres doorgeven aan de politie?"  # never stored: no feedback, no log


def create_app(
    settings: Settings | None = None, engine: AnswerEngine | None = None, kb: PassageStore | None = None
) -> FastAPI:
    """The app for `settings` (default: get_settings()). Without `engine` the real one is built on first
    use; without `kb` the engine's knowledge base is shown."""
    settings = settings or get_settings()
    sys.setswitchinterval(settings.server.switch_interval_ms / 1000)
    app = FastAPI(
        title="Deelwijzer", docs_url=None, redoc_url=None, openapi_url="/api/openapi.json", lifespan=_lifespan
    )
    app.state.deelwijzer = _state(settings, engine, kb)
    install_error_handlers(app)
    routers = (
        routes_ask,
        routes_facts,
        routes_kb,
        routes_records,
        routes_matrix,
        routes_training,
        routes_admin,
        routes_covenants,
        openai_compat,
    )
    for module in routers:
        app.include_router(module.router)
    _mount_web(app)
    server = settings.server
    app.add_middleware(
        BodyLimit, max_bytes=server.max_request_bytes, max_upload_bytes=server.max_upload_bytes
    )
    app.add_middleware(SecurityHeaders)
    return app


def _state(settings: Settings, engine: AnswerEngine | None, kb: PassageStore | None) -> AppState:
    limits = settings.limits
    return AppState(
        settings=settings,
        backend=Backend(settings, engine, kb),
        conversations=ConversationStore(max_turns=limits.history_turns, max_chars=limits.history_chars),
        feedback=FeedbackStore(
            settings.data_dir / FEEDBACK_FILE, limits.feedback_rows, limits.unanswered_rows
        ),
        jobs=IngestJobs(settings.data_dir / STAGING_DIR, env=settings_env(settings)),
        rate_limiter=RateLimiter(settings.rate_limits),
        record_tokens=RecordTokens(settings.server.record_key, limits.record_token_age_s),
        dense=(
            DenseCompletion(settings, env=settings_env(settings))
            if engine is None and settings.server.complete_dense
            else None
        ),
    )


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """At start on a lexical-first build: load the engine and answer once, then embed its vectors in the
    background (bot/api/dense.py); stop that at shutdown."""
    state: AppState = app.state.deelwijzer
    dense = state.dense
    if dense is not None and await run_in_threadpool(dense.pending):
        dense.start_after(lambda: state.backend.engine().answer(WARM_UP_QUESTION))
    try:
        yield
    finally:
        if dense is not None:
            await run_in_threadpool(dense.stop)


def _mount_web(app: FastAPI) -> None:
    @app.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(WEB_DIR / "index.html", media_type="text/html; charset=utf-8")

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> FileResponse:
        return FileResponse(WEB_DIR / "favicon.svg", media_type="image/svg+xml")

    app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")
