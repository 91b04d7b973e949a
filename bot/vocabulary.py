"""The vocabulary (kb/vocabulary/*.yaml): load it and find its terms in a question.

Matching runs on normalised text — no diacritics, punctuation as spaces, lowercase except for `=`-terms — that
keeps every character at its original position, so hits from different slots can be compared by position.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

import kb
from kb.errors import KbError

VOCABULARY_DIR = Path(kb.__file__).resolve().parent / "vocabulary"
SLOTS = ("roles", "data", "purposes", "intents", "signals", "countries", "language")
_SUFFIX = r"(?:en|e|s|n|es|er|ers|ed|d)?"
_NEGATORS = {
    "niet", "geen", "nooit", "zonder", "niets", "niks", "not", "no", "never", "without", "non", "nothing",
}  # fmt: skip
#: words that may stand between a negation and what it negates: 'niet aan de politie', 'not about the police'
_NEGATION_FILLERS = {
    "de", "het", "een", "aan", "met", "naar", "bij", "om", "over", "the", "a", "an", "to", "with", "about",
}  # fmt: skip
_FUZZY_MIN_LENGTH = 7


class VocabularyError(KbError):
    """A vocabulary file is missing, unreadable or malformed."""


class ContextTerm(BaseModel):
    """A term that only counts when one of `with_any` also occurs in the question."""

    term: str
    with_any: list[str]


class Entry(BaseModel):
    id: str
    label: dict[str, str]
    description: dict[str, str] = Field(default_factory=dict)
    attrs: dict[str, Any] = Field(default_factory=dict)
    terms: dict[str, list[str | ContextTerm]] = Field(default_factory=dict)
    adjectives: dict[str, list[str]] = Field(default_factory=dict)

    def text(self, field_name: str, language: str) -> str:
        values: dict[str, str] = getattr(self, field_name)
        return values.get(language) or values.get("nl") or self.id


class VocabularyFile(BaseModel):
    slot: str
    entries: list[Entry]
    semantic_threshold: float | None = Field(
        None,
        description="Cosine similarity from which the embedding fallback accepts an entry for this slot.",
    )
    semantic_margin: float = Field(0.0, description="How far the best entry must lead the second best.")


@dataclass(frozen=True)
class Text:
    """A question in two aligned normalised forms: `folded` keeps case, `lower` does not."""

    original: str
    folded: str
    lower: str

    @classmethod
    def of(cls, text: str) -> Text:
        folded = "".join(_fold_char(char) for char in text)
        lower = "".join(c.lower() if len(c.lower()) == 1 else c for c in folded)
        return cls(text, folded, lower)

    def blank(self, spans: list[tuple[int, int]]) -> Text:
        """The same text with these spans replaced by spaces (positions stay valid)."""
        chars = list(self.original)
        for start, end in spans:
            chars[start:end] = " " * (end - start)
        return Text.of("".join(chars))

    def words_before(self, position: int, count: int = 5) -> list[str]:
        return self.lower[:position].split()[-count:]


def _fold_char(char: str) -> str:
    if char.isalnum():
        base = [c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)]
        return base[0] if len(base) == 1 and base[0].isalnum() else char
    return " "


def normalise(text: str) -> str:
    """Lowercase, no diacritics, punctuation as spaces, single spaces."""
    return " ".join(Text.of(text).lower.split())


@dataclass(frozen=True)
class Hit:
    id: str
    start: int
    end: int
    text: str
    negated: bool = False

    def overlaps(self, other: Hit) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass
class _Pattern:
    entry_id: str
    regex: re.Pattern[str]
    case_sensitive: bool
    context: re.Pattern[str] | None = None


def term_regex(term: str) -> tuple[re.Pattern[str], bool]:
    """Compile one term of the vocabulary syntax (see kb/vocabulary/README.md)."""
    if term.startswith("re:"):
        return re.compile(term[3:]), False
    case_sensitive = term.startswith("=")
    body = term[1:] if case_sensitive else term
    exact = body.endswith("!")
    words = _term_words(body.rstrip("!"), case_sensitive)
    if not words:
        raise VocabularyError(f"empty term {term!r}: give a word or phrase")
    parts = [re.escape(word[:-1]) + r"\w*" if word.endswith("*") else re.escape(word) for word in words]
    if not (exact or case_sensitive or words[-1].endswith("*")) and words[-1].isalpha():
        parts[-1] += _SUFFIX
    return re.compile(r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)"), case_sensitive


def _term_words(body: str, case_sensitive: bool) -> list[str]:
    """Normalised words of a term; a trailing '*' on a word survives normalisation."""
    words: list[str] = []
    for raw in body.split():
        star = raw.endswith("*")
        raw = raw.rstrip("*")
        normalised = (Text.of(raw).folded if case_sensitive else normalise(raw)).split()
        if star and normalised:
            normalised[-1] += "*"
        words += normalised
    return words


def _alternation(terms: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{term_regex(t)[0].pattern})" for t in terms))


class Lexicon:
    """The entries of one slot and their compiled terms."""

    def __init__(
        self,
        slot: str,
        entries: list[Entry],
        resolve_overlaps: bool = True,
        semantic: tuple[float | None, float] = (None, 0.0),
    ) -> None:
        self.slot = slot
        self.semantic_threshold, self.semantic_margin = semantic
        self.entries = {entry.id: entry for entry in entries}
        self.resolve_overlaps = resolve_overlaps
        self._patterns = [p for entry in entries for p in _entry_patterns(entry, "terms")]
        self._fuzzy = _fuzzy_terms(entries)

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self.entries

    def attrs(self, entry_id: str) -> dict[str, Any]:
        entry = self.entries.get(entry_id)
        return entry.attrs if entry else {}

    def label(self, entry_id: str, language: str = "nl") -> str:
        entry = self.entries.get(entry_id)
        return entry.text("label", language) if entry else entry_id

    def find(self, text: Text, fuzzy: bool = False) -> list[Hit]:
        """Every hit, in order of position; overlapping hits keep the longest when `resolve_overlaps`."""
        hits = [hit for pattern in self._patterns for hit in _search(pattern, text)]
        if fuzzy and self._fuzzy:
            hits += _fuzzy_hits(text, hits, self._fuzzy)
        hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
        return _longest_first(hits) if self.resolve_overlaps else hits

    def ids(self, text: Text, fuzzy: bool = False) -> list[str]:
        """Ids of the entries found (not negated), in order of first occurrence."""
        return list(dict.fromkeys(hit.id for hit in self.find(text, fuzzy) if not hit.negated))


def _entry_patterns(entry: Entry, field_name: str) -> list[_Pattern]:
    patterns = []
    for terms in getattr(entry, field_name).values():
        for term in terms:
            word, context = (
                (term.term, _alternation(term.with_any)) if isinstance(term, ContextTerm) else (term, None)
            )
            regex, case_sensitive = term_regex(word)
            patterns.append(_Pattern(entry.id, regex, case_sensitive, context))
    return patterns


def _search(pattern: _Pattern, text: Text) -> list[Hit]:
    if pattern.context is not None and not pattern.context.search(text.lower):
        return []
    haystack = text.folded if pattern.case_sensitive else text.lower
    return [
        Hit(
            pattern.entry_id,
            m.start(),
            m.end(),
            text.original[m.start() : m.end()],
            _negated(text, m.start()),
        )
        for m in pattern.regex.finditer(haystack)
        if m.end() > m.start()
    ]


def _negated(text: Text, start: int) -> bool:
    """'geen politie', 'niet aan de politie', 'not the police', 'zonder gezondheidsgegevens'. Not across a
    sentence end: in 'de voogd reageert niet. Kan hij het zelf?' the 'niet' belongs to the sentence before."""
    sentence_start = max(text.original.rfind(end, 0, start) for end in ".!?;") + 1
    for word in reversed(text.lower[sentence_start:start].split()[-3:]):
        if word in _NEGATORS:
            return True
        if word not in _NEGATION_FILLERS:
            return False
    return False


def _longest_first(hits: list[Hit]) -> list[Hit]:
    """Drop hits inside a longer hit; two entries sharing the same span both stay ('kenteken')."""
    kept: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (-(h.end - h.start), h.start)):
        if not any(hit.overlaps(other) and not _same_span_other_entry(hit, other) for other in kept):
            kept.append(hit)
    return sorted(kept, key=lambda h: h.start)


def _same_span_other_entry(hit: Hit, other: Hit) -> bool:
    return (hit.start, hit.end) == (other.start, other.end) and hit.id != other.id


def _fuzzy_terms(entries: list[Entry]) -> dict[str, str]:
    """Plain one-word terms long enough to forgive one typo: term -> entry id."""
    table: dict[str, str] = {}
    for entry in entries:
        for terms in entry.terms.values():
            for term in terms:
                if isinstance(term, str) and term.isalpha() and len(term) >= _FUZZY_MIN_LENGTH:
                    table.setdefault(normalise(term), entry.id)
    return table


def _fuzzy_hits(text: Text, exact: list[Hit], table: dict[str, str]) -> list[Hit]:
    hits = []
    for match in re.finditer(r"\w{" + str(_FUZZY_MIN_LENGTH) + ",}", text.lower):
        if any(hit.start < match.end() and match.start() < hit.end for hit in exact):
            continue
        entry_id = _closest(match.group(), table)
        if entry_id:
            hits.append(Hit(entry_id, match.start(), match.end(), text.original[match.start() : match.end()]))
    return hits


def _closest(word: str, table: dict[str, str]) -> str | None:
    for term, entry_id in table.items():
        # 'een jongen die wij begeleiden' names no 'begeleider': a verb in -en is no typo of a noun in -er
        verb = word[:-1] == term[:-1] and word.endswith("en") and term.endswith("er")
        if not verb and abs(len(term) - len(word)) <= 1 and within_one_edit(word, term):
            return entry_id
    return None


def within_one_edit(a: str, b: str) -> bool:
    """True when a and b differ by at most one insertion, deletion, substitution or adjacent swap."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    prefix = 0
    while prefix < min(len(a), len(b)) and a[prefix] == b[prefix]:
        prefix += 1
    a, b = a[prefix:], b[prefix:]
    if len(a) == len(b):
        return a[1:] == b[1:] or (len(a) >= 2 and a[0] == b[1] and a[1] == b[0] and a[2:] == b[2:])
    return a[1:] == b if len(a) > len(b) else b[1:] == a


