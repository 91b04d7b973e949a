"""Quotes from the covenant: the sentence around a hit, cut from the page text itself, and their check.

A quote is a verbatim substring of the extracted text of its page; the only relaxation is whitespace (runs of
whitespace compare equal), exactly as bot/verify.py checks citations of the law.
"""

from __future__ import annotations

import re

from bot.covenant.reading import Page
from bot.verify import collapse

MAX_CHARS = 320
_WINDOW = 150
_END = re.compile(r"[.;!?](?=\s|$)")
_CLAUSE_LINE = re.compile(r"\n(?=[ \t]*(?:\d{1,2}(?:\.\d{1,2})*\.?\s|[a-z]\.\s|[a-z]\)\s|Artikel\s|[-•]\s))")
_ABBREVIATIONS = {"art", "nr", "bijv", "o.a", "jo", "sub", "lid", "e.d", "m.b.t", "i.v.m", "t.a.v", "z.s.m"}


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence (or list item) holding text[start:end], whitespace collapsed; long ones are cut to a
    window of whole words around the hit."""
    left = max(_boundaries(text[:start]), default=0)
    right = min((m.end() for m in _ends(text, end)), default=len(text))
    if right - left > MAX_CHARS:
        left, right = _window(text, start, end, left, right)
    return collapse(text[left:right])


def _boundaries(prefix: str) -> list[int]:
    ends = [m.end() for m in _ends(prefix, 0)]
    return ends + [m.end() for m in _CLAUSE_LINE.finditer(prefix)]


def _ends(text: str, position: int) -> list[re.Match[str]]:
    found = [m for m in _END.finditer(text, position) if not _after_abbreviation(text, m.start())]
    found += list(_CLAUSE_LINE.finditer(text, position))
    return sorted(found, key=lambda m: m.start())


def _after_abbreviation(text: str, dot: int) -> bool:
    word = text[:dot].rsplit(None, 1)[-1].casefold() if text[:dot].split() else ""
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()) or word.isdigit()


def _window(text: str, start: int, end: int, left: int, right: int) -> tuple[int, int]:
    low, high = max(left, start - _WINDOW), min(right, end + _WINDOW)
    while low > left and not text[low - 1].isspace():
        low += 1
    while high < right and not text[high].isspace():
        high -= 1
    return low, max(high, end)


def quote_on_page(quote: str, page: Page) -> bool:
    """True when `quote` is in the page's extracted text (whitespace runs compare equal)."""
    needle = collapse(quote)
    return bool(needle) and needle in collapse(page.text)
