"""Scrub personal identifiers from free text before it is stored or exported.

Replaced: e-mail addresses, IBANs, dates (of birth: dd-mm-jjjj, d mmmm jjjj, jjjj-mm-dd), V-numbers
(vreemdelingennummer, ten digits), phone numbers (Dutch in every usual form: '+31 (0)20 123 4567',
'06-12345678', '(020) 123 45 67'; others with + or 00), BSNs (nine digits passing the elfproef), Dutch
postcodes with an optional house number, street addresses ('Kerkstraat 12a') and names of persons
(bot/person_names.py). This catches the usual forms, not every way to identify someone: the web app asks
users not to type names or case details.

Every pattern runs in linear time (bounded repeats, no nested or overlapping quantifiers), so a client
cannot stall the server with a long crafted text; `evals/stress.py` and tests/test_abuse_scrub.py time a
1 MB adversarial input. Order matters: dates and phone numbers go before BSNs, so '+31 (0)20 123 4567'
is a phone number, not a BSN.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.person_names import scrub_names

PLACEHOLDERS = {
    "email": "[e-mailadres]",
    "iban": "[IBAN]",
    "date": "[datum]",
    "vnumber": "[V-nummer]",
    "phone": "[telefoonnummer]",
    "bsn": "[BSN]",
    "postcode": "[postcode]",
    "address": "[adres]",
    "name": "[naam]",
}

# Every pattern starts with a plain character class and checks the character before it with a
# lookbehind placed after that first character: the regex engine then skips ahead to candidate characters
# in C instead of trying the whole pattern at every position. All repeats are bounded.
_EMAIL = re.compile(r"[\w.+-](?<![\w.+-][\w.+-])[\w.+-]{0,63}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")
_IBAN_NL = re.compile(r"[Nn](?<!\w[Nn])[Ll] ?\d{2} ?[A-Za-z]{4}(?: ?\d{4}){2} ?\d{2}\b")
_IBAN = re.compile(r"[A-Za-z](?<!\w[A-Za-z])[A-Za-z]\d{2}(?: ?[A-Za-z0-9]{4}){2,7}(?: ?[A-Za-z0-9]{1,3})?\b")
_MONTHS = (
    "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|jan|feb|mrt|"
    "apr|jun|jul|aug|sept?|okt|nov|dec|january|february|march|may|june|july|august|october"
)
_DAY, _MONTH, _YEAR = r"(?:0?[1-9]|[12]\d|3[01])", r"(?:0?[1-9]|1[0-2])", r"(?:1[89]|20)\d{2}"
_DATE_SHAPE = re.compile(
    rf"{_DAY}([-/.]){_MONTH}\1{_YEAR}|{_DAY}(?:e|ste|de)? {{1,2}}(?:{_MONTHS})\.? {{1,2}}{_YEAR}"
    rf"|{_YEAR}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])",
    re.IGNORECASE,
)
_DATE = re.compile(  # loose shape here, exact ranges in _DATE_SHAPE
    rf"\d(?<![\d.,/-]\d)(?:\d?([-/.])\d{{1,2}}\1\d{{4}}"
    rf"|\d?(?i:e|ste|de)? {{1,2}}(?i:{_MONTHS})\.? {{1,2}}\d{{4}}"
    r"|\d{3}-\d{2}-\d{2})(?![\d-])"
)
_VNUMBER_CUED = re.compile(
    r"[vV](?<!\w[vV])(?i:-?nummer|-?nr\.?|reemdelingennummer)(?: ?:)? {0,3}\d(?:[ .]?\d){9}(?!\d)"
)
_TEN_DIGITS = re.compile(r"[1-9](?<![\d.,-][1-9])\d{9}(?![\d]|[.,-]\d)")
_SEP = r"[ .-]?"
_INTERNATIONAL = (
    rf"31{_SEP}(?:\(0\){_SEP})?[1-9](?:{_SEP}\d){{8}}"  # +31 6 12345678, 0031 (0)20 123 4567
    r"|(?!31)\d{2,3}[ -]?(?:\(0\)[ -]?)?[1-9](?:[ -]?\d){6,10}"  # other countries
)
_PHONE = re.compile(
    r"[+0(](?<![\w+][+0(])(?:"
    rf"(?<=\+)(?:{_INTERNATIONAL})|(?<=0)0(?:{_INTERNATIONAL})"
    rf"|(?<=\()0[1-9]\d{{1,2}}\){_SEP}\d(?:{_SEP}\d){{5,6}}"  # (020) 123 45 67, (0299) 123456
    rf"|(?<=0)[1-9](?:{_SEP}\d){{8}}"  # 06-12345678, 020 123 4567, 020.123.45.67
    r")(?!\d)"
)
_NINE_DIGITS = re.compile(r"\d(?<!\d\d)(?<!\d[.,-]\d)(?:[ .-]?\d){8}(?!\d|[.,-]\d)")
# Postcode: uppercase letters (with or without a space) or lowercase letters glued to the digits,
# so that "2016 en 2018" stays. SA, SD and SS are not used in Dutch postcodes.
_POSTCODE = re.compile(
    r"[1-9](?<!\w[1-9])\d{3}(?: ?(?!SA|SD|SS)[A-Z]{2}|(?!sa|sd|ss)[a-z]{2})\b"
    r"(?:,? ?(?:nr\.? ?)?\d{1,5}(?: ?[a-zA-Z])?\b)?"
)
_STREET_WORDS = (
    "straat", "straatweg", "laan", "weg", "plein", "kade", "gracht", "singel", "dijk", "steeg", "dreef",
    "markt", "pad", "plantsoen", "boulevard", "allee", "hof",
)  # fmt: skip
_ADDRESS = re.compile(
    r"[^\W\d_](?<![\w-][^\W\d_])[^\W\d_]{1,39}(?:-[^\W\d_]{1,40}){0,3} {1,2}(?:nr\.? ?)?\d{1,5}"
    r"(?:[ -]?[a-zA-Z]{1,2}(?![\w])|-\d{1,4})?(?![\w])"
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


def _always(_: str) -> bool:
    return True


def scrub_report(text: str) -> Scrubbed:
    """Scrub `text` and count what was replaced, per kind."""
    result = Scrubbed(text)
    _replace(_EMAIL, "email", _always, result)
    _replace(_IBAN_NL, "iban", _always, result)
    _replace(_IBAN, "iban", _looks_like_iban, result)
    _replace(_DATE, "date", lambda m: bool(_DATE_SHAPE.fullmatch(m)), result)
    _replace(_VNUMBER_CUED, "vnumber", _always, result)
    _replace(_PHONE, "phone", _always, result)
    _replace(_TEN_DIGITS, "vnumber", _always, result)
    _replace(_NINE_DIGITS, "bsn", lambda m: is_bsn(re.sub(r"\D", "", m)), result)
    _replace(_POSTCODE, "postcode", _always, result)
    _replace(_ADDRESS, "address", _is_street, result)
    result.text, names = scrub_names(result.text)
    if names:
        result.found["name"] += names
    return result


def scrub(text: str) -> str:
    """`text` with identifiers replaced by placeholders such as [BSN]."""
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


def _is_street(candidate: str) -> bool:
    street = re.split(r" |\d", candidate, maxsplit=1)[0].casefold()
    return street.endswith(_STREET_WORDS) and street not in ("weg", "pad", "hof", "markt")
