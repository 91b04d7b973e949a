"""What the routes share: the app's state, the checked question and facts, and asking the engine.

Routes import these from here, never from each other (the FastAPI full-stack template's `api/deps.py`)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from bot.answer import Answer, FactValue, Turn
from bot.api.errors import ApiError
from bot.api.state import AppState
from bot.fact_inputs import CORE_FACTS, check_facts
from bot.vocabulary import load_vocabulary

log = logging.getLogger(__name__)


def app_state(request: Request) -> AppState:
    """The per-app state (settings, engine backend, stores) that bot/api/app.py `create_app` set up."""
    state: AppState = request.app.state.deelwijzer
    return state


def checked_facts(raw: dict[str, Any] | None) -> dict[str, FactValue]:
    """The `facts` field, checked: a 422 names the field and the allowed values."""
    return check_facts(raw, load_vocabulary()) if raw else {}


def checked_question(
    text: str, max_chars: int, field: str = "question", facts: dict[str, FactValue] | None = None
) -> str:
    question = text.strip()
    if not question and facts and all(facts.get(fact) for fact in CORE_FACTS):
        return ""  # the facts say who shares what with whom for what: no text needed
    if not question:
        raise ApiError(422, "empty_question", f"Veld '{field}' is leeg: typ een vraag.", field)
    if len(question) > max_chars:
        raise ApiError(
            422, "question_too_long",
            f"Veld '{field}' heeft {len(question)} tekens; het maximum is {max_chars}: maak de vraag korter.",
            field,
        )  # fmt: skip
    return question


async def answer_question(
    state: AppState,
    question: str,
    history: Sequence[Turn],
    id: str,
    facts: dict[str, FactValue] | None = None,
) -> Answer:
    """Ask the engine (in a worker thread); count the facts if the answer stayed unsettled."""
    engine = await run_in_threadpool(state.backend.engine)
    given = (facts,) if facts else ()
    try:
        answer = await state.run_heavy(engine.answer, question, list(history), id, *given)
    except ApiError:
        raise
    except Exception as exc:  # the message may quote the question: log only its type
        log.error("answer failed id=%s error=%s", id or "-", type(exc).__name__)
        message = "Er ging iets mis bij het beantwoorden: probeer het opnieuw of meld het beheer."
        raise ApiError(500, "answer_failed", message) from None
    await run_in_threadpool(state.feedback.count_unanswered, answer.facts, answer.verdict)
    return answer
