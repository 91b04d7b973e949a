"""The OpenAI-compatible endpoints, driven by the real `openai` client against a live uvicorn server on
127.0.0.1. The engine is scripted (these tests are about the protocol); the knowledge base is real."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest
from api_fakes import BSN, LiveServer, ScriptedEngine, app_settings

from bot.api import create_app

pytestmark = pytest.mark.server


@pytest.fixture()
def server(tmp_path: Path, scripted_engine: ScriptedEngine) -> Iterator[LiveServer]:
    with LiveServer(create_app(app_settings(tmp_path / "data"), scripted_engine)) as live:
        yield live


@pytest.fixture()
def client(server: LiveServer) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server.url}/v1", api_key="niet-nodig", max_retries=0, timeout=20)


def test_models_lists_deelwijzer(client: openai.OpenAI) -> None:
    assert [model.id for model in client.models.list()] == ["deelwijzer"]


def test_completion_is_the_markdown_answer_with_citations(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(
        model="deelwijzer", messages=[{"role": "user", "content": "Mag ik het BSN delen met de gemeente?"}]
    )
    assert completion.model == "deelwijzer"
    choice = completion.choices[0]
    assert choice.finish_reason == "stop" and choice.message.role == "assistant"
    content = choice.message.content or ""
    assert content.startswith("**Oordeel: Ja, mits** — Ja, mits een wet")
    assert "- [ ] Een wet schrijft het BSN voor." in content
    sources = content.split("### Bronnen\n", 1)[1]
    assert sources.startswith("- **UAVG art. 46 lid 1** (versie 2026-09-01")


def test_streamed_completion_adds_up_to_the_same_content(client: openai.OpenAI) -> None:
    messages = [{"role": "user", "content": "Mag ik het BSN delen met de gemeente?"}]
    whole = client.chat.completions.create(model="deelwijzer", messages=messages).choices[0].message.content
    stream = client.chat.completions.create(model="deelwijzer", messages=messages, stream=True)
    chunks = list(stream)
    assert len(chunks) > 3
    assert chunks[0].choices[0].delta.role == "assistant"
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert "".join(chunk.choices[0].delta.content or "" for chunk in chunks) == whole


def test_earlier_user_messages_are_history(client: openai.OpenAI, scripted_engine: ScriptedEngine) -> None:
    first = "Mag ik het BSN delen met de gemeente?"
    reply = client.chat.completions.create(model="deelwijzer", messages=[{"role": "user", "content": first}])
    client.chat.completions.create(
        model="deelwijzer",
        messages=[
            {"role": "system", "content": "Je bent behulpzaam."},
            {"role": "user", "content": first},
            {"role": "assistant", "content": reply.choices[0].message.content or ""},
            {"role": "user", "content": [{"type": "text", "text": "En als het om een minderjarige gaat?"}]},
        ],
    )
    question, history, answer_id = scripted_engine.calls[-1]
    assert question == "En als het om een minderjarige gaat?"
    assert [(turn.question, turn.answer_verdict) for turn in history] == [(first, "mag_mits")]
    assert answer_id.startswith("chatcmpl-")


def test_errors_reach_the_client_as_openai_errors(client: openai.OpenAI) -> None:
    with pytest.raises(openai.UnprocessableEntityError, match="Geen bericht met role 'user'"):
        client.chat.completions.create(model="deelwijzer", messages=[{"role": "system", "content": "Hallo"}])
    with pytest.raises(openai.UnprocessableEntityError, match="is leeg"):
        client.chat.completions.create(model="deelwijzer", messages=[{"role": "user", "content": "  "}])


def test_access_log_never_holds_the_question(server: LiveServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    question = f"Mag ik BSN {BSN} delen met de gemeente?"
    with httpx.Client(base_url=server.url, timeout=20) as http:
        assert http.post("/api/ask", json={"question": question}).status_code == 200
        assert http.post("/api/chat", json={"question": question}).status_code == 200
        body = {"model": "deelwijzer", "messages": [{"role": "user", "content": question}]}
        assert http.post("/v1/chat/completions", json=body).status_code == 200
    access = [r.getMessage() for r in caplog.records if r.name == "uvicorn.access"]
    assert any('"POST /api/chat HTTP/1.1" 200' in line for line in access), access
    assert any('"POST /v1/chat/completions HTTP/1.1" 200' in line for line in access)
    assert BSN not in caplog.text
