"""Per-client rate limits, in memory: one token bucket per (kind, client address).

A bucket holds `per_minute` tokens and refills at `per_minute / 60` per second, so a client may use its whole
minute in one burst and then one request every `60 / per_minute` seconds. Over the limit: 429 with
Retry-After. Sized so a team using the web app never meets them (kb/settings.py `rate_limits`)."""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request

from bot.api.errors import ApiError
from kb.settings import RateLimitSettings

KINDS = ("asks", "feedback", "records", "uploads", "admin_failures")
_WHAT = {
    "asks": "vragen", "feedback": "feedbackberichten", "records": "vastleggingen", "uploads": "uploads",
    "admin_failures": "pogingen met een onjuist beheertoken",
}  # fmt: skip


@dataclass
class _Bucket:
    tokens: float
    stamp: float


class RateLimiter:
    """Thread-safe; remembers at most `clients` buckets (the least recently used are forgotten)."""

    def __init__(self, settings: RateLimitSettings, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = {kind: int(getattr(settings, f"{kind}_per_minute")) for kind in KINDS}
        self.max_buckets = settings.clients
        self._clock = clock
        self._buckets: OrderedDict[tuple[str, str], _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, kind: str, client: str) -> float:
        """Use one token: 0.0 when allowed, else the seconds until one is available (nothing used)."""
        with self._lock:
            bucket = self._refilled(kind, client)
            if bucket is None:
                return 0.0
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return 0.0
            return self._wait(kind, bucket)

    def wait_time(self, kind: str, client: str) -> float:
        """The seconds until `client` may try `kind` again (0.0 now), without using a token."""
        with self._lock:
            bucket = self._refilled(kind, client)
            return 0.0 if bucket is None or bucket.tokens >= 1 else self._wait(kind, bucket)

    def _refilled(self, kind: str, client: str) -> _Bucket | None:
        rate = self.per_minute[kind]
        if rate <= 0:
            return None
        now = self._clock()
        key = (kind, client)
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(float(rate), now)
            while len(self._buckets) > self.max_buckets:
                self._buckets.popitem(last=False)
        else:
            bucket.tokens = min(float(rate), bucket.tokens + (now - bucket.stamp) * rate / 60.0)
            bucket.stamp = now
            self._buckets.move_to_end(key)
        return bucket

    def _wait(self, kind: str, bucket: _Bucket) -> float:
        return (1 - bucket.tokens) * 60.0 / self.per_minute[kind]


def client_of(request: Request) -> str:
    """The client's address as the server sees it (a proxy in front makes every client one client)."""
    return request.client.host if request.client else "onbekend"


def too_many(kind: str, per_minute: int, wait: float) -> ApiError:
    seconds = max(1, math.ceil(wait))
    return ApiError(
        429, "rate_limited",
        f"Te veel {_WHAT[kind]}: het maximum is {per_minute} per minuut per client. Probeer het over "
        f"{seconds} s opnieuw.",
        headers={"Retry-After": str(seconds)},
    )  # fmt: skip


def limiter_of(request: Request) -> RateLimiter:
    limiter: RateLimiter = request.app.state.deelwijzer.rate_limiter
    return limiter


def rate_limited(kind: str) -> Callable[[Request], None]:
    """A FastAPI dependency that uses one `kind` token of the calling client, or answers 429."""

    def dependency(request: Request) -> None:
        limiter = limiter_of(request)
        wait = limiter.take(kind, client_of(request))
        if wait:
            raise too_many(kind, limiter.per_minute[kind], wait)

    return dependency
