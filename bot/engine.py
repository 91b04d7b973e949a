"""The engine: understand the question (with the facts the user set), assess it — asking instead of guessing
when a decisive fact is open (bot/decisive.py) — retrieve, compose a cited draft, optionally let an LLM
reword it, and finish it (bot/finalize.py: the same checks on every path). The answer says what was
understood, fact by fact (bot/understood.py).

Questions are never logged (privacy): only ids, verdicts, counts and timings.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

from bot.answer import Answer, FactValue, Turn, UnderstoodFact
from bot.assessment_types import Assessment
from bot.compose import draft
from bot.decisive import RuleAssessor, settle
from bot.fact_inputs import apply_facts
from bot.finalize import finalize
from bot.retrieval import HybridRetriever, Retrieved
from bot.understanding import Understanding
from bot.understood import understood
from kb.builds import read_current
from kb.errors import NoKnowledgeBaseError
from kb.knowledge_base import Filters, KnowledgeBase
from kb.settings import Settings, get_settings

if TYPE_CHECKING:
    from langchain_core.language_models.chat_models import BaseChatModel

log = logging.getLogger(__name__)


class Assessor(RuleAssessor, Protocol):
    def understand(self, question: str, history: Sequence[Turn] = ()) -> Understanding: ...


class Engine:
    """Answers questions from one knowledge base. Cheap to call; expensive parts are loaded once."""

    def __init__(
        self,
        settings: Settings,
        kb: KnowledgeBase,
        assessor: Assessor,
        retriever: HybridRetriever,
        chat_model: BaseChatModel | None = None,
    ) -> None:
        self.settings = settings
        self.kb = kb
        self.assessor = assessor
        self.retriever = retriever
        self.chat_model = chat_model

    def answer(
        self,
        question: str,
        history: Sequence[Turn] = (),
        id: str = "",
        facts: Mapping[str, FactValue] | None = None,
    ) -> Answer:
        """`facts`: checked values (bot/fact_inputs.py check_facts) that override what was read; the facts
        set in earlier turns (Turn.given) still hold unless set again."""
        started = time.perf_counter()
        given = {**{k: v for turn in history for k, v in turn.given.items()}, **(facts or {})}
        vocabulary = self.assessor.vocabulary
        understanding = apply_facts(self.assessor.understand(question, list(history)), given, vocabulary)
        assessment, clarify = settle(self.assessor, understanding, given)
        read = understood(understanding, given, vocabulary)
        query = question or " ".join(_labels(read))
        retrieved = self.retrieve_for(query, assessment)
        drafted = draft(assessment, retrieved, question, id=id, kb_build=self.kb.manifest.build_id)
        drafted.answer.understood, drafted.answer.clarify = read, clarify
        drafted.answer.retrieval = self.retriever.mode
        if self.chat_model is not None and assessment.verdict != "buiten_bereik":
            from bot.llm import rephrase

            drafted = rephrase(drafted, self.chat_model)
        answer = finalize(drafted)
        log.info(
            "answered id=%s verdict=%s citations=%d removed=%d ms=%.0f", id or "-", answer.verdict,
            len(answer.citations), answer.removed_citations, (time.perf_counter() - started) * 1000,
        )  # fmt: skip
        return answer

    def retrieve_for(self, question: str, assessment: Assessment) -> list[Retrieved]:
        """The named keys plus search results; nothing for an out-of-scope question without keys."""
        if assessment.verdict == "buiten_bereik" and not assessment.keys:
            return []
        query = " ".join([question, *assessment.search_hints])
        keys = [*assessment.keys, *(key for step in assessment.steps for key in step.keys)]
        return self.retriever.retrieve(
            query, self.settings.retrieval.k, keys=keys, language=assessment.facts.language
        )

    def search(self, text: str, k: int = 8, filters: Filters | None = None) -> list[Retrieved]:
        return self.retriever.retrieve(text, k, filters)


def _labels(facts: Sequence[UnderstoodFact]) -> list[str]:
    """The labels of the facts known: the search text when the facts came without a question."""
    labels = [fact.value_label for fact in facts if fact.value_label]
    return [label for item in labels for label in ([item] if isinstance(item, str) else item or [])]


_ENGINES: dict[str, Engine] = {}
_LOCK = threading.Lock()


def build_engine(settings: Settings | None = None) -> Engine:
    """The engine for `settings` (default: get_settings()), loaded once per process and settings, and
    reloaded when a newer knowledge-base build was put in service."""
    settings = settings or get_settings()
    cache_key = settings.model_dump_json()
    with _LOCK:
        engine = _ENGINES.get(cache_key)
        if engine is None or not _in_service(engine.kb):
            engine = _ENGINES[cache_key] = _load_engine(settings)
        return engine


def _in_service(kb: KnowledgeBase) -> bool:
    """False once ingest swapped a newer build in (kb/local_kb.py `is_current`); True for other stores."""
    is_current = getattr(kb, "is_current", None)
    return bool(is_current()) if callable(is_current) else True


def _load_engine(settings: Settings) -> Engine:
    from bot.assessment import Assessor as RuleAssessor
    from bot.llm import make_chat_model
    from kb.embedders import make_embedder
    from kb.local_kb import open_knowledge_base

    started = time.perf_counter()
    if read_current(settings.kb_dir) is None:  # say so before spending seconds on loading the model
        raise NoKnowledgeBaseError(
            f"no knowledge base in {settings.kb_dir}: run `deelwijzer ingest --from DIR` "
            "(or `deelwijzer ingest` to fetch the official texts) first"
        )
    embedder = make_embedder(settings)
    kb = open_knowledge_base(settings, embedder)
    retriever = HybridRetriever(kb, settings.retrieval)
    engine = Engine(settings, kb, RuleAssessor(embedder=embedder), retriever, make_chat_model(settings.llm))
    log.info("engine loaded build=%s ms=%.0f", kb.manifest.build_id, (time.perf_counter() - started) * 1000)
    return engine
