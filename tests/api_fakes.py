"""Support for the API, OpenAI-compatibility and browser tests.

- `slice_kb`: a real knowledge base built by the real ingest pipeline from a slice of the shared corpus,
  embedded with the SHA-256 bag-of-words embedder (these tests are about HTTP, not about embeddings).
- `ScriptedEngine`: the AnswerEngine seam with scripted verdicts (a named boundary: these tests are about
  HTTP, not legal reasoning). Its citations quote the real stored passages, read at run time.
- `LiveServer`: uvicorn on 127.0.0.1 in a thread, on a free port.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from store_fakes import HashEmbedder

from bot.answer import Answer, Citation, Facts, FactValue, Step, Turn
from kb.local_kb import LocalKnowledgeBase, open_knowledge_base
from kb.settings import ServerSettings, Settings

UAVG_XML = "nl-bwb-xml/BWBR0040940/2026-09-01/toestand.xml"
JEUGDWET_XML = "nl-bwb-xml/BWBR0034925/2024-01-01/toestand.xml"
JEUGDWET_YAML = "nl-regelrecht-corpus/regulation/nl/wet/jeugdwet/2026-01-01.yaml"
ADMIN_TOKEN = "beheer-token-0123456789"
BSN = "111222333"  # passes the elfproef


def build_slice(data_dir: Path, corpus_dir: Path, files: Sequence[str]) -> LocalKnowledgeBase:
    from ingest.pipeline import ingest_files

    settings = Settings(data_dir=data_dir)
    embedder = HashEmbedder()
    ingest_files(settings, embedder, [corpus_dir / name for name in files])
    return open_knowledge_base(settings, embedder)


def app_settings(data_dir: Path, token: str = ADMIN_TOKEN, **server: int) -> Settings:
    return Settings(data_dir=data_dir, server=ServerSettings(admin_token=token, **server))


class ScriptedEngine:
    """Scripted verdicts by keyword; every call is recorded as (question, history, id), its facts in
    `facts` (one dict per call)."""

    def __init__(self, kb: LocalKnowledgeBase) -> None:
        self.kb = kb
        self.calls: list[tuple[str, list[Turn], str]] = []
        self.facts: list[dict[str, FactValue]] = []

    def answer(
        self,
        question: str,
        history: Sequence[Turn] = (),
        id: str = "",
        facts: Mapping[str, FactValue] | None = None,
    ) -> Answer:
        self.calls.append((question, list(history), id))
        self.facts.append(dict(facts or {}))
        text = question.casefold()
        if "kapot" in text:
            raise RuntimeError(f"engine broke on: {question}")
        if "vergadering" in text:
            return self._out_of_scope(id)
        if "minderjarige" in text:
            return self._depends(id)
        return self._bsn_answer(id)

    def _citation(self, key: str) -> Citation:
        passage = self.kb.get(key)
        assert passage is not None, f"{key} missing from the test slice"
        quote = " ".join(passage.text.split()[:9])
        return Citation(key=key, quote=quote, source_version=passage.version_date, url=passage.url)

    def _bsn_answer(self, id: str) -> Answer:
        citation = self._citation("UAVG art. 46 lid 1")
        return Answer(
            id=id, verdict="mag_mits",
            summary="Ja, mits een wet het gebruik van het BSN voorschrijft of toestaat.",
            conditions=["Een wet schrijft het BSN voor.", "Deel niet meer dan nodig."],
            clarifying_questions=["Welke wet geeft de ontvanger een taak?"],
            citations=[citation],
            steps=[Step(id="bsn", title="Het BSN", finding="Alleen ter uitvoering van een wet.",
                        keys=["UAVG art. 46 lid 1"])],
            record=["Welke wet het gebruik van het BSN regelt."], escalate="Vraag de FG bij twijfel.",
            facts=Facts(sender="hulpverlener", recipient="gemeente", data=["bsn"]),
            kb_build=self.kb.manifest.build_id,
        )  # fmt: skip

    def _depends(self, id: str) -> Answer:
        return Answer(
            id=id, verdict="hangt_af", summary="Dat hangt af van wie het gezag heeft.",
            clarifying_questions=["Hoe oud is de minderjarige?", "Is er een ondertoezichtstelling?"],
            facts=Facts(minor=True), kb_build=self.kb.manifest.build_id,
        )  # fmt: skip

    def _out_of_scope(self, id: str) -> Answer:
        return Answer(
            id=id, verdict="buiten_bereik", summary="Dit gaat niet over het delen van persoonsgegevens.",
            kb_build=self.kb.manifest.build_id,
        )  # fmt: skip


class LiveServer:
    """uvicorn serving `app` on 127.0.0.1 in a background thread. Access logs go to the `logging` module
    (log_config=None), so tests can read them."""

    def __init__(self, app: FastAPI) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        config = uvicorn.Config(app, log_config=None, access_log=True, lifespan="off", log_level="info")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start within 20 s")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


@contextmanager
def live(app: FastAPI) -> Iterator[LiveServer]:
    with LiveServer(app) as server:
        yield server
