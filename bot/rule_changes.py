"""Rules know their law's date: which rules to re-check when a provision they rest on changed.

kb/assessment/_checked.yaml records, per law (citation name), the version date of the text the rules were
last read against. When the knowledge base holds a newer version, the rules whose provisions changed (or
disappeared) between the checked and the current version are listed, so a manager knows what to re-check:

    deelwijzer rules recheck            # CLI
    GET /api/admin/rules/recheck        # Beheer; "Wat is er veranderd" lists them per source too
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

import kb
from bot.parameters import load_parameters
from bot.rules import RuleBook
from kb.changes import SourceChanges, VersionedPassages, compare_passages
from kb.citations import parse_key
from kb.errors import CitationKeyError, KbError
from kb.knowledge_base import DocumentRecord

CHECKED_FILE = Path(kb.__file__).resolve().parent / "assessment" / "_checked.yaml"
Reason = Literal["changed", "not_comparable"]


class CheckedError(KbError):
    """kb/assessment/_checked.yaml is unreadable or malformed."""


class CheckedVersions(BaseModel):
    """kb/assessment/_checked.yaml"""

    checked_on: str = Field(description="When a person last read every rule against the texts.")
    versions: dict[str, str] = Field(description="Citation name -> version date the rules were read against.")


class Checkable(BaseModel):
    """A rule, or a legal threshold the rules use (kb/assessment/_parameters.yaml), with its provisions."""

    id: str
    step: str
    keys: list[str]


class RuleToRecheck(BaseModel):
    rule: str = Field(description="Rule id, or 'leeftijd:<name>' for a legal threshold.")
    step: str
    source: str = Field(description="Citation name of the law, e.g. 'Jeugdwet'.")
    keys: list[str] = Field(
        description="The rule's provisions that changed (all of that law if not comparable)."
    )
    checked_version: str
    current_version: str
    reason: Reason


def load_checked(path: Path = CHECKED_FILE) -> CheckedVersions:
    try:
        return CheckedVersions.model_validate(YAML(typ="safe").load(path.read_text(encoding="utf-8")))
    except (OSError, YAMLError, ValidationError) as exc:
        raise CheckedError(
            f"{path}: cannot read the checked law versions ({exc}) — restore the file"
        ) from exc


def rules_affected_by(changes: SourceChanges, rulebook: RuleBook) -> list[RuleToRecheck]:
    """The rules citing a provision that `changes` shows as changed or removed."""
    touched = [change.key for change in (*changes.changed, *changes.removed)]
    found = []
    for rule in checkables(rulebook):
        keys = [key for key in rule.keys if any(_covers(key, provision) for provision in touched)]
        if keys:
            found.append(
                RuleToRecheck(
                    rule=rule.id, step=rule.step, source=changes.new.citation_name, keys=keys,
                    checked_version=changes.old.version_date, current_version=changes.new.version_date,
                    reason="changed",
                )
            )  # fmt: skip
    return found


def rules_to_recheck(
    kb: VersionedPassages, rulebook: RuleBook, checked: CheckedVersions | None = None
) -> list[RuleToRecheck]:
    """Every rule resting on a provision that changed since the version its law was checked against."""
    checked = checked or load_checked()
    rules = checkables(rulebook)
    found: list[RuleToRecheck] = []
    for source in sorted({_source(key) for rule in rules for key in rule.keys} - {""}):
        versions = _versions(kb.documents(), source)
        if not versions or source not in checked.versions:
            continue
        current, checked_version = versions[-1], checked.versions[source]
        if current.version_date <= checked_version:
            continue
        old = next((r for r in versions if r.version_date == checked_version), None)
        if old is None:
            found += _all_rules_citing(rules, source, checked_version, current.version_date)
            continue
        changes, _ = compare_passages(kb.passages_of(old.document_id), kb.passages_of(current.document_id))
        touched = [c.key for c in changes if c.kind in ("changed", "removed")]
        for rule in rules:
            keys = [k for k in rule.keys if _source(k) == source and any(_covers(k, p) for p in touched)]
            if keys:
                found.append(
                    RuleToRecheck(
                        rule=rule.id, step=rule.step, source=source, keys=keys,
                        checked_version=checked_version, current_version=current.version_date,
                        reason="changed",
                    )
                )  # fmt: skip
    return found


def checkables(rulebook: RuleBook) -> list[Checkable]:
    """Every rule and every legal threshold, with the provisions each rests on."""
    rules = [Checkable(id=rule.id, step=rule.step, keys=rule.keys) for rule in rulebook.rules]
    ages = load_parameters().ages.items()
    return rules + [
        Checkable(id=f"leeftijd:{name}", step="_parameters", keys=age.provisions) for name, age in ages
    ]


def _all_rules_citing(
    rules: Iterable[Checkable], source: str, checked_version: str, current_version: str
) -> list[RuleToRecheck]:
    """The checked version is not in the knowledge base: every rule citing the law must be re-read."""
    return [
        RuleToRecheck(
            rule=rule.id, step=rule.step, source=source, keys=[k for k in rule.keys if _source(k) == source],
            checked_version=checked_version, current_version=current_version, reason="not_comparable",
        )
        for rule in rules
        if any(_source(k) == source for k in rule.keys)
    ]  # fmt: skip


def _versions(records: list[DocumentRecord], source: str) -> list[DocumentRecord]:
    """The Dutch versions of a law, oldest first (the rules' keys are the same in every language)."""
    mine = [r for r in records if r.citation_name == source]
    dutch = [r for r in mine if r.language == "nl"] or mine
    return sorted(dutch, key=lambda r: r.version_date)


def _source(key: str) -> str:
    try:
        return parse_key(key).source
    except CitationKeyError:
        return ""


def _covers(rule_key: str, provision_key: str) -> bool:
    """A rule's key rests on a provision when it names that lid, or the whole article the lid is in."""
    try:
        rule, provision = parse_key(rule_key), parse_key(provision_key)
    except CitationKeyError:
        return False
    if rule.article_key.casefold() != provision.article_key.casefold():
        return False
    return (
        not rule.lid or not provision.lid or rule.passage_key.casefold() == provision.passage_key.casefold()
    )
