"""What users tell us, in SQLite in the data dir: thumbs up/down with a reason, and counts of the fact
patterns the tool could not settle (hangt_af / buiten_bereik).

Questions are personal data. Feedback is stored only when the user sends it, and every field is scrubbed
(bot/scrub.py) and capped. Unsettled questions are NOT stored as text: only the facts the tool understood
(vocabulary ids such as `politie`, `gezondheid`), which of sender / recipient / data / purpose were missing,
the verdict and a count — no text, time, user or conversation. Both tables are capped in rows; past the cap
the oldest rows go first and Beheer shows a warning.
"""

from __future__ import annotations

import re
import sqlite3
from contextlib import AbstractContextManager, closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from bot.answer import Facts
from bot.inputs import ClientModel, InputError, check_chars, check_texts
from bot.local_db import connect
from bot.scrub import scrub
from kb.citations import parse_key
from kb.errors import CitationKeyError
from kb.settings import LimitSettings

Rating = Literal["up", "down"]
Reason = Literal["onjuist", "bron_ontbreekt", "onduidelijk", "te_voorzichtig", "te_ruim"]
REASONS: tuple[str, ...] = ("onjuist", "bron_ontbreekt", "onduidelijk", "te_voorzichtig", "te_ruim")
COUNTED_VERDICTS = ("hangt_af", "buiten_bereik")
VERDICTS = ("mag", "mag_mits", "mag_niet", "hangt_af", "buiten_bereik")
MAX_QUESTION_CHARS = 500
FACT_SLOTS = ("sender", "recipient", "data", "purpose")
_ID = re.compile(r"[a-z0-9_-]{1,40}")
_TOKEN = re.compile(r"[A-Za-z0-9_.:-]*")

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
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    verdict TEXT NOT NULL,
    sender TEXT NOT NULL,
    recipient TEXT NOT NULL,
    data TEXT NOT NULL,
    purpose TEXT NOT NULL,
    minor TEXT NOT NULL,
    outside_eer TEXT NOT NULL,
    language TEXT NOT NULL,
    gaps TEXT NOT NULL,
    count INTEGER NOT NULL DEFAULT 0,
    UNIQUE (verdict, sender, recipient, data, purpose, minor, outside_eer, language)
);
CREATE TABLE IF NOT EXISTS dropped (
    tbl TEXT PRIMARY KEY,
    count INTEGER NOT NULL DEFAULT 0
);
"""


class FeedbackIn(ClientModel):
    """What the web app sends. The question is optional (the user ticks a box) and is scrubbed before storage;
    lengths are checked against settings `limits` by `check_feedback`."""

    rating: Rating
    reason: Reason | None = None
    comment: str = ""
    question: str = Field("", description="The question the answer was about (scrubbed, truncated).")
    answer_id: str = ""
    verdict: Literal["", "mag", "mag_mits", "mag_niet", "hangt_af", "buiten_bereik"] = ""
    keys: list[str] = Field(default_factory=list)
    kb_build: str = ""


class FeedbackEntry(FeedbackIn):
    id: int
    created: str


class FactPattern(BaseModel):
    """One unsettled fact pattern: vocabulary ids only, never text the user typed."""

    verdict: str
    sender: str = ""
    recipient: str = ""
    data: str = ""
    purpose: str = ""
    minor: str = ""
    outside_eer: str = ""
    language: str = ""
    gaps: list[str] = Field(
        default_factory=list, description="Which of sender/recipient/data/purpose were missing."
    )
    count: int = 0


class StorageStatus(BaseModel):
    feedback_rows: int
    feedback_max: int
    feedback_dropped: int
    unanswered_rows: int
    unanswered_max: int
    unanswered_dropped: int
    file_bytes: int
    warning: str = ""


def check_feedback(item: FeedbackIn, limits: LimitSettings) -> None:
    """InputError when a field is over its limit or `keys` holds something that is not a citation key."""
    check_chars(item.comment, "comment", limits.feedback_comment_chars)
    check_chars(item.question, "question", limits.feedback_question_chars)
    for name in ("answer_id", "kb_build"):
        value = check_chars(getattr(item, name), name, limits.id_chars)
        if not _TOKEN.fullmatch(value):
            message = f"Veld '{name}' mag alleen letters, cijfers en . _ : - bevatten."
            raise InputError("invalid", name, message)
    check_texts(item.keys, "keys", limits.feedback_keys, limits.key_chars)
    for index, key in enumerate(item.keys):
        try:
            parse_key(key)
        except CitationKeyError:
            field = f"keys.{index}"
            message = f"Veld '{field}' is geen bronverwijzing zoals 'AVG art. 6 lid 1'."
            raise InputError("invalid", field, message) from None


class FeedbackStore:
    """One SQLite file; a short-lived connection per call, so any thread may use it."""

    def __init__(self, path: Path, max_feedback: int = 10_000, max_unanswered: int = 2_000) -> None:
        self.path = path
        self.max_rows = {"feedback": max_feedback, "unanswered": max_unanswered}
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            old_texts = "question" in {row["name"] for row in db.execute("PRAGMA table_info(unanswered)")}
            if old_texts:  # an earlier version kept question texts here: drop them
                db.execute("DROP TABLE unanswered")
            db.executescript(_SCHEMA)
        if old_texts:
            with closing(sqlite3.connect(self.path, timeout=10)) as db:
                db.execute("VACUUM")  # also wipe the freed pages that held the texts

    def _connect(self) -> AbstractContextManager[sqlite3.Connection]:
        return connect(self.path)

    def add(self, item: FeedbackIn) -> FeedbackEntry:
        """Store one piece of feedback, every field scrubbed; beyond the cap the oldest entry goes."""
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
            self._trim(db, "feedback")
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

    def count_unanswered(self, facts: Facts, verdict: str) -> None:
        """Count an answer that stayed hangt_af / buiten_bereik by its understood facts (ids only)."""
        if verdict not in COUNTED_VERDICTS:
            return
        pattern = fact_pattern(facts, verdict)
        values = pattern.model_dump(exclude={"gaps", "count"})
        columns = ", ".join([*values, "gaps"])
        marks = ", ".join("?" * (len(values) + 1))
        unique = ", ".join(name for name in values)
        with self._connect() as db:
            db.execute(
                f"INSERT INTO unanswered ({columns}, count) VALUES ({marks}, 1)"
                f" ON CONFLICT ({unique}) DO UPDATE SET count = count + 1",
                [*values.values(), ",".join(pattern.gaps)],
            )
            self._trim(db, "unanswered")

    def top_unanswered(self, limit: int = 20) -> list[FactPattern]:
        with self._connect() as db:
            rows = db.execute("SELECT * FROM unanswered ORDER BY count DESC, id LIMIT ?", (limit,))
            return [_pattern(row) for row in rows]

    def status(self) -> StorageStatus:
        """Rows, caps, rows dropped so far, file size, and a warning when a table is (nearly) full."""
        with self._connect() as db:
            rows = {t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in self.max_rows}
            dropped = {t: c for t, c in db.execute("SELECT tbl, count FROM dropped")}
        size = sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*") if p.is_file())
        status = StorageStatus(
            feedback_rows=rows["feedback"], feedback_max=self.max_rows["feedback"],
            feedback_dropped=dropped.get("feedback", 0), unanswered_rows=rows["unanswered"],
            unanswered_max=self.max_rows["unanswered"], unanswered_dropped=dropped.get("unanswered", 0),
            file_bytes=size,
        )  # fmt: skip
        return status.model_copy(update={"warning": _warning(status)})

    def _trim(self, db: sqlite3.Connection, table: str) -> None:
        """Delete the oldest rows of `table` beyond its cap and count them."""
        cursor = db.execute(
            f"DELETE FROM {table} WHERE id <= (SELECT id FROM {table} ORDER BY id DESC LIMIT 1 OFFSET ?)",
            (self.max_rows[table],),
        )
        if cursor.rowcount > 0:
            db.execute(
                "INSERT INTO dropped (tbl, count) VALUES (?, ?)"
                " ON CONFLICT (tbl) DO UPDATE SET count = count + ?",
                (table, cursor.rowcount, cursor.rowcount),
            )


def fact_pattern(facts: Facts, verdict: str) -> FactPattern:
    """The facts as ids; anything that is not a vocabulary id becomes '?', so no typed text is kept."""
    recipients = [part.strip() for part in facts.recipient.split(",") if part.strip()]
    values = {"sender": facts.sender, "recipient": recipients, "data": facts.data, "purpose": facts.purpose}
    gaps = [slot for slot in FACT_SLOTS if not values[slot]]
    return FactPattern(
        verdict=verdict, sender=_id(facts.sender), recipient=",".join(_id(r) for r in recipients),
        data=",".join(sorted({_id(d) for d in facts.data})), purpose=_id(facts.purpose),
        minor=_yes_no(facts.minor), outside_eer=_yes_no(facts.outside_eer), language=_id(facts.language),
        gaps=gaps,
    )  # fmt: skip


def _id(value: str) -> str:
    return value if not value or _ID.fullmatch(value) else "?"


def _yes_no(value: bool | None) -> str:
    return "" if value is None else "ja" if value else "nee"


def _warning(status: StorageStatus) -> str:
    full = [
        f"{name}: {rows} van {cap} rijen, {dropped} oudste verwijderd"
        for name, rows, cap, dropped in (
            ("feedback", status.feedback_rows, status.feedback_max, status.feedback_dropped),
            ("onbesliste vragen", status.unanswered_rows, status.unanswered_max, status.unanswered_dropped),
        )
        if rows >= 0.9 * cap or dropped
    ]
    if not full:
        return ""
    return (
        "De feedbackdatabase is (bijna) vol — " + "; ".join(full) + ". Boven het maximum verdwijnen de "
        "oudste rijen eerst; lees de feedback door of verhoog DEELWIJZER_LIMITS__FEEDBACK_ROWS."
    )


def _scrubbed(item: FeedbackIn) -> FeedbackIn:
    question = " ".join(scrub(item.question).split())[:MAX_QUESTION_CHARS]
    return item.model_copy(
        update={
            "question": question, "comment": scrub(item.comment).strip(), "answer_id": scrub(item.answer_id),
            "keys": [scrub(key) for key in item.keys], "kb_build": scrub(item.kb_build),
        }
    )  # fmt: skip


def _entry(row: sqlite3.Row) -> FeedbackEntry:
    data = dict(row)
    data["keys"] = [key for key in data["keys"].split("\n") if key]
    data["verdict"] = data["verdict"] if data["verdict"] in VERDICTS else ""  # rows of earlier versions
    return FeedbackEntry(**data)


def _pattern(row: sqlite3.Row) -> FactPattern:
    data = dict(row)
    data["gaps"] = [gap for gap in data["gaps"].split(",") if gap]
    data.pop("id")
    return FactPattern(**data)
