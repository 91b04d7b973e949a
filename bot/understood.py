"""'Zo heb ik uw vraag begrepen': the facts of an understanding, each with how it was found.

    understood(understanding, given, vocabulary)   # [UnderstoodFact(fact="sender", value="politie", ...)]

Sources: the words of the question, an earlier turn (history), the embedding fallback (guess), the user
(given, the `facts` field), or not found (missing).
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.answer import FactSource, FactValue, UnderstoodFact
from bot.fact_inputs import FACT_IDS, load_words, partnership_of, value_label
from bot.understanding import Understanding
from bot.vocabulary import Vocabulary


def fact_value(u: Understanding, fact: str) -> FactValue:
    """The value of one fact as the understanding holds it; None when unknown."""
    if fact == "partnership":
        return partnership_of(u)
    value = getattr(u, fact)
    return None if value in ("", []) else value


def fact_source(u: Understanding, fact: str, given: Mapping[str, FactValue]) -> FactSource:
    if fact in given:
        return "given"
    if fact_value(u, fact) is None:
        return "missing"
    if fact in u.semantic:
        return "guess"
    return "history" if fact in u.from_history else "question"


def understood(u: Understanding, given: Mapping[str, FactValue], vocab: Vocabulary) -> list[UnderstoodFact]:
    language = "en" if u.language == "en" else "nl"
    words = load_words()
    facts = []
    for fact in FACT_IDS:
        value = given[fact] if fact in given else fact_value(u, fact)
        source = fact_source(u, fact, given)
        facts.append(
            UnderstoodFact(
                fact=fact,
                label=words.facts[fact].label.get(language),
                value=value,
                value_label=_labels(fact, value, vocab, language),
                source=source,
                words=u.words.get(fact, "") if source == "question" else "",
                options_ref=fact,
            )
        )
    return facts


def _labels(fact: str, value: FactValue, vocab: Vocabulary, language: str) -> str | list[str] | None:
    if value is None:
        return None
    if isinstance(value, list):
        return [value_label(fact, item, vocab, language) for item in value]
    return value_label(fact, value, vocab, language)
