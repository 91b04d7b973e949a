"""Scrub obvious personal identifiers from free text before it is stored or exported.

Replaced: e-mail addresses, IBANs, BSNs (nine digits passing the elfproef), phone numbers, and Dutch
postcodes with an optional house number. This catches the obvious, not every way to identify someone:
the web app tells users not to type names or case details.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

PLACEHOLDERS = {
    "email": "[e-mailadres]",
    "iban": "[IBAN]",
    "bsn": "[BSN]",
    "phone": "[telefoonnummer]",
    "postcode": "[postcode]",
}

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_IBAN_NL = re.compile(r"\bNL ?\d{2} ?[A-Z]{4}(?: ?\d{4}){2} ?\d{2}\b", re.IGNORECASE)
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b", re.IGNORECASE)
_NINE_DIGITS = re.compile(r"(?<!\d)(?<!\d[.,-])\d(?:[ .-]?\d){8}(?!\d|[.,-]\d)")
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\d{2,3}[ -]?(?:\(0\)[ -]?)?[1-9](?:[ -]?\d){7,10}"
    r"|0[1-9](?:[ -]?\d){8})(?!\d)"
)
# Postcode: uppercase letters (with or without a space) or lowercase letters glued to the digits,
# so that "2016 en 2018" stays. SA, SD and SS are not used in Dutch postcodes.
_POSTCODE = re.compile(
    r"\b[1-9]\d{3}(?: ?(?!SA|SD|SS)[A-Z]{2}|(?!sa|sd|ss)[a-z]{2})\b"
    r"(?:,? ?(?:nr\.? ?)?\d{1,5}(?: ?[a-zA-Z])?\b)?"
)


def is_bsn(digits: str) -> bool:
    """True for nine digits passing the elfproef (9*d1 + 8*d2 + ... + 2*d8 - d9 divisible by 11)."""
    if len(digits) != 9 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - int(digits[8])
    return total % 11 == 0 and digits != "000000000"


def is_iban(text: str) -> bool:
    """True when the ISO 13616 mod-97 check passes."""
    compact = re.sub(r"\s", "", text).upper()
    if not (15 <= len(compact) <= 34):
        return False
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(number) % 97 == 1


@dataclass
class Scrubbed:
    text: str
    found: Counter[str] = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(self.found)


def _replace(pattern: re.Pattern[str], kind: str, accept: Callable[[str], bool], result: Scrubbed) -> None:
    def substitute(match: re.Match[str]) -> str:
        if not accept(match.group(0)):
            return match.group(0)
        result.found[kind] += 1
        return PLACEHOLDERS[kind]

    result.text = pattern.sub(substitute, result.text)


def scrub_report(text: str) -> Scrubbed:
    """Scrub `text` and count what was replaced, per kind."""
    result = Scrubbed(text)
    _replace(_EMAIL, "email", lambda _: True, result)
    _replace(_IBAN_NL, "iban", lambda _: True, result)
    _replace(_IBAN, "iban", _looks_like_iban, result)
    _replace(_NINE_DIGITS, "bsn", lambda m: is_bsn(re.sub(r"\D", "", m)), result)
    _replace(_PHONE, "phone", lambda _: True, result)
    _replace(_POSTCODE, "postcode", lambda _: True, result)
    return result


def scrub(text: str) -> str:
    """`text` with obvious identifiers replaced by placeholders such as [BSN]."""
    return scrub_report(text).text


def normalise_question(text: str, limit: int = 160) -> str:
    """The form in which a question may be counted: scrubbed, lower case, single spaces, truncated."""
    cleaned = " ".join(scrub(text).split()).casefold()
    if len(cleaned) <= limit:
        return cleaned
    return cleaned[:limit].rsplit(" ", 1)[0] + " …"


def _looks_like_iban(candidate: str) -> bool:
    compact = re.sub(r"\s", "", candidate)
    return sum(ch.isdigit() for ch in compact[4:]) >= 6 and is_iban(compact)
