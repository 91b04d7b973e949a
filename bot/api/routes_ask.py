"""Asking: `POST /api/ask` (one JSON answer) and `POST /api/chat` (a conversation, streamed as SSE).

The question is personal data: it is never logged or stored. When the tool could not settle it, only the
facts it understood (vocabulary ids, no text) are counted (bot/feedback.py). Every answer comes with a
`record_token` (bot/api/record_tokens.py) from which `/api/records` makes the decision record.

`facts` (both routes) override what was read from the question (bot/fact_inputs.py); a chat conversation
keeps them for its next turns. With sender, recipients, data and purposes given, the question may be empty."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import Field
from sse_starlette import EventSourceResponse

from bot.answer import Turn
from bot.api.deps import answer_question, app_state, checked_facts, checked_question
from bot.api.rate_limits import rate_limited
from bot.api.sse import answer_events, stream
from bot.fact_inputs import FACT_IDS, check_facts
from bot.inputs import ClientModel, check_chars, check_history
from bot.vocabulary import load_vocabulary

router = APIRouter(dependencies=[Depends(rate_limited("asks"))])


FACTS_FIELD = Field(
    None,
    description=(
        f"Facts that override what was read from the question: {', '.join(FACT_IDS)}. "
        "Ids from GET /api/facts; consent given|refused|impossible; age in years; "
        "minor, urgent, outside_eer true|false; "
        "null = 'weet ik niet' (unknown, whatever the question says). An unknown fact or value is a 422."
    ),
    examples=[{"sender": "jeugdhulp", "recipients": ["gemeente"], "consent": "refused", "minor": None}],
)


class AskRequest(ClientModel):
    question: str = Field(description="May be empty when facts give sender, recipients, data and purposes.")
    history: list[Turn] = Field(default_factory=list)
    id: str = ""
    facts: dict[str, Any] | None = FACTS_FIELD


class ChatRequest(ClientModel):
    conversation_id: str | None = None
    question: str = Field(description="May be empty when facts give sender, recipients, data and purposes.")
    facts: dict[str, Any] | None = FACTS_FIELD


@router.post("/api/ask")
async def ask(body: AskRequest, request: Request) -> dict[str, Any]:
    state = app_state(request)
    limits = state.settings.limits
    facts = checked_facts(body.facts)
    question = checked_question(body.question, state.settings.server.max_question_chars, facts=facts)
    check_chars(body.id, "id", limits.id_chars)
    check_history(body.history, limits)
    for index, turn in enumerate(body.history):
        check_facts(turn.given, load_vocabulary(), f"history.{index}.given")
    answer = await answer_question(state, question, body.history, body.id, facts)
    return {**answer.model_dump(), "record_token": state.record_tokens.issue(question, answer)}


@router.post("/api/chat")
async def chat(body: ChatRequest, request: Request) -> EventSourceResponse:
    state = app_state(request)
    facts = checked_facts(body.facts)
    check_chars(body.conversation_id or "", "conversation_id", state.settings.limits.id_chars)
    conversation_id, turns = state.conversations.open(body.conversation_id)
    kept = {name: value for turn in turns for name, value in turn.given.items()}  # set in earlier turns
    max_chars = state.settings.server.max_question_chars
    question = checked_question(body.question, max_chars, facts={**kept, **facts})
    answer_id = f"{conversation_id[:8]}-{len(turns) + 1}"
    answer = await answer_question(state, question, turns, answer_id, facts)
    turn = Turn(question=question, answer_verdict=answer.verdict, facts=answer.facts, given=facts)
    state.conversations.add(conversation_id, turn)
    token = state.record_tokens.issue(question, answer)
    return EventSourceResponse(stream(answer_events(answer, conversation_id, token)))