@dataclass(frozen=True)
class Vocabulary:
    """Every slot's lexicon; country adjectives ('Marokkaanse') are a lexicon of their own."""

    roles: Lexicon
    data: Lexicon
    purposes: Lexicon
    intents: Lexicon
    signals: Lexicon
    countries: Lexicon
    language: Lexicon
    country_adjectives: Lexicon

    def slot(self, name: str) -> Lexicon:
        lexicon = getattr(self, name, None)
        if not isinstance(lexicon, Lexicon):
            raise VocabularyError(f"unknown vocabulary slot {name!r} — use one of {', '.join(SLOTS)}")
        return lexicon


def detect_language(text: str | Text, vocab: Vocabulary | None = None) -> str:
    """'en' when English function words (kb/vocabulary/language.yaml) outnumber Dutch ones, else 'nl'.
    The one language test: of the question, of a search text, of an evaluation query."""
    hits = (vocab or load_vocabulary()).language.find(text if isinstance(text, Text) else Text.of(text))
    english = sum(1 for hit in hits if hit.id == "english")
    dutch = sum(1 for hit in hits if hit.id == "dutch")
    return "en" if english > dutch else "nl"


def read_vocabulary_file(path: Path) -> VocabularyFile:
    try:
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
        return VocabularyFile.model_validate(data)
    except (OSError, YAMLError) as exc:
        raise VocabularyError(
            f"{path}: cannot read the vocabulary file ({exc}) — fix the YAML syntax"
        ) from exc
    except ValidationError as exc:
        raise VocabularyError(f"{path}: not a vocabulary file: {exc} — see kb/vocabulary/README.md") from exc


