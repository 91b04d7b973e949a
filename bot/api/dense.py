"""The dense index of a lexical-first build, completed while the server answers.

`deelwijzer ingest --dense-later` puts a build in service without vectors. When the server starts on such a
build it runs the project's own command `python -m deelwijzer ingest --complete-dense` in a subprocess, at a
lower CPU priority (bot never imports ingest; the upload jobs in bot/jobs.py work the same way). The command
swaps the complete build in, and the engine reloads itself on its next answer (bot/api/state.py `Backend`).
Progress is read from the knowledge base (kb/dense_build.py), so /healthz shows it whichever process embeds.
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping
from typing import Any

from kb.builds import current_manifest
from kb.dense_build import dense_status
from kb.settings import Settings

log = logging.getLogger(__name__)
NICENESS = 10


def complete_dense_command() -> list[str]:
    return [sys.executable, "-m", "deelwijzer", "ingest", "--complete-dense"]


class DenseCompletion:
    """Starts (at most one) completion subprocess for the lexical-first build in service."""

    def __init__(
        self, settings: Settings, env: Mapping[str, str] | None = None, command: list[str] | None = None
    ) -> None:
        self.settings = settings
        # idle OpenMP threads sleep instead of spinning: on 2 shared cores a spinning background embedder
        # burnt ~40% more CPU for the same progress, CPU that answering needs
        self._env = {"OMP_WAIT_POLICY": "PASSIVE", **os.environ, **(env or {})}
        self._command = command or complete_dense_command()
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._stopped = False

    def pending(self) -> bool:
        """True when the build in service waits for its vectors."""
        manifest = current_manifest(self.settings.kb_dir)
        return manifest is not None and manifest.dense_index == "pending"

    def start_after(self, warm: Callable[[], object]) -> threading.Thread:
        """In a thread: `warm` (load the engine and answer once, so the first question does not wait for the
        model while the completion takes the CPU), then `start_if_pending`."""
        thread = threading.Thread(
            target=self._warm_then_start, args=(warm,), name="deelwijzer-dense", daemon=True
        )
        thread.start()
        return thread

    def _warm_then_start(self, warm: Callable[[], object]) -> None:
        try:
            warm()
        except Exception as exc:  # the server answers 503 itself; the vectors may still come
            log.warning("engine warm-up failed: %s", type(exc).__name__)
        self.start_if_pending()

    def start_if_pending(self) -> bool:
        """Start the completion when the build in service waits for its vectors; True when it started."""
        if not self.pending():
            return False
        with self._lock:
            if self._stopped or (self._process is not None and self._process.poll() is None):
                return False
            self._process = subprocess.Popen(
                self._command, env=self._env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )  # fmt: skip
            with contextlib.suppress(AttributeError, OSError):
                os.setpriority(os.PRIO_PROCESS, self._process.pid, NICENESS)
        log.info("dense index: completing the build in service in the background")
        return True

    def stop(self) -> None:
        """Stop a running completion (server shutdown): the lexical-first build stays in service, and the
        next start completes it (already embedded passages come from the embedding cache)."""
        with self._lock:
            process, self._process, self._stopped = self._process, None, True
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def dense_health(settings: Settings, manifest: Any) -> dict[str, Any] | None:
    """The `dense_index` part of /healthz: state (ready, waiting, embedding, writing, failed), done/total."""
    status = dense_status(settings.kb_dir, manifest)
    if status is None:
        return None
    return status.model_dump(include={"state", "done", "total", "message"})
