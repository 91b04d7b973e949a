"""What users tell us, in SQLite in the data dir: thumbs up/down with a reason, and counts of the
questions the tool could not settle (hangt_af / buiten_bereik).

Questions are personal data. Everything stored here is scrubbed (bot/scrub.py) and truncated; unanswered
questions are kept only as a count per normalised text, with no time, user or conversation attached.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from bot.scrub import normalise_question, scrub

Rating = Literal["up", "down"]
Reason = Literal["onjuist", "bron_ontbreekt", "onduidelijk", "te_voorzichtig", "te_ruim"]
REASONS: tuple[str, ...] = ("onjuist", "bron_ontbreekt", "onduidelijk", "te_voorzichtig", "te_ruim")
COUNTED_VERDICTS = ("hangt_af", "buiten_bereik")
MAX_QUESTION_CHARS = 500
MAX_COMMENT_CHARS = 2000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,
    rating TEXT NOT NULL,
    reason TEXT,
    comment TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL DEFAULT '',
    answer_id TEXT NOT NULL DEFAULT '',
    verdict TEXT NOT NULL DEFAULT '',
    keys TEXT NOT NULL DEFAULT '',
    kb_build TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS unanswered (
    question TEXT NOT NULL,
    verdict TEXT NOT NULL,
    count INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (question, verdict)
);
"""


class FeedbackIn(BaseModel):
    """What the web app sends. The question is optional and is scrubbed before storage."""

    rating: Rating
    reason: Reason | None = None
    comment: str = Field("", max_length=MAX_COMMENT_CHARS)
    question: str = Field("", description="The question the answer was about (scrubbed, truncated).")
    answer_id: str = Field("", max_length=100)
    verdict: str = Field("", max_length=20)
    keys: list[str] = Field(default_factory=list, max_length=50)
    kb_build: str = Field("", max_length=100)


class FeedbackEntry(FeedbackIn):
    id: int
    created: str


class QuestionCount(BaseModel):
    question: str
    verdict: str
    count: int


class FeedbackStore:
    """One SQLite file; a short-lived connection per call, so any thread may use it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=10)) as db, db:
            db.row_factory = sqlite3.Row
            yield db

    def add(self, item: FeedbackIn) -> FeedbackEntry:
        """Store one piece of feedback, with question and comment scrubbed."""
        clean = _scrubbed(item)
        created = datetime.now(UTC).isoformat(timespec="seconds")
        with self._connect() as db:
            cursor = db.execute(
                "INSERT INTO feedback (created, rating, reason, comment, question, answer_id, verdict, keys,"
                " kb_build) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (created, clean.rating, clean.reason, clean.comment, clean.question, clean.answer_id,
                 clean.verdict, "\n".join(clean.keys), clean.kb_build),
            )  # fmt: skip
            row_id = cursor.lastrowid or 0
        return FeedbackEntry(id=row_id, created=created, **clean.model_dump())

    def entries(
        self,
        rating: str | None = None,
        reason: str | None = None,
        verdict: str | None = None,
        limit: int = 200,
    ) -> list[FeedbackEntry]:
        """Newest first, filtered on whichever of rating, reason and verdict are given."""
        filters = {"rating": rating, "reason": reason, "verdict": verdict}
        where = [f"{column} = ?" for column, value in filters.items() if value]
        sql = "SELECT * FROM feedback" + (" WHERE " + " AND ".join(where) if where else "")
        with self._connect() as db:
            rows = db.execute(sql + " ORDER BY id DESC LIMIT ?", [*(v for v in filters.values() if v), limit])
            return [_entry(row) for row in rows]

    def count_unanswered(self, question: str, verdict: str) -> None:
        """Count a question answered hangt_af / buiten_bereik, by its scrubbed, normalised text only."""
        if verdict not in COUNTED_VERDICTS or not question.strip():
            return
        with self._connect() as db:
            db.execute(
                "INSERT INTO unanswered (question, verdict, count) VALUES (?, ?, 1)"
                " ON CONFLICT (question, verdict) DO UPDATE SET count = count + 1",
                (normalise_question(question), verdict),
            )

    def top_unanswered(self, limit: int = 20) -> list[QuestionCount]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT question, verdict, count FROM unanswered ORDER BY count DESC, question LIMIT ?",
                (limit,),
            )
            return [QuestionCount(**dict(row)) for row in rows]


def _scrubbed(item: FeedbackIn) -> FeedbackIn:
    question = " ".join(scrub(item.question).split())[:MAX_QUESTION_CHARS]
    return item.model_copy(update={"question": question, "comment": scrub(item.comment).strip()})


def _entry(row: sqlite3.Row) -> FeedbackEntry:
    data = dict(row)
    data["keys"] = [key for key in data["keys"].split("\n") if key]
    return FeedbackEntry(**data)
