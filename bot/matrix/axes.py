"""What a map is asked for: the data category, the purpose and the circumstances (the switches), checked
against kb/vocabulary; and the chain's roles that form its rows and columns.

    request = MapRequest(data="gezondheid", purpose="hulpverlening", minor=True, consent="refused")
    facts = request.facts("politie", "comensha")   # what `ask --facts` would be given for that cell

The circumstances are stated, never left to be guessed: the person is an adult unless `minor`, the sharing is
not urgent unless `urgent`, and it happens outside a partnership unless `partnership` names one. Consent is
the one circumstance that may stay unknown (""): where it decides, the cell says so and asks (see compute.py).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.answer import FactValue
from bot.inputs import InputError
from bot.vocabulary import Vocabulary

#: the chain against human trafficking, in the order of the map (ids of kb/vocabulary/roles.yaml)
CHAIN_ROLES = (
    "gemeente", "politie", "kmar", "om", "coa", "ind", "arbeidsinspectie", "veilig_thuis", "jeugdhulp",
    "gecertificeerde_instelling", "raad_kinderbescherming", "arts", "ggz", "ggd", "wmo_aanbieder", "opvang",
    "hulpverlener", "comensha", "slachtofferhulp", "riec", "zvh", "school", "woningcorporatie", "ngo",
)  # fmt: skip
Consent = Literal["", "given", "refused"]
Partnership = Literal["", "riec", "zvh", "overleg"]


class MapRequest(BaseModel):
    """One map: a data category and a purpose (vocabulary ids) and the circumstances."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    data: str = Field(description="Data category id from kb/vocabulary/data.yaml, e.g. gezondheid.")
    purpose: str = Field(description="Purpose id from kb/vocabulary/purposes.yaml, e.g. hulpverlening.")
    minor: bool = Field(False, description="The person is a minor (otherwise: an adult).")
    consent: Consent = Field("", description="given, refused, or '' (not known).")
    urgent: bool = Field(False, description="Acute danger: the sharing cannot wait.")
    partnership: Partnership = Field("", description="Shared inside the RIEC, the ZVH or a case conference.")

    def facts(self, sender: str, recipient: str) -> dict[str, FactValue]:
        """The facts of one cell, as `ask --facts` and POST /api/ask take them."""
        facts: dict[str, FactValue] = {
            "sender": sender, "recipients": [recipient], "data": [self.data], "purposes": [self.purpose],
            "minor": self.minor, "urgent": self.urgent,
        }  # fmt: skip
        if self.consent:
            facts["consent"] = self.consent
        if self.partnership:
            facts["partnership"] = self.partnership
        return facts

    def cache_key(self) -> str:
        return self.model_dump_json()


def check_request(request: MapRequest, vocab: Vocabulary) -> MapRequest:
    """`request` when its ids are in the vocabulary; else InputError (422, exit code 2) naming the field."""
    for field, slot, value in (("data", "data", request.data), ("purpose", "purposes", request.purpose)):
        allowed = list(vocab.slot(slot).entries)
        if value not in allowed:
            raise InputError(
                "invalid",
                field,
                f"Veld '{field}' heeft een onbekende waarde {value!r}; toegestaan: {', '.join(allowed)}.",
            )
    return request


def chain_roles(vocab: Vocabulary) -> list[str]:
    """CHAIN_ROLES, each checked against kb/vocabulary/roles.yaml."""
    known = vocab.slot("roles").entries
    missing = [role for role in CHAIN_ROLES if role not in known]
    if missing:
        raise ValueError(
            f"bot/matrix/axes.py CHAIN_ROLES names roles {missing} not in kb/vocabulary/roles.yaml"
        )
    return list(CHAIN_ROLES)
