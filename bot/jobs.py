"""Background ingest of uploaded covenant / guidance PDFs.

bot never imports ingest: each upload is ingested by the project's own command in a subprocess
(`python -m deelwijzer ingest FILE`), one job at a time, with the same settings as this process.
Progress is what the command prints (stderr and stdout, line by line); success is exit code 0.
The upload waits in a staging folder; the ingest keeps its own copy (<data_dir>/uploads) when it succeeds,
and the staged file is removed either way.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import queue
import re
import secrets
import shutil
import subprocess
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from kb.errors import DeelwijzerError
from kb.settings import Settings

JobStatus = Literal["queued", "running", "done", "failed"]
MAX_LINES = 40
MAX_JOBS = 50
INGEST_NICENESS = 10
MAX_NAME_CHARS = 100  #: longest stored file name; longer names are shortened (with a hash, to stay distinct)
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class UploadError(DeelwijzerError, ValueError):
    """The upload is not something we ingest (wrong type, empty, bad name)."""


class Job(BaseModel):
    id: str
    filename: str
    status: JobStatus = "queued"
    lines: list[str] = Field(default_factory=list, description="The last lines the ingest command printed.")
    exit_code: int | None = None
    created: str
    finished: str = ""


def ingest_command(path: Path) -> list[str]:
    """The product's root command (deelwijzer/main.py); its `ingest` subcommand accepts files."""
    return [sys.executable, "-m", "deelwijzer", "ingest", str(path)]


def settings_env(settings: Settings) -> dict[str, str]:
    """`settings` as DEELWIJZER_* variables, so the subprocess works on the same data dir and models."""
    env: dict[str, str] = {}
    _flatten(settings.model_dump(), "DEELWIJZER_", env)
    return env


def _flatten(values: Mapping[str, Any], prefix: str, env: dict[str, str]) -> None:
    for name, value in values.items():
        if isinstance(value, Mapping):
            _flatten(value, f"{prefix}{name.upper()}__", env)
        elif value is not None and not isinstance(value, list | dict):
            env[f"{prefix}{name.upper()}"] = str(value).lower() if isinstance(value, bool) else str(value)


def safe_pdf_name(filename: str, content: bytes) -> str:
    """A file name safe to write (ASCII, at most MAX_NAME_CHARS), for content that is a PDF; UploadError
    otherwise. A longer name keeps its start and gets a short hash of the whole name."""
    shown = filename if len(filename) <= 80 else filename[:60] + "…"
    base = _SAFE_NAME.sub("-", Path(filename.replace("\\", "/")).name).strip(".-")
    if not base.lower().endswith(".pdf") or base.lower() == "pdf":
        raise UploadError(f"'{shown}' is not a PDF file name: upload a covenant or guidance document (.pdf)")
    if not content.startswith(b"%PDF-"):
        raise UploadError(f"'{shown}' does not start with %PDF-: the file is not a PDF (or is damaged)")
    if len(base) > MAX_NAME_CHARS:
        digest = hashlib.sha256(base.encode()).hexdigest()[:8]
        base = f"{base[: MAX_NAME_CHARS - 13].rstrip('.-')}-{digest}.pdf"
    return base


class IngestJobs:
    """Uploads wait in a queue; one worker thread runs the ingest command for each in turn."""

    def __init__(
        self,
        staging_dir: Path,
        env: Mapping[str, str] | None = None,
        command: Callable[[Path], list[str]] = ingest_command,
        on_success: Callable[[], None] | None = None,
    ) -> None:
        self.staging_dir = staging_dir
        self._env = {**os.environ, **(env or {})}
        self._command = command
        self._on_success = on_success
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._queue: queue.Queue[tuple[str, Path]] = queue.Queue()
        self._worker: threading.Thread | None = None

    def submit(self, filename: str, content: bytes) -> Job:
        """Save the upload and queue its ingest. Raises UploadError for anything that is not a PDF."""
        name = safe_pdf_name(filename, content)
        job = Job(id=secrets.token_hex(8), filename=name, created=_now())
        path = self.staging_dir / job.id / name
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            path.write_bytes(content)
        except OSError as exc:
            shutil.rmtree(path.parent, ignore_errors=True)
            problem = f"'{name}' could not be saved ({exc.strerror}): try a shorter file name"
            raise UploadError(problem) from exc
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > MAX_JOBS:
                self._jobs.popitem(last=False)
        self._queue.put((job.id, path))
        self._ensure_worker()
        return job.model_copy()

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            job = self._jobs.get(job_id)
            return job.model_copy(deep=True) if job else None

    def all(self) -> list[Job]:
        with self._lock:
            return [job.model_copy(deep=True) for job in reversed(self._jobs.values())]

    def _ensure_worker(self) -> None:
        with self._lock:
            if self._worker is None:
                self._worker = threading.Thread(target=self._work, name="deelwijzer-ingest", daemon=True)
                self._worker.start()

    def _work(self) -> None:
        """Runs queued jobs; stops when idle (under the lock, so a job queued meanwhile is never stranded)."""
        while True:
            try:
                job_id, path = self._queue.get(timeout=5)
            except queue.Empty:
                with self._lock:
                    if self._queue.empty():
                        self._worker = None
                        return
                continue
            try:
                self._run(job_id, path)
            except Exception as exc:  # keep the worker alive; the job says what went wrong
                self._append(job_id, f"interne fout: {type(exc).__name__}: {exc}")
                self._update(job_id, status="failed", finished=_now())

    def _run(self, job_id: str, path: Path) -> None:
        self._update(job_id, status="running")
        try:
            code = self._stream(job_id, self._command(path))
        except OSError as exc:
            self._append(job_id, f"kon de ingest niet starten: {exc}")
            code = -1
        finally:
            shutil.rmtree(path.parent, ignore_errors=True)
        self._update(job_id, status="done" if code == 0 else "failed", exit_code=code, finished=_now())
        if code == 0 and self._on_success is not None:
            self._on_success()

    def _stream(self, job_id: str, command: list[str]) -> int:
        with subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=self._env, text=True,
            encoding="utf-8", errors="replace", bufsize=1,
        ) as process:  # fmt: skip
            _lower_priority(process.pid)
            assert process.stdout is not None
            for raw in process.stdout:
                for line in _ANSI.sub("", raw).split("\r"):
                    if line.strip():
                        self._append(job_id, line.strip())
            return process.wait()

    def _append(self, job_id: str, line: str) -> None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None:
                job.lines = [*job.lines, line][-MAX_LINES:]

    def _update(self, job_id: str, **changes: Any) -> None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None:
                for name, value in changes.items():
                    setattr(job, name, value)


def _lower_priority(pid: int) -> None:
    """Run the ingest at a lower CPU priority (nice +10) than the server, so answering and /healthz stay fast
    while an upload is embedded. Set right after the start, before the ingest starts its worker threads
    (which inherit it); a platform without it just runs the ingest at normal priority."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, pid, INGEST_NICENESS)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
