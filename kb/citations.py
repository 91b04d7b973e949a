"""Citation keys: parse, format and match them exactly as evals/FORMAT.md prescribes.

<source> art. <number>[ lid <n>][ sub <label>]     AVG art. 6 lid 1 sub e
<source> overweging <n>                            AVG overweging 43
<id> p. <page>  |  <id> § <section>                convenant-zvh p. 4, werkinstructie-riec § 2
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kb.errors import CitationKeyError

_ARTICLE = re.compile(
    r"^(?P<source>.+?)\s+(?:art\.?|artikel|article)\s+(?P<article>[0-9][0-9A-Za-z.:]*[0-9a-z]|[0-9]|[IVXLC]+)"
    r"(?:\s*(?:,\s*)?(?:lid|paragraph|par\.)\s+(?P<lid>[0-9]+[a-z]?))?"
    r"(?:\s*(?:,\s*)?(?:sub|onder|onderdeel|point|punt)\s+(?P<sub>.+?))?\s*$",
    re.IGNORECASE,
)
_RECITAL = re.compile(r"^(?P<source>.+?)\s+(?:overweging|recital)\s+(?P<recital>[0-9]+)\s*$", re.IGNORECASE)
_PAGE = re.compile(r"^(?P<source>.+?)\s+p\.\s*(?P<page>[0-9]+)\s*$")
_SECTION = re.compile(r"^(?P<source>.+?)\s+§\s*(?P<section>.+?)\s*$")


@dataclass(frozen=True)
class CitationKey:
    source: str
    article: str = ""
    lid: str = ""
    sub: str = ""
    recital: str = ""
    page: int | None = None
    section: str = ""

    def __str__(self) -> str:
        if self.recital:
            return f"{self.source} overweging {self.recital}"
        if self.page is not None:
            return f"{self.source} p. {self.page}"
        if self.section:
            return f"{self.source} § {self.section}"
        text = f"{self.source} art. {self.article}"
        if self.lid:
            text += f" lid {self.lid}"
        if self.sub:
            text += f" sub {self.sub}"
        return text

    @property
    def article_key(self) -> str:
        """The key at article level: what FORMAT.md matches on."""
        if self.article:
            return f"{self.source} art. {self.article}"
        return str(self)

    @property
    def passage_key(self) -> str:
        """The key of the stored passage that holds this provision (sub-items live inside their lid)."""
        if self.article:
            return str(CitationKey(self.source, self.article, self.lid))
        return str(self)


@lru_cache(maxsize=65536)  # keys repeat across answers (a Deelkaart parses ~300,000); CitationKey is frozen
def parse_key(text: str) -> CitationKey:
    """Parse a citation key; raises CitationKeyError with the expected form if it is not one."""
    cleaned = " ".join(text.replace("\u00a0", " ").split())
    for pattern in (_RECITAL, _ARTICLE, _PAGE, _SECTION):
        match = pattern.match(cleaned)
        if match:
            groups = {k: v for k, v in match.groupdict().items() if v}
            if "page" in groups:
                return CitationKey(groups["source"], page=int(groups["page"]))
            return CitationKey(
                source=groups["source"],
                article=groups.get("article", ""),
                lid=groups.get("lid", ""),
                sub=groups.get("sub", "").rstrip(".)"),
                recital=groups.get("recital", ""),
                section=groups.get("section", ""),
            )
    raise CitationKeyError(
        f"'{text}' is not a citation key; expected e.g. 'AVG art. 6 lid 1 sub e', 'AVG overweging 43', "
        "'Wpg art. 20 lid 3' or '<document id> p. 4'"
    )


def article_level(key: str) -> str:
    """'AVG art. 6 lid 1 sub e' -> 'AVG art. 6'. Keys that are not articles come back unchanged."""
    try:
        return parse_key(key).article_key
    except CitationKeyError:
        return key


def matches_at_article_level(cited: str, wanted: str) -> bool:
    """FORMAT.md: 'AVG art. 6 lid 1 sub e' satisfies 'AVG art. 6'; 'AVG art. 60' does not."""
    return article_level(cited).casefold() == article_level(wanted).casefold()
