"""Checks on what a client sends, before any work is done on it: valid Unicode, and every text and list
within its cap (kb/settings.py `limits`). Each error names the field, what was sent and the limit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, model_validator
from pydantic_core import PydanticCustomError

from bot.answer import Turn
from kb.errors import DeelwijzerError
from kb.settings import LimitSettings


class InputError(DeelwijzerError, ValueError):
    """A client input is over a limit or not valid text. `field` is the dotted path, e.g. 'history.3'."""

    def __init__(self, code: str, field: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.field = field
        self.message = message


def check_chars(text: str, field: str, limit: int) -> str:
    """`text` when it has at most `limit` characters; InputError otherwise."""
    if len(text) > limit:
        raise InputError(
            "too_long", field,
            f"Veld '{field}' heeft {len(text)} tekens; het maximum is {limit}: maak het korter.",
        )  # fmt: skip
    return text


def check_items(items: Sequence[Any], field: str, limit: int) -> None:
    """InputError when the list `field` holds more than `limit` items."""
    if len(items) > limit:
        raise InputError(
            "too_many", field,
            f"Veld '{field}' heeft {len(items)} items; het maximum is {limit}: stuur er minder.",
        )  # fmt: skip


def check_texts(items: Sequence[str], field: str, max_items: int, max_chars: int) -> None:
    """A list of texts: at most `max_items` items of at most `max_chars` characters each."""
    check_items(items, field, max_items)
    for index, item in enumerate(items):
        check_chars(item, f"{field}.{index}", max_chars)


def unicode_problem(value: object, path: str = "") -> str:
    """The dotted path of the first string in `value` (nested dicts and lists) that is not valid Unicode
    (a lone surrogate such as '\\ud800', which JSON allows but UTF-8 cannot store); '' when all are valid."""
    stack: list[tuple[str, object]] = [(path, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            if not _encodable(item):
                return where or "body"
        elif isinstance(item, Mapping):
            stack += [(_join(where, str(k)), v) for k, v in item.items()]
            stack += [(_join(where, str(k)), k) for k in item if isinstance(k, str)]
        elif isinstance(item, list | tuple):
            stack += [(_join(where, str(i)), v) for i, v in enumerate(item)]
    return ""


def invalid_unicode(field: str) -> InputError:
    return InputError(
        "invalid_unicode", field,
        f"Veld '{field}' bevat ongeldige Unicode (een losse surrogaat zoals \\ud800): "
        "stuur geldige UTF-8-tekst.",
    )  # fmt: skip


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _join(path: str, part: str) -> str:
    return f"{path}.{part}" if path else part


class ClientModel(BaseModel):
    """Base of every request body: strings anywhere in it must be valid Unicode (422 names the field)."""

    @model_validator(mode="before")
    @classmethod
    def _valid_unicode(cls, data: Any) -> Any:
        field = unicode_problem(data)
        if field:
            raise PydanticCustomError("invalid_unicode", invalid_unicode(field).message, {"field": field})
        return data


def check_history(turns: Sequence[Turn], limits: LimitSettings, field: str = "history") -> None:
    """Earlier turns a client sends: count, characters per turn and of all turns together, facts."""
    check_items(turns, field, limits.history_turns)
    for index, turn in enumerate(turns):
        where = f"{field}.{index}"
        check_chars(turn.question, f"{where}.question", limits.turn_chars)
        check_chars(turn.answer_verdict, f"{where}.answer_verdict", limits.id_chars)
        if turn.facts is not None:
            for name in ("sender", "recipient", "purpose", "language"):
                check_chars(getattr(turn.facts, name), f"{where}.facts.{name}", limits.turn_chars)
            check_texts(turn.facts.data, f"{where}.facts.data", limits.fact_items, limits.key_chars)
    total = sum(len(turn.question) for turn in turns)
    if total > limits.history_chars:
        raise InputError(
            "too_long", field,
            f"Veld '{field}' heeft samen {total} tekens; het maximum is {limits.history_chars}: stuur minder "
            "of kortere eerdere beurten.",
        )  # fmt: skip
