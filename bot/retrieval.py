"""Hybrid retrieval: BM25 and dense candidates fused by reciprocal rank, the assessment's keys first.

Dutch passages are searched by default; an English question searches the English passages too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from kb.citations import parse_key
from kb.errors import CitationKeyError
from kb.knowledge_base import Filters, KnowledgeBase
from kb.passages import Passage
from kb.settings import RetrievalSettings

Via = Literal["bm25", "dense", "both", "key"]

_WORD = re.compile(r"[a-zà-ÿ]+")
# fmt: off
_ENGLISH = frozenset({
    "the", "is", "are", "may", "can", "i", "we", "you", "my", "our", "to", "of", "and", "with", "share",
    "data", "police", "what", "which", "who", "if", "when",
})
_DUTCH = frozenset({
    "de", "het", "een", "is", "zijn", "mag", "ik", "wij", "we", "je", "u", "mijn", "van", "en", "met",
    "delen", "gegevens", "politie", "wat", "die", "als", "wanneer",
})
# fmt: on


@dataclass(frozen=True)
class Retrieved:
    passage: Passage
    score: float
    via: Via


def detect_language(text: str) -> str:
    """'en' when the text has clearly more English than Dutch function words, else 'nl'."""
    words = _WORD.findall(text.casefold())
    english = sum(word in _ENGLISH for word in words)
    dutch = sum(word in _DUTCH for word in words)
    return "en" if english > dutch else "nl"


def search_languages(language: str) -> list[str]:
    """Dutch always; English too for an English question."""
    return ["nl", "en"] if language == "en" else ["nl"]


class HybridRetriever:
    """Reciprocal rank fusion of the knowledge base's lexical and dense search, plus named keys."""

    def __init__(self, kb: KnowledgeBase, settings: RetrievalSettings) -> None:
        self.kb = kb
        self.settings = settings

    def retrieve(
        self,
        query: str,
        k: int | None = None,
        filters: Filters | None = None,
        keys: Sequence[str] = (),
        language: str | None = None,
    ) -> list[Retrieved]:
        """The passages of `keys` (in order, via 'key'), then the `k` best fused search results."""
        language = language or detect_language(query)
        filters = with_languages(filters, language)
        named = self.named(keys, language, filters)
        seen = {item.passage.uid for item in named}
        fused = [item for item in self.search(query, filters) if item.passage.uid not in seen]
        return named + fused[: k or self.settings.k]

    def search(self, query: str, filters: Filters) -> list[Retrieved]:
        """All fused candidates, best first."""
        n = self.settings.candidates
        lexical = self.kb.lexical_search(query, n, filters) if query.strip() else []
        dense = self.kb.dense_search(query, n, filters) if query.strip() else []
        return fuse(lexical, dense, self.settings.rrf_k)

    def named(self, keys: Iterable[str], language: str, filters: Filters) -> list[Retrieved]:
        """The stored passages holding `keys` (a sub key gives its lid), deduplicated, filters applied."""
        found: list[Retrieved] = []
        seen: set[str] = set()
        for key in keys:
            passage = self.lookup(key, language)
            if passage is None or passage.uid in seen or not passes(passage, filters):
                continue
            seen.add(passage.uid)
            found.append(Retrieved(passage, 1.0, "key"))
        return found

    def lookup(self, key: str, language: str) -> Passage | None:
        """The passage of `key`; for an article key whose article has leden, its first lid."""
        try:
            parsed = parse_key(key)
            found = self.kb.get(key, language)
        except CitationKeyError:
            return None
        if found is None and parsed.article and not parsed.lid:
            found = self.kb.get(f"{parsed.article_key} lid 1", language)
        return found


def with_languages(filters: Filters | None, language: str) -> Filters:
    """`filters` with the query's languages filled in when the caller named none."""
    filters = filters or Filters()
    if filters.languages:
        return filters
    return filters.model_copy(update={"languages": search_languages(language)})


def passes(passage: Passage, filters: Filters) -> bool:
    """True when `passage` satisfies every non-empty filter."""
    return (
        (not filters.source_ids or passage.source_id in filters.source_ids)
        and (not filters.languages or passage.language in filters.languages)
        and (not filters.doc_types or passage.doc_type in filters.doc_types)
    )


def fuse(
    lexical: Sequence[tuple[Passage, float]], dense: Sequence[tuple[Passage, float]], rrf_k: int
) -> list[Retrieved]:
    """Reciprocal rank fusion: score = sum over the lists of 1 / (rrf_k + rank), rank starting at 1."""
    scores: dict[str, float] = {}
    passages: dict[str, Passage] = {}
    sources: dict[str, set[str]] = {}
    for name, ranked in (("bm25", lexical), ("dense", dense)):
        for rank, (passage, _score) in enumerate(ranked, start=1):
            scores[passage.uid] = scores.get(passage.uid, 0.0) + 1.0 / (rrf_k + rank)
            passages[passage.uid] = passage
            sources.setdefault(passage.uid, set()).add(name)
    order = sorted(scores, key=lambda uid: -scores[uid])
    return [Retrieved(passages[uid], scores[uid], _via(sources[uid])) for uid in order]


def _via(found_by: set[str]) -> Via:
    if len(found_by) > 1:
        return "both"
    return "bm25" if "bm25" in found_by else "dense"
