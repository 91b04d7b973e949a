"""The second half of a lexical-first build: embed its passages and put a complete build in service.

`deelwijzer ingest --dense-later` puts a build in service with passages, BM25 and rules but no vectors
(manifest `dense_index` 'pending'), so the first question is answered within seconds. `complete_dense`
then writes a new build beside it — the same passages.jsonl and BM25 index, plus the vectors — and swaps it
in like any build (kb/builds.py): a crash mid-way leaves the lexical-first build answering, and the next
run starts again (vectors already embedded come from the embedding cache).

Progress goes to kb/dense-progress.json (rewritten atomically), which /healthz reads in another process.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from kb.builds import (
    BM25_DIR,
    BUILDS_DIR,
    MANIFEST_FILE,
    PASSAGES_FILE,
    TMP_PREFIX,
    build_lock,
    build_path,
    current_manifest,
    embed_passages,
    indexed_passages,
    new_build_id,
    prune,
    remove_leftovers,
    swap_current,
    write_durable,
    write_vectors,
)
from kb.embedding import Embedder
from kb.knowledge_base import BuildManifest
from kb.local_kb import check_embedder, load_passages
from kb.settings import Settings

PROGRESS_FILE = "dense-progress.json"
PROGRESS_EVERY_S = 0.5  # at most two progress writes a second
DenseState = Literal["waiting", "embedding", "writing", "ready", "failed"]


class DenseProgress(BaseModel):
    """How far the dense index of a lexical-first build is."""

    build_id: str = Field(description="The lexical-first build being completed.")
    state: DenseState
    done: int = Field(0, description="Passages embedded so far.")
    total: int = Field(0, description="Passages to embed.")
    message: str = Field("", description="Why it failed, when state is 'failed'.")
    pid: int = 0
    updated: str = ""
    seconds: float = Field(0.0, description="Wall seconds of the completion, once ready.")
    cpu_seconds: float = Field(0.0, description="User + system CPU seconds of its process, once ready.")


def read_progress(kb_dir: Path) -> DenseProgress | None:
    path = kb_dir / PROGRESS_FILE
    try:
        return DenseProgress.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def dense_status(kb_dir: Path, manifest: BuildManifest | None) -> DenseProgress | None:
    """The dense index of the build in service: None without a build, 'ready' when it has vectors, else the
    progress of the run completing it ('waiting' when none reported yet)."""
    if manifest is None:
        return None
    if manifest.dense_index == "complete":
        total = sum(r.passage_count for r in manifest.documents if r.current)
        return DenseProgress(build_id=manifest.build_id, state="ready", done=total, total=total)
    found = read_progress(kb_dir)
    running = found is not None and found.state in ("embedding", "writing")
    if found is None or found.build_id != manifest.build_id or (running and not _alive(found.pid)):
        return DenseProgress(build_id=manifest.build_id, state="waiting")  # none yet, or it was killed
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


class _Reporter:
    """Writes the progress file (throttled) and passes progress on to the caller's callback."""

    def __init__(self, kb_dir: Path, build_id: str, callback: Callable[[int, int], None] | None) -> None:
        self._kb_dir, self._callback = kb_dir, callback
        self.progress = DenseProgress(build_id=build_id, state="embedding", pid=os.getpid())
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        if self._callback is not None:
            self._callback(done, total)
        first = self.progress.done == 0
        self.progress.done, self.progress.total = done, total
        if first or time.monotonic() - self._last >= PROGRESS_EVERY_S or done == total:
            self.write()

    def set(self, state: DenseState, message: str = "") -> None:
        self.progress.state, self.progress.message = state, message
        self.write()

    def write(self) -> None:
        self._last = time.monotonic()
        self.progress.updated = datetime.now(UTC).isoformat(timespec="seconds")
        tmp = self._kb_dir / f"{PROGRESS_FILE}{TMP_PREFIX}{os.getpid()}"
        tmp.write_text(self.progress.model_dump_json(), encoding="utf-8")
        os.replace(tmp, self._kb_dir / PROGRESS_FILE)


def complete_dense(
    settings: Settings, embedder: Embedder, progress: Callable[[int, int], None] | None = None
) -> BuildManifest | None:
    """Give the lexical-first build in service its vectors: a new build, swapped in. Returns its manifest,
    or None when the build in service needs nothing (no build, or it has vectors already).
    The caller holds the ingest lock (ingest/pipeline.py `complete_dense_index`)."""
    kb_dir = settings.kb_dir
    with build_lock(kb_dir):
        pending = current_manifest(kb_dir)
        if pending is None or pending.dense_index == "complete":
            return None
        check_embedder(pending, embedder, "waits for vectors of")
        started = time.perf_counter()
        reporter = _Reporter(kb_dir, pending.build_id, progress)
        reporter.write()
        try:
            manifest = _write_complete(settings, pending, embedder, reporter)
        except BaseException as exc:  # a kill (KeyboardInterrupt, SystemExit) is reported too
            reporter.set("failed", f"{type(exc).__name__}: {exc}")
            raise
        reporter.progress.build_id = manifest.build_id
        reporter.progress.seconds = round(time.perf_counter() - started, 1)
        reporter.progress.cpu_seconds = round(sum(os.times()[:2]), 1)
        reporter.set("ready")
        return manifest


def _write_complete(
    settings: Settings, pending: BuildManifest, embedder: Embedder, reporter: _Reporter
) -> BuildManifest:
    kb_dir = settings.kb_dir
    remove_leftovers(kb_dir)
    build_id, created = new_build_id()
    update = {"build_id": build_id, "created": created, "dense_index": "complete"}
    manifest = pending.model_copy(update=update)
    source, tmp = build_path(kb_dir, pending.build_id), kb_dir / BUILDS_DIR / f"{TMP_PREFIX}{build_id}"
    tmp.mkdir(parents=True)
    shutil.copy2(source / PASSAGES_FILE, tmp / PASSAGES_FILE)
    shutil.copytree(source / BM25_DIR, tmp / BM25_DIR)
    indexed = indexed_passages(load_passages(tmp / PASSAGES_FILE), manifest)
    reporter.progress.total = len(indexed)
    reporter.write()
    vectors = embed_passages(indexed, embedder, settings.embedding.batch_size, reporter)
    reporter.set("writing")
    write_vectors(tmp, manifest, indexed, vectors, settings)
    write_durable(tmp / MANIFEST_FILE, manifest.model_dump_json(indent=1))
    tmp.rename(build_path(kb_dir, build_id))
    swap_current(kb_dir, build_id)
    prune(kb_dir, settings, keep={build_id, pending.build_id})
    return manifest
