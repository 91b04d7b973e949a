"""Oefenen (issue 17): `GET /api/training/themes`, `POST /api/training/quiz` (generated cases with their
model answers; the browser grades, nothing is stored) and `POST /api/training/pack` (the same cases, for the
same seed, as a PDF, Markdown or eval case file)."""

from __future__ import annotations

from typing import Any, Literal, cast

from fastapi import APIRouter, Depends, Request, Response
from pydantic import Field
from starlette.concurrency import run_in_threadpool

from bot.api.deps import app_state
from bot.api.errors import ApiError
from bot.api.rate_limits import rate_limited
from bot.engine import Engine
from bot.inputs import ClientModel
from bot.records import RecordError
from bot.training.export import pack_cases, pack_markdown, pack_pdf
from bot.training.quiz import quiz_questions
from bot.training.scenarios import Pack, generate
from bot.training.themes import THEMES, ThemeError

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


@router.get("/api/training/themes")
def training_themes() -> dict[str, Any]:
    return {"themes": [{"id": theme.id, "label": theme.label} for theme in THEMES]}


@router.post("/api/training/quiz")
async def training_quiz(body: PackRequest, request: Request) -> dict[str, Any]:
    """The cases with verdict options, provision options and the model answer to show after answering."""
    pack = await _pack(request, body)
    questions = [question.model_dump(mode="json") for question in quiz_questions(pack)]
    return {"seed": pack.seed, "theme": pack.theme, "questions": questions}


@router.post("/api/training/pack", response_model=None)
async def training_pack(body: PackFileRequest, request: Request) -> Response:
    pack = await _pack(request, body)
    media_type, extension = FORMATS[body.format]
    try:
        if body.format == "pdf":
            data = await app_state(request).run_heavy(pack_pdf, pack)
        else:
            data = (pack_markdown(pack) if body.format == "md" else pack_cases(pack)).encode("utf-8")
    except RecordError as exc:
        raise ApiError(500, "pack_unavailable", str(exc), "format") from None
    filename = f"deelwijzer-oefenpakket-{pack.seed}.{extension}"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(data, media_type=media_type, headers=headers)


async def _pack(request: Request, body: PackRequest) -> Pack:
    state = app_state(request)
    engine = await run_in_threadpool(state.backend.engine)
    if not hasattr(engine, "assessor"):
        raise ApiError(
            503, "no_rules", "Oefenen heeft de regels en de kennisbank nodig; die zijn niet geladen."
        )
    try:
        return await state.run_heavy(
            generate, cast(Engine, engine), body.theme, body.n, body.seed, body.difficulty
        )
    except ThemeError as exc:
        raise ApiError(422, "invalid_theme", str(exc), "theme") from None
