"""User-facing words: one catalogue per language (`nl.yaml`, `en.yaml` beside this file), loaded once.

Sections: `verdicts` (the verdict labels), `composition` (sentences composition adds to an answer),
`guidance_nouns`, `rendering` (the Markdown answer), `assessment` (escalation and open-question texts of the
rules), `records` and `record_facts` (the decision record), `llm` (the rephrase prompt). Rule-specific texts
(step titles and findings) stay beside their rules in kb/assessment. tests/test_words.py checks that both
languages have every key.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import cast

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from kb.errors import DeelwijzerError

WORDS_DIR = Path(__file__).resolve().parent
LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"

Catalogue = dict[str, dict[str, str]]


class WordsError(DeelwijzerError):
    """A catalogue file is missing or malformed; the message names the file and the fix."""


def catalogue(language: str) -> Catalogue:
    """The words of `language` (a language without a catalogue gets Dutch)."""
    return _load(language if language in LANGUAGES else DEFAULT_LANGUAGE)


@cache
def _load(language: str) -> Catalogue:
    path = WORDS_DIR / f"{language}.yaml"
    try:
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except (OSError, YAMLError) as exc:
        raise WordsError(f"{path}: cannot read the word catalogue ({exc}) — restore the file") from exc
    return _checked(data, path)


def _checked(data: object, path: Path) -> Catalogue:
    if not isinstance(data, dict):
        raise WordsError(f"{path}: expected sections (verdicts:, rendering:, ...) at the top level")
    for section, entries in data.items():
        if not isinstance(entries, dict) or not all(isinstance(v, str) for v in entries.values()):
            raise WordsError(f"{path}: section '{section}' must map each key to a text (quote 'yes'/'no')")
    return cast(Catalogue, data)


def words(section: str, language: str) -> dict[str, str]:
    """One section of the catalogue of `language`, e.g. words("verdicts", "en")["mag"] == "Yes"."""
    return catalogue(language)[section]


def verdict_label(verdict: str, language: str) -> str:
    """The verdict's label in `language`: 'Ja, mits' / 'Yes, provided'."""
    return words("verdicts", language)[verdict]
