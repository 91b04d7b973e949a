"""Citation keys exactly as evals/FORMAT.md writes them."""

from __future__ import annotations

import pytest

from kb.citations import article_level, matches_at_article_level, parse_key
from kb.errors import CitationKeyError


@pytest.mark.parametrize(
    ("text", "article_key", "passage_key"),
    [
        ("AVG art. 6 lid 1 sub e", "AVG art. 6", "AVG art. 6 lid 1"),
        ("Besluit politiegegevens art. 4:2 lid 1 sub b", "Besluit politiegegevens art. 4:2",
         "Besluit politiegegevens art. 4:2 lid 1"),
        ("Jeugdwet art. 7.3.11 lid 4", "Jeugdwet art. 7.3.11", "Jeugdwet art. 7.3.11 lid 4"),
        ("Wjsg art. 39f lid 1 sub f", "Wjsg art. 39f", "Wjsg art. 39f lid 1"),
        ("Wmo 2015 art. 5.2.6", "Wmo 2015 art. 5.2.6", "Wmo 2015 art. 5.2.6"),
        ("Vw 2000 art. 107 lid 2", "Vw 2000 art. 107", "Vw 2000 art. 107 lid 2"),
        ("Grondwet art. XIX", "Grondwet art. XIX", "Grondwet art. XIX"),
        ("AVG overweging 43", "AVG overweging 43", "AVG overweging 43"),
        ("werkinstructie-riec § 2", "werkinstructie-riec § 2", "werkinstructie-riec § 2"),
        ("convenant-zvh p. 4", "convenant-zvh p. 4", "convenant-zvh p. 4"),
    ],
)
def test_keys_parse_and_round_trip(text: str, article_key: str, passage_key: str) -> None:
    key = parse_key(text)
    assert str(key) == text
    assert key.article_key == article_key
    assert key.passage_key == passage_key


def test_loose_spelling_is_normalised() -> None:
    assert str(parse_key("AVG artikel 6, lid 1, onder e")) == "AVG art. 6 lid 1 sub e"
    assert str(parse_key("Wet BIG  art.  88")) == "Wet BIG art. 88"


def test_article_level_matching_follows_format_md() -> None:
    assert matches_at_article_level("AVG art. 6 lid 1 sub e", "AVG art. 6")
    assert not matches_at_article_level("AVG art. 60", "AVG art. 6")
    assert not matches_at_article_level("UAVG art. 6", "AVG art. 6")
    assert article_level("not a key") == "not a key"


def test_a_non_key_says_what_a_key_looks_like() -> None:
    with pytest.raises(CitationKeyError, match="expected e.g. 'AVG art. 6 lid 1 sub e'"):
        parse_key("zomaar een zin")
