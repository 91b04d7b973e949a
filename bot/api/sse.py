"""The answer as server-sent events: `verdict` first, then `text` chunks of the composed Markdown, then
`citations`, then `done` (conversation id, the whole answer for feedback, and the record token)."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from typing import Any

from sse_starlette import ServerSentEvent

from bot.answer import Answer
from bot.render import render_markdown, verdict_label

CHUNK_CHARS = 80


def chunk_text(text: str, size: int = CHUNK_CHARS) -> list[str]:
    """Pieces of about `size` characters, cut after whitespace; joined they give `text` back exactly."""
    pieces: list[str] = []
    current = ""
    for token in re.findall(r"\S+\s*|\s+", text):
        if current and len(current) + len(token) > size:
            pieces.append(current)
            current = ""
        current += token
    return [*pieces, current] if current else pieces


def answer_events(
    answer: Answer, conversation_id: str, record_token: str = ""
) -> list[tuple[str, dict[str, Any]]]:
    """(event name, data) in the order the client receives them."""
    events: list[tuple[str, dict[str, Any]]] = [
        ("verdict", {"verdict": answer.verdict, "label": verdict_label(answer)})
    ]
    events += [("text", {"text": piece}) for piece in chunk_text(render_markdown(answer))]
    events.append(("citations", {"citations": [c.model_dump() for c in answer.citations]}))
    done = {"conversation_id": conversation_id, "answer": answer.model_dump(), "record_token": record_token}
    events.append(("done", done))
    return events


async def stream(events: list[tuple[str, dict[str, Any]]]) -> AsyncIterator[ServerSentEvent]:
    for name, data in events:
        yield ServerSentEvent(data=json.dumps(data, ensure_ascii=False), event=name)
        await asyncio.sleep(0)
