"""The requests of the stress run (evals/stress.py): the legitimate kinds with their weights, and the abusive
ones, each an async call on one client's state."""

from __future__ import annotations

import json
import random
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

QUESTIONS = (
    "Mag ik als hulpverlener het BSN van een slachtoffer delen met de gemeente?",
    "Mag de politie gegevens over een minderjarige slachtoffer delen met Veilig Thuis?",
    "Mag ik als arts medische gegevens aan de politie geven zonder toestemming?",
    "Mag de jeugdhulp een signaal van mensenhandel delen met de Raad voor de Kinderbescherming?",
    "Mag de gemeente een adres doorgeven aan de politie?",
    "May I share the health data of a victim with CoMensha?",
    "Mag het COA gegevens van een bewoner delen met de IND?",
    "Mag ik als zorgcoördinator een casus bespreken in het Zorg- en Veiligheidshuis?",
)
FOLLOW_UP = "En als het om een minderjarige gaat?"


# --- requests ---------------------------------------------------------------------------------------------

Request = Callable[[httpx.AsyncClient, "ClientState"], Awaitable[httpx.Response]]


@dataclass
class ClientState:
    rng: random.Random
    token: str
    record_token: str = ""
    conversation: str = ""


async def ask(client: httpx.AsyncClient, me: ClientState) -> httpx.Response:
    response = await client.post("/api/ask", json={"question": me.rng.choice(QUESTIONS)})
    if response.status_code == 200:
        me.record_token = response.json()["record_token"]
    return response


async def chat(client: httpx.AsyncClient, me: ClientState) -> httpx.Response:
    question = FOLLOW_UP if me.conversation and me.rng.random() < 0.5 else me.rng.choice(QUESTIONS)
    body = {"conversation_id": me.conversation or None, "question": question}
    response = await client.post("/api/chat", json=body)
    for line in response.text.splitlines():
        if line.startswith("data:") and '"conversation_id"' in line:
            me.conversation = json.loads(line[5:])["conversation_id"]
    return response


async def openai(client: httpx.AsyncClient, me: ClientState) -> httpx.Response:
    messages = [{"role": "user", "content": me.rng.choice(QUESTIONS)}]
    return await client.post("/v1/chat/completions", json={"model": "deelwijzer", "messages": messages})


async def passage(client: httpx.AsyncClient, me: ClientState) -> httpx.Response:
    key = me.rng.choice(("UAVG art. 46 lid 1", "Jeugdwet art. 7.3.11 lid 4", "UAVG art. 22 lid 2"))
    return await client.get(f"/api/passages/{key}")


async def sources(client: httpx.AsyncClient, me: ClientState) -> httpx.Response:
    return await client.get("/api/sources")


async def record(client: httpx.AsyncClient, me: ClientState) -> httpx.Response:
    if not me.record_token:
        return await ask(client, me)
    fmt = "pdf" if me.rng.random() < 0.3 else "md"
    body = {
        "record_token": me.record_token,
        "motivation": "Wettelijke taak; besproken met de FG.",
        "format": fmt,
    }
    return await client.post("/api/records", json=body)


async def feedback(client: httpx.AsyncClient, me: ClientState) -> httpx.Response:
    body = {
        "rating": me.rng.choice(("up", "down")), "reason": "onduidelijk", "verdict": "mag_mits",
        "comment": "Cliënt Jan Jansen (06-12345678) vond het onduidelijk.", "keys": ["UAVG art. 46 lid 1"],
    }  # fmt: skip
    return await client.post("/api/feedback", json=body)


LEGIT: dict[str, tuple[Request, int]] = {
    "ask": (ask, 4), "chat": (chat, 2), "openai": (openai, 1), "passage": (passage, 2),
    "sources": (sources, 1), "record": (record, 1), "feedback": (feedback, 1),
}  # fmt: skip
_HUGE = b'{"rating": "down", "comment": "' + b"a." * 950_000 + b'"}'
_SCRUB_WORST = "a." * 999 + "@"


def _json(path: str, body: Any) -> Request:
    async def send(client: httpx.AsyncClient, me: ClientState) -> httpx.Response:
        return await client.post(path, json=body)

    return send


def _raw(path: str, content: bytes) -> Request:
    async def send(client: httpx.AsyncClient, me: ClientState) -> httpx.Response:
        return await client.post(path, content=content, headers={"Content-Type": "application/json"})

    return send


async def wrong_token(client: httpx.AsyncClient, me: ClientState) -> httpx.Response:
    return await client.get(
        "/api/admin/feedback", headers={"Authorization": f"Bearer {secrets.token_hex(8)}"}
    )


async def unknown_language(client: httpx.AsyncClient, me: ClientState) -> httpx.Response:
    return await client.get("/api/passages/UAVG art. 46 lid 1", params={"language": "zz"})


ABUSE: dict[str, Request] = {
    "body 1.9 MB": _raw("/api/feedback", _HUGE),
    "feedback 1000 keys": _json("/api/feedback", {"rating": "down", "keys": ["AVG art. 6"] * 1000}),
    "feedback crafted text": _json("/api/feedback", {"rating": "down", "comment": _SCRUB_WORST}),
    "history 50x4000": _json(
        "/api/ask", {"question": QUESTIONS[0], "history": [{"question": "x" * 4000}] * 50}
    ),
    "1000 messages": _json(
        "/v1/chat/completions", {"messages": [{"role": "user", "content": "vraag"}] * 1000}
    ),
    "question 100k": _json("/api/ask", {"question": "Mag ik " * 16_000}),
    "lone surrogate": _raw("/api/ask", b'{"question": "Mag ik \\ud800 delen?"}'),
    "forged record": _json("/api/records", {"answer": {"verdict": "mag", "summary": "Ja."}, "format": "md"}),
    "wrong token": wrong_token,
    "language zz": unknown_language,
}
