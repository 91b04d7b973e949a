"""The answer: the JSON object of evals/FORMAT.md, plus the reasoning steps and the facts understood."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Verdict = Literal["mag", "mag_mits", "mag_niet", "hangt_af", "buiten_bereik"]

#: Source types that are not law, least authoritative first; their text is shown as document text.
GUIDANCE_TYPES = ("werkinstructie", "convenant", "handreiking")


class Citation(BaseModel):
    key: str = Field(description="Citation key, e.g. 'AVG art. 6 lid 1 sub e'.")
    quote: str = Field(description="Verbatim words from the stored passage of that key.")
    source_version: str = Field(description="Version date of the quoted text.")
    url: str = Field("", description="Official deep link.")
    source_type: str = Field(
        "wet", description="verordening, wet, amvb, convenant, handreiking, werkinstructie."
    )


class Step(BaseModel):
    """One step of the assessment (doel, grondslag, bijzondere gegevens, ontvanger ...)."""

    id: str
    title: str
    finding: str = Field(description="What this step concludes for this question (Dutch).")
    keys: list[str] = Field(default_factory=list, description="Citation keys this step relies on.")


class Facts(BaseModel):
    """What the question was understood to say. Every field may be empty."""

    sender: str = ""
    recipient: str = ""
    data: list[str] = Field(default_factory=list, description="gewoon, gezondheid, strafrechtelijk, bsn ...")
    purpose: str = ""
    minor: bool | None = None
    outside_eer: bool | None = None
    urgent: bool | None = None
    consent: bool | None = None
    language: str = "nl"


FactValue = str | list[str] | int | bool | None
FactSource = Literal["question", "history", "guess", "given", "missing"]


class UnderstoodFact(BaseModel):
    """One fact of "Zo heb ik uw vraag begrepen": its value and how it was found."""

    fact: str = Field(description="Fact id, as in the `facts` request field and GET /api/facts.")
    label: str = Field(description="The fact's name in the answer's language.")
    value: FactValue = None
    value_label: str | list[str] | None = Field(None, description="Human label(s) from kb/vocabulary.")
    source: FactSource = "missing"
    words: str = Field("", description="The words of the question that gave it.")
    options_ref: str = Field("", description="The fact id whose options GET /api/facts lists.")


class ClarifyOption(BaseModel):
    value: FactValue
    label: str
    verdict: Verdict = Field(description="The verdict when the fact has this value.")
    preview: str = Field(description="One short line of that answer's summary.")


class Clarify(BaseModel):
    """The one question that settles a decisive fact the question leaves unknown or only guessed."""

    fact: str
    question: str
    options: list[ClarifyOption] = Field(default_factory=list)


class Answer(BaseModel):
    id: str = ""
    verdict: Verdict
    summary: str
    conditions: list[str] = Field(default_factory=list)
    clarifying_questions: list[str] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    # extra fields, welcome per FORMAT.md
    steps: list[Step] = Field(default_factory=list)
    record: list[str] = Field(default_factory=list, description="Wat leg je vast.")
    escalate: str = Field(
        "", description="Who to ask when the sources do not settle it (FG / privacy officer)."
    )
    facts: Facts = Field(default_factory=Facts)
    language: str = "nl"
    relies_on_guidance: bool = False
    removed_citations: int = Field(0, description="Citations dropped by verification (should stay 0).")
    kb_build: str = ""
    retrieval: Literal["hybrid", "lexical"] = Field(
        "hybrid",
        description="'lexical' while the knowledge base's dense index is still being built: the search "
        "behind the answer used BM25 only (the verdict and the verified citations do not depend on it).",
    )
    understood: list[UnderstoodFact] = Field(
        default_factory=list, description="What the question was understood to say, fact by fact."
    )
    clarify: Clarify | None = Field(
        None, description="One targeted question when a decisive fact is unknown or only guessed."
    )


class Turn(BaseModel):
    """An earlier turn of the conversation (FORMAT.md `history`)."""

    question: str
    answer_verdict: str = ""
    facts: Facts | None = Field(None, description="The facts understood then, when the caller kept them.")
    given: dict[str, FactValue] = Field(
        default_factory=dict, description="Facts the user set (the `facts` request field) at that turn."
    )
