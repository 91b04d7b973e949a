"""Our agreements: an organisation's own working agreements on a cell of the Deelkaart ("altijd via de privacy
officer", "alleen via het Zorg- en Veiligheidshuis"), with author and date. Local guidance: shown below the
law's verdict, never changing it. Added and removed behind the Beheer token; read by everyone who sees
the map.

One SQLite file in the data dir (`agreements.sqlite3`), a short-lived connection per call.
"""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, Field

from bot.inputs import InputError
from bot.local_db import connect

FILE = "agreements.sqlite3"
MAX_TEXT = 500
MAX_AUTHOR = 80
MAX_ROWS = 5_000
_SCHEMA = """
CREATE TABLE IF NOT EXISTS agreements (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,
    author TEXT NOT NULL,
    data TEXT NOT NULL,
    purpose TEXT NOT NULL,
    sender TEXT NOT NULL,
    recipient TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS agreements_map ON agreements (data, purpose);
"""


class AgreementIn(BaseModel):
    """One agreement as sent: the cell (vocabulary ids), the text and who wrote it."""

    data: str
    purpose: str
    sender: str
    recipient: str
    text: str = Field(description=f"The agreement, at most {MAX_TEXT} characters.")
    author: str = Field(description=f"Who made it (name or role), at most {MAX_AUTHOR} characters.")


class Agreement(AgreementIn):
    id: int
    created: str = Field(description="ISO date and time (UTC) it was stored.")
    authority: str = "lokale afspraak — lager dan de wet"


class AgreementError(InputError):
    """An agreement that cannot be stored: the message names the field and the fix."""


def check_agreement(item: AgreementIn, roles: set[str], data: set[str], purposes: set[str]) -> AgreementIn:
    """The agreement with its texts trimmed; AgreementError (422) naming the field otherwise."""
    for field, value, allowed in (
        ("sender", item.sender, roles), ("recipient", item.recipient, roles),
        ("data", item.data, data), ("purpose", item.purpose, purposes),
    ):  # fmt: skip
        if value not in allowed:
            raise AgreementError("invalid", field, f"Veld '{field}' heeft een onbekende waarde {value!r}.")
    text, author = item.text.strip(), item.author.strip()
    for field, value, limit in (("text", text, MAX_TEXT), ("author", author, MAX_AUTHOR)):
        if not value:
            raise AgreementError(
                "invalid", field, f"Veld '{field}' is leeg: vul de afspraak en de auteur in."
            )
        if len(value) > limit:
            raise AgreementError(
                "too_long", field, f"Veld '{field}' is langer dan {limit} tekens; kort het in."
            )
    return item.model_copy(update={"text": text, "author": author})


class AgreementStore:
    def __init__(self, path: Path, max_rows: int = MAX_ROWS) -> None:
        self.path = path
        self.max_rows = max_rows
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(_SCHEMA)

    def _connect(self) -> AbstractContextManager[sqlite3.Connection]:
        return connect(self.path)

    def add(self, item: AgreementIn) -> Agreement:
        """Store a checked agreement (check_agreement); AgreementError when the store is full."""
        created = datetime.now(UTC).isoformat(timespec="seconds")
        with self._connect() as db:
            count = db.execute("SELECT COUNT(*) FROM agreements").fetchone()[0]
            if count >= self.max_rows:
                raise AgreementError(
                    "full",
                    "agreements",
                    f"Er zijn al {count} afspraken opgeslagen; verwijder er eerst een paar.",
                )
            cursor = db.execute(
                "INSERT INTO agreements (created, author, data, purpose, sender, recipient, text)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (created, item.author, item.data, item.purpose, item.sender, item.recipient, item.text),
            )
            row_id = cursor.lastrowid or 0
        return Agreement(id=row_id, created=created, **item.model_dump())

    def for_map(self, data: str, purpose: str) -> list[Agreement]:
        """The agreements on the cells of one map, oldest first."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT * FROM agreements WHERE data = ? AND purpose = ? ORDER BY id", (data, purpose)
            ).fetchall()
        return [_agreement(row) for row in rows]

    def delete(self, agreement_id: int) -> bool:
        with self._connect() as db:
            return db.execute("DELETE FROM agreements WHERE id = ?", (agreement_id,)).rowcount > 0


def _agreement(row: sqlite3.Row) -> Agreement:
    return Agreement(
        id=row["id"], created=row["created"], author=row["author"], data=row["data"], purpose=row["purpose"],
        sender=row["sender"], recipient=row["recipient"], text=row["text"],
    )  # fmt: skip
