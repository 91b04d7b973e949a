"""A persistent cache of passage vectors in one SQLite file, keyed by a sha256 of (embedder, kind, text).

Safe for several processes (WAL, busy timeout). A corrupt file is moved aside and recreated: a broken cache
costs re-embedding, never an ingest.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TypeVar

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.float32]
_A = TypeVar("_A")
_R = TypeVar("_R")

BUSY_TIMEOUT_S = 30.0
_CHUNK = 500  # keys per SELECT, well below SQLite's bound-parameter limit
_CORRUPT_CODES = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, dim INTEGER NOT NULL, vector BLOB NOT NULL)"
)


def cache_key(embedder_name: str, kind: str, text: str) -> str:
    """sha256 hex of `embedder_name NUL kind NUL text` (kind: 'passage' or 'query')."""
    return hashlib.sha256(f"{embedder_name}\0{kind}\0{text}".encode()).hexdigest()


def _is_corruption(exc: sqlite3.DatabaseError) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _CORRUPT_CODES
    return type(exc) is sqlite3.DatabaseError  # locks and busy errors are OperationalError


class EmbeddingCache:
    """Vectors by key in `path` (created with its folder if missing). Thread-safe within a process."""

    def __init__(self, path: Path) -> None:
        self.path = path
        #: where a corrupt cache file was moved, if that happened while opening or using this cache
        self.moved_aside: Path | None = None
        self._lock = threading.Lock()
        self._conn = self._open_or_recover()

    def get_many(self, keys: Sequence[str]) -> dict[str, Vector]:
        """The cached vectors among `keys` (missing keys are simply absent)."""
        found: dict[str, Vector] = {}
        for start in range(0, len(keys), _CHUNK):
            found.update(self._guarded(self._select, keys[start : start + _CHUNK]))
        return found

    def put_many(self, items: Iterable[tuple[str, Vector]]) -> None:
        """Store (key, vector) pairs, replacing existing keys."""
        rows = [(key, int(vec.shape[0]), np.asarray(vec, dtype="<f4").tobytes()) for key, vec in items]
        if rows:
            self._guarded(self._insert, rows)

    def __len__(self) -> int:
        return int(self._guarded(self._count, None))

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> EmbeddingCache:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- SQL -------------------------------------------------------------------------------------

    def _select(self, keys: Sequence[str]) -> dict[str, Vector]:
        marks = ",".join("?" * len(keys))
        rows = self._conn.execute(f"SELECT key, dim, vector FROM vectors WHERE key IN ({marks})", list(keys))
        return {
            key: np.frombuffer(blob, dtype="<f4", count=dim).astype(np.float32) for key, dim, blob in rows
        }

    def _insert(self, rows: list[tuple[str, int, bytes]]) -> None:
        with self._conn:
            self._conn.executemany("INSERT OR REPLACE INTO vectors (key, dim, vector) VALUES (?, ?, ?)", rows)

    def _count(self, _: None) -> int:
        return int(self._conn.execute("SELECT COUNT(*) FROM vectors").fetchone()[0])

    # --- opening and recovery --------------------------------------------------------------------

    def _guarded(self, operation: Callable[[_A], _R], argument: _A) -> _R:
        with self._lock:
            try:
                return operation(argument)
            except sqlite3.DatabaseError as exc:
                if not _is_corruption(exc):
                    raise
                self._conn.close()
                self._conn = self._recover()
                return operation(argument)

    def _open_or_recover(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return self._connect()
        except sqlite3.DatabaseError as exc:
            if not _is_corruption(exc):
                raise
            return self._recover()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, check_same_thread=False)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(_SCHEMA)
            conn.execute("SELECT key, dim, vector FROM vectors LIMIT 1").fetchall()
        except sqlite3.DatabaseError:
            conn.close()
            raise
        return conn

    def _recover(self) -> sqlite3.Connection:
        """Move the corrupt file (and its WAL/SHM companions) aside, then start an empty cache."""
        stamp = time.strftime("%Y%m%d-%H%M%S") + f"-{time.time_ns() % 1_000_000_000:09d}"
        self.moved_aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        for suffix in ("", "-wal", "-shm"):
            companion = Path(f"{self.path}{suffix}")
            if companion.exists():
                companion.replace(Path(f"{self.moved_aside}{suffix}"))
        return self._connect()
