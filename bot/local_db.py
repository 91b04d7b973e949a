"""The small SQLite stores of the service (feedback, the Deelkaart agreements): one way to open them."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path


@contextmanager
def connect(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection in one transaction (committed on success, rolled back on error, then closed), rows by
    name, and deleted rows overwritten on disk (secure_delete), so removed text does not linger."""
    with closing(sqlite3.connect(path, timeout=10)) as db, db:
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA secure_delete = ON")
        yield db
