"""Verification drops a citation whose passage was not retrieved or whose quote is not verbatim."""

from __future__ import annotations

import logging

import pytest

from bot.answer import Citation
from bot.verify import index_by_key, verify
from kb.passages import Passage

TEXT = "De gemeente verstrekt de gegevens\nalleen aan de zorgaanbieder; zij legt elke verstrekking vast."


def passage(key: str = "Testwet art. 5 lid 2", text: str = TEXT) -> Passage:
    return Passage(
        key=key,
        source_id="testwet",
        citation_name="Testwet",
        language="nl",
        version_date="2024-01-01",
        text=text,
    )


def cite(key: str, quote: str) -> Citation:
    return Citation(key=key, quote=quote, source_version="2024-01-01")


def test_verbatim_quote_of_a_retrieved_passage_is_kept() -> None:
    good = cite("Testwet art. 5 lid 2", "zij legt elke verstrekking vast")
    kept, dropped = verify([good], index_by_key([passage()]))
    assert kept == [good]
    assert dropped == []


def test_whitespace_differences_are_forgiven() -> None:
    good = cite("Testwet art. 5 lid 2", "de   gegevens alleen\taan de zorgaanbieder")
    kept, _ = verify([good], {"Testwet art. 5 lid 2": passage()})
    assert kept == [good]


def test_sub_key_is_checked_against_its_lid() -> None:
    good = cite("Testwet art. 5 lid 2 sub a", "alleen aan de zorgaanbieder")
    kept, _ = verify([good], index_by_key([passage()]))
    assert kept == [good]


@pytest.mark.parametrize(
    ("key", "quote", "reason"),
    [
        ("Testwet art. 6 lid 1", "zij legt elke verstrekking vast", "was not retrieved"),
        ("Testwet art. 5 lid 2", "zij legt iedere verstrekking vast", "is not in the stored text"),
        ("Testwet art. 5 lid 2", "Zij legt elke verstrekking vast", "is not in the stored text"),
        ("Testwet art. 5 lid 2", "   ", "empty quote"),
        ("geen sleutel", "zij legt", "not a citation key"),
    ],
)
def test_unsupported_citations_are_dropped_and_logged(
    key: str, quote: str, reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    bad = cite(key, quote)
    with caplog.at_level(logging.WARNING, logger="bot.verify"):
        kept, dropped = verify([bad], index_by_key([passage()]))
    assert kept == []
    assert dropped == [bad]
    assert key in caplog.text
    assert reason in caplog.text


def test_article_level_lookalike_is_not_accepted() -> None:
    bad = cite("Testwet art. 50 lid 2", "zij legt elke verstrekking vast")
    kept, dropped = verify([bad], index_by_key([passage()]))
    assert (kept, dropped) == ([], [bad])


def test_same_key_in_two_languages_accepts_either_text() -> None:
    english = passage(text="The municipality shall record every disclosure.")
    index = index_by_key([passage(), english])
    kept, dropped = verify([cite("Testwet art. 5 lid 2", "shall record every disclosure")], index)
    assert len(kept) == 1
    assert dropped == []
