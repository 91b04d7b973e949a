"""The lexical index: BM25 (bm25s) over `Passage.embedding_text()`, tuned for Dutch and English legal text.

Tokens are lowercased and stripped of diacritics; article numbers stay whole ('7.3.11', '4:2', '39f') and
single letters survive (sub labels 'a', 'e'). 'artikel'/'article' fold into 'art' so keys and prose meet.
A new index analyses Dutch on top of that (kb.dutch: abbreviations, compound parts, stems) and stores its
analyzer with it; an index saved before that has no analyzer file and keeps the plain tokens.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol

import bm25s
import numpy as np
import numpy.typing as npt

from kb.dutch import ANALYZER_NAME, CompoundSplitter, DutchStemmer, expand_abbreviations, vocabulary
from kb.errors import KbError

UIDS_FILE = "uids.json"
ANALYZER_FILE = "analyzer.json"

_TOKEN = re.compile(r"[0-9]+(?:[.:][0-9]+)*[a-z]*|[a-z]+")
_FOLD = {"artikel": "art", "artikelen": "art", "article": "art", "articles": "art", "recital": "overweging"}

#: Function words and question words: frequent in questions, no help in finding a provision. Sub labels
#: ('a', 'e') and 'niet'/'not' are deliberately absent.
_STOPWORDS = """
    de het een en of van in op te dat die dit deze is zijn was wordt worden werd voor met aan als bij door om
    tot uit over naar er ook dan nog wel al maar zo hier daar wat hoe welke wanneer waarom waar wie ik mij
    mijn me we wij ons onze je jij jou jouw u uw hij zij ze hun hen haar zich mag mogen kan kunnen moet
    moeten wil willen zou zouden heb hebben heeft had
    the an and or of to in on at by for with from as is are was were be been being that this these those
    it its which who whom what how when why where i me my we our you your he she they their them can may
    must should would could do does did have has had
"""
STOPWORDS = frozenset(_STOPWORDS.split())


def tokenize(text: str) -> list[str]:
    """Lowercase, strip diacritics, split into words and article numbers, drop stopwords."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch))
    tokens = (_FOLD.get(token, token) for token in _TOKEN.findall(plain))
    return [token for token in tokens if token not in STOPWORDS]


class Analyzer(Protocol):
    """Text to index terms; the same analyzer must serve the index and its queries."""

    name: str

    def tokens(self, text: str) -> list[str]: ...


class PlainAnalyzer:
    """`tokenize` alone: the analysis of indexes saved without an analyzer file."""

    name = "plain/1"

    def tokens(self, text: str) -> list[str]:
        return tokenize(text)


class DutchAnalyzer:
    """`tokenize`, then each abbreviation's spelled-out words, each compound's parts, and Dutch stems."""

    name = ANALYZER_NAME

    def __init__(self, counts: Mapping[str, int]) -> None:
        self.counts = dict(counts)
        self._splitter = CompoundSplitter(self.counts)
        self._stemmer = DutchStemmer()

    @classmethod
    def from_texts(cls, texts: Sequence[str]) -> DutchAnalyzer:
        """An analyzer whose compound vocabulary is the words of `texts`."""
        return cls(vocabulary(tokenize(expand_abbreviations(text)) for text in texts))

    def tokens(self, text: str) -> list[str]:
        stem = self._stemmer.stem
        terms: list[str] = []
        for word in tokenize(expand_abbreviations(text)):
            terms.append(stem(word))
            terms.extend(stem(part) for part in self._splitter.split(word))
        return terms

    def to_json(self) -> str:
        return json.dumps({"name": self.name, "vocabulary": self.counts}, ensure_ascii=False)


def load_analyzer(directory: Path) -> Analyzer:
    """The analyzer saved with an index; PlainAnalyzer for an index saved before analyzers were stored."""
    path = directory / ANALYZER_FILE
    if not path.is_file():
        return PlainAnalyzer()
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("name") != ANALYZER_NAME:
        raise KbError(
            f"{path}: analyzer {data.get('name')!r} is unknown to this version (expects {ANALYZER_NAME!r}); "
            "rebuild with `deelwijzer ingest --force`"
        )
    return DutchAnalyzer(data["vocabulary"])


class LexicalIndex:
    """BM25 over passages, addressed by passage uid."""

    def __init__(
        self, retriever: bm25s.BM25 | None, uids: list[str], analyzer: Analyzer | None = None
    ) -> None:
        self._retriever = retriever
        self.uids = uids
        self.analyzer: Analyzer = analyzer or PlainAnalyzer()

    @classmethod
    def build(cls, uids: Sequence[str], texts: Sequence[str]) -> LexicalIndex:
        if len(uids) != len(texts):
            raise KbError(f"lexical index: {len(uids)} uids but {len(texts)} texts; pass one uid per text")
        analyzer = DutchAnalyzer.from_texts(texts)
        if not uids:
            return cls(None, [], analyzer)
        retriever = bm25s.BM25()
        retriever.index([analyzer.tokens(text) for text in texts], show_progress=False)
        return cls(retriever, list(uids), analyzer)

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        if self._retriever is not None:
            self._retriever.save(str(directory), show_progress=False)
        if isinstance(self.analyzer, DutchAnalyzer):
            (directory / ANALYZER_FILE).write_text(self.analyzer.to_json(), encoding="utf-8")
        (directory / UIDS_FILE).write_text(json.dumps(self.uids), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        uids_file = directory / UIDS_FILE
        if not uids_file.is_file():
            raise KbError(
                f"{uids_file}: lexical index has no uid list; rebuild with `deelwijzer ingest --force`"
            )
        uids: list[str] = json.loads(uids_file.read_text(encoding="utf-8"))
        analyzer = load_analyzer(directory)
        if not uids:
            return cls(None, [], analyzer)
        return cls(bm25s.BM25.load(str(directory), show_progress=False), uids, analyzer)

    def search(
        self, query: str, k: int, mask: npt.NDArray[np.bool_] | None = None
    ) -> list[tuple[str, float]]:
        """Best `k` (uid, score) pairs with a positive score; `mask[i]` False excludes `uids[i]`."""
        scores = self._scores(query)
        if scores is None:
            return []
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        return _top_k(scores, self.uids, k)

    def _scores(self, query: str) -> npt.NDArray[np.float32] | None:
        if self._retriever is None:
            return None
        ids = self._retriever.get_tokens_ids(self.analyzer.tokens(query))
        if not ids:
            return None
        return np.asarray(self._retriever.get_scores_from_ids(ids), dtype=np.float32)


def _top_k(scores: npt.NDArray[np.float32], uids: list[str], k: int) -> list[tuple[str, float]]:
    k = min(k, len(scores))
    if k <= 0:
        return []
    best = np.argpartition(-scores, k - 1)[:k]
    ranked = sorted(best.tolist(), key=lambda i: (-float(scores[i]), i))
    return [(uids[i], float(scores[i])) for i in ranked if scores[i] > 0]
