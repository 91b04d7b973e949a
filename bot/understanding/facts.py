"""What a question is understood to say: the Understanding, one field per fact (ids of kb/vocabulary)."""

from __future__ import annotations

from typing import Literal, Protocol

from pydantic import BaseModel, Field

from bot.answer import Facts

Consent = Literal["given", "refused", "impossible", ""]
SHARING = ("share", "receive", "publish")


class SlotGuesser(Protocol):
    """Fills an empty slot from the question's meaning (bot.assessment.SemanticMatcher, with an embedder)."""

    def best(self, slot: str, question: str) -> str | None: ...


class Understanding(BaseModel):
    """The facts read from a question (and the turns before it). Ids refer to kb/vocabulary entries."""

    question: str = Field("", description="The question as read, with injected instructions blanked.")
    language: str = "nl"
    in_scope: bool = False
    intents: list[str] = Field(default_factory=list)
    sender: str = ""
    recipients: list[str] = Field(default_factory=list)
    data: list[str] = Field(default_factory=list)
    purposes: list[str] = Field(default_factory=list)
    minor: bool | None = None
    age: int | None = None
    country: str = ""
    outside_eer: bool | None = None
    abroad: bool = False
    urgent: bool | None = None
    consent: Consent = ""
    covenant: bool = False
    covenant_as_basis: bool = False
    legitimate_interest: bool = False
    anonymous: bool = False
    pseudonymous: bool = False
    injection: bool = False
    followup: bool = False
    correction: bool = False
    mentioned_roles: list[str] = Field(default_factory=list, description="Roles named, not negated.")
    sender_cued: bool = Field(False, description="The sender was named as such ('als arts', 'ik werk bij').")
    negated_roles: list[str] = Field(default_factory=list)
    negated_data: list[str] = Field(default_factory=list)
    signals: list[str] = Field(default_factory=list, description="Ids from kb/vocabulary/signals.yaml.")
    semantic: list[str] = Field(default_factory=list, description="Slots filled by the embedding fallback.")
    words: dict[str, str] = Field(
        default_factory=dict, description="Slot -> the words of the question that gave it."
    )
    from_history: list[str] = Field(default_factory=list, description="Slots taken from an earlier turn.")

    @property
    def sharing(self) -> bool:
        return bool(set(SHARING) & set(self.intents))

    @property
    def vague(self) -> bool:
        """In scope, but too little is known to judge: no question about a topic or act, or sharing with an
        unknown recipient, or only the recipient known ('Mag ik de politie bellen?')."""
        if not self.intents:
            return not any(signal.startswith("topic_") for signal in self.signals)
        asks_only_to_share = not set(self.intents) - {"share", "receive", "process"}
        context = self.sender or self.data or self.purposes or self.minor or self.urgent
        too_little = not self.recipients or not context
        return asks_only_to_share and self.sharing and too_little

    def missing(self) -> list[str]:
        """Slots a useful answer needs that the question does not give."""
        wanted = (
            ("sender", self.sender),
            ("recipient", self.recipients),
            ("data", self.data),
            ("purpose", self.purposes),
        )
        return [slot for slot, value in wanted if not value]

    def to_facts(self) -> Facts:
        return Facts(
            sender=self.sender,
            recipient=", ".join(self.recipients),
            data=list(self.data),
            purpose=self.purposes[0] if self.purposes else "",
            minor=self.minor,
            outside_eer=self.outside_eer,
            urgent=self.urgent,
            consent={"given": True, "refused": False}.get(self.consent),
            language=self.language,
        )
