"""Identifier scrubbing: what is replaced, and what must stay (law text, years, article numbers)."""

from __future__ import annotations

import pytest

from bot.scrub import is_bsn, is_iban, normalise_question, scrub, scrub_report


@pytest.mark.parametrize("digits", ["111222333", "123456782", "999999990"])
def test_elfproef_accepts_valid_bsn(digits: str) -> None:
    assert is_bsn(digits)


@pytest.mark.parametrize("digits", ["123456789", "111222334", "000000000", "12345678", "12345678a"])
def test_elfproef_rejects_invalid(digits: str) -> None:
    assert not is_bsn(digits)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mag ik BSN 123456782 delen?", "Mag ik BSN [BSN] delen?"),
        ("bsn 1234.56.782 van de cliënt", "bsn [BSN] van de cliënt"),
        ("nummer 123 456 782.", "nummer [BSN]."),
        ("mail j.jansen@example.nl even", "mail [e-mailadres] even"),
        ("bel 06-12345678 of 020 123 4567", "bel [telefoonnummer] of [telefoonnummer]"),
        ("tel +31 (0)6 1234 5678", "tel [telefoonnummer]"),
        ("woont op 1234 AB 12 in", "woont op [postcode] in"),
        ("postcode 1234ab, nr 5", "postcode [postcode]"),
        ("rekening NL91 ABNA 0417 1643 00 graag", "rekening [IBAN] graag"),
        ("rekening NL91ABNA0417164300", "rekening [IBAN]"),
        ("Belgische rekening BE68 5390 0754 7034.", "Belgische rekening [IBAN]."),
    ],
)
def test_identifiers_are_replaced(text: str, expected: str) -> None:
    assert scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "AVG art. 6 lid 1 sub e en overweging 43",
        "Verordening 2016/679, PbEU 2016, L 119",
        "tussen 2016 en 2018 is dat veranderd",
        "Jeugdwet art. 7.3.11 lid 4 en Wjsg art. 39f lid 1 sub f",
        "nummer 123456789 haalt de elfproef niet",
        "Besluit politiegegevens art. 4:2 lid 1 sub b",
    ],
)
def test_law_text_and_non_identifiers_stay(text: str) -> None:
    assert scrub(text) == text


def test_report_counts_each_kind() -> None:
    report = scrub_report("BSN 111222333 en 123456782, mail a@b.nl")
    assert report.found == {"bsn": 2, "email": 1}
    assert report.changed
    assert not scrub_report("geen gegevens").changed


def test_iban_checksum() -> None:
    assert is_iban("NL91ABNA0417164300")
    assert not is_iban("NL92ABNA0417164300")


def test_normalised_question_is_scrubbed_lowercase_and_truncated() -> None:
    text = "Mag  ik het BSN 111222333 van   Anna delen met de POLITIE? " + "lang " * 100
    normal = normalise_question(text, limit=60)
    assert "111222333" not in normal
    assert normal.startswith("mag ik het bsn [bsn] van anna delen met de politie?")
    assert normal.endswith(" …")
    assert len(normal) <= 62
