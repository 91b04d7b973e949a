"""Lexical-first builds (`ingest --dense-later`): served at once by BM25 and the rules, the vectors embedded
afterwards into a new build that is swapped in; a crash mid-way leaves the lexical-first build answering."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from api_fakes import UAVG_XML
from fastapi.testclient import TestClient
from store_fakes import HashEmbedder, build, make_documents, store_settings

from bot.api.app import create_app
from bot.api.dense import DenseCompletion
from bot.api.state import Backend
from bot.assessment import Assessor
from bot.engine import Engine
from bot.retrieval import HybridRetriever
from ingest.pipeline import complete_dense_index, ingest_folder
from kb.builds import BUILDS_DIR, current_manifest, read_current
from kb.dense_build import DenseProgress, dense_status
from kb.local_kb import LocalKnowledgeBase, open_knowledge_base
from kb.settings import Settings

TODAY = "2026-11-30"
TESTS = Path(__file__).resolve().parent


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    return store_settings(tmp_path / "data", batch_size=4)


@contextlib.contextmanager
def opened(settings: Settings) -> Iterator[LocalKnowledgeBase]:
    kb = open_knowledge_base(settings, HashEmbedder())
    try:
        yield kb
    finally:
        kb.close()


def test_lexical_first_build_answers_by_words_then_completes(settings: Settings) -> None:
    embedder = HashEmbedder()
    lexical = build(settings, make_documents(), embedder, today=TODAY, defer_dense=True)
    assert lexical.manifest.dense_index == "pending" and embedder.calls == 0  # nothing embedded yet
    assert not (settings.kb_dir / BUILDS_DIR / lexical.manifest.build_id / "chroma").exists()
    with opened(settings) as kb:
        assert not kb.dense_ready
        assert kb.dense_search("bijzondere persoonsgegevens", 3) == []
        assert kb.lexical_search("etnische afkomst", 3)[0][0].key == "AVG art. 9 lid 1"
        assert HybridRetriever(kb, settings.retrieval).mode == "lexical"
    status = dense_status(settings.kb_dir, lexical.manifest)
    assert status is not None and status.state == "waiting"

    complete = complete_dense_index(settings, embedder)
    assert complete is not None and complete.dense_index == "complete"
    assert read_current(settings.kb_dir) == complete.build_id != lexical.manifest.build_id
    assert complete.documents == lexical.manifest.documents  # the same passages, now with vectors
    with opened(settings) as kb:
        assert kb.dense_ready and HybridRetriever(kb, settings.retrieval).mode == "hybrid"
        assert kb.dense_search("etnische afkomst", 1)[0][0].key == "AVG art. 9 lid 1"
    status = dense_status(settings.kb_dir, complete)
    assert status is not None and status.state == "ready" and status.done == status.total > 0
    assert complete_dense_index(settings, embedder) is None  # nothing left to do


def test_full_ingest_over_a_lexical_first_build_adds_the_vectors(settings: Settings) -> None:
    build(settings, make_documents(), today=TODAY, defer_dense=True)
    again = build(settings, make_documents(), today=TODAY, defer_dense=True)
    assert not again.written  # nothing changed, still waiting for its vectors
    full = build(settings, make_documents(), today=TODAY)
    assert full.written and full.manifest.dense_index == "complete"


_KILLED = """
import sys
sys.path.insert(0, {tests!r})
from store_fakes import SlowHashEmbedder, store_settings
from ingest.pipeline import complete_dense_index
settings = store_settings({data!r}, batch_size=1)
complete_dense_index(settings, SlowHashEmbedder(delay=0.3), progress=lambda d, t: print(d, t, flush=True))
"""


def test_sigkill_mid_embedding_leaves_the_lexical_build_answering(settings: Settings) -> None:
    lexical = build(settings, make_documents(), today=TODAY, defer_dense=True)
    script = _KILLED.format(tests=str(TESTS), data=str(settings.data_dir))
    process = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=TESTS.parent
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().split()[0] == "1"  # embedding has started
        status = _wait_for(settings, lambda found: found.state == "embedding" and found.done >= 1)
        assert status.total == 7 > status.done
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert read_current(settings.kb_dir) == lexical.manifest.build_id
    status = dense_status(settings.kb_dir, current_manifest(settings.kb_dir))
    assert status is not None and status.state == "waiting"  # the dead run is not shown as running
    with opened(settings) as kb:
        assert kb.lexical_search("etnische afkomst", 1)[0][0].key == "AVG art. 9 lid 1"
    complete = complete_dense_index(settings, HashEmbedder())
    assert complete is not None and read_current(settings.kb_dir) == complete.build_id
    leftovers = [p for p in (settings.kb_dir / BUILDS_DIR).iterdir() if p.name.startswith(".tmp-")]
    assert leftovers == []


def _wait_for(
    settings: Settings, check: Callable[[DenseProgress], bool], timeout: float = 30
) -> DenseProgress:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = dense_status(settings.kb_dir, current_manifest(settings.kb_dir))
        if status is not None and check(status):
            return status
        time.sleep(0.05)
    raise AssertionError("the dense index never reached the expected progress")


# --- a server started on an empty data dir ---------------------------------------------------------------


def _engine(settings: Settings) -> Engine:
    kb = open_knowledge_base(settings, HashEmbedder())
    return Engine(settings, kb, Assessor(), HybridRetriever(kb, settings.retrieval))


@pytest.mark.server
def test_server_answers_before_the_dense_index_is_complete(tmp_path: Path, corpus_dir: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / UAVG_XML).parent.mkdir(parents=True)
    shutil.copyfile(corpus_dir / UAVG_XML, corpus / UAVG_XML)
    settings = store_settings(tmp_path / "data", batch_size=8)
    assert not settings.data_dir.exists()  # a cold data folder
    ingest_folder(settings, HashEmbedder(), corpus, defer_dense=True)
    lexical_build = read_current(settings.kb_dir)

    app = create_app(settings)
    state = app.state.deelwijzer
    assert isinstance(state.dense, DenseCompletion)  # the real server completes it by itself
    state.backend = Backend(settings, None, None, loader=_engine)
    worker = [sys.executable, str(TESTS / "dense_worker.py"), str(settings.data_dir), "0.4"]
    state.dense = DenseCompletion(settings, command=worker)
    question = {"question": "Mag een zorgaanbieder het BSN verwerken voor een onderzoek?"}
    with TestClient(app) as client:
        early = client.post("/api/ask", json=question).json()
        health = client.get("/healthz").json()
        assert health["kb_build"] == lexical_build == early["kb_build"]
        assert health["dense_index"]["state"] in ("waiting", "embedding", "writing")
        assert early["retrieval"] == "lexical"
        assert early["citations"] and early["removed_citations"] == 0
        progress = _poll(
            client, lambda h: h["dense_index"]["state"] == "embedding" and h["dense_index"]["done"]
        )
        assert 0 < progress["dense_index"]["done"] < progress["dense_index"]["total"]
        ready = _poll(client, lambda h: h["dense_index"]["state"] == "ready", timeout=120)
        assert ready["kb_build"] != lexical_build
        late = client.post("/api/ask", json=question).json()
        assert late["retrieval"] == "hybrid" and late["kb_build"] == ready["kb_build"]
        assert late["citations"] and late["removed_citations"] == 0
    kb = state.backend.kb()
    assert isinstance(kb, LocalKnowledgeBase) and kb.dense_ready


def _poll(client: TestClient, done: Callable[[dict[str, Any]], bool], timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    health: dict[str, Any] = {}
    while time.monotonic() < deadline:
        health = client.get("/healthz").json()
        if done(health):
            return health
        time.sleep(0.1)
    raise AssertionError(f"/healthz never reached the expected state; last: {health}")
