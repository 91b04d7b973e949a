"""Verbatim quotes: pick the words of a stored passage that carry a citation.

A quote is always an exact substring of `Passage.text` (a slice, never re-typed): the sub-item's text for a
sub key, otherwise the sentence(s) sharing most words with the question and the step, cut on boundaries.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from kb.citations import parse_key
from kb.errors import CitationKeyError
from kb.passages import Passage

MAX_QUOTE_CHARS = 350
_MIN_QUOTE_CHARS = 120
_STEM = 6
_LEAD_BONUS = 1

_BOUNDARY = re.compile(r"(?<=[.;:!?])\s+|[ \t]*\n\s*")
_LABEL = re.compile(r"^(?:[0-9]+[a-z]?|[a-z]{1,2}|[ivx]+|[0-9]+°)\.?$", re.IGNORECASE)
# fmt: off
_ABBREVIATIONS = frozenset({
    "art", "artt", "jo", "nr", "nrs", "o.a", "bijv", "enz", "resp", "stb", "stcrt", "vgl", "e.d", "m.b.t",
    "i.v.m", "t.a.v", "z.g", "blz", "e.g", "i.e", "no", "p", "pp", "cf", "etc",
})
_STOPWORDS = frozenset({
    "de", "het", "een", "en", "of", "van", "in", "op", "aan", "te", "voor", "met", "door", "bij", "als",
    "dat", "die", "dit", "deze", "is", "zijn", "wordt", "worden", "kan", "mag", "mogen", "ik", "je", "jij",
    "u", "we", "wij", "zij", "hij", "ze", "er", "niet", "geen", "om", "tot", "uit", "over", "naar", "ook",
    "nog", "wel", "dan", "wat", "welke", "hoe", "wie", "waar", "wanneer", "the", "a", "an", "and", "or",
    "on", "to", "for", "with", "by", "at", "as", "that", "this", "these", "are", "be", "may", "can", "i",
    "you", "they", "it", "not", "no", "from", "which", "how", "who",
})
# fmt: on
_WORD = re.compile(r"[0-9a-zà-ÿ]+", re.IGNORECASE)


def choose_quote(passage: Passage, key: str, context: str = "", max_chars: int = MAX_QUOTE_CHARS) -> str:
    """The verbatim quote for `key` from `passage`: the sub-item for a sub key (its best lines when long),
    else the best sentences of the passage."""
    sub_text = sub_item_text(passage, key)
    if len(sub_text) > max_chars:
        return best_sentences(sub_text, context, max_chars)
    return sub_text or best_sentences(passage.text, context, max_chars)


def sub_item_text(passage: Passage, key: str) -> str:
    """The stored text of the sub-item named in `key` ('... sub e'), or '' when there is none."""
    try:
        sub = parse_key(key).sub
    except CitationKeyError:
        return ""
    if not sub:
        return ""
    wanted = _label(sub)
    for label, text in passage.subs.items():
        if _label(label) == wanted and text in passage.text:
            return text.strip()
    return ""


def _label(label: str) -> str:
    return re.sub(r"[^0-9a-z°]", "", label.casefold())


def best_sentences(text: str, context: str, max_chars: int = MAX_QUOTE_CHARS) -> str:
    """The sentence of `text` sharing most words with `context`, widened with its neighbours while it fits."""
    spans = sentence_spans(text)
    if not spans:
        return ""
    wanted = stems(context)
    scores = [len(stems(text[start:end]) & wanted) for start, end in spans]
    scores[0] += _LEAD_BONUS  # the opening sentence states the rule; later ones must be clearly more relevant
    best = max(range(len(spans)), key=lambda i: (scores[i], -i))
    first, last = _widen(spans, scores, best, max_chars)
    return _fit(text[spans[first][0] : spans[last][1]], max_chars)


def _widen(spans: list[tuple[int, int]], scores: list[int], best: int, max_chars: int) -> tuple[int, int]:
    """Add following (then preceding) sentences while the quote is short or they are relevant too."""
    first = last = best
    while last + 1 < len(spans) and _fits(spans, first, last + 1, max_chars):
        if scores[last + 1] == 0 and _length(spans, first, last) >= _MIN_QUOTE_CHARS:
            break
        last += 1
    if (
        first > 0
        and _length(spans, first, last) < _MIN_QUOTE_CHARS
        and _fits(spans, first - 1, last, max_chars)
    ):
        first -= 1
    return first, last


def _length(spans: list[tuple[int, int]], first: int, last: int) -> int:
    return spans[last][1] - spans[first][0]


def _fits(spans: list[tuple[int, int]], first: int, last: int, max_chars: int) -> bool:
    return _length(spans, first, last) <= max_chars


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of `text`; list labels ('a.', '1°.') stay with what follows."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        piece = text[start : match.start()]
        if _joins_next(piece):
            continue
        spans.append((start, match.start()))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def _joins_next(piece: str) -> bool:
    """True when the boundary after `piece` is not a sentence end (a list label or an abbreviation)."""
    words = piece.split()
    if not words:
        return True
    last = words[-1].rstrip(".").casefold()
    return bool(_LABEL.match(words[-1]) and len(words) == 1) or last in _ABBREVIATIONS


def _fit(text: str, max_chars: int) -> str:
    """`text` itself when short enough, else its longest prefix ending on a clause or word boundary."""
    text = text.strip()
    if len(text) <= max_chars:
        return text
    head = text[:max_chars]
    for marks in ((". ", "; ", ": ", "\n"), (", ",), (" ",)):
        cut = max(head.rfind(mark) for mark in marks)
        if cut > max_chars // 3:
            return head[: cut + 1].rstrip()
    return head.rstrip()


@lru_cache(maxsize=16384)  # the sentences of the cited provisions recur in every answer (and Deelkaart cell)
def stems(text: str) -> frozenset[str]:
    """Crude content-word stems: lower case, no stopwords, first six letters (verstrekken ~ verstrekking)."""
    return frozenset(word[:_STEM] for word in _words(text) if len(word) > 2 and word not in _STOPWORDS)


def _words(text: str) -> Iterable[str]:
    return (match.group(0).casefold() for match in _WORD.finditer(text))
