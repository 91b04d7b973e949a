"""Per-client rate limits: wrong Beheer tokens, feedback, uploads and asks answer 429 with Retry-After past
their limit (small limits here; the defaults are sized so a team never meets them)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_fakes import ADMIN_TOKEN, ScriptedEngine, app_settings
from fastapi.testclient import TestClient

from bot.api import create_app
from bot.api.rate_limits import RateLimiter
from bot.api.state import AppState
from bot.jobs import IngestJobs
from kb.settings import RateLimitSettings

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
LIMITS = RateLimitSettings(
    asks_per_minute=3,
    feedback_per_minute=2,
    records_per_minute=2,
    uploads_per_minute=1,
    admin_failures_per_minute=3,
)


@pytest.fixture()
def client(tmp_path: Path, scripted_engine: ScriptedEngine) -> Iterator[TestClient]:
    settings = app_settings(tmp_path / "data").model_copy(update={"rate_limits": LIMITS})
    app = create_app(settings, scripted_engine)
    state: AppState = app.state.deelwijzer
    state.jobs = IngestJobs(tmp_path / "incoming", command=lambda p: [sys.executable, "-c", "pass"])
    with TestClient(app) as test_client:
        yield test_client


def assert_limited(response: object, per_minute: int, what: str) -> None:
    assert getattr(response, "status_code") == 429  # noqa: B009
    error = getattr(response, "json")()["error"]  # noqa: B009
    assert error["code"] == "rate_limited"
    assert f"het maximum is {per_minute} per minuut" in error["message"] and what in error["message"]
    assert int(getattr(response, "headers")["retry-after"]) >= 1  # noqa: B009


def test_wrong_admin_tokens_are_limited_and_then_every_admin_request_waits(client: TestClient) -> None:
    """Before: 1,000 wrong tokens in one second were all answered."""
    wrong = {"Authorization": "Bearer raden"}
    assert [client.get("/api/admin/jobs", headers=wrong).status_code for _ in range(3)] == [401] * 3
    assert_limited(client.get("/api/admin/jobs", headers=wrong), 3, "onjuist beheertoken")
    assert_limited(client.get("/api/admin/jobs", headers=AUTH), 3, "onjuist beheertoken")


def test_right_admin_tokens_are_not_counted(client: TestClient) -> None:
    assert {client.get("/api/admin/jobs", headers=AUTH).status_code for _ in range(10)} == {200}


def test_feedback_is_limited(client: TestClient) -> None:
    """Before: 300 feedback posts in one second were all stored."""
    assert [client.post("/api/feedback", json={"rating": "up"}).status_code for _ in range(2)] == [201, 201]
    assert_limited(client.post("/api/feedback", json={"rating": "up"}), 2, "feedbackberichten")
    assert len(client.get("/api/admin/feedback", headers=AUTH).json()["entries"]) == 2


def test_asks_are_limited_across_ask_chat_and_openai(client: TestClient) -> None:
    question = "Mag ik het BSN delen?"
    assert client.post("/api/ask", json={"question": question}).status_code == 200
    assert client.post("/api/chat", json={"question": question}).status_code == 200
    messages = {"messages": [{"role": "user", "content": question}]}
    assert client.post("/v1/chat/completions", json=messages).status_code == 200
    assert_limited(client.post("/v1/chat/completions", json=messages), 3, "vragen")
    assert_limited(client.post("/api/ask", json={"question": question}), 3, "vragen")
    assert client.get("/healthz").status_code == 200  # health and passages are not limited


def test_uploads_are_limited(client: TestClient) -> None:
    pdf = b"%PDF-1.4\n% test\n"
    first = client.post("/api/admin/uploads", params={"filename": "a.pdf"}, content=pdf, headers=AUTH)
    assert first.status_code == 202
    again = client.post("/api/admin/uploads", params={"filename": "b.pdf"}, content=pdf, headers=AUTH)
    assert_limited(again, 1, "uploads")


def test_a_bucket_refills_and_clients_are_apart() -> None:
    now = [0.0]
    limiter = RateLimiter(RateLimitSettings(feedback_per_minute=2), clock=lambda: now[0])
    assert [limiter.take("feedback", "a") for _ in range(2)] == [0.0, 0.0]
    assert limiter.take("feedback", "a") == pytest.approx(30.0)
    assert limiter.take("feedback", "b") == 0.0  # another client has its own bucket
    now[0] = 30.0
    assert limiter.take("feedback", "a") == 0.0
    assert limiter.take("feedback", "a") == pytest.approx(30.0)


def test_zero_switches_a_limit_off_and_tracked_clients_are_bounded() -> None:
    limiter = RateLimiter(RateLimitSettings(asks_per_minute=0, feedback_per_minute=1, clients=2))
    assert all(limiter.take("asks", "a") == 0.0 for _ in range(1000))
    for client in ("a", "b", "c"):
        limiter.take("feedback", client)
    assert limiter.take("feedback", "a") == 0.0  # 'a' was forgotten (least recently used), so it starts full
