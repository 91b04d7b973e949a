"""Oefenen (issue 17): `GET /api/training/themes`, `POST /api/training/quiz` (generated cases with their
model answers; the browser grades, nothing is stored), `POST /api/training/own` (a trainer's own casus read
and answered, scenario-shaped) and `POST /api/training/pack` (the same cases, for the same seed, plus the own
cases sent along, as a PDF, Markdown or eval case file). A casus a trainer types lives only in the request."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any, Literal, TypeVar, cast

from fastapi import APIRouter, Depends, Request, Response
from pydantic import Field
from starlette.concurrency import run_in_threadpool

from bot.api.deps import app_state
from bot.api.errors import ApiError
from bot.api.rate_limits import rate_limited
from bot.engine import Engine
from bot.inputs import ClientModel
from bot.training.export import pack_cases, pack_markdown, pack_pdf
from bot.training.own import MAX_OWN_CASES, OwnCaseInput, OwnScenario, read_own, read_own_cases
from bot.training.quiz import SCORING, quiz_questions
from bot.training.scenarios import Pack, generate
from bot.training.themes import THEMES
from kb.errors import DeelwijzerError

log = logging.getLogger(__name__)
T = TypeVar("T")
router = APIRouter(dependencies=[Depends(rate_limited("asks"))])
FORMATS = {
    "pdf": ("application/pdf", "pdf"),
    "md": ("text/markdown; charset=utf-8", "md"),
    "cases": ("application/yaml; charset=utf-8", "yaml"),
}


class PackRequest(ClientModel):
    theme: str = Field("alle", max_length=200, description="A theme id, a comma-separated list, or 'alle'.")
    n: int = Field(3, ge=1, le=10, description="Number of cases.")
    seed: int = Field(0, ge=0, le=2**31, description="Same seed, same cases.")
    difficulty: Literal["basis", "gevorderd", "gemengd"] = "gemengd"


class PackFileRequest(PackRequest):
    format: Literal["pdf", "md", "cases"] = "pdf"
    own: list[OwnCaseInput] = Field(
        default_factory=list, max_length=MAX_OWN_CASES,
        description="The trainer's own cases ({casus, facts}); read and answered again, never stored.",
    )  # fmt: skip


class OwnRequest(ClientModel):
    casus: str = Field(description="The casus in the trainer's own words; no real personal data.")
    facts: dict[str, Any] | None = Field(
        None, description="Corrections of what was read (ids as in GET /api/facts); null = 'weet ik niet'."
    )


@router.get("/api/training/themes")
def training_themes() -> dict[str, Any]:
    return {"themes": [{"id": theme.id, "label": theme.label} for theme in THEMES]}


@router.post("/api/training/quiz")
async def training_quiz(body: PackRequest, request: Request) -> dict[str, Any]:
    """The cases with verdict options, provision options and the model answer to show after answering."""
    pack = await _pack(request, body)
    questions = [question.model_dump(mode="json") for question in quiz_questions(pack)]
    return {"seed": pack.seed, "theme": pack.theme, "scoring": SCORING, "questions": questions}


@router.post("/api/training/own")
async def training_own(body: OwnRequest, request: Request) -> dict[str, Any]:
    """The casus as understood (the chips of chat), the model answer for those facts and the read-back."""
    state = app_state(request)
    engine = await _engine(request)
    max_chars = state.settings.server.max_question_chars
    read = partial(read_own, max_chars=max_chars)
    case: OwnScenario = await _own(request, read, engine, body.casus, body.facts)
    return case.model_dump(mode="json")


@router.post("/api/training/pack", response_model=None)
async def training_pack(body: PackFileRequest, request: Request) -> Response:
    state = app_state(request)
    pack = await _pack(request, body)
    own: list[OwnScenario] = []
    if body.own:
        read = partial(read_own_cases, max_chars=state.settings.server.max_question_chars)
        own = await _own(request, read, await _engine(request), body.own)
    media_type, extension = FORMATS[body.format]
    if body.format == "pdf":
        data = await state.run_heavy(pack_pdf, pack, own)
    else:
        data = (pack_markdown(pack, own) if body.format == "md" else pack_cases(pack, own)).encode("utf-8")
    filename = f"deelwijzer-oefenpakket-{pack.seed}.{extension}"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(data, media_type=media_type, headers=headers)


async def _own(request: Request, read: Callable[..., T], *args: object) -> T:
    """Read own cases in a worker; an unexpected error is logged by type only (the casus is the trainer's
    text, never logged) and answered 500 without details."""
    try:
        return await app_state(request).run_heavy(read, *args)
    except DeelwijzerError:
        raise
    except Exception as exc:
        log.error("own casus failed error=%s", type(exc).__name__)
        raise ApiError(
            500, "own_casus_failed", "Het lezen van de eigen casus lukte niet; probeer het opnieuw."
        ) from None


async def _engine(request: Request) -> Engine:
    engine = await run_in_threadpool(app_state(request).backend.engine)
    if not hasattr(engine, "assessor"):
        raise ApiError(
            503, "no_rules", "Oefenen heeft de regels en de kennisbank nodig; die zijn niet geladen."
        )
    return cast(Engine, engine)


async def _pack(request: Request, body: PackRequest) -> Pack:
    engine = await _engine(request)
    return await app_state(request).run_heavy(
        generate, engine, body.theme, body.n, body.seed, body.difficulty
    )
