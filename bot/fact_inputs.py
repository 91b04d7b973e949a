"""Facts the user sets instead of (or on top of) what was read: the `facts` field of POST /api/ask and
/api/chat, `deelwijzer ask --facts`, and the lists they are picked from (GET /api/facts).

    given = check_facts({"sender": "jeugdhulp", "consent": "refused", "minor": None})
    understanding = apply_facts(understanding, given, vocabulary)

`None` means "weet ik niet": the fact is unknown, whatever the question said. The words (labels, questions)
are in kb/assessment/_understood.yaml; the ids of roles, data and purposes in kb/vocabulary.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from bot.answer import FactValue
from bot.inputs import InputError
from bot.parameters import age_years
from bot.rules import ASSESSMENT_DIR, RuleError, Texts
from bot.understanding import Understanding
from bot.vocabulary import Vocabulary

#: the facts shown in "Zo heb ik uw vraag begrepen", in this order; also the keys of the `facts` field
FACT_IDS = (
    "sender", "recipients", "data", "purposes", "consent",
    "age", "minor", "urgent", "outside_eer", "partnership",
)  # fmt: skip
CORE_FACTS = ("sender", "recipients", "data", "purposes")
#: partnership value -> the role that stands for it; 'overleg' is any other case conference or partnership
PARTNERSHIP_ROLES = {"riec": "riec", "zvh": "zvh", "overleg": "casusoverleg"}
VENUE_ROLES = ("riec", "zvh", "casusoverleg", "samenwerkingsverband")
MAX_AGE = 120


class FactWords(BaseModel):
    kind: Literal["one", "many", "age", "bool"]
    values: str = Field("", description="The kb/vocabulary slot of the ids, or '' when `options` lists them.")
    label: Texts
    ask: Texts
    options: dict[str, Texts] = Field(default_factory=dict)


class UnderstoodWords(BaseModel):
    """kb/assessment/_understood.yaml"""

    facts: dict[str, FactWords]
    unknown: Texts
    depends: Texts
    not_understood: Texts
    parts: dict[str, Texts]
    alternatives: dict[str, list[str]] = Field(default_factory=dict)


@lru_cache(maxsize=2)
def load_words(folder: Path = ASSESSMENT_DIR) -> UnderstoodWords:
    path = folder / "_understood.yaml"
    try:
        words = UnderstoodWords.model_validate(YAML(typ="safe").load(path.read_text(encoding="utf-8")))
    except (OSError, YAMLError, ValidationError) as exc:
        raise RuleError(
            f"{path}: cannot read the words of the understood facts ({exc}) — restore it"
        ) from exc
    missing = [fact for fact in FACT_IDS if fact not in words.facts]
    if missing:
        raise RuleError(f"{path}: no words for the facts {missing} — add them under `facts:`")
    return words


def allowed_values(fact: str, vocab: Vocabulary) -> list[FactValue]:
    spec = load_words().facts[fact]
    if spec.kind == "bool":
        return [True, False]
    if spec.values:
        return list(vocab.slot(spec.values).entries)
    return list(spec.options)


def value_label(fact: str, value: FactValue, vocab: Vocabulary, language: str = "nl") -> str:
    spec = load_words().facts[fact]
    if spec.values and isinstance(value, str):
        return vocab.slot(spec.values).label(value, language)
    if spec.kind == "age" and value is not None:
        return f"{value} jaar" if language != "en" else f"{value} years"
    key = str(value).lower() if isinstance(value, bool) else str(value)
    return spec.options[key].get(language) if key in spec.options else str(value)


def fact_options(vocab: Vocabulary, language: str = "nl") -> list[dict[str, Any]]:
    """GET /api/facts: every fact with its kind and its options (value + label), in the given language."""
    words = load_words()
    return [
        {
            "id": fact,
            "label": words.facts[fact].label.get(language),
            "kind": words.facts[fact].kind,
            "options": [
                {"value": value, "label": value_label(fact, value, vocab, language)}
                for value in allowed_values(fact, vocab)
            ],
        }
        for fact in FACT_IDS
    ]


def check_facts(raw: Mapping[str, Any], vocab: Vocabulary, field: str = "facts") -> dict[str, FactValue]:
    """The facts as sent, checked: InputError (422 at the API, exit code 2 in the CLI) names the field and
    the allowed values."""
    if not isinstance(raw, Mapping):
        raise InputError(
            "invalid", field, f'Veld \'{field}\' moet een object zijn, zoals {{"sender": "politie"}}.'
        )
    checked: dict[str, FactValue] = {}
    for fact, value in raw.items():
        if fact not in FACT_IDS:
            raise InputError(
                "unknown_fact", f"{field}.{fact}",
                f"Veld '{field}.{fact}' bestaat niet; toegestaan zijn: {', '.join(FACT_IDS)}.",
            )  # fmt: skip
        checked[fact] = None if value is None else _checked_value(fact, value, vocab, f"{field}.{fact}")
    return checked


def _checked_value(fact: str, value: Any, vocab: Vocabulary, field: str) -> FactValue:
    kind = load_words().facts[fact].kind
    if kind == "age":
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_AGE:
            raise InputError(
                "invalid_fact", field, f"Veld '{field}' moet een leeftijd in hele jaren zijn (0–{MAX_AGE})."
            )
        return value
    allowed = allowed_values(fact, vocab)
    values = value if kind == "many" and isinstance(value, list) else [value]
    wrong = [v for v in values if isinstance(v, bool) != (kind == "bool") or v not in allowed]
    if wrong or not values:
        shown = ", ".join(str(v).lower() if isinstance(v, bool) else str(v) for v in allowed)
        raise InputError(
            "invalid_fact", field,
            f"Veld '{field}' heeft een onbekende waarde {wrong[0] if wrong else '[]'!r}; toegestaan: {shown}"
            " (of null voor 'weet ik niet').",
        )  # fmt: skip
    return list(dict.fromkeys(values)) if kind == "many" else values[0]


def apply_facts(u: Understanding, given: Mapping[str, FactValue], vocab: Vocabulary) -> Understanding:
    """The understanding with the given facts laid over what was read (None: unknown)."""
    if not given:
        return u
    for fact, value in given.items():
        u = with_fact(u, fact, value)
    if any(given.get(fact) for fact in CORE_FACTS):
        # the user said who shares what: a question about sharing personal data
        u = u.model_copy(update={"in_scope": True, "intents": u.intents or ["share"]})
    return u


def with_fact(u: Understanding, fact: str, value: FactValue) -> Understanding:
    """The understanding with one fact set (None: unknown); no longer a guess."""
    update = _fact_update(u, fact, value)
    if "mentioned_roles" in update:
        update["mentioned_roles"] = list(dict.fromkeys(update["mentioned_roles"]))
    if fact in u.semantic:
        update["semantic"] = [slot for slot in u.semantic if slot != fact]
    return u.model_copy(update=update)


def _fact_update(u: Understanding, fact: str, value: FactValue) -> dict[str, Any]:
    if fact == "sender":
        sender = value if isinstance(value, str) else ""
        return {"sender": sender, "mentioned_roles": _swap_roles(u.mentioned_roles, [u.sender], [sender])}
    if fact == "recipients":
        new = list(value) if isinstance(value, list) else []
        return {"recipients": new, "mentioned_roles": _swap_roles(u.mentioned_roles, u.recipients, new)}
    if fact in ("data", "purposes"):
        return {fact: list(value) if isinstance(value, list) else []}
    if fact == "consent":
        return {"consent": value or ""}
    if fact == "age":
        age = value if isinstance(value, int) and not isinstance(value, bool) else None
        minor = None if age is None else age < age_years("meerderjarig")
        return {"age": age, "minor": minor if age is not None or u.age is not None else u.minor}
    if fact == "minor":
        fits = u.age is not None and (u.age < age_years("meerderjarig")) == value
        return {"minor": value, "age": u.age if fits else None}
    if fact in ("urgent", "outside_eer"):
        return {fact: value}
    return _partnership_update(u, value)


def _swap_roles(roles: list[str], old: list[str], new: list[str]) -> list[str]:
    return [*(r for r in roles if r not in old), *(r for r in new if r)]


def _partnership_update(u: Understanding, value: FactValue) -> dict[str, Any]:
    """'in het RIEC', 'in een casusoverleg', 'niet in een overleg': the venue among the recipients (or only
    named, when the data go to someone else in it). None (unknown) takes the venue away as well."""
    target = PARTNERSHIP_ROLES.get(str(value), "")
    if value == "overleg":
        target = next((r for r in u.recipients if r in ("casusoverleg", "samenwerkingsverband")), target)
    venue_recipient = any(r in VENUE_ROLES for r in u.recipients)
    recipients = [r for r in u.recipients if r not in VENUE_ROLES]
    if target and venue_recipient:
        recipients.append(target)
    mentioned = [r for r in u.mentioned_roles if r not in VENUE_ROLES or r == u.sender]
    return {"recipients": recipients, "mentioned_roles": [*mentioned, *([target] if target else [])]}


def partnership_of(u: Understanding) -> str | None:
    """The partnership or overleg the sharing happens in, as read: riec, zvh, overleg, or None (not named)."""
    roles = {u.sender, *u.recipients, *u.mentioned_roles}
    for value, role in (("riec", "riec"), ("zvh", "zvh")):
        if role in roles:
            return value
    return "overleg" if roles & {"casusoverleg", "samenwerkingsverband"} else None
