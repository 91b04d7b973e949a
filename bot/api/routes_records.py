"""Vastleggen and feedback: `POST /api/records` (decision record as a Markdown or PDF file) and
`POST /api/feedback` (thumbs, reason, comment; stored scrubbed).

A record is made from the `record_token` the server gave with the answer, never from an answer the client
sends: the verdict, the citations and the question in the record are the ones the server produced. Only the
motivation comes from the client, and the record marks it as the professional's own text."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Request, Response
from pydantic import Field
from starlette.concurrency import run_in_threadpool

from bot.api.deps import app_state
from bot.api.rate_limits import rate_limited
from bot.feedback import FeedbackIn, check_feedback
from bot.inputs import ClientModel, check_chars
from bot.records import record_filename, record_markdown, record_pdf

router = APIRouter()


class RecordRequest(ClientModel):
    record_token: str = Field(description="The `record_token` that came with the answer.")
    motivation: str = Field("", description="The professional's own reasoning (marked as such).")
    format: Literal["pdf", "md"] = "pdf"


@router.post("/api/records", dependencies=[Depends(rate_limited("records"))])
async def records(body: RecordRequest, request: Request) -> Response:
    state = app_state(request)
    limits = state.settings.limits
    check_chars(body.record_token, "record_token", limits.record_token_chars)
    check_chars(body.motivation, "motivation", limits.motivation_chars)
    signed = state.record_tokens.open(body.record_token)  # RecordTokenError: 422 (api/errors.py)
    if body.format == "md":
        text = record_markdown(signed.answer, signed.question, body.motivation)
        return _attachment(text.encode("utf-8"), "text/markdown; charset=utf-8", record_filename("md"))
    data = await state.run_heavy(record_pdf, signed.answer, signed.question, body.motivation)
    return _attachment(data, "application/pdf", record_filename("pdf"))


def _attachment(data: bytes, media_type: str, filename: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(data, media_type=media_type, headers=headers)


@router.post("/api/feedback", status_code=201, dependencies=[Depends(rate_limited("feedback"))])
async def feedback(body: FeedbackIn, request: Request) -> dict[str, Any]:
    state = app_state(request)
    check_feedback(body, state.settings.limits)
    entry = await run_in_threadpool(state.feedback.add, body)
    return {"id": entry.id, "stored_question": entry.question, "stored_comment": entry.comment}
