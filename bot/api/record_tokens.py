"""Record tokens: a decision record is made only from an answer this server produced.

Every answer the API gives comes with a token: the question and the answer as the server produced them,
compressed and signed (HMAC-SHA256) with a key only the server knows (`server.record_key`, or a random key
per process). `/api/records` renders what the token holds, never what the client says the answer was; a
changed verdict, an invented quote or a token of another server is refused. Nothing is stored."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import ValidationError

from bot.answer import Answer
from kb.errors import DeelwijzerError

MAX_PAYLOAD_BYTES = 2_000_000


class RecordTokenError(DeelwijzerError, ValueError):
    """The token is not one this server issued (changed, foreign, damaged) or it expired."""


@dataclass(frozen=True)
class Signed:
    question: str
    answer: Answer


class RecordTokens:
    def __init__(
        self, key: str = "", max_age_s: float = 86_400, clock: Callable[[], float] = time.time
    ) -> None:
        self._key = key.encode("utf-8") if key else secrets.token_bytes(32)
        self.max_age_s = max_age_s
        self._clock = clock

    def issue(self, question: str, answer: Answer) -> str:
        payload = {"q": question, "a": answer.model_dump(mode="json"), "t": int(self._clock())}
        raw = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        body = _b64(zlib.compress(raw, 6))
        return f"{body}.{_b64(self._mac(body))}"

    def open(self, token: str) -> Signed:
        """The question and answer the token was issued for; RecordTokenError when it is not valid."""
        body, _, mac = token.partition(".")
        if not body or not token.isascii() or not hmac.compare_digest(_unb64(mac), self._mac(body)):
            raise RecordTokenError("het antwoord is gewijzigd of komt niet van deze server")
        payload = json.loads(_inflate(_unb64(body)))
        if self._clock() - float(payload["t"]) > self.max_age_s:
            raise RecordTokenError(f"het antwoord is ouder dan {int(self.max_age_s // 3600)} uur")
        try:
            return Signed(question=str(payload["q"]), answer=Answer.model_validate(payload["a"]))
        except (KeyError, ValidationError) as exc:  # only a changed server version gets here
            raise RecordTokenError("het antwoord heeft een onbekende vorm") from exc

    def _mac(self, body: str) -> bytes:
        return hmac.new(self._key, body.encode("ascii"), hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return b""


def _inflate(data: bytes) -> bytes:
    inflater = zlib.decompressobj()
    raw = inflater.decompress(data, MAX_PAYLOAD_BYTES)
    if inflater.unconsumed_tail:
        raise RecordTokenError("het antwoord is te groot")
    return raw
