"""What the HTTP layer calls, as Protocols, and the per-app state that holds it.

`AnswerEngine` and `PassageStore` are the seams: bot/engine.py `Engine` and kb/local_kb.py
`LocalKnowledgeBase` implement them; API tests may pass a scripted engine (a named boundary)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar, cast, runtime_checkable

import anyio
import anyio.to_thread

from bot.answer import Answer, FactValue, Turn
from bot.api.conversations import ConversationStore
from bot.api.dense import DenseCompletion
from bot.api.errors import ApiError
from bot.api.rate_limits import RateLimiter
from bot.api.record_tokens import RecordTokens
from bot.feedback import FeedbackStore
from bot.jobs import IngestJobs
from kb.errors import KbError
from kb.knowledge_base import BuildManifest, DocumentRecord
from kb.passages import Passage
from kb.settings import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")


class PassageStore(Protocol):
    """The read side of the knowledge base the API shows: passages by key, documents and versions."""

    manifest: BuildManifest

    def get(self, key: str, language: str = "nl", version_date: str | None = None) -> Passage | None: ...

    def documents(self) -> list[DocumentRecord]: ...

    def passages_of(self, document_id: str) -> list[Passage]: ...


class AnswerEngine(Protocol):
    def answer(
        self,
        question: str,
        history: Sequence[Turn] = (),
        id: str = "",
        facts: Mapping[str, FactValue] | None = None,
    ) -> Answer: ...


@runtime_checkable
class _Reopenable(Protocol):
    def is_current(self) -> bool: ...


class Backend:
    """The engine and knowledge base behind the app. Given ones are used as they are; otherwise the
    engine is built on first use (bot.engine.build_engine) and rebuilt when a newer build is in service."""

    def __init__(
        self,
        settings: Settings,
        engine: AnswerEngine | None,
        kb: PassageStore | None,
        loader: Callable[[Settings], AnswerEngine] | None = None,
    ) -> None:
        """`loader` builds the engine when none is given (default bot.engine.build_engine)."""
        self.settings = settings
        self._loader = loader
        self._engine = engine
        self._kb = kb
        self._owned = engine is None
        self._lock = threading.Lock()
        self._manifest: BuildManifest | None = None

    def engine(self) -> AnswerEngine:
        with self._lock:
            if self._engine is None or (self._owned and self._stale()):
                self._engine = self._load()
            return self._engine

    def kb(self) -> PassageStore:
        if self._kb is not None:
            return self._kb
        kb = getattr(self.engine(), "kb", None)
        if kb is None:
            raise ApiError(503, "no_knowledge_base", "De kennisbank is niet beschikbaar.")
        return cast(PassageStore, kb)

    def manifest(self) -> BuildManifest | None:
        """The manifest of the build in service: the given knowledge base's (or given engine's), else read
        from disk without loading the engine."""
        given = self._kb or (None if self._owned else getattr(self._engine, "kb", None))
        if given is not None:
            return cast(BuildManifest, given.manifest)
        from kb.builds import current_manifest, read_current

        build_id = read_current(self.settings.kb_dir)  # a few bytes: cheap enough for the event loop
        if self._manifest is None or self._manifest.build_id != build_id:
            self._manifest = current_manifest(self.settings.kb_dir)
        return self._manifest

    def loaded_build(self) -> str:
        """The build id of the knowledge base in use, '' when nothing is loaded yet (never loads)."""
        kb = self._kb or getattr(self._engine, "kb", None)
        manifest = getattr(kb, "manifest", None)
        return str(getattr(manifest, "build_id", ""))

    def _stale(self) -> bool:
        kb = getattr(self._engine, "kb", None)
        return isinstance(kb, _Reopenable) and not kb.is_current()

    def _load(self) -> AnswerEngine:
        from bot import engine as engine_module

        try:
            if self._loader is not None:
                return self._loader(self.settings)
            return engine_module.build_engine(self.settings)  # reloads itself after a new build
        except KbError as exc:
            log.warning("engine unavailable: %s", exc)
            raise  # 503 no_knowledge_base (api/errors.py)


@dataclass
class AppState:
    settings: Settings
    backend: Backend
    conversations: ConversationStore
    feedback: FeedbackStore
    jobs: IngestJobs
    rate_limiter: RateLimiter
    record_tokens: RecordTokens
    dense: DenseCompletion | None = None  # completes a lexical-first build's vectors (bot/api/dense.py)
    _heavy: anyio.CapacityLimiter | None = None

    async def run_heavy(self, func: Callable[..., T], *args: object) -> T:
        """Run CPU-heavy work (an answer, a PDF) in a worker thread, at most `server.answer_workers` at once;
        the rest wait without holding a thread, so light requests and /healthz are not starved."""
        if self._heavy is None:  # created inside the event loop
            self._heavy = anyio.CapacityLimiter(self.settings.server.answer_workers)
        return await anyio.to_thread.run_sync(func, *args, limiter=self._heavy)
