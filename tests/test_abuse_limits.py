"""Caps on every input a client controls, and invalid input refused with 422 instead of a 500: history
turns and their length, OpenAI messages, feedback fields and keys, record motivation, lone surrogates,
unknown languages. The engine is scripted (a named boundary); the knowledge base is a real corpus slice."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api_fakes import ScriptedEngine, app_settings
from fastapi.testclient import TestClient

from bot.answer import Turn
from bot.api import create_app
from bot.api.conversations import ConversationStore
from kb.settings import LimitSettings

QUESTION = "Mag ik het BSN delen met de gemeente?"


@pytest.fixture()
def client(tmp_path: Path, scripted_engine: ScriptedEngine) -> Iterator[TestClient]:
    settings = app_settings(tmp_path / "data").model_copy(
        update={"limits": LimitSettings(history_turns=3, turn_chars=100, history_chars=250, messages=6)}
    )
    with TestClient(create_app(settings, scripted_engine)) as test_client:
        yield test_client


def error_of(response: Any) -> dict[str, str]:
    error: dict[str, str] = response.json()["error"]
    return error


# --- history and messages: bounded work per request ---


@pytest.mark.parametrize(
    ("history", "field", "limit"),
    [
        ([{"question": "vraag"}] * 4, "history", "het maximum is 3"),
        ([{"question": "x" * 101}], "history.0.question", "het maximum is 100"),
        ([{"question": "x" * 90}] * 3, "history", "het maximum is 250"),
        ([{"question": "v", "facts": {"data": ["d"] * 21}}], "history.0.facts.data", "het maximum is 20"),
    ],
)
def test_history_over_a_limit_is_refused_naming_it(
    client: TestClient, scripted_engine: ScriptedEngine, history: list[dict[str, Any]], field: str, limit: str
) -> None:
    """Before: 50 turns of 4,000 characters took 21 s, 50 x 30k never returned."""
    response = client.post("/api/ask", json={"question": QUESTION, "history": history})
    assert response.status_code == 422
    error = error_of(response)
    assert error["field"] == field and limit in error["message"] and f"'{field}'" in error["message"]
    assert scripted_engine.calls == []


def test_history_within_the_limits_is_answered(client: TestClient, scripted_engine: ScriptedEngine) -> None:
    history = [{"question": "x" * 80}] * 3
    assert client.post("/api/ask", json={"question": QUESTION, "history": history}).status_code == 200
    assert len(scripted_engine.calls[-1][1]) == 3


def test_chat_keeps_only_the_newest_turns_within_the_character_budget() -> None:
    store = ConversationStore(max_turns=10, max_chars=25)
    conversation, _ = store.open(None)
    for text in ("a" * 10, "b" * 10, "c" * 10, "d" * 10):
        store.add(conversation, Turn(question=text))
    assert [turn.question for turn in store.open(conversation)[1]] == ["c" * 10, "d" * 10]


def test_openai_messages_are_capped(client: TestClient, scripted_engine: ScriptedEngine) -> None:
    """Before: 1,000 messages took minutes."""
    many = [{"role": "user", "content": "vraag"}] * 7
    response = client.post("/v1/chat/completions", json={"messages": many})
    assert response.status_code == 422
    assert error_of(response)["field"] == "messages" and "het maximum is 6" in error_of(response)["message"]
    long = [{"role": "user", "content": "x" * 101}, {"role": "user", "content": QUESTION}]
    response = client.post("/v1/chat/completions", json={"messages": long})
    assert error_of(response)["field"] == "messages.0.content"
    assert scripted_engine.calls == []


def test_openai_history_is_trimmed_to_the_newest_turns(
    client: TestClient, scripted_engine: ScriptedEngine
) -> None:
    messages = [{"role": "user", "content": f"vraag {n}"} for n in range(5)] + [
        {"role": "user", "content": QUESTION}
    ]
    assert client.post("/v1/chat/completions", json={"messages": messages}).status_code == 200
    assert [turn.question for turn in scripted_engine.calls[-1][1]] == ["vraag 2", "vraag 3", "vraag 4"]


# --- feedback and records: capped, and no free text where an id belongs ---


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"comment": "x" * 2001}, "comment"),
        ({"question": "x" * 2001}, "question"),
        ({"keys": ["AVG art. 6"] * 31}, "keys"),
        ({"keys": ["AVG art. " + "6" * 200]}, "keys.0"),
        ({"keys": ["Jan Jansen woont op de Kerkstraat 12"]}, "keys.0"),
        ({"answer_id": "Jan Jansen 0612345678"}, "answer_id"),
        ({"kb_build": "x" * 101}, "kb_build"),
    ],
)
def test_feedback_over_a_limit_or_with_free_text_in_an_id_is_refused(
    client: TestClient, tmp_path: Path, extra: dict[str, Any], field: str
) -> None:
    """Before: `keys` had no per-item limit (one request grew the database by 2 MB) and ids took any text."""
    response = client.post("/api/feedback", json={"rating": "down", **extra})
    assert response.status_code == 422
    assert error_of(response)["field"] == field and f"'{field}'" in error_of(response)["message"]
    assert (
        client.get("/api/admin/feedback", headers={"Authorization": "Bearer beheer-token-0123456789"}).json()[
            "entries"
        ]
        == []
    )


def test_record_motivation_is_capped(client: TestClient) -> None:
    token = client.post("/api/ask", json={"question": QUESTION}).json()["record_token"]
    response = client.post(
        "/api/records", json={"record_token": token, "motivation": "x" * 10_001, "format": "md"}
    )
    assert response.status_code == 422
    assert (
        error_of(response)["field"] == "motivation"
        and "het maximum is 10000" in error_of(response)["message"]
    )


# --- invalid input is 422, not 500 ---

SURROGATE_BODIES = {
    "/api/ask": '{"question": "Mag ik \\ud800 delen?"}',
    "/api/chat": '{"question": "Mag ik \\ud800 delen?"}',
    "/v1/chat/completions": '{"messages": [{"role": "user", "content": "Mag ik \\ud800 delen?"}]}',
    "/api/feedback": '{"rating": "down", "question": "Mag ik \\ud800 delen?"}',
}


@pytest.mark.parametrize("path", list(SURROGATE_BODIES))
def test_a_lone_surrogate_is_refused_with_422(client: TestClient, path: str) -> None:
    """Before: '\\ud800' was let in (500 once it reached SQLite or the engine); now 422 naming the field."""
    response = client.post(path, content=SURROGATE_BODIES[path], headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "invalid_unicode" and error["field"] in ("question", "messages.0.content")
    assert "Unicode" in error["message"]


def test_an_unknown_language_is_refused(client: TestClient) -> None:
    """Before: language=zz silently gave the Dutch or English text."""
    response = client.get("/api/passages/UAVG art. 46 lid 1", params={"language": "zz"})
    assert response.status_code == 422
    assert error_of(response)["field"] == "language" and "'nl' or 'en'" in error_of(response)["message"]
    assert client.get("/api/passages/UAVG art. 46 lid 1", params={"language": "nl"}).status_code == 200


def test_openapi_lives_where_the_readme_says(client: TestClient) -> None:
    """Before: the README pointed at /docs, which the app does not serve (it would load from a CDN)."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert "/api/openapi.json" in readme and "(OpenAPI at /docs)" not in readme
    schema = client.get("/api/openapi.json").json()
    assert "/api/ask" in schema["paths"] and "/api/records" in schema["paths"]


def test_the_largest_history_the_limits_allow_is_read_once_per_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    """Understanding is linear in the turns (each read once, merged in one pass); the caps bound the
    characters, so the worst request the default limits let through stays a bounded amount of work."""
    import time

    from bot.api.conversations import newest_within
    from bot.assessment import Assessor
    from bot.understanding import conversation

    limits = LimitSettings()
    turn = ("Mag ik als hulpverlener gegevens van een slachtoffer delen met de politie? " * 40)[
        : limits.turn_chars
    ]
    history = newest_within([Turn(question=turn)] * 50, limits.history_turns, limits.history_chars)
    assert len(history) == limits.history_chars // limits.turn_chars
    reads = []
    real_read = conversation.read_question

    def counted(question: str, vocabulary: Any = None) -> Any:
        reads.append(len(question))
        return real_read(question, vocabulary)

    monkeypatch.setattr(conversation, "read_question", counted)
    started = time.thread_time()
    Assessor().assess("En als het om een minderjarige gaat?", history)
    assert len(reads) == len(history) + 1
    assert time.thread_time() - started < 10, "the largest allowed history took too long"
