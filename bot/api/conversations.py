"""Conversations of the chat, kept IN MEMORY ONLY and bounded in number, age and length, so follow-up
questions ("en als het om een minderjarige gaat?") are read against the earlier turns."""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.answer import Turn


@dataclass
class Conversation:
    id: str
    turns: list[Turn] = field(default_factory=list)
    touched: float = 0.0


class ConversationStore:
    """Least recently used conversations are dropped past `max_conversations`; idle ones after
    `max_age_s`; only the last `max_turns` turns of each are kept, and of those only the newest whose
    questions together stay within `max_chars` (the engine reads every earlier turn on each question)."""

    def __init__(
        self,
        max_conversations: int = 500,
        max_age_s: float = 3600.0,
        max_turns: int = 20,
        max_chars: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_conversations = max_conversations
        self.max_age_s = max_age_s
        self.max_turns = max_turns
        self.max_chars = max_chars
        self._clock = clock
        self._items: OrderedDict[str, Conversation] = OrderedDict()
        self._lock = threading.Lock()

    def open(self, conversation_id: str | None) -> tuple[str, list[Turn]]:
        """The id and earlier turns of a live conversation, or a new id for an unknown/expired one."""
        with self._lock:
            self._expire()
            found = self._items.get(conversation_id or "")
            if found is None:
                found = Conversation(secrets.token_urlsafe(16), touched=self._clock())
                self._items[found.id] = found
                self._trim()
            self._items.move_to_end(found.id)
            return found.id, list(found.turns)

    def add(self, conversation_id: str, turn: Turn) -> None:
        with self._lock:
            found = self._items.get(conversation_id)
            if found is None:
                return
            found.turns = newest_within([*found.turns, turn], self.max_turns, self.max_chars)
            found.touched = self._clock()
            self._items.move_to_end(conversation_id)

    def __len__(self) -> int:
        with self._lock:
            self._expire()
            return len(self._items)

    def _expire(self) -> None:
        limit = self._clock() - self.max_age_s
        for conversation_id in [k for k, c in self._items.items() if c.touched < limit]:
            del self._items[conversation_id]

    def _trim(self) -> None:
        while len(self._items) > self.max_conversations:
            self._items.popitem(last=False)


def newest_within(turns: list[Turn], max_turns: int, max_chars: int) -> list[Turn]:
    """The newest turns, at most `max_turns` of them and at most `max_chars` question characters."""
    kept: list[Turn] = []
    used = 0
    for turn in reversed(turns[-max_turns:] if max_turns else []):
        used += len(turn.question)
        if used > max_chars:
            break
        kept.append(turn)
    return kept[::-1]
