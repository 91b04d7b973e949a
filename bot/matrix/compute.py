"""The map: one cell per sender and recipient, each the answer `ask` gives for those facts.

    deelkaart = compute_map(engine, MapRequest(data="gezondheid", purpose="hulpverlening"))

A cell runs the same steps as bot/engine.py `Engine.answer(question="", facts=...)`: the facts laid over an
empty question, `settle` (rules, and asking instead of guessing), then `compose` with the passages of the
provisions the assessment names, so every quote is verified against the stored text. Only the search for
"mogelijk relevante bepalingen" is left out (those are offered in the full answer a click opens, never
decisive). When leaving it out would change the verdict (every named provision missing from the knowledge
base), the cell is the full `Engine.answer` itself. tests/test_matrix.py checks every cell of a map against
`Engine.answer`.

How a cell shows (`status`):
- `regel`: a rule decides the verdict (mag, mag_mits, mag_niet, or hangt_af from a rule that needs facts);
- `open`: a rule would decide, but it turns on a circumstance the map leaves open (consent when it is not
  set): the cell is `hangt_af` with that question and where each answer leads — exactly what `ask` says
  (bot/decisive.py asks about consent only for a `mag`; on the current rules no map has such a cell);
- `geen_regel`: no rule decides this combination ("geen regel — vraag uw FG"); the coverage counts these.

Maps are cached per knowledge-base build, rule book and request.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Literal, Protocol

from pydantic import BaseModel, Field

from bot.answer import Answer, Clarify, ClarifyOption, FactValue, Turn, Verdict
from bot.compose import compose, wanted_keys
from bot.decisive import settle
from bot.engine import Assessor
from bot.fact_inputs import apply_facts
from bot.matrix.axes import MapRequest, chain_roles, check_request
from bot.retrieval import HybridRetriever, with_languages
from bot.rules import decide
from bot.understanding import Understanding
from kb.knowledge_base import KnowledgeBase

Status = Literal["regel", "open", "geen_regel"]
CACHE_SIZE = 32


class MapEngine(Protocol):
    """What the map needs of bot/engine.py `Engine`."""

    kb: KnowledgeBase
    assessor: Assessor
    retriever: HybridRetriever

    def answer(
        self,
        question: str,
        history: Sequence[Turn] = (),
        id: str = "",
        facts: Mapping[str, FactValue] | None = None,
    ) -> Answer: ...


class Cell(BaseModel):
    sender: str
    recipient: str
    verdict: Verdict
    keys: list[str] = Field(description="Verified citation keys, the deciding provision first.")
    status: Status
    summary: str = ""
    rule: str = Field("", description="Id of the deciding rule ('' when none decides).")
    question: str = Field("", description="The open circumstance's question (status 'open').")
    options: list[ClarifyOption] = Field(default_factory=list, description="Where each answer leads.")
    versions: dict[str, str] = Field(default_factory=dict, description="Key -> version date of its text.")
    digests: dict[str, str] = Field(
        default_factory=dict, description="Key -> hash of its quote (what changed)."
    )

    @property
    def deciding(self) -> str:
        return self.keys[0] if self.keys else ""


class Coverage(BaseModel):
    cells: int
    by_rule: int
    open: int
    no_rule: int
    covered: float = Field(description="Share of cells a rule decides or would decide (regel + open).")
    verdicts: dict[str, int]


class DeelMap(BaseModel):
    request: MapRequest
    senders: list[str]
    recipients: list[str]
    labels: dict[str, str] = Field(description="Role id -> Dutch label.")
    data_label: str
    purpose_label: str
    kb_build: str
    kb_created: str
    cells: list[Cell]
    coverage: Coverage
    seconds: float = Field(description="Time to compute the map (0 when it came from the cache).")

    def cell(self, sender: str, recipient: str) -> Cell:
        for cell in self.cells:
            if cell.sender == sender and cell.recipient == recipient:
                return cell
        raise KeyError(f"no cell {sender} -> {recipient} in this map")


def compute_map(
    engine: MapEngine, request: MapRequest, roles: Sequence[str] | None = None, use_cache: bool = True
) -> DeelMap:
    """The map for `request` over `roles` (default: the chain, bot/matrix/axes.py), cached per build."""
    vocab = engine.assessor.vocabulary
    check_request(request, vocab)
    roles = list(roles) if roles is not None else chain_roles(vocab)
    key = (engine.kb.manifest.build_id, id(engine.assessor.rulebook), request.cache_key(), tuple(roles))
    if use_cache and (cached := _CACHE.get(key)) is not None:
        return cached.model_copy(update={"seconds": 0.0})
    started = time.perf_counter()
    base = engine.assessor.understand("")
    cells = [_cell(engine, request, base, sender, recipient) for sender in roles for recipient in roles]
    result = DeelMap(
        request=request, senders=roles, recipients=roles,
        labels={role: vocab.slot("roles").label(role, "nl") for role in roles},
        data_label=vocab.slot("data").label(request.data, "nl"),
        purpose_label=vocab.slot("purposes").label(request.purpose, "nl"),
        kb_build=engine.kb.manifest.build_id, kb_created=engine.kb.manifest.created,
        cells=cells, coverage=coverage(cells), seconds=round(time.perf_counter() - started, 3),
    )  # fmt: skip
    if use_cache:
        _CACHE.put(key, result)
    return result


def cell_answer(engine: MapEngine, request: MapRequest, sender: str, recipient: str) -> Answer:
    """The full answer behind a cell: `Engine.answer` with the cell's facts (what a click opens)."""
    return engine.answer("", facts=request.facts(sender, recipient))


