"""The training themes: fact patterns to draw cases from, and the decisive facts a contrast may flip.

A pattern fixes the facts of a case; a value given as a tuple is a choice drawn per case. A flip names one
fact and the value it takes in the contrast case ("wat als zij 19 was?"). Whether a flip really changes the
verdict is not assumed here: the generator runs the engine on both and drops a pair that does not flip.
Levels: 1 = basis (the four core facts and one circumstance), 2 = gevorderd (more circumstances at once).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from kb.errors import DeelwijzerError

FactChoice = str | int | bool | list[str] | tuple[object, ...]
Difficulty = Literal["basis", "gevorderd", "gemengd"]
DIFFICULTY_LEVELS: dict[str, tuple[int, ...]] = {"basis": (1,), "gevorderd": (2,), "gemengd": (1, 2)}


@dataclass(frozen=True)
class Flip:
    fact: str
    value: object
    prompt: str = field(compare=False)  # the trainer's "wat als ..." in Dutch


@dataclass(frozen=True)
class Pattern:
    facts: dict[str, FactChoice]
    flips: tuple[Flip, ...]
    level: int = 1


@dataclass(frozen=True)
class Theme:
    id: str
    label: str
    patterns: tuple[Pattern, ...]


def _p(flips: tuple[Flip, ...], level: int = 1, **facts: FactChoice) -> Pattern:
    return Pattern(facts=facts, flips=flips, level=level)


CONSENT_GIVEN = Flip("consent", "given", "Wat als de betrokkene wél toestemming geeft?")
CONSENT_REFUSED = Flip("consent", "refused", "Wat als de betrokkene geen toestemming geeft?")
URGENT = Flip("urgent", True, "Wat als er acuut gevaar is voor leven of gezondheid?")
ADULT = Flip("age", 19, "Wat als de betrokkene inmiddels 19 jaar is?")
MINOR = Flip("age", 15, "Wat als de betrokkene 15 jaar is?")
TO_VEILIG_THUIS = Flip(
    "recipients", ["veilig_thuis"], "Wat als je niet de politie maar Veilig Thuis inschakelt?"
)
TO_POLICE = Flip("recipients", ["politie"], "Wat als je niet Veilig Thuis maar de politie inschakelt?")
OUTSIDE_WGS = Flip(
    "partnership", "overleg", "Wat als het een eigen ketenoverleg is, geen RIEC of Zorg- en Veiligheidshuis?"
)
IN_RIEC = Flip("partnership", "riec", "Wat als het delen binnen het RIEC gebeurt?")
ORDINARY_DATA = Flip("data", ["gewoon"], "Wat als het alleen om gewone persoonsgegevens gaat?")
HEALTH_DATA = Flip("data", ["gezondheid"], "Wat als het om gezondheidsgegevens gaat?")
POLICE_SENDS = Flip("sender", "politie", "Wat als niet jij maar de politie de aanmelding doet?")
TO_FAMILY = Flip(
    "recipients", ["familie"], "Wat als de gegevens naar de familie gaan in plaats van naar haar zelf?"
)
TO_PERSON = Flip("recipients", ["betrokkene"], "Wat als de gegevens naar de betrokkene zelf gaan?")

CARE = ("arts", "ggz")
HELPERS = ("jeugdhulp", "hulpverlener")

THEMES: tuple[Theme, ...] = (
    Theme("beroepsgeheim", "Beroepsgeheim", (
        _p((URGENT, CONSENT_GIVEN, TO_VEILIG_THUIS), sender=HELPERS, recipients=["politie"], data=["gewoon"],
           purposes=["opsporing"], consent="refused"),
        _p((CONSENT_GIVEN, TO_VEILIG_THUIS), sender=CARE, recipients=["politie"], data=["gezondheid"],
           purposes=["opsporing"], consent="refused"),
        _p((URGENT, CONSENT_GIVEN), level=2, sender=HELPERS, recipients=["politie"], data=["gewoon"],
           purposes=["opsporing"], consent="refused", urgent=False),
        _p((CONSENT_GIVEN,), level=2, sender=("arts",), recipients=["ind"], data=["gezondheid"],
           purposes=["verblijfsrecht"], consent="refused"),
    )),
    Theme("politie_wpg", "Politie en Wpg", (
        _p((ADULT,), sender="politie", recipients=["veilig_thuis"], data=["gewoon"],
           purposes=["hulpverlening"], age=(14, 15, 16, 17)),
        _p((MINOR,), sender="politie", recipients=["veilig_thuis"], data=["gewoon"],
           purposes=["hulpverlening"], age=(19, 20, 23)),
        _p((OUTSIDE_WGS,), level=2, sender="politie", recipients=(["casusoverleg"], ["gemeente"]),
           data=["gewoon"], purposes=["casusoverleg"], partnership="riec"),
    )),
    Theme("casusoverleg_wgs", "Casusoverleg en WGS", (
        _p((OUTSIDE_WGS,), sender="gemeente", recipients=["casusoverleg"], data=["strafrechtelijk"],
           purposes=["casusoverleg"], partnership=("zvh", "riec")),
        _p((OUTSIDE_WGS,), sender="politie", recipients=["gemeente"], data=["strafrechtelijk"],
           purposes=["casusoverleg"], partnership=("riec", "zvh")),
        _p((IN_RIEC,), level=2, sender="politie", recipients=["gemeente"], data=["strafrechtelijk"],
           purposes=["casusoverleg"], partnership="overleg"),
    )),
    Theme("minderjarigen", "Minderjarigen en de overgang naar 18", (
        _p((ADULT,), sender=("arts", "jeugdhulp", "school"), recipients=["veilig_thuis"], data=["gewoon"],
           purposes=["melding"], age=(14, 15, 16, 17)),
        _p((ADULT, TO_POLICE), level=2, sender=("arts",), recipients=["veilig_thuis"], data=["gezondheid"],
           purposes=["melding"], age=(15, 16, 17)),
        _p((MINOR,), sender=("jeugdhulp", "school"), recipients=["veilig_thuis"], data=["gewoon"],
           purposes=["melding"], age=(18, 19, 21)),
    )),
    Theme("bijzondere_gegevens", "Bijzondere en strafrechtelijke gegevens", (
        _p((ORDINARY_DATA,), sender="gemeente", recipients=(["woningcorporatie"], ["ngo"]),
           data=["strafrechtelijk"], purposes=(["handhaving"], ["hulpverlening"])),
        _p((ORDINARY_DATA, CONSENT_GIVEN), sender="gemeente", recipients=["werkgever"], data=["gezondheid"],
           purposes=["hulpverlening"], consent="refused"),
        _p((CONSENT_GIVEN,), level=2, sender="opvang", recipients=["gemeente"], data=["gezondheid"],
           purposes=["hulpverlening"], consent="refused"),
        _p((HEALTH_DATA,), level=2, sender="coa", recipients=["ind"], data=["gewoon"],
           purposes=["verblijfsrecht"]),
    )),
    Theme("comensha", "CoMensha en registratie", (
        _p((CONSENT_REFUSED,), sender=("gemeente", "opvang"), recipients=["comensha"], data=["gewoon"],
           purposes=["registratie"], consent="given"),
        _p((CONSENT_GIVEN, POLICE_SENDS), sender=("gemeente", "opvang"), recipients=["comensha"],
           data=["gewoon"], purposes=["registratie"], consent="refused"),
    )),
    Theme("doorgifte", "Doorgifte buiten de EER", (
        _p((CONSENT_GIVEN, URGENT), sender=("opvang", "ngo"), recipients=["buitenlandse_autoriteit"],
           data=(["gezondheid"], ["strafrechtelijk"]), purposes=["hulpverlening"], outside_eer=True),
        _p((URGENT,), level=2, sender="gemeente", recipients=["buitenlandse_autoriteit"], data=["gezondheid"],
           purposes=["hulpverlening"], outside_eer=True),
    )),
    Theme("rechten", "Rechten van betrokkenen", (
        _p((TO_FAMILY, CONSENT_GIVEN), sender=("opvang", "hulpverlener", "jeugdhulp"),
           recipients=["betrokkene"], data=["gewoon"], purposes=["hulpverlening"], consent="refused"),
        _p((TO_PERSON, CONSENT_GIVEN), sender=("opvang", "jeugdhulp"), recipients=(["familie"], ["advocaat"]),
           data=["gewoon"], purposes=["hulpverlening"], consent="refused"),
    )),
)  # fmt: skip

THEME_IDS = tuple(theme.id for theme in THEMES)


class ThemeError(DeelwijzerError, ValueError):
    """An unknown theme or difficulty; the message lists the allowed values."""


def theme(theme_id: str) -> Theme:
    for candidate in THEMES:
        if candidate.id == theme_id:
            return candidate
    raise ThemeError(f"onbekend thema {theme_id!r}; kies uit: {', '.join(THEME_IDS)} (of 'alle')")


def themes(selection: str = "alle") -> list[Theme]:
    """'alle' or a comma-separated list of theme ids."""
    if selection in ("", "alle", "all"):
        return list(THEMES)
    return [theme(part.strip()) for part in selection.split(",") if part.strip()]


def patterns(of: Theme, difficulty: str = "gemengd") -> list[Pattern]:
    if difficulty not in DIFFICULTY_LEVELS:
        raise ThemeError(f"onbekende moeilijkheid {difficulty!r}; kies uit: {', '.join(DIFFICULTY_LEVELS)}")
    levels = DIFFICULTY_LEVELS[difficulty]
    return [pattern for pattern in of.patterns if pattern.level in levels] or list(of.patterns)
