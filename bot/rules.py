"""The assessment rules (kb/assessment/*.yaml): load, validate, evaluate, and combine into one verdict.

A rule fires when its `when` holds for the facts. Condition language (every key of a mapping must hold):

    intent_any, sender_any, recipient_any, data_any, purpose_any: [ids]    one of these ids is in the facts
    sender_sector_any, sender_regime_any, sender_secrecy_any, recipient_sector_any: [values]   role attributes
    consent_any: [given, refused, impossible, unknown]
    <flag>: true|false        e.g. urgent, minor, under16, outside_eer, covenant, vague, sender_public ...
    all: [..], any: [..], not: {..}

Precedence (documented in kb/assessment/README.md): an `exclusive` rule that fires silences the others;
a `blocks` or `needs_facts` rule whose `lifted_by` names a rule that also fired does not count; of the
rules left, the one with the highest `priority` decides (ties: blocks > needs_facts > requires > allows).
None left: hangt_af.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

import kb
from bot.answer import Verdict
from bot.fact_catalog import load_fact_catalog
from bot.parameters import age_years, load_parameters
from bot.understanding import Understanding
from bot.vocabulary import Vocabulary
from kb.citations import parse_key
from kb.errors import CitationKeyError, KbError

ASSESSMENT_DIR = Path(kb.__file__).resolve().parent / "assessment"
Effect = Literal["out_of_scope", "blocks", "needs_facts", "requires", "allows", "clarify", "info"]
VERDICT_OF: dict[str, Verdict] = {
    "out_of_scope": "buiten_bereik",
    "blocks": "mag_niet",
    "needs_facts": "hangt_af",
    "requires": "mag_mits",
    "allows": "mag",
}
_TIE_BREAK = {"out_of_scope": 5, "blocks": 4, "needs_facts": 3, "requires": 2, "allows": 1}

#: the condition language, from kb/assessment/_facts.yaml (bot/fact_catalog.py)
SET_FACTS: dict[str, str] = load_fact_catalog().sets()  # fact -> vocabulary slot ('' = free values, sectors)
FREE_VALUES: dict[str, set[str]] = load_fact_catalog().free_values()
AGE_CONDITIONS = ("age_at_least", "age_below")  # the age said in the question vs a named legal age
FLAG_FACTS: tuple[str, ...] = load_fact_catalog().flags()


class RuleError(KbError):
    """An assessment file is unreadable or a rule is malformed."""


class Texts(BaseModel):
    nl: str = ""
    en: str = ""

    def get(self, language: str) -> str:
        return (self.en if language == "en" else self.nl) or self.nl


class TextLists(BaseModel):
    nl: list[str] = Field(default_factory=list)
    en: list[str] = Field(default_factory=list)

    def get(self, language: str) -> list[str]:
        return (self.en if language == "en" else self.nl) or self.nl


class Rule(BaseModel):
    id: str
    when: dict[str, Any] = Field(default_factory=dict)
    effect: Effect = "info"
    priority: int = 0
    keys: list[str] = Field(default_factory=list)
    finding: Texts = Field(default_factory=Texts)
    summary: Texts = Field(default_factory=Texts)
    conditions: TextLists = Field(default_factory=TextLists)
    clarify: TextLists = Field(default_factory=TextLists)
    record: TextLists = Field(default_factory=TextLists)
    lifted_by: list[str] = Field(default_factory=list)
    escalate: bool = False
    exclusive: bool = False
    search_hints: list[str] = Field(default_factory=list)
    step: str = Field("", description="Filled from the file the rule is in.")

    @property
    def decisive(self) -> bool:
        return self.effect in VERDICT_OF


class StepFile(BaseModel):
    step: str
    title: Texts
    order: int
    rules: list[Rule]


class Decision(BaseModel):
    verdict: Verdict
    deciding: Rule | None = None
    fired: list[Rule] = Field(default_factory=list, description="Rules that count, most decisive first.")
    lifted: list[str] = Field(default_factory=list, description="Blocking rules lifted by an exception.")


class RuleBook:
    def __init__(self, steps: list[StepFile]) -> None:
        self.steps = sorted(steps, key=lambda s: s.order)
        self.rules = [rule for step in self.steps for rule in step.rules]
        self.by_id = {rule.id: rule for rule in self.rules}

    def evaluate(self, facts: dict[str, Any]) -> list[Rule]:
        """The rules whose conditions hold, in step order."""
        return [rule for rule in self.rules if holds(rule.when, facts)]

    def cited_keys(self) -> list[str]:
        return sorted({key for rule in self.rules for key in rule.keys})


def holds(condition: dict[str, Any], facts: dict[str, Any]) -> bool:
    return all(_holds_one(name, value, facts) for name, value in condition.items())


def _holds_one(name: str, value: Any, facts: dict[str, Any]) -> bool:
    if name == "all":
        return all(holds(item, facts) for item in value)
    if name == "any":
        return any(holds(item, facts) for item in value)
    if name == "not":
        return not holds(value, facts)
    if name.endswith("_any"):
        return bool(set(facts[name[:-4]]) & set(value))
    if name in AGE_CONDITIONS:
        age, years = facts["age"], age_years(value)
        return age is not None and (age >= years if name == "age_at_least" else age < years)
    return bool(facts[name] == value)


def decide(fired: list[Rule]) -> Decision:
    """Combine the fired rules into one verdict (precedence in the module docstring)."""
    exclusive = [rule for rule in fired if rule.exclusive]
    pool = exclusive or fired
    ids = {rule.id for rule in pool}
    lifted = [r.id for r in pool if r.effect in ("blocks", "needs_facts") and set(r.lifted_by) & ids]
    counting = [r for r in pool if r.decisive and r.id not in lifted]
    ranked = sorted(counting, key=lambda r: (r.priority, _TIE_BREAK[r.effect]), reverse=True)
    rest = sorted((r for r in pool if r not in ranked), key=lambda r: r.priority, reverse=True)
    if not ranked:
        return Decision(verdict="hangt_af", fired=rest, lifted=lifted)
    return Decision(
        verdict=VERDICT_OF[ranked[0].effect], deciding=ranked[0], fired=ranked + rest, lifted=lifted
    )


def fact_view(u: Understanding, vocabulary: Vocabulary) -> dict[str, Any]:
    """The facts as the condition language sees them: sets of ids, attributes of the roles, and flags."""
    roles = vocabulary.roles
    sender = roles.attrs(u.sender)
    recipients = [roles.attrs(r) for r in u.recipients]
    return {
        "intent": set(u.intents),
        "sender": {u.sender} - {""},
        "recipient": set(u.recipients),
        "data": set(u.data),
        "purpose": set(u.purposes),
        "sender_sector": {sender.get("sector", "")} - {""},
        "sender_regime": {_sender_regime(sender.get("regime", "avg"), u.signals)},
        "sender_secrecy": {_sender_secrecy(sender, u.signals)} - {""},
        "recipient_sector": {r.get("sector", "") for r in recipients} - {""},
        "consent": {u.consent or "unknown"},
        "signal": set(u.signals),
        "role": {u.sender, *u.recipients, *u.mentioned_roles} - {""},
        "sender_wgs": set(sender.get("wgs", [])),
        "recipient_wgs": {wgs for r in recipients for wgs in r.get("wgs", [])},
        "in_scope": u.in_scope,
        "vague": u.vague,
        "sharing": u.sharing,
        "urgent": u.urgent,
        "minor": u.minor,
        "under16": None if u.age is None else u.age < age_years("avg_toestemming"),
        "age_known": u.age is not None,
        "age": u.age,
        "outside_eer": u.outside_eer,
        "inside_eer": u.outside_eer is False,
        "abroad_unknown": u.abroad and u.outside_eer is None,
        "covenant": u.covenant,
        "covenant_as_basis": u.covenant_as_basis,
        "legitimate_interest": u.legitimate_interest,
        "anonymous": u.anonymous,
        "pseudonymous": u.pseudonymous,
        "injection": u.injection,
        "data_special": any(vocabulary.data.attrs(d).get("special") for d in u.data),
        "data_known": bool(u.data),
        "sender_known": bool(u.sender),
        "recipient_known": bool(u.recipients),
        "purpose_known": bool(u.purposes),
        "sender_public": sender.get("public") if u.sender else None,
        "recipient_public": any(r.get("public") for r in recipients) if recipients else None,
        "sender_task_by_law": bool(sender.get("public") or sender.get("task_by_law")) if u.sender else None,
    }


def _sender_secrecy(attrs: dict[str, Any], signals: list[str]) -> str:
    """The sender's statutory secrecy. Wmo 2015 art. 5.3.3 lid 1 binds the college too, so a municipality that
    the question places under the Wmo ('Wmo-consulent', 'haar Wmo-dossier') keeps it."""
    secrecy = str(attrs.get("secrecy", ""))
    return secrecy or (str(attrs.get("secrecy_when_wmo", "")) if "wmo_named" in signals else "")


def _sender_regime(regime: str, signals: list[str]) -> str:
    """The regime of the sender's processing. Wpg art. 1 sub a: what the police do under the Vreemdelingenwet
    (immigration supervision) are no police data, so the AVG applies to it."""
    return "avg" if regime == "wpg" and "aliens_supervision" in signals else regime


def read_step_file(path: Path) -> StepFile:
    try:
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
        step = StepFile.model_validate(data)
    except (OSError, YAMLError) as exc:
        raise RuleError(f"{path}: cannot read the assessment file ({exc}) — fix the YAML syntax") from exc
    except ValidationError as exc:
        raise RuleError(f"{path}: not an assessment step file: {exc} — see kb/assessment/README.md") from exc
    for rule in step.rules:
        rule.step = step.step
    return step


def validate(book: RuleBook, vocabulary: Vocabulary, origin: str = "kb/assessment") -> None:
    """Every rule must use known fact names and ids, well-formed keys, and lift only existing rules."""
    seen: set[str] = set()
    for rule in book.rules:
        where = f"{origin}/{rule.step}.yaml rule {rule.id!r}"
        if rule.id in seen:
            raise RuleError(f"{where}: duplicate rule id — give every rule its own id")
        seen.add(rule.id)
        _validate_condition(rule.when, vocabulary, where)
        _validate_rule(rule, book, where)


def _validate_rule(rule: Rule, book: RuleBook, where: str) -> None:
    for key in rule.keys:
        try:
            parse_key(key)
        except CitationKeyError as exc:
            raise RuleError(f"{where}: bad key {key!r}: {exc}") from exc
    unknown = [name for name in rule.lifted_by if name not in book.by_id]
    if unknown:
        raise RuleError(f"{where}: lifted_by names unknown rules {unknown} — use ids of existing rules")
    if rule.decisive and not rule.summary.nl:
        raise RuleError(f"{where}: effect {rule.effect!r} needs a summary (nl, en) — add `summary:`")
    if not rule.finding.nl:
        raise RuleError(f"{where}: no finding — add `finding: {{nl: ..., en: ...}}`")


def _validate_condition(condition: Any, vocabulary: Vocabulary, where: str) -> None:
    if not isinstance(condition, dict):
        raise RuleError(f"{where}: condition {condition!r} is not a mapping — write `key: value` pairs")
    for name, value in condition.items():
        if name in ("all", "any"):
            for item in value:
                _validate_condition(item, vocabulary, where)
        elif name == "not":
            _validate_condition(value, vocabulary, where)
        elif name.endswith("_any") and name[:-4] in SET_FACTS:
            _validate_values(name[:-4], value, vocabulary, where)
        elif name in FLAG_FACTS:
            if not isinstance(value, bool):
                raise RuleError(f"{where}: {name} must be true or false, not {value!r}")
        elif name in AGE_CONDITIONS:
            ages = load_parameters().ages
            if not isinstance(value, str) or value not in ages:
                raise RuleError(
                    f"{where}: {name} must name a legal age from kb/assessment/_parameters.yaml "
                    f"({', '.join(sorted(ages))}), not {value!r} — add the age there with its provision"
                )
        else:
            raise RuleError(f"{where}: unknown condition {name!r} — use one of {sorted(_condition_names())}")


def _validate_values(fact: str, values: Any, vocabulary: Vocabulary, where: str) -> None:
    if not isinstance(values, list) or not values:
        raise RuleError(f"{where}: {fact}_any needs a non-empty list, not {values!r}")
    slot = SET_FACTS[fact]
    if slot:
        known: set[str] = set(vocabulary.slot(slot).entries)
    elif fact in FREE_VALUES:
        known = FREE_VALUES[fact]
    else:
        known = {str(e.attrs.get("sector")) for e in vocabulary.roles.entries.values()}
    unknown = [v for v in values if v not in known]
    if unknown:
        raise RuleError(f"{where}: {fact}_any has unknown values {unknown} — known: {sorted(known)}")


def _condition_names() -> set[str]:
    sets = {f"{name}_any" for name in SET_FACTS}
    return sets | set(FLAG_FACTS) | set(AGE_CONDITIONS) | {"all", "any", "not"}


@lru_cache(maxsize=4)
def load_rulebook(folder: Path = ASSESSMENT_DIR, vocabulary: Vocabulary | None = None) -> RuleBook:
    """Every step file in `folder` (files starting with '_' hold shared texts, not steps), validated."""
    from bot.vocabulary import load_vocabulary

    steps = [read_step_file(path) for path in sorted(folder.glob("*.yaml")) if not path.name.startswith("_")]
    if not steps:
        raise RuleError(f"{folder}: no assessment step files — add <step>.yaml files")
    book = RuleBook(steps)
    validate(book, vocabulary or load_vocabulary(), str(folder))
    return book
