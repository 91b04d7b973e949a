"""The casus text of a training case, written from its facts: a short first-person account by the
professional, the situation of the person concerned, the circumstances, and the question.

Names and places are fictional and marked as such. Every phrase is chosen so that the understanding reads
the intended fact back (checked per case in bot/training/readback.py); words that would add a fact the case
does not have (a second role, 'dreigt', 'zorgen', 'dader', 'naam' ...) are avoided on purpose. The Zorg- en
Veiligheidshuis is called "Veiligheidshuis" (a usual short name): in the long name 'Zorg' reads as the
purpose hulpverlening.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

from bot.answer import FactValue
from kb.errors import DeelwijzerError

NAMES = (
    "Amira", "Daria", "Ioana", "Lena", "Mirela", "Nadia", "Precious", "Tamara", "Yasmina", "Elif",
    "Oksana", "Blessing", "Marta", "Roxana", "Samira", "Vesna",
)  # fmt: skip
PLACES = (
    "Dijkhaven", "Marrelo", "Oosterbeemd", "Veldmeer", "Lindewaard", "Zuidervoort", "Hoogmolen", "Kreekdam",
    "Wolderveen", "Ravensloot",
)  # fmt: skip
FICTION = "(fictief)"
FICTIONAL_PLACE = "(fictief)"

SENDER_INTROS: dict[str, tuple[str, ...]] = {
    "gemeente": ("Ik ben zorgcoördinator mensenhandel in {place}.",
                 "Ik werk in het sociaal wijkteam van {place}."),
    "politie": ("Ik werk bij de politie in {place}, in het team mensenhandel.",
                "Ik ben wijkagent in {place}."),
    "arts": ("Ik ben huisarts in {place}.", "Ik werk als jeugdarts in {place}."),
    "ggz": ("Ik ben behandelaar bij een ggz-instelling in {place}.",),
    "jeugdhulp": ("Ik ben jeugdhulpverlener in {place}.", "Ik werk als jeugdzorgwerker in {place}."),
    "hulpverlener": ("Ik ben maatschappelijk werker in {place}.", "Ik werk als hulpverlener in {place}."),
    "opvang": ("Ik werk bij de vrouwenopvang in {place}.", "Ik werk bij een opvangorganisatie in {place}."),
    "school": ("Ik ben docent op een middelbare school in {place}.", "Ik ben mentor op een mbo in {place}."),
    "coa": ("Ik ben COA-medewerker op de azc-locatie in {place}.",),
    "ngo": ("Ik werk bij een ngo in {place} die slachtoffers van uitbuiting bijstaat.",),
}  # fmt: skip
RECIPIENTS: dict[str, tuple[str, ...]] = {
    "politie": ("de politie",), "veilig_thuis": ("Veilig Thuis",), "gemeente": ("de gemeente",),
    "werkgever": ("haar werkgever", "het uitzendbureau"), "woningcorporatie": ("de woningcorporatie",),
    "ngo": ("een ngo die slachtoffers bijstaat",), "comensha": ("CoMensha",), "ind": ("de IND",),
    "casusoverleg": ("het casusoverleg",), "riec": ("het RIEC",), "zvh": ("het Veiligheidshuis",),
    "buitenlandse_autoriteit": ("de ambassade van haar land van herkomst",),
    "betrokkene": ("de cliënte zelf", "het slachtoffer zelf"), "familie": ("haar familie", "haar broer"),
    "advocaat": ("haar advocaat",),
}  # fmt: skip
DATA: dict[str, tuple[str, ...]] = {
    "gewoon": ("haar naam en adres", "haar naam, adres en telefoonnummer"),
    "gezondheid": ("haar medische gegevens", "haar diagnose en medicatie"),
    "strafrechtelijk": ("strafrechtelijke gegevens over de zaak", "de gegevens over de verdachte"),
}
PURPOSES: dict[str, tuple[str, ...]] = {
    "opsporing": ("voor de opsporing", "zodat de politie kan gaan opsporen"),
    "hulpverlening": ("om haar te ondersteunen", "voor haar begeleiding"),
    "melding": ("om een melding te doen", "als melding"),
    "registratie": ("voor de registratie", "om haar te laten registreren"),
    "verblijfsrecht": ("voor de verblijfsregeling mensenhandel", "voor haar verblijfsrecht"),
    "casusoverleg": ("voor de bespreking in het casusoverleg",),
    "handhaving": ("voor de handhaving", "voor de bestuurlijke aanpak"),
}
SITUATIONS = (
    "{name} {fiction} werkt zes dagen per week in een nagelsalon en mag niet weg wanneer ze wil.",
    "{name} {fiction} moet een reisschuld afbetalen aan de man die haar naar Nederland haalde.",
    "{name} {fiction} slaapt met vijf anderen in een kamer boven een wasstraat en krijgt nauwelijks geld.",
    "{name} {fiction} vertelt dat ze het pand waar ze werkt bijna nooit uit mag.",
    "{name} {fiction} werkt zonder contract in de kassen en mag niet zelf over haar geld beschikken.",
)
CONSENT: dict[str, tuple[str, ...]] = {
    "refused": (
        "Ze wil niet dat ik iets doorgeef.",
        "Ze heeft geen toestemming gegeven om haar gegevens te delen.",
    ),
    "given": ("Ze heeft toestemming gegeven om haar gegevens te delen.",),
}
URGENT = {
    True: ("Er is acuut gevaar voor haar leven.", "Er is sprake van acuut gevaar."),
    False: ("Er is op dit moment geen acuut gevaar.",),
}
OUTSIDE_EER = {
    True: ("Haar land van herkomst ligt buiten de EU.",),
    False: ("Haar land van herkomst is een andere EU-lidstaat.",),
}
PARTNERSHIP = {
    "riec": ("Dit gebeurt binnen het RIEC.",),
    "zvh": ("Dit gebeurt binnen het Veiligheidshuis.",),
    "overleg": ("Dit gebeurt in een ketenoverleg dat wij in de wijk zelf organiseren.",),
}
QUESTIONS = (
    "Mag ik {data} delen met {recipient} {purpose}?",
    "Mag ik {data} doorgeven aan {recipient} {purpose}?",
    "Mag ik {data} verstrekken aan {recipient} {purpose}?",
)


class CasusError(DeelwijzerError, ValueError):
    """Facts the casus writer has no words for; the message names the fact and value."""


def write_casus(facts: Mapping[str, FactValue], rng: random.Random) -> str:
    """The casus text for `facts` (ids as in GET /api/facts); choices drawn from `rng` (deterministic)."""
    name, place = rng.choice(NAMES), rng.choice(PLACES)
    lines = [_pick(SENDER_INTROS, facts["sender"], "sender", rng).format(place=f"{place} {FICTIONAL_PLACE}")]
    lines.append(rng.choice(SITUATIONS).format(name=name, fiction=FICTION))
    if isinstance(facts.get("age"), int):
        lines.append(f"Ze is {facts['age']} jaar.")
    lines += _circumstances(facts, rng)
    recipients = " en ".join(_pick(RECIPIENTS, r, "recipients", rng) for r in _list(facts["recipients"]))
    question = rng.choice(QUESTIONS).format(
        data=" en ".join(_pick(DATA, d, "data", rng) for d in _list(facts["data"])),
        recipient=recipients,
        purpose=" en ".join(_pick(PURPOSES, p, "purposes", rng) for p in _list(facts["purposes"])),
    )
    return " ".join([*lines, question])


def _circumstances(facts: Mapping[str, FactValue], rng: random.Random) -> list[str]:
    lines = []
    if facts.get("consent"):
        lines.append(_pick(CONSENT, facts["consent"], "consent", rng))
    if isinstance(facts.get("urgent"), bool):
        lines.append(rng.choice(URGENT[bool(facts["urgent"])]))
    if isinstance(facts.get("outside_eer"), bool):
        lines.append(rng.choice(OUTSIDE_EER[bool(facts["outside_eer"])]))
    if facts.get("partnership"):
        lines.append(_pick(PARTNERSHIP, facts["partnership"], "partnership", rng))
    return lines


def _pick(table: Mapping[str, Sequence[str]], value: FactValue, fact: str, rng: random.Random) -> str:
    if not isinstance(value, str) or value not in table:
        raise CasusError(
            f"geen casustekst voor {fact}={value!r}; voeg die toe in bot/training/casus.py "
            "of kies een ander feit"
        )
    return rng.choice(table[value])


def _list(value: FactValue) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else [str(value)]
