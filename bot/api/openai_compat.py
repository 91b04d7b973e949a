"""OpenAI-compatible endpoints, so any chat client can talk to Deelwijzer: `POST /v1/chat/completions`
(stream and non-stream) and `GET /v1/models` (one model, "deelwijzer").

The last user message is the question; earlier user messages are the history (with the verdict read back
from the assistant reply that followed, when it is one of ours). The reply is the Markdown answer with its
citations as a Markdown list."""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from bot.answer import Turn
from bot.api.conversations import newest_within
from bot.api.deps import answer_question, app_state, checked_question
from bot.api.errors import ApiError
from bot.api.rate_limits import rate_limited
from bot.api.sse import chunk_text
from bot.inputs import ClientModel, check_chars, check_items
from bot.render import render_markdown
from bot.words import LANGUAGES, words
from kb.settings import LimitSettings

MODEL = "deelwijzer"
CREATED = 1_767_225_600  # 2026-01-01, the model's "created" stamp
router = APIRouter(prefix="/v1")
_HEADINGS = "|".join(re.escape(words("rendering", language)["verdict"]) for language in LANGUAGES)
_VERDICT_LINE = re.compile(rf"^\*\*(?:{_HEADINGS}): (?P<label>.+?)\*\*", re.MULTILINE)
_BY_LABEL = {label: key for language in LANGUAGES for key, label in words("verdicts", language).items()}


class ChatMessage(BaseModel):
    role: str
    content: str | list[dict[str, Any]] | None = None


class CompletionRequest(ClientModel):
    model: str = MODEL
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False


@router.get("/models")
async def models() -> dict[str, Any]:
    model = {"id": MODEL, "object": "model", "created": CREATED, "owned_by": "deelwijzer"}
    return {"object": "list", "data": [model]}


@router.post("/chat/completions", response_model=None, dependencies=[Depends(rate_limited("asks"))])
async def completions(body: CompletionRequest, request: Request) -> dict[str, Any] | StreamingResponse:
    state = app_state(request)
    limits = state.settings.limits
    check_messages(body.messages, limits)
    question, history = question_and_history(body.messages)
    question = checked_question(question, state.settings.server.max_question_chars, "messages")
    history = newest_within(history, limits.history_turns, limits.history_chars)
    completion_id = "chatcmpl-" + secrets.token_hex(12)
    answer = await answer_question(state, question, history, completion_id)
    content = render_markdown(answer)
    if body.stream:
        return StreamingResponse(_chunks(completion_id, content), media_type="text/event-stream")
    return {
        "id": completion_id, "object": "chat.completion", "created": int(time.time()), "model": MODEL,
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }  # fmt: skip


def check_messages(messages: list[ChatMessage], limits: LimitSettings) -> None:
    """At most `limits.messages` messages; user messages (questions) at most `turn_chars` characters, other
    messages (our own earlier replies, a system prompt) at most `message_chars`."""
    check_items(messages, "messages", limits.messages)
    for index, message in enumerate(messages):
        where = f"messages.{index}"
        check_chars(message.role, f"{where}.role", limits.id_chars)
        if isinstance(message.content, list):
            check_items(message.content, f"{where}.content", limits.messages)
        cap = limits.turn_chars if message.role == "user" else limits.message_chars
        check_chars(message_text(message), f"{where}.content", cap)


def question_and_history(messages: list[ChatMessage]) -> tuple[str, list[Turn]]:
    """The last user message, and the earlier user messages as turns."""
    turns: list[Turn] = []
    for message in messages:
        if message.role == "user":
            turns.append(Turn(question=message_text(message), facts=None))
        elif message.role == "assistant" and turns and not turns[-1].answer_verdict:
            turns[-1].answer_verdict = _verdict_of(message_text(message))
    if not turns:
        problem = "Geen bericht met role 'user' in 'messages': stel een vraag."
        raise ApiError(422, "no_question", problem, "messages")
    return turns[-1].question, turns[:-1]


def message_text(message: ChatMessage) -> str:
    if isinstance(message.content, list):
        parts = (part.get("text", "") for part in message.content if part.get("type") == "text")
        return " ".join(part if isinstance(part, str) else "" for part in parts)
    return message.content or ""


def _verdict_of(reply: str) -> str:
    match = _VERDICT_LINE.search(reply)
    return _BY_LABEL.get(match.group("label"), "") if match else ""


async def _chunks(completion_id: str, content: str) -> AsyncIterator[str]:
    created = int(time.time())
    deltas = [{"role": "assistant", "content": ""}, *({"content": piece} for piece in chunk_text(content))]
    for delta in deltas:
        yield _sse(completion_id, created, delta, None)
    yield _sse(completion_id, created, {}, "stop")
    yield "data: [DONE]\n\n"


def _sse(completion_id: str, created: int, delta: dict[str, str], finish: str | None) -> str:
    chunk = {
        "id": completion_id, "object": "chat.completion.chunk", "created": created, "model": MODEL,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }  # fmt: skip
    return f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n"
