"""Decision records can only be made from an answer the server produced: a forged verdict, a made-up quote,
a token of another server or an expired one is refused; the motivation is marked as the user's."""

from __future__ import annotations

import base64
import json
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api_fakes import ScriptedEngine, app_settings
from fastapi.testclient import TestClient

from bot.answer import Answer
from bot.api import create_app
from bot.api.record_tokens import RecordTokenError, RecordTokens
from kb.settings import ServerSettings

QUESTION = "Mag ik het BSN delen met de gemeente?"
MADE_UP = {
    "key": "AVG art. 6 lid 1 sub a",
    "quote": "Iedereen mag alles delen.",
    "source_version": "2016-04-27",
}


@pytest.fixture()
def client(tmp_path: Path, scripted_engine: ScriptedEngine) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings(tmp_path / "data"), scripted_engine)) as test_client:
        yield test_client


def asked(client: TestClient) -> dict[str, Any]:
    body: dict[str, Any] = client.post("/api/ask", json={"question": QUESTION}).json()
    return body


def forged(token: str, change: dict[str, Any]) -> str:
    """The token with its answer changed and the signature kept (what an attacker can do)."""
    body, _, mac = token.partition(".")
    payload = json.loads(zlib.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))))
    payload["a"].update(change)
    raw = base64.urlsafe_b64encode(zlib.compress(json.dumps(payload).encode())).rstrip(b"=").decode()
    return f"{raw}.{mac}"


def record(client: TestClient, **body: Any) -> Any:
    return client.post("/api/records", json={"format": "md", **body})


def test_a_record_holds_the_servers_answer_and_marks_the_motivation(client: TestClient) -> None:
    answer = asked(client)
    response = record(client, record_token=answer["record_token"], motivation="Wettelijke taak; Jan Jansen.")
    assert response.status_code == 200
    text = response.text
    assert "Ja, mits — Ja, mits een wet het gebruik van het BSN voorschrijft" in text
    assert f"## Vraag\n\n{QUESTION}" in text
    assert (
        "_Door de professional zelf ingevuld; niet door Deelwijzer gecontroleerd._\n\n"
        "Wettelijke taak; [naam]." in text
    )


def test_an_answer_sent_by_the_client_is_not_rendered(client: TestClient) -> None:
    """Before: /api/records rendered whatever answer the client sent (a forged 'Ja' with a made-up quote)."""
    answer = asked(client)
    made_up = {**answer, "verdict": "mag", "summary": "Ja, alles mag."}
    made_up["citations"][0]["quote"] = "Iedereen mag alles delen."
    response = record(client, answer=made_up, question=QUESTION)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "record_token"


@pytest.mark.parametrize(
    "change",
    [
        {"verdict": "mag", "summary": "Ja, alles mag."},
        {"citations": [MADE_UP]},
    ],
)  # fmt: skip
def test_a_forged_verdict_or_quote_is_refused(client: TestClient, change: dict[str, Any]) -> None:
    token = forged(asked(client)["record_token"], change)
    response = record(client, record_token=token)
    assert response.status_code == 422
    error = response.json()["error"]
    assert (
        error["code"] == "invalid_record_token"
        and "gewijzigd of komt niet van deze server" in error["message"]
    )


def test_a_token_of_another_server_is_refused(
    client: TestClient, tmp_path: Path, scripted_engine: ScriptedEngine
) -> None:
    other = app_settings(tmp_path / "other").model_copy(update={"server": ServerSettings(record_key="ander")})
    with TestClient(create_app(other, scripted_engine)) as other_client:
        token = asked(other_client)["record_token"]
    assert record(client, record_token=token).status_code == 422
    assert record(client, record_token="geen.token").status_code == 422
    assert record(client, record_token="ñ.ñ").status_code == 422


def test_servers_sharing_a_record_key_accept_each_others_tokens(
    tmp_path: Path, scripted_engine: ScriptedEngine
) -> None:
    settings = app_settings(tmp_path / "a").model_copy(
        update={"server": ServerSettings(record_key="gedeeld")}
    )
    with TestClient(create_app(settings, scripted_engine)) as first:
        token = asked(first)["record_token"]
    with TestClient(create_app(settings, scripted_engine)) as second:
        assert record(second, record_token=token).status_code == 200


def test_a_token_expires() -> None:
    now = [1_000_000.0]
    tokens = RecordTokens("sleutel", max_age_s=3600, clock=lambda: now[0])
    token = tokens.issue(QUESTION, Answer(verdict="hangt_af", summary="Dat hangt af."))
    assert tokens.open(token).answer.verdict == "hangt_af"
    now[0] += 3601
    with pytest.raises(RecordTokenError, match="ouder dan 1 uur"):
        tokens.open(token)


def test_the_chat_gives_a_record_token_too(client: TestClient) -> None:
    from test_api import sse

    events = sse(client.post("/api/chat", json={"question": QUESTION}).text)
    token = events[-1][1]["record_token"]
    assert record(client, record_token=token).status_code == 200
