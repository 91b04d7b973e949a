"""Dutch analysis for the lexical index: legal abbreviations, compound splitting, stemming.

    analyzer = DutchAnalyzer.from_texts(corpus_texts)
    analyzer.tokens("Mag de zorgverlener het BSN delen bij gegevensuitwisseling?")
    # ['zorgverlener', 'zorg', 'verlener', 'bsn', 'burgerservicenummer', 'delen', 'gegevensuitwissel',
    #  'gegeven', 'uitwissel']   (stems: 'delen' stays, 'gegevens' -> 'gegeven')

Words are folded as kb.lexical.tokenize does (lowercase, no diacritics, stopwords dropped). A compound is
kept whole and its parts are added when every part is a word seen in the corpus (the vocabulary, stored
with the index), with the Dutch linking 's', 'e' or 'en' allowed between parts. Then every word is stemmed
(Snowball's Dutch Porter stemmer; the newer 'dutch' stemmer strips 'ge-' and turns 'gegevens' into 'geven').
Abbreviations are matched case-sensitively before folding, so 'OM' is the Openbaar Ministerie and 'om' a
stopword; the abbreviation stays and its spelled-out words are added.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Iterable, Mapping

import snowballstemmer

ANALYZER_NAME = "dutch/1"
MIN_PART = 4  # shortest compound part: 'zorg', 'wet', ... ('wet' is too short: it would split 'wetten')
MIN_COUNT = 2  # a word enters the vocabulary when the corpus has it this often
MIN_COMPOUND = 2 * MIN_PART
LINKS = ("s", "en", "e")

#: Abbreviations used by professionals and in the texts, with the words a statute spells out instead.
# fmt: off
ABBREVIATIONS: dict[str, str] = {
    "AVG": "algemene verordening gegevensbescherming",
    "UAVG": "uitvoeringswet algemene verordening gegevensbescherming",
    "GDPR": "general data protection regulation",
    "Wpg": "wet politiegegevens",
    "Bpg": "besluit politiegegevens",
    "Wjsg": "wet justitiele strafvorderlijke gegevens",
    "WGS": "wet gegevensverwerking samenwerkingsverbanden",
    "Wmo": "wet maatschappelijke ondersteuning",
    "Jw": "jeugdwet",
    "Vw": "vreemdelingenwet",
    "BIG": "beroepen individuele gezondheidszorg",
    "BSN": "burgerservicenummer",
    "ZVH": "zorg veiligheidshuis",
    "FG": "functionaris gegevensbescherming",
    "AP": "autoriteit persoonsgegevens",
    "OM": "openbaar ministerie",
    "IND": "immigratie naturalisatiedienst",
    "COA": "centraal orgaan opvang asielzoekers",
    "KMar": "koninklijke marechaussee",
    "GI": "gecertificeerde instelling",
    "RvdK": "raad kinderbescherming",
    "AMHK": "advies meldpunt huiselijk geweld kindermishandeling",
    "VT": "veilig thuis",
    "RIEC": "regionaal informatie expertisecentrum",
    "GGD": "gemeentelijke gezondheidsdienst",
    "IGJ": "inspectie gezondheidszorg jeugd",
    "DPIA": "gegevensbeschermingseffectbeoordeling",
    "OTS": "ondertoezichtstelling",
    "CoMensha": "coordinatiecentrum mensenhandel",
}
# fmt: on
_ABBREVIATION = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, ABBREVIATIONS), key=len, reverse=True)) + r")\b"
)
_WORD = re.compile(r"[a-z]+")


def vocabulary(token_lists: Iterable[list[str]]) -> dict[str, int]:
    """Alphabetic words of at least MIN_PART letters seen at least MIN_COUNT times, with their counts."""
    counts = Counter(token for tokens in token_lists for token in tokens if _is_word(token))
    return {word: n for word, n in sorted(counts.items()) if n >= MIN_COUNT and len(word) >= MIN_PART}


def expand_abbreviations(text: str) -> str:
    """`text` with each known abbreviation's spelled-out words after it: 'BSN burgerservicenummer'."""
    return _ABBREVIATION.sub(lambda match: f"{match.group(1)} {ABBREVIATIONS[match.group(1)]}", text)


def _is_word(token: str) -> bool:
    return _WORD.fullmatch(token) is not None


class CompoundSplitter:
    """Splits a word into parts that are all corpus words; the split with the most frequent parts wins
    (geometric mean of their counts, as Koehn & Knight 2003)."""

    def __init__(self, counts: Mapping[str, int]) -> None:
        self.counts = counts
        self._memo: dict[str, list[str]] = {}

    def split(self, word: str) -> list[str]:
        """The parts of `word` (linking letters dropped), or [] when it is not a compound of corpus words."""
        if len(word) < MIN_COMPOUND or not _is_word(word):
            return []
        if word not in self._memo:
            self._memo[word] = self._best(word)
        return self._memo[word]

    def _best(self, word: str) -> list[str]:
        best: list[str] = []
        best_score = 0.0
        for parts in self._candidates(word):
            score = math.exp(sum(math.log(self.counts[p]) for p in parts) / len(parts))
            if score > best_score or (score == best_score and len(parts) < len(best)):
                best, best_score = parts, score
        return best

    def _candidates(self, word: str) -> Iterable[list[str]]:
        for cut in range(MIN_PART, len(word) - MIN_PART + 1):
            tail = word[cut:]
            rest = [tail] if tail in self.counts else self.split(tail)
            if not rest:
                continue
            for head in self._heads(word[:cut]):
                yield [head, *rest]

    def _heads(self, head: str) -> Iterable[str]:
        if head in self.counts:
            yield head
        for link in LINKS:
            stem = head.removesuffix(link)
            if stem != head and len(stem) >= MIN_PART and stem in self.counts:
                yield stem


class DutchStemmer:
    """Snowball's Dutch Porter stemmer, memoised and safe to call from several threads."""

    def __init__(self) -> None:
        self._stemmer = snowballstemmer.stemmer("dutch_porter")
        self._memo: dict[str, str] = {}
        self._lock = threading.Lock()

    def stem(self, word: str) -> str:
        found = self._memo.get(word)
        if found is None:
            if not _is_word(word):
                found = word  # article numbers ('7.3.11', '39f') stay whole
            else:
                with self._lock:
                    found = str(self._stemmer.stemWord(word))
            self._memo[word] = found
        return found