@lru_cache(maxsize=4)
def load_vocabulary(folder: Path = VOCABULARY_DIR) -> Vocabulary:
    """Read every kb/vocabulary/<slot>.yaml once; unknown or missing slots are errors."""
    files_by_slot: dict[str, VocabularyFile] = {}
    for path in sorted(folder.glob("*.yaml")):
        parsed = read_vocabulary_file(path)
        if parsed.slot not in SLOTS:
            raise VocabularyError(f"{path}: unknown slot {parsed.slot!r} — use one of {', '.join(SLOTS)}")
        files_by_slot[parsed.slot] = parsed
    missing = [slot for slot in SLOTS if slot not in files_by_slot]
    if missing:
        raise VocabularyError(f"{folder}: no vocabulary for {', '.join(missing)} — add <slot>.yaml files")
    lexicons = {
        slot: Lexicon(
            slot,
            file.entries,
            slot not in ("signals", "language"),
            (file.semantic_threshold, file.semantic_margin),
        )
        for slot, file in files_by_slot.items()
    }
    countries = files_by_slot["countries"].entries
    adjectives = [Entry(id=e.id, label=e.label, attrs=e.attrs, terms=dict(e.adjectives)) for e in countries]
    return Vocabulary(**lexicons, country_adjectives=Lexicon("country_adjectives", adjectives))