def _cell(engine: MapEngine, request: MapRequest, base: Understanding, sender: str, recipient: str) -> Cell:
    facts = request.facts(sender, recipient)
    assessor = engine.assessor
    understanding = apply_facts(base, facts, assessor.vocabulary)
    assessment, clarify = settle(assessor, understanding, facts)
    language = assessment.facts.language
    named = engine.retriever.named(wanted_keys(assessment), language, with_languages(None, language))
    answer = compose(assessment, named, "", kb_build=engine.kb.manifest.build_id)
    if answer.verdict != assessment.verdict:  # every named provision missing: the search decides, as in ask
        answer = engine.answer("", facts=facts)
    deciding = decide([assessor.rulebook.by_id[rule] for rule in assessment.rules_fired]).deciding
    return Cell(
        sender=sender, recipient=recipient, verdict=answer.verdict, summary=answer.summary,
        keys=[c.key for c in answer.citations if c.key in _key_citations(answer)],
        status=_status(answer.verdict, deciding is not None, clarify),
        rule=deciding.id if deciding is not None else "",
        question=clarify.question if clarify else "", options=clarify.options if clarify else [],
        versions={c.key: c.source_version for c in answer.citations},
        digests={c.key: _digest(c.quote) for c in answer.citations},
    )  # fmt: skip


def _key_citations(answer: Answer) -> set[str]:
    """The keys cited for the assessment's own provisions (not the 'mogelijk relevant' search results)."""
    related = {key for step in answer.steps if step.id == "verwante-bepalingen" for key in step.keys}
    return {c.key for c in answer.citations if c.key not in related}


def _status(verdict: str, decided: bool, clarify: Clarify | None) -> Status:
    if clarify is not None:
        return "open"
    if verdict == "buiten_bereik" or not decided:
        return "geen_regel"
    return "regel"


def _digest(quote: str) -> str:
    return hashlib.sha256(quote.encode()).hexdigest()[:12]


def coverage(cells: Sequence[Cell]) -> Coverage:
    counts = {
        status: sum(cell.status == status for cell in cells) for status in ("regel", "open", "geen_regel")
    }
    verdicts: dict[str, int] = {}
    for cell in cells:
        verdicts[cell.verdict] = verdicts.get(cell.verdict, 0) + 1
    total = len(cells)
    covered = (counts["regel"] + counts["open"]) / total if total else 0.0
    return Coverage(
        cells=total, by_rule=counts["regel"], open=counts["open"], no_rule=counts["geen_regel"],
        covered=round(covered, 4), verdicts=verdicts,
    )  # fmt: skip


class _MapCache:
    def __init__(self, size: int) -> None:
        self.size = size
        self._maps: OrderedDict[tuple[object, ...], DeelMap] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[object, ...]) -> DeelMap | None:
        with self._lock:
            found = self._maps.get(key)
            if found is not None:
                self._maps.move_to_end(key)
            return found

    def put(self, key: tuple[object, ...], value: DeelMap) -> None:
        with self._lock:
            self._maps[key] = value
            self._maps.move_to_end(key)
            while len(self._maps) > self.size:
                self._maps.popitem(last=False)


_CACHE = _MapCache(CACHE_SIZE)
