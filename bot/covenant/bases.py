"""grondslag_per_partij: per party the basis the assessment rules give, and whether the covenant names it.

For each party's role the Assessor is run on the covenant's facts with that role as sender: the covenant's
data and purposes, shared within its partnership (Zorg- en Veiligheidshuis, RIEC, or a case conference). The
keys of the basis steps are the party's basis; the route (Wpg, Wjsg, WGS, AVG art. 6) says what the covenant
must name for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.assessment import Assessor
from bot.covenant.checklist import ChecklistItem, Finder, Hit
from bot.covenant.parties import Party
from bot.understanding import Understanding
from bot.vocabulary import Text

BASIS_STEPS = ("grondslag", "politie_verstrekt", "om_wjsg", "samenwerkingsverband_wgs")
_FRAMES = ("zvh", "riec")


@dataclass(frozen=True)
class CovenantFacts:
    """What the covenant is about, in vocabulary ids."""

    frame: str  #: 'zvh', 'riec' or 'casusoverleg'
    data: list[str]
    purposes: list[str]


@dataclass
class PartyBasis:
    party: Party
    routes: list[str]  #: route ids of the checklist's grondslag_per_partij item
    keys: list[str]
    missing: list[str] = field(default_factory=list)  #: routes the covenant does not name
    hits: list[Hit] = field(default_factory=list)

    @property
    def named(self) -> bool:
        return bool(self.routes) and not self.missing


def covenant_facts(text: str, assessor: Assessor) -> CovenantFacts:
    vocabulary = assessor.vocabulary
    folded = Text.of(text)
    roles = vocabulary.roles.ids(folded)
    frame = next((f for f in _FRAMES if f in roles), "casusoverleg")
    data = vocabulary.data.ids(folded) or ["gewoon"]
    purposes = vocabulary.purposes.ids(folded) or ["casusoverleg"]
    return CovenantFacts(frame, data, purposes)


def party_bases(
    parties: list[Party], facts: CovenantFacts, item: ChecklistItem, finder: Finder, assessor: Assessor
) -> list[PartyBasis]:
    found = {route_id: finder.find(route.terms) for route_id, route in item.routes.items()}
    bases = []
    for party in parties:
        routes = required_routes(party.role, facts.frame, assessor)
        keys = basis_keys(party.role, facts, assessor) if party.role else []
        missing = [route for route in routes if not found.get(route)]
        hits = [hit for route in routes for hit in found.get(route, [])[:1]]
        bases.append(PartyBasis(party, routes, keys, missing, hits))
    return bases


def required_routes(role: str, frame: str, assessor: Assessor) -> list[str]:
    """What the covenant must name for this role: the WGS for a designated participant of the covenant's
    WGS partnership, and the role's own regime (Wpg, Wjsg) or AVG art. 6 lid 1."""
    if not role:
        return []
    attrs = assessor.vocabulary.roles.attrs(role)
    routes = ["wgs"] if frame in attrs.get("wgs", []) else []
    regime = attrs.get("regime", "avg")
    if regime in ("wpg", "wjsg"):
        routes.append(regime)
    elif not routes:
        routes.append("avg_publiek" if attrs.get("public") else "avg")
    return routes


def basis_keys(role: str, facts: CovenantFacts, assessor: Assessor) -> list[str]:
    understanding = Understanding(
        in_scope=True,
        intents=["share"],
        sender=role,
        recipients=[facts.frame],
        data=facts.data,
        purposes=facts.purposes,
        covenant=True,
    )
    assessment = assessor.assess_understanding(understanding)
    basis = {key for step in assessment.steps if step.id in BASIS_STEPS for key in step.keys}
    return [key for key in assessment.keys if key in basis]  # the deciding rule's keys first