_DESTINATION_CUES = {"naar", "richting", "to", "towards", "into"}
_ORGANISATION = (
    r"(?:politie\w*|autoriteit\w*|instantie\w*|organisatie\w*|ngo\w*|ambassade\w*|consulaat|collega\w*|"
    r"partner\w*|hulpverlen\w*|opvang\w*|overheid\w*|ministerie\w*|dienst\w*|cloud\w*|applicatie\w*|server\w*|"
    r"leverancier\w*|police|authorit\w*|agenc\w*|service\w*|provider\w*|"
    r"organi[sz]ation\w*|embass\w*|colleague\w*|government\w*|shelter\w*|ministry)(?!\w)"
)
_ORGANISATION_AFTER = re.compile(r"\s+" + _ORGANISATION)
_ORGANISATION_BEFORE = re.compile(r"(?<!\w)" + _ORGANISATION)
# 'de politie in Marokko'; not 'Wmo-consulent. Vrouw uit Nigeria' (a person's origin, see _is_destination)
_PLACE_GAP = re.compile(
    r"\s+(?:(?!(?:vrouw|vrouwen|man|mannen|meisje|meisjes|jongen|jongens|jongere|jongeren|dame|cli[eë]nte?|"
    r"slachtoffer|slachtoffers|moeder|vader|kind|kinderen|familie|gezin|woman|man|girl|boy|family)\b)\w+\s+)?"
    r"(?:in|uit|van|from|of)\s+(?:het\s+|de\s+|the\s+)?"
)


def country_facts(text: Text, vocab: Vocabulary, roles: list[Hit], signals: list[Hit]) -> dict[str, object]:
    """Where the data would go: a country after 'naar/to', after a recipient ('de politie in Marokko'),
    or as an adjective before one ('de Marokkaanse politie'). Someone's origin ('uit Nigeria') is not."""
    found = {hit.id for hit in signals if not hit.negated}
    countries = [h.id for h in vocab.countries.find(text) if _is_destination(text, h, roles)]
    adjectives = vocab.country_adjectives.find(text)
    countries += [h.id for h in adjectives if _ORGANISATION_AFTER.match(text.lower, h.end)]
    outside = [c for c in countries if not vocab.countries.attrs(c).get("eer")]
    outside_eer: bool | None = True if outside or "outside_eer" in found else None
    if outside_eer is None and (countries or "inside_eer" in found):
        outside_eer = False
    abroad = bool(countries) or "abroad" in found or "buitenlandse_autoriteit" in {h.id for h in roles}
    return {"country": (outside or countries or [""])[0], "outside_eer": outside_eer, "abroad": abroad}


def _is_destination(text: Text, hit: Hit, roles: list[Hit]) -> bool:
    if set(text.words_before(hit.start, 2)) & _DESTINATION_CUES:
        return True
    prefix = text.lower[: hit.start]
    ends = [r.end for r in roles if r.end <= hit.start] + [
        m.end() for m in _ORGANISATION_BEFORE.finditer(prefix)
    ]
    return any(
        _PLACE_GAP.fullmatch(prefix[end:]) and not re.search(r"[.?!]", text.original[end : hit.start])
        for end in ends
    )
