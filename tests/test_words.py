"""The word catalogue (bot/words): both languages have every key, with the same placeholders, loaded once."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from bot.words import LANGUAGES, WORDS_DIR, WordsError, _checked, catalogue, verdict_label, words

REPO = Path(__file__).resolve().parent.parent


def keys(language: str) -> set[str]:
    return {f"{section}.{key}" for section, entries in catalogue(language).items() for key in entries}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_exists_in_both_languages() -> None:
    nl, en = keys("nl"), keys("en")
    assert nl - en == set(), f"missing in {WORDS_DIR / 'en.yaml'}"
    assert en - nl == set(), f"missing in {WORDS_DIR / 'nl.yaml'}"
    assert {"verdicts.mag", "rendering.verdict", "llm.system_prompt", "assessment.escalate"} <= nl


@pytest.mark.parametrize("key", sorted(keys("nl")))
def test_a_text_has_the_same_placeholders_in_both_languages(key: str) -> None:
    section, name = key.split(".")
    texts = {language: words(section, language)[name] for language in LANGUAGES}
    assert all(text.strip() for text in texts.values()), f"{key} is empty"
    assert placeholders(texts["nl"]) == placeholders(texts["en"]), key


def test_loaded_once_and_other_languages_get_dutch() -> None:
    assert catalogue("en") is catalogue("en")
    assert catalogue("de") is catalogue("nl")
    assert verdict_label("mag_mits", "nl") == "Ja, mits"
    assert verdict_label("mag_mits", "en") == "Yes, provided"


def test_a_malformed_catalogue_names_the_file_and_the_fix() -> None:
    with pytest.raises(WordsError, match=r"x\.yaml: section 'records' must map each key to a text"):
        _checked({"records": {"yes": True}}, Path("x.yaml"))


VERDICT_WORDS = re.compile(r'"(Ja|Ja, mits|Nee|Hangt af|Yes|Yes, provided|It depends)"')


def test_no_verdict_label_is_written_outside_the_catalogue() -> None:
    """Words in one place: product code spells no verdict label of its own."""
    offenders = [
        str(path.relative_to(REPO))
        for package in ("bot", "kb", "deelwijzer")
        for path in (REPO / package).rglob("*.py")
        if path.parent != WORDS_DIR and VERDICT_WORDS.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
