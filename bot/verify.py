"""Citation verification: a citation stays only if its passage was retrieved and its quote is in that text.

The single relaxation is whitespace: runs of whitespace compare equal. Nothing else is forgiven.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence

from bot.answer import Citation
from kb.citations import parse_key
from kb.errors import CitationKeyError
from kb.passages import Passage

log = logging.getLogger(__name__)

RetrievedByKey = Mapping[str, Passage | Sequence[Passage]]


def index_by_key(passages: Iterable[Passage]) -> dict[str, list[Passage]]:
    """Passages grouped by their (passage-level) key, case-folded, e.g. 'wpg art. 20 lid 1'."""
    index: dict[str, list[Passage]] = {}
    for passage in passages:
        index.setdefault(passage.key.casefold(), []).append(passage)
    return index


def verify(
    citations: Iterable[Citation], retrieved_by_key: RetrievedByKey
) -> tuple[list[Citation], list[Citation]]:
    """Split citations into (kept, dropped). Each drop is logged at WARNING with its key and the reason."""
    index = _normalise(retrieved_by_key)
    kept: list[Citation] = []
    dropped: list[Citation] = []
    for citation in citations:
        problem = unsupported_reason(citation, index)
        if problem:
            log.warning("dropped citation %r: %s", citation.key, problem)
            dropped.append(citation)
        else:
            kept.append(citation)
    return kept, dropped


def unsupported_reason(citation: Citation, index: Mapping[str, Sequence[Passage]]) -> str:
    """Why `citation` is unsupported by the passages in `index`, or '' when it is supported."""
    try:
        passage_key = parse_key(citation.key).passage_key
    except CitationKeyError:
        return "not a citation key"
    passages = index.get(passage_key.casefold(), ())
    if not passages:
        return f"passage {passage_key!r} was not retrieved"
    quote = collapse(citation.quote)
    if not quote:
        return "empty quote"
    if not any(quote in collapse(passage.text) for passage in passages):
        return f"quote is not in the stored text of {passage_key!r}"
    return ""


def collapse(text: str) -> str:
    """Whitespace runs (incl. no-break spaces) to one space, ends stripped."""
    return " ".join(text.split())


def _normalise(retrieved_by_key: RetrievedByKey) -> dict[str, list[Passage]]:
    index: dict[str, list[Passage]] = {}
    for key, value in retrieved_by_key.items():
        passages = [value] if isinstance(value, Passage) else list(value)
        index.setdefault(passage_key_of(key), []).extend(passages)
    return index


def passage_key_of(key: str) -> str:
    """The case-folded key of the passage holding `key` ('AVG art. 6 lid 1 sub e' -> 'avg art. 6 lid 1')."""
    try:
        return parse_key(key).passage_key.casefold()
    except CitationKeyError:
        return key.casefold()
