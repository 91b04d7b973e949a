"""Nothing personal reaches disk without the user acting: unsettled questions are kept as facts only,
feedback is scrubbed in every field, old question texts are wiped, and the database is capped (oldest
first) with a warning in Beheer."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_fakes import ADMIN_TOKEN, ScriptedEngine, app_settings
from fastapi.testclient import TestClient

from bot.api import create_app
from bot.feedback import FeedbackIn, FeedbackStore
from kb.settings import LimitSettings

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
PERSONAL = {
    "name": "Jan Jansen",
    "name with tussenvoegsel": "Fatima el Amrani",
    "birth date": "12-03-1990",
    "V-number": "3012345678",
    "phone": "+31 (0)20 123 4567",
    "address": "Kerkstraat 12a",
}


@pytest.fixture()
def client(tmp_path: Path, scripted_engine: ScriptedEngine) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings(tmp_path / "data"), scripted_engine)) as test_client:
        yield test_client


def stored_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def test_questions_the_tool_could_not_settle_leave_no_text_on_disk(
    client: TestClient, tmp_path: Path
) -> None:
    """Before: the `unanswered` table kept the question text, with names, birth dates and V-numbers."""
    details = ", ".join(PERSONAL.values())
    for question in (
        f"Wanneer is de vergadering met {details}?",
        f"En als het om een minderjarige gaat? {details}",
    ):
        assert client.post("/api/ask", json={"question": question}).status_code == 200
        assert client.post("/api/chat", json={"question": question}).status_code == 200
    patterns = client.get("/api/admin/unanswered", headers=AUTH).json()["patterns"]
    assert {(p["verdict"], p["count"]) for p in patterns} == {("buiten_bereik", 2), ("hangt_af", 2)}
    raw = stored_bytes(tmp_path / "data")
    for kind, value in PERSONAL.items():
        assert value.encode() not in raw, kind
    assert b"vergadering" not in raw and b"minderjarige" not in raw


def test_every_feedback_field_is_scrubbed(client: TestClient, tmp_path: Path) -> None:
    details = ", ".join(PERSONAL.values())
    sent = client.post(
        "/api/feedback",
        json={
            "rating": "down", "reason": "onjuist", "comment": f"Cliënt {details} klopt niet",
            "question": f"Mag ik {details} delen?", "answer_id": "abc-1", "verdict": "mag_mits",
            "keys": ["UAVG art. 46 lid 1"], "kb_build": "20261123T101010Z-abcd1234",
        },
    )  # fmt: skip
    assert sent.status_code == 201
    assert sent.json()["stored_comment"] == (
        "Cliënt [naam], [naam], [datum], [V-nummer], [telefoonnummer], [adres] klopt niet"
    )
    raw = stored_bytes(tmp_path / "data")
    for kind, value in PERSONAL.items():
        assert value.encode() not in raw, kind


def test_question_texts_of_an_earlier_version_are_wiped(tmp_path: Path) -> None:
    path = tmp_path / "feedback.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE unanswered (question TEXT, verdict TEXT, count INTEGER)")
        db.execute("INSERT INTO unanswered VALUES ('mag jan jansen 12-03-1990 mee?', 'hangt_af', 3)")
    store = FeedbackStore(path)
    assert store.top_unanswered() == []
    assert b"jan jansen" not in path.read_bytes()


def test_the_database_is_capped_oldest_first_with_a_warning_in_beheer(
    tmp_path: Path, scripted_engine: ScriptedEngine
) -> None:
    """Before: anonymous feedback grew the database without bound."""
    settings = app_settings(tmp_path / "data").model_copy(update={"limits": LimitSettings(feedback_rows=5)})
    with TestClient(create_app(settings, scripted_engine)) as client:
        assert client.get("/api/admin/storage", headers=AUTH).json()["warning"] == ""
        for number in range(8):
            client.post("/api/feedback", json={"rating": "up", "comment": f"opmerking {number}"})
        listed = client.get("/api/admin/feedback", headers=AUTH).json()
    assert [e["comment"] for e in listed["entries"]] == [f"opmerking {n}" for n in (7, 6, 5, 4, 3)]
    storage = listed["storage"]
    assert (storage["feedback_rows"], storage["feedback_max"], storage["feedback_dropped"]) == (5, 5, 3)
    assert "feedback: 5 van 5 rijen, 3 oudste verwijderd" in storage["warning"]


def test_unanswered_patterns_are_capped_too(tmp_path: Path) -> None:
    from bot.answer import Facts

    store = FeedbackStore(tmp_path / "f.sqlite3", max_unanswered=2)
    for recipient in ("politie", "gemeente", "coa"):
        store.count_unanswered(Facts(recipient=recipient), "hangt_af")
    assert sorted(p.recipient for p in store.top_unanswered()) == ["coa", "gemeente"]
    assert store.status().unanswered_dropped == 1
    assert FeedbackIn(rating="up").comment == ""
