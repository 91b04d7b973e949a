"""Asking: `POST /api/ask` (one JSON answer) and `POST /api/chat` (a conversation, streamed as SSE).

The question is personal data: it is never logged, and only a scrubbed, normalised form is counted when
the tool could not settle it (bot/feedback.py)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from sse_starlette import EventSourceResponse
from starlette.concurrency import run_in_threadpool

from bot.answer import Answer, Turn
from bot.api.errors import ApiError
from bot.api.sse import answer_events, stream
from bot.api.state import AppState

log = logging.getLogger(__name__)
router = APIRouter()


class AskRequest(BaseModel):
    question: str
    history: list[Turn] = Field(default_factory=list, max_length=50)
    id: str = Field("", max_length=100)


class ChatRequest(BaseModel):
    conversation_id: str | None = Field(None, max_length=100)
    question: str


def app_state(request: Request) -> AppState:
    state: AppState = request.app.state.deelwijzer
    return state


def checked_question(text: str, max_chars: int, field: str = "question") -> str:
    question = text.strip()
    if not question:
        raise ApiError(422, "empty_question", f"Veld '{field}' is leeg: typ een vraag.", field)
    if len(question) > max_chars:
        raise ApiError(
            422, "question_too_long",
            f"Veld '{field}' heeft {len(question)} tekens; het maximum is {max_chars}: maak de vraag korter.",
            field,
        )  # fmt: skip
    return question


async def answer_question(state: AppState, question: str, history: Sequence[Turn], id: str) -> Answer:
    """Ask the engine (in a worker thread); count the question if it stayed unsettled."""
    engine = await run_in_threadpool(state.backend.engine)
    try:
        answer = await run_in_threadpool(engine.answer, question, list(history), id)
    except ApiError:
        raise
    except Exception as exc:  # the message may quote the question: log only its type
        log.error("answer failed id=%s error=%s", id or "-", type(exc).__name__)
        message = "Er ging iets mis bij het beantwoorden: probeer het opnieuw of meld het beheer."
        raise ApiError(500, "answer_failed", message) from None
    await run_in_threadpool(state.feedback.count_unanswered, question, answer.verdict)
    return answer


@router.post("/api/ask")
async def ask(body: AskRequest, request: Request) -> dict[str, Any]:
    state = app_state(request)
    question = checked_question(body.question, state.settings.server.max_question_chars)
    answer = await answer_question(state, question, body.history, body.id)
    return answer.model_dump()


@router.post("/api/chat")
async def chat(body: ChatRequest, request: Request) -> EventSourceResponse:
    state = app_state(request)
    question = checked_question(body.question, state.settings.server.max_question_chars)
    conversation_id, turns = state.conversations.open(body.conversation_id)
    answer = await answer_question(state, question, turns, f"{conversation_id[:8]}-{len(turns) + 1}")
    state.conversations.add(
        conversation_id, Turn(question=question, answer_verdict=answer.verdict, facts=answer.facts)
    )
    return EventSourceResponse(stream(answer_events(answer, conversation_id)))
