"""Vastleggen and feedback: `POST /api/records` (decision record as a Markdown or PDF file) and
`POST /api/feedback` (thumbs, reason, comment; stored scrubbed)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from bot.answer import Answer
from bot.api.errors import ApiError
from bot.api.routes_ask import app_state
from bot.feedback import FeedbackIn
from bot.records import RecordError, record_filename, record_markdown, record_pdf

router = APIRouter()


class RecordRequest(BaseModel):
    answer: Answer
    question: str = Field("", max_length=10_000)
    motivation: str = Field("", max_length=20_000, description="The professional's own reasoning.")
    format: Literal["pdf", "md"] = "pdf"


@router.post("/api/records")
async def records(body: RecordRequest) -> Response:
    if body.format == "md":
        text = record_markdown(body.answer, body.question, body.motivation)
        return _attachment(text.encode("utf-8"), "text/markdown; charset=utf-8", record_filename("md"))
    try:
        data = await run_in_threadpool(record_pdf, body.answer, body.question, body.motivation)
    except RecordError as exc:
        raise ApiError(500, "record_unavailable", str(exc), "format") from None
    return _attachment(data, "application/pdf", record_filename("pdf"))


def _attachment(data: bytes, media_type: str, filename: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(data, media_type=media_type, headers=headers)


@router.post("/api/feedback", status_code=201)
async def feedback(body: FeedbackIn, request: Request) -> dict[str, Any]:
    entry = await run_in_threadpool(app_state(request).feedback.add, body)
    return {"id": entry.id, "stored_question": entry.question, "stored_comment": entry.comment}
