"""Scenario tests beside the rules: facts -> the rules that fire, the verdict and the keys, with no language
layer.

Every `kb/assessment/tests/<step>.yaml` holds a list of scenarios:

    - id: anoniem-met-geboortedatum           # unique over all files
      about: "AVG art. 4 sub 1: a date of birth still identifies"   # the provision and why, one line
      facts: {sender: gemeente, recipients: [politie], anonymous: true, identifiers: true}
      fires: [identificeerbaar]               # these rules must fire (their `when` holds)
      not_fires: [anoniem]                    # optional: these must not fire
      lifted: [art9_verbod]                   # optional: these blocks are lifted by an exception that fired
      deciding: identificeerbaar              # optional: the rule that decides the verdict
      verdict: mag_niet                       # the verdict
      keys: ["AVG art. 4 sub 1"]              # optional: cited by the assessment
                                              # ('AVG art. 6' matches 'AVG art. 6 lid 1')

`facts` are fields of `bot.understanding.Understanding`; `in_scope: true` and `intents: [share]` are the
defaults. The suite also checks that every rule fires in at least one scenario and that every exception named
in a `lifted_by` is shown lifting that rule in some scenario.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict, Field
from ruamel.yaml import YAML

from bot.assessment import Assessor
from bot.rules import decide, fact_view
from bot.understanding import Understanding

SCENARIO_DIR = Path(__file__).resolve().parents[1] / "kb" / "assessment" / "tests"
DEFAULT_FACTS: dict[str, Any] = {"in_scope": True, "intents": ["share"]}


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    about: str
    facts: dict[str, Any]
    fires: list[str] = Field(min_length=1)
    not_fires: list[str] = Field(default_factory=list)
    lifted: list[str] = Field(default_factory=list)
    deciding: str = ""
    verdict: str
    keys: list[str] = Field(default_factory=list)
    file: str = ""


def load_scenarios(folder: Path = SCENARIO_DIR) -> list[Scenario]:
    scenarios = []
    for path in sorted(folder.glob("*.yaml")):
        for item in YAML(typ="safe").load(path.read_text(encoding="utf-8")) or []:
            scenarios.append(Scenario.model_validate({**item, "file": path.name}))
    return scenarios


SCENARIOS = load_scenarios()


@pytest.fixture(scope="module")
def assessor() -> Assessor:
    return Assessor()


def understanding_of(scenario: Scenario) -> Understanding:
    return Understanding.model_validate({**DEFAULT_FACTS, **scenario.facts})


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_scenario(scenario: Scenario, assessor: Assessor) -> None:
    understanding = understanding_of(scenario)
    fired = assessor.rulebook.evaluate(fact_view(understanding, assessor.vocabulary))
    fired_ids = [rule.id for rule in fired]
    decision = decide(fired)
    assessment = assessor.assess_understanding(understanding)
    where = f"{scenario.file} {scenario.id}"

    assert set(scenario.fires) <= set(fired_ids), f"{where}: fired {fired_ids}"
    assert not set(scenario.not_fires) & set(fired_ids), f"{where}: fired {fired_ids}"
    assert set(scenario.lifted) <= set(decision.lifted), f"{where}: lifted {decision.lifted}"
    if scenario.deciding:
        deciding = decision.deciding.id if decision.deciding else ""
        assert deciding == scenario.deciding, f"{where}: decided by {deciding!r}"
    assert assessment.verdict == scenario.verdict, f"{where}: {assessment.verdict} ({fired_ids})"
    for key in scenario.keys:
        assert any(cited == key or cited.startswith(key + " ") for cited in assessment.keys), (
            f"{where}: {key!r} not among {assessment.keys}"
        )


def test_scenario_ids_are_unique() -> None:
    ids = [s.id for s in SCENARIOS]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


def test_scenarios_name_existing_rules(assessor: Assessor) -> None:
    known = set(assessor.rulebook.by_id)
    for scenario in SCENARIOS:
        named = {*scenario.fires, *scenario.not_fires, *scenario.lifted, scenario.deciding} - {""}
        assert named <= known, f"{scenario.file} {scenario.id}: unknown rules {sorted(named - known)}"


def test_every_rule_fires_in_a_scenario(assessor: Assessor) -> None:
    covered = {rule for scenario in SCENARIOS for rule in scenario.fires}
    missing = [rule.id for rule in assessor.rulebook.rules if rule.id not in covered]
    assert not missing, f"rules without a scenario in kb/assessment/tests: {missing}"


def test_every_exception_is_shown_lifting(assessor: Assessor) -> None:
    shown = {(lifted, lifter) for s in SCENARIOS for lifted in s.lifted for lifter in s.fires}
    missing = [
        f"{rule.id} lifted by {lifter}"
        for rule in assessor.rulebook.rules
        for lifter in rule.lifted_by
        if (rule.id, lifter) not in shown
    ]
    assert not missing, f"exceptions never shown lifting their rule: {missing}"


def test_the_facts_the_rules_see_are_exactly_the_declared_ones(assessor: Assessor) -> None:
    """kb/assessment/_facts.yaml declares every fact once; fact_view fills exactly those."""
    from bot.fact_catalog import load_fact_catalog

    declared = set(load_fact_catalog().facts)
    seen = set(fact_view(Understanding(), assessor.vocabulary))
    assert seen == declared, f"only in fact_view: {seen - declared}; only declared: {declared - seen}"
