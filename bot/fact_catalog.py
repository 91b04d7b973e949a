"""The facts the assessment rules can test, declared once in kb/assessment/_facts.yaml.

    catalog = load_fact_catalog()
    catalog.flags()        # ('in_scope', 'vague', ...): `<flag>: true|false` in a rule's `when`
    catalog.sets()         # {'sender': 'roles', 'consent': '', ...}: `<name>_any: [ids]`

bot/rules.py builds its condition language from this and `fact_view` fills exactly these facts.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

import kb
from kb.errors import KbError

FACTS_FILE = Path(kb.__file__).resolve().parent / "assessment" / "_facts.yaml"
#: `values: role_sectors` — the `sector` attributes of kb/vocabulary/roles.yaml
ROLE_SECTORS = "role_sectors"


class FactCatalogError(KbError):
    """kb/assessment/_facts.yaml is unreadable or malformed."""


class FactDeclaration(BaseModel):
    kind: Literal["set", "flag", "age"]
    values: str | list[str] = Field("", description="A vocabulary slot, role_sectors, or the free values.")
    meaning: dict[str, str]
    legal: list[str] = Field(default_factory=list, description="Provisions where the fact is a legal notion.")


class FactCatalog(BaseModel):
    facts: dict[str, FactDeclaration]

    def flags(self) -> tuple[str, ...]:
        return tuple(name for name, fact in self.facts.items() if fact.kind == "flag")

    def sets(self) -> dict[str, str]:
        """Set fact -> the vocabulary slot of its ids ('' = free values or role sectors)."""
        return {
            name: fact.values if isinstance(fact.values, str) and fact.values != ROLE_SECTORS else ""
            for name, fact in self.facts.items()
            if fact.kind == "set"
        }

    def free_values(self) -> dict[str, set[str]]:
        return {name: set(fact.values) for name, fact in self.facts.items() if isinstance(fact.values, list)}


@lru_cache(maxsize=2)
def load_fact_catalog(path: Path = FACTS_FILE) -> FactCatalog:
    try:
        catalog = FactCatalog.model_validate(YAML(typ="safe").load(path.read_text(encoding="utf-8")))
    except (OSError, YAMLError, ValidationError) as exc:
        message = f"{path}: cannot read the fact declarations ({exc}) — restore the file"
        raise FactCatalogError(message) from exc
    for name, fact in catalog.facts.items():
        if fact.kind == "set" and not fact.values:
            raise FactCatalogError(f"{path}: set fact {name!r} needs `values` (a slot or a list) — add it")
    return catalog
