"""Question understanding without an LLM: which facts does a question state?

`understand(question, history)` reads the slots (who shares what with whom, for what, in which circumstances)
from the vocabulary in kb/vocabulary and merges short follow-ups into the earlier turns (bot/conversation.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal, Protocol

from pydantic import BaseModel, Field

from bot.answer import Facts, Turn
from bot.conversation import merge_history, with_kept_facts
from bot.parameters import age_years
from bot.vocabulary import Hit, Text, Vocabulary, country_facts, detect_language, load_vocabulary

Consent = Literal["given", "refused", "impossible", ""]
SHARING = ("share", "receive", "publish")
_MODAL_QUESTION = re.compile(  # 'Mag die rapportage naar de woningcorporatie?'
    r"\b(?:mag|mogen|kan|kunnen|moet|moeten|may|can)\s+(?:die|dat|dit|deze|het|de|this|that|these|those|the)\s+"
    r"(?:\w+\s+){1,3}(?:naar|to)\s"
)
_SENTENCE = re.compile(r"[^.!?;:\n]+[.!?;:\n]*")
_AGE = re.compile(
    r"(?<!\d)(\d{1,2})\s*(?:jaar|jr|jarige|jarig|years?\s+old|year\s+old|yo)(?!\w)"
    r"|(?:ze|zij|hij|die|het kind|she|he) (?:inmiddels |nu |al |net |bijna |pas )?(\d{1,2}) "
    r"(?:is|wordt|was)\b"
    r"|(?:is|wordt|werd|ben) (?:inmiddels |nu |al |net |bijna )?(\d{2})(?: geworden)?"
    r"(?!\d|\s+(?:keer|maal|dagen|weken|maanden|uur|euro|procent|minuten|jaar geleden)\b)"
    r"|(?:meisje|jongen|kind|dochter|zoon|jongere|tiener|patient|patiente|client|cliente|slachtoffer|vrouw|man|"
    r"leerling|girl|boy|child|daughter|son|patient|client|victim|woman|man|pupil)\s+(?:van|of|aged)\s+(\d{1,2})(?!\d)"
)


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


def understand(
    question: str,
    history: Sequence[Turn] = (),
    vocabulary: Vocabulary | None = None,
    semantic: SlotGuesser | None = None,
) -> Understanding:
    """The facts of `question`, with follow-ups and corrections merged into the earlier turns."""
    vocab = vocabulary or load_vocabulary()
    earlier = [_turn_understanding(turn, vocab) for turn in history]
    read = read_question(question, vocab)
    current = merge_history(earlier, read)
    if current is not read:
        kept = [
            name for name in _PROVENANCE if getattr(current, name) not in (getattr(read, name), None, "", [])
        ]
        current = current.model_copy(update={"words": read.words, "from_history": kept})
    return _fill_semantic(current, semantic) if semantic else current


def _turn_understanding(turn: Turn, vocab: Vocabulary) -> Understanding:
    read = read_question(turn.question, vocab)
    return with_kept_facts(read, turn.facts) if turn.facts else read


def read_question(question: str, vocabulary: Vocabulary | None = None) -> Understanding:
    """The facts of one question on its own."""
    vocab = vocabulary or load_vocabulary()
    text, injection = strip_injection(Text.of(question), vocab)
    signals = vocab.signals.find(text)
    intents = _ids(vocab.intents.find(text), negated=None)  # 'wat mag ik niet delen?' asks too
    role_hits = vocab.roles.find(text, fuzzy=True)
    receiving = "receive" in intents and "share" not in intents
    venues = frozenset(r for r, e in vocab.roles.entries.items() if e.attrs.get("venue"))
    sources = [h for h in signals if vocab.signals.attrs(h.id).get("source_of_knowledge")]
    # 'de OvJ vertelde me ...': the source of what the speaker knows is not a party to this sharing
    parties = [h for h in role_hits if not any(h.overlaps(source) for source in sources)]
    sender, recipients, sender_cued = assign_roles(text, parties, receiving, venues)
    data_hits = vocab.data.find(text, fuzzy=True)
    purpose_hits = vocab.purposes.find(text, fuzzy=True)
    understanding = Understanding(
        question=" ".join(text.original.split()),
        language=detect_language(text, vocab),
        intents=intents,
        sender=sender,
        recipients=recipients,
        data=_ids(data_hits),
        purposes=_ids(purpose_hits),
        injection=injection,
        mentioned_roles=_ids(role_hits),
        sender_cued=sender_cued,
        negated_roles=_ids(role_hits, negated=True),
        negated_data=_ids(data_hits, negated=True),
        **_signal_facts(signals),
        **_age_facts(text, signals),
        **country_facts(text, vocab, role_hits, signals),
    )
    domestic = {r for r, e in vocab.roles.entries.items() if e.attrs.get("domestic")}
    recipients = _abroad(understanding, domestic)
    if not intents and recipients and _MODAL_QUESTION.search(text.lower):
        intents = ["share"]  # 'Mag die rapportage naar de woningcorporatie?'
    sender = sender or _implied_sender(signals, vocab)
    words = _words(understanding, [*role_hits, *data_hits, *purpose_hits, *signals], sender)
    understanding = understanding.model_copy(
        update={"recipients": recipients, "intents": intents, "sender": sender, "words": words}
    )
    return understanding.model_copy(update={"in_scope": _in_scope(understanding, signals)})


_PROVENANCE = ("sender", "recipients", "data", "purposes", "consent", "age", "minor", "urgent", "outside_eer")


def _words(u: Understanding, hits: list[Hit], sender: str) -> dict[str, str]:
    """Which words gave each slot: the first plain hit of each id (provenance for Answer.understood)."""
    first: dict[str, str] = {}
    for hit in hits:
        if not hit.negated:
            first.setdefault(hit.id, hit.text)
    implied = next((first[i] for i in first if i.startswith("speaker_")), "")
    slots = {
        "sender": first.get(sender, implied) if sender else "",
        "recipients": ", ".join(first[r] for r in u.recipients if r in first),
        "data": ", ".join(first[d] for d in u.data if d in first),
        "purposes": ", ".join(first[p] for p in u.purposes if p in first),
        "consent": first.get(f"consent_{u.consent}", "") if u.consent else "",
        "minor": first.get("minor", first.get("adult", "")) if u.minor is not None else "",
        "urgent": first.get("urgent", "") if u.urgent else "",
        "outside_eer": next((first[k] for k in ("outside_eer", "inside_eer", "abroad") if k in first), ""),
        "partnership": ", ".join(
            first[v] for v in ("riec", "zvh", "casusoverleg", "samenwerkingsverband") if v in first
        ),
    }
    return {slot: words for slot, words in slots.items() if words}


def _implied_sender(signals: list[Hit], vocab: Vocabulary) -> str:
    """'mijn cliënte' is said by a care worker, 'mijn patiënt' by a health professional."""
    implied = [vocab.signals.attrs(hit.id).get("implies_sender", "") for hit in signals if not hit.negated]
    return next((role for role in implied if role), "")


def _abroad(u: Understanding, domestic: set[str]) -> list[str]:
    """'de Marokkaanse politie', 'een partnerorganisatie in Nigeria': the recipient is a body abroad."""
    if not u.country or u.country == "nederland":
        return u.recipients
    foreign = ["buitenlandse_autoriteit" if r in domestic else r for r in u.recipients]
    return list(dict.fromkeys(foreign or ["buitenlandse_autoriteit"]))


def _ids(hits: list[Hit], negated: bool | None = False) -> list[str]:
    """Entry ids in order of first occurrence; `negated=None` takes negated and plain hits alike."""
    return list(dict.fromkeys(hit.id for hit in hits if negated is None or hit.negated == negated))


def strip_injection(text: Text, vocab: Vocabulary) -> tuple[Text, bool]:
    """Blank instructions aimed at the system: their whole sentence, or only the instruction when the sentence
    also carries the question (ends with '?')."""
    hits = [hit for hit in vocab.signals.find(text) if hit.id == "injection"]
    if not hits:
        return text, False
    spans = []
    for sentence in _SENTENCE.finditer(text.original):
        inside = [h for h in hits if sentence.start() <= h.start < sentence.end()]
        if inside and sentence.group().rstrip().endswith("?"):
            spans += [(h.start, h.end) for h in inside]
        elif inside:
            spans.append((sentence.start(), sentence.end()))
    return text.blank(spans), True


def _signal_facts(signals: list[Hit]) -> dict[str, object]:
    anonymous = [hit for hit in signals if hit.id == "anonymous"]
    # 'zonder naam, adres of geboortedatum' names no identifiers: those inside an 'anonymous' hit do not count
    found = {
        hit.id
        for hit in signals
        if not hit.negated and not (hit.id == "identifiers" and any(hit.overlaps(a) for a in anonymous))
    }
    situational = sorted(found - {"injection", "followup", "correction", "scope"})
    urgent_hits = [hit for hit in signals if hit.id == "urgent"]
    urgent = True if any(not h.negated for h in urgent_hits) else (False if urgent_hits else None)
    return {
        "urgent": urgent,
        "signals": situational,
        "consent": _consent(signals),
        "covenant": "covenant" in found,
        "covenant_as_basis": "covenant" in found and "covenant_as_basis" in found,
        "legitimate_interest": "legitimate_interest" in found,
        "anonymous": "anonymous" in found and "pseudonymous" not in found,
        "pseudonymous": "pseudonymous" in found,
        "followup": "followup" in found,
        "correction": "correction" in found,
    }


def _consent(signals: list[Hit]) -> Consent:
    """'weigert' is a refusal; 'zonder haar toestemming' is one too, unless asking is impossible ('ze is
    verdwenen', 'bewusteloos'): then consent simply cannot be had."""
    refused = [h for h in signals if h.id == "consent_refused"]
    given = [h for h in signals if h.id == "consent_given" and not any(h.overlaps(r) for r in refused)]
    impossible = any(h.id == "consent_impossible" and not h.negated for h in signals)
    said_no = [h for h in refused if not _WITHOUT.match(h.text.lower())] or any(h.negated for h in given)
    if said_no or (refused and not impossible):
        return "refused"
    if impossible:
        return "impossible"
    return "given" if given else ""


# 'een jongen van 24': the age says whether it is a minor, not the word 'jongen'
_AGED = re.compile(r"\s+(?:(?:van|of|aged)\s+)?(\d{1,2})(?!\d)")


def _adult_age_follows(text: Text, hit: Hit) -> bool:
    aged = _AGED.match(text.lower, hit.end)
    return aged is not None and int(aged.group(1)) >= age_years("meerderjarig")


_WITHOUT = re.compile(r"(?:zonder|without)\b")


def _age_facts(text: Text, signals: list[Hit]) -> dict[str, object]:
    ages = [int(next(g for g in groups if g)) for groups in _AGE.findall(text.lower)]
    minor_hits = [h for h in signals if h.id == "minor" and not _adult_age_follows(text, h)]
    minor_said = any(not h.negated for h in minor_hits)
    adult_said = any(h.id == "adult" and not h.negated for h in signals) or any(h.negated for h in minor_hits)
    age = min(ages) if ages else None
    minor = True if (age is not None and age < age_years("meerderjarig")) or minor_said else None
    return {"age": age, "minor": False if minor is None and (age is not None or adult_said) else minor}


_ARTICLE = r"(?:de|het|een|onze|ons|mijn|die|deze|zijn|haar|hun|the|a|an|our|my|this|his|her|their)"
_MODAL = (
    r"(?:mag|mogen|kan|kunnen|moet|moeten|mocht|zou|zouden|wil|willen|heeft|hebben|is|zijn|gaat|"
    r"may|can|could|should|must|does|do|is|are|will|would|has|have)"
)
_JOB_ONLY = frozenset({"eigen_team"})  # roles that name a job, not an organisation
_QUALIFIER = (  # 'ik ben ambulant jeugdhulpverlener', 'als sociaal werker', 'wij zijn een kleine opvang'
    r"(?:\s+(?:ambulant|ambulante|zelfstandig|zelfstandige|vrijgevestigd|vrijgevestigde|gemeentelijk|gemeentelijke|"
    r"medisch|medische|maatschappelijk|maatschappelijke|sociaal|sociale|forensisch|forensische|ervaren|senior|"
    r"junior|regionaal|regionale|landelijk|landelijke|klein|kleine|grote|particuliere|freelance|onafhankelijk|"
    r"onafhankelijke|independent|local|regional|social|medical|community))?"
)
_SENDER_WORDS = (
    r"(?:als|als \w+ (?:van|bij)|ik ben|^ben|wij zijn|we zijn|namens|vanuit|"
    r"(?:ik |wij |we )?werk(?:en|zaam)? (?:bij|voor|in|als)|"
    r"as|i am|i m|we are|i work (?:at|for|in|as)|on behalf of|working (?:at|for|in|as))"
)
_SENDER_CUE = re.compile(r"(?:^|\s)" + _SENDER_WORDS + r"(?:\s+" + _ARTICLE + r")?" + _QUALIFIER + r"\s*$")
_RECIPIENT_ADJECTIVE = (  # 'naar het andere ZVH', 'aan de bevoegde instantie'
    r"(?:\s+(?:andere|ander|nieuwe|nieuw|betreffende|bevoegde|juiste|lokale|regionale|plaatselijke|landelijke|"
    r"verkeerde|other|new|local|relevant|wrong))?"
)
_RECIPIENT_CUE = re.compile(
    r"(?:^|\s)(?:met|aan|naar|bij|richting|tegenover|with|to|towards|into|at)(?:\s+"
    + _ARTICLE
    + r")?"
    + _RECIPIENT_ADJECTIVE
    + r"\s*$"
)
_VENUE_CUE = re.compile(r"(?:^|\s)(?:in|binnen|tijdens|within|during)(?:\s+" + _ARTICLE + r")?\s*$")
_PARTNER_CUE = re.compile(
    r"(?:^|\s)(?:samen|samenwerken|samenwerking|samenwerkt|together|cooperate|work)\s+(?:met|with)"
    r"(?:\s+" + _ARTICLE + r")?\s*$"
)
_CONSENT_CUE = re.compile(  # 'toestemming van haar of de ouders': who consents, not who receives
    r"(?:toestemming|consent)\s+(?:van|from|of)\s+(?:\w+\s+(?:of|en|or|and)\s+)?"
    r"(?:" + _ARTICLE + r"\s+)?$"
)
_FEARED_CUE = re.compile(  # 'bang dat het uitlekt naar haar familie': a feared leak, not a recipient
    r"(?:uitlekt|uitlekken|uitlekte|lekt|terechtkomt|terechtkomen|bekend wordt|leaks?|ends?\s+up)\s+"
    r"(?:naar|bij|to|with)(?:\s+" + _ARTICLE + r")?\s*$"
)
# 'haar dochtertje zit op de basisschool': where someone in the story goes, not a party
_ATTENDS_CUE = re.compile(
    r"(?:^|\s)(?:zit|zitten|zat|gaat|gaan|ging|dochter\w*|zoon\w*|kind|kinderen|kindje\w*|zusje|broertje|"
    r"daughter|son|child|children|goes|attends)\s+(?:\w+\s+){0,2}(?:op|naar|at|to)"
    r"(?:\s+" + _ARTICLE + r")?\s*$"
)
_REFUSES_ME = re.compile(  # 'de aanbieder, maar die weigert mij info te geven': the one refusing is the giver
    r"[\s,]+(?:(?:maar|en|die|dat|deze|zij|ze|hij|but|who|which|they|she|he)[\s,]+){0,3}"
    r"(?:weiger\w*|refuses?|refused)\s+(?:(?:om|to)\s+)?(?:mij|me|ons|us)(?!\w)"
)
_ASKS_US = re.compile(
    r"(?:vraag\w*|verzoek\w*|eist|vorder\w*|asks?|asked|requests?|requested)\s+(?:ons|mij|me|us)\s*[(,:]\s*$",
    re.IGNORECASE,
)
_MODAL_BEFORE = re.compile(
    r"(?:^|\s)(?:mag|mogen|kan|kunnen|wil|willen|may|can|could|will|would)(?:\s+" + _ARTICLE + r")?\s*$"
)
_TO_ME_AFTER = re.compile(
    r"\s+(?:(?:die|dat|dit|deze|het|those|that|it)\s+)?(?:aan\s+|to\s+)?(?:mij|me|ons|us)\s+(?!\w+\s+(?:vragen|asks?)\b)"
)
_WANT_FROM = re.compile(
    r"(?:^|\s)(?:wil|willen|wilde|wilden|zou|zouden)\s+(?:ik|wij|we)\s+(?:graag\s+)?(?:\w+\s+)?(?:van|bij)"
    r"(?:\s+" + _ARTICLE + r")?\s*$"
)
_SPEAKER_PREFIX = re.compile(r"\s*(?:[\w-]+\s+){0,4}")  # 'Compliance officer bij een bank: ...'
_SPEAKER_LABEL = re.compile(r"[\w \t-]{0,40}:")
# 'Wij (gemeente) ...', 'vraagt ons (gemeente) om ...': the speaker's own organisation
_APPOSITION = re.compile(
    r"(?:^|\W)(?:wij|we|ik|i|ons|mij|us|me)\s*[(,:]\s*(?:" + _ARTICLE + r"\s+)?$", re.IGNORECASE
)
_SOURCE_CUE = re.compile(r"(?:^|\s)(?:van|uit|bij|from|by)(?:\s+" + _ARTICLE + r")?\s*$")
_OBJECT_CUE = re.compile(r"(?:^|\s)(?:ik|wij|we|i|je|jij|u|you)(?:\s+" + _ARTICLE + r")?\s*$")
_SUBJECT_CUE = re.compile(
    r"(?:^|[.?!]\s*|\b(?:dat|of|that|whether|if|als|wanneer|when)\s+)\s*"
    r"(?:(?:(?:\w+\s+){0,4}" + _MODAL + r"\s+)?" + _ARTICLE + r"\s+|(?:\w+\s+){0,4}" + _MODAL + r"\s+)?$"
)
_REQUESTER = re.compile(  # 'de jeugdbeschermer van de GI belt en vraagt'
    r"(?:\s+(?:van|bij|uit|of|from)\s+(?:(?:de|het|een|the)\s+)?[\w-]+)?"
    r"\s+(?:wil(?:len)?\s+(?:van\s+(?:ons|mij|me)\s+)?(?:weten|hebben|inzien)|vraag\w*|verzoek\w*|vorder\w*|eist|"
    r"belt|mailt|appt|benadert|"
    r"wants?\s+to\s+know|asks?|asked|requests?|requested|demands?|calls?\s+(?:me|us))(?!\w)"
)
_JOINER = re.compile(  # 'het COA wil aanschuiven', 'mag de politie meekijken': it receives
    r"(?:\s+[\w-]+){0,4}?\s+(?:aanschuiven|aansluiten|meepraten|meedoen|meekijken|meelezen|deelnemen|"
    r"(?:info|informatie|gegevens|inzage|toegang)\s+(?:krijgen|ontvangen|inzien|hebben)|join|sit\s+in)(?!\w)"
)
_ATTACHED = re.compile(r"\s+(?:bij|van|in|op|at|of|from|for|voor)\s+(?:" + _ARTICLE + r"\s+)?")
_EXPLICIT_SENDER = re.compile(
    r"(?:^|\s)(?:als|ik ben|wij zijn|we zijn|namens|as|i am|i m|we are)(?:\s+"
    + _ARTICLE
    + r")?"
    + _QUALIFIER
    + r"\s*$"
)
_REPORTED_TO = re.compile(r"\s+(?:melden|aanmelden|aangeven|doormelden|report|reporting)\b")
_SUCH_AS = re.compile(r"\s+(?:zoals|bijvoorbeeld|bv|such as|like)\s+(?:" + _ARTICLE + r"\s+)?")
_POSSESSIVE = re.compile(r"(?:^|\s)(?<!\bop )(?<!\bon )(?:onze|ons|our)\s*$")  # not 'op onze website'
_FIRST_PERSON = re.compile(r"(?<!\w)(?:ik|wij|we|i|me|mij|mijn|onze|our|my)(?!\w)")


def assign_roles(
    text: Text, hits: list[Hit], receiving: bool = False, venues: frozenset[str] = frozenset()
) -> tuple[str, list[str], bool]:
    """Who sends and who receives, from the words around each role: 'als arts' (sender), 'met de politie'
    (recipient), 'mag de politie ...' (subject: sender), 'mag ik de politie bellen' (object: recipient),
    'in het casusoverleg' (a venue: recipient), 'samen met de gemeente' (a partner: neither), 'de politie
    vraagt ...' (the requester: recipient), 'onze opvang' (sender).
    When receiving ('opvragen bij'), the source is the sender. Returns (sender, recipients, sender_cued)."""
    sender_hit: Hit | None = None
    recipients: list[Hit] = []
    loose: list[Hit] = []
    for hit in (h for h in hits if not h.negated):
        if (
            sender_hit is not None
            and hit.id == sender_hit.id
            and not text.lower[sender_hit.end : hit.start].strip()
        ):
            continue  # 'Casusregisseur ZVH': the same party named twice in a row
        if (
            _attached(text, sender_hit, hit)
            and hit.id not in venues
            and not _REPORTED_TO.match(text.lower, hit.end)
        ):
            if sender_hit is not None and sender_hit.id in _JOB_ONLY:
                sender_hit = hit  # 'teamleider bij een bank': the organisation, not the job title
            continue  # 'zorgcoördinator bij de gemeente', but not 'als arts bij Veilig Thuis melden'
        if recipients and recipients[-1].id in venues and _specified(text, recipients[-1], hit):
            recipients[-1] = hit  # 'het casusoverleg van het Zorg- en Veiligheidshuis': the more specific one
            continue
        role = _role_of(text, hit, receiving, hit.id in venues)
        if role == "sender" and (sender_hit is None or _stronger(text, hit, sender_hit)):
            if sender_hit is not None and _ASKS_US.search(text.original[: hit.start]):
                recipients.append(sender_hit)  # 'De Rapporteur ... vraagt ons (gemeente)': the asker receives
            sender_hit = hit
        elif role in ("sender", "recipient"):
            recipients.append(hit)
        elif role != "partner":
            loose.append(hit)
    cued = sender_hit is not None and _SENDER_CUE.search(text.lower[: sender_hit.start]) is not None
    first_person = bool(_FIRST_PERSON.search(text.lower))
    sender, receivers = _place_loose(
        loose, sender_hit.id if sender_hit else "", [h.id for h in recipients], first_person, receiving
    )
    requesters = {h.id for h in recipients if not receiving and _REQUESTER.match(text.lower, h.end)}
    if sender in requesters and not cued:
        sender = ""  # 'De inspecteurs vragen of ...': the requester receives; the sender is someone else
    giver = next((h for h in hits if not h.negated and _gives_me(text, h)), None)
    if giver is not None and giver.id != sender:
        # 'Als ZC ... Mag het OM mij die info geven?': the one asked gives, the speaker receives
        receivers = [*([sender] if sender else []), *(r for r in receivers if r != giver.id)]
        sender, cued = giver.id, False
    if sender in venues and any(r not in venues for r in receivers):
        # 'ZVH: het COA wil bij ons casusoverleg aanschuiven': the meeting is the sender's own
        receivers = [r for r in receivers if r not in venues]
    others = [r for r in receivers if r != sender]
    if receiving and sender in receivers and len(others) == 1:
        # 'Mag een onderzoeker registraties van de politie inzien': who looks receives, the other gives
        sender, receivers, cued = others[0], [sender], False
    return sender, list(dict.fromkeys(receivers)), cued


def _gives_me(text: Text, hit: Hit) -> bool:
    """'Mag het OM mij ...', 'wil ik van de aanbieder ... weten': the role asked is the one that gives."""
    prefix = text.lower[: hit.start]
    asked = _MODAL_BEFORE.search(prefix) and _TO_ME_AFTER.match(text.lower, hit.end)
    return bool(asked or _WANT_FROM.search(prefix) or _REFUSES_ME.match(text.lower, hit.end))


def _stronger(text: Text, hit: Hit, current: Hit) -> bool:
    """'als jeugdhulpverlener' (explicit) beats 'vanuit de Wmo' or a sentence subject found earlier."""
    explicit = _EXPLICIT_SENDER.search(text.lower[: hit.start]) is not None
    # 'De Rapporteur ... vraagt ons (gemeente) om dossiers': the speaker named in apposition is the sender
    explicit = explicit or _APPOSITION.search(text.original[: hit.start]) is not None
    return explicit and _EXPLICIT_SENDER.search(text.lower[: current.start]) is None


def _specified(text: Text, venue: Hit, hit: Hit) -> bool:
    """'het casusoverleg van het ZVH', 'een samenwerkingsverband zoals het RIEC'."""
    return _attached(text, venue, hit) or _SUCH_AS.fullmatch(text.lower[venue.end : hit.start]) is not None


def _attached(text: Text, previous: Hit | None, hit: Hit) -> bool:
    return previous is not None and _ATTACHED.fullmatch(text.lower[previous.end : hit.start]) is not None


def _role_of(text: Text, hit: Hit, receiving: bool, venue: bool) -> str:
    if _SPEAKER_PREFIX.fullmatch(text.lower[: hit.start]) and _SPEAKER_LABEL.match(text.original, hit.end):
        # 'Wmo-consulent: een moeder ...'; 'Slachtofferhulp: mogen wij van het OM ... krijgen' (receiving)
        return "recipient" if receiving else "sender"
    if _APPOSITION.search(text.original[: hit.start]):
        return "sender"  # 'Wij (gemeente, team ondermijning) ...', 'Ik, zorgcoördinator, ...'
    role = _cue(text.lower[: hit.start], receiving, venue)
    if not receiving and _REQUESTER.match(text.lower, hit.end):
        return "recipient"  # 'de politie wil van ons weten ...': the one asking receives
    explicit = _SENDER_CUE.search(text.lower[: hit.start]) is not None  # 'als casusregisseur meedoen'
    if not receiving and not explicit and _JOINER.match(text.lower, hit.end):
        return "recipient"  # 'het COA wil aanschuiven', 'mag de politie meekijken': it receives
    return role


def _cue(prefix: str, receiving: bool, venue: bool = False) -> str:
    if (
        _PARTNER_CUE.search(prefix)
        or _FEARED_CUE.search(prefix)
        or _CONSENT_CUE.search(prefix)
        or _ATTENDS_CUE.search(prefix)
    ):
        return "partner"
    if venue and _VENUE_CUE.search(prefix):
        return "recipient"
    if receiving:
        if _SOURCE_CUE.search(prefix):
            return "sender"
        if _SENDER_CUE.search(prefix) or _SUBJECT_CUE.search(prefix) or _RECIPIENT_CUE.search(prefix):
            return "recipient"
        return ""
    if _SENDER_CUE.search(prefix):
        return "sender"
    if _RECIPIENT_CUE.search(prefix) or _OBJECT_CUE.search(prefix):
        return "recipient"
    return "sender" if _SUBJECT_CUE.search(prefix) or _POSSESSIVE.search(prefix) else ""


def _place_loose(
    loose: list[Hit], sender: str, recipients: list[str], first_person: bool, receiving: bool
) -> tuple[str, list[str]]:
    """Roles without a cue fill an empty side (first the recipient when someone says 'ik'); once both sides
    are known, further roles are only part of the story ('een meisje dat niet op school komt')."""
    for hit in loose:
        if receiving:
            sender, recipients = (sender, [*recipients, hit.id]) if sender else (hit.id, recipients)
        elif not recipients and (sender or first_person):
            recipients = [hit.id]
        elif not sender:
            sender = hit.id
    return sender, recipients


def _in_scope(understanding: Understanding, signals: list[Hit]) -> bool:
    """About personal data or sharing at all? An act (share, record ...), a privacy word or topic, or a
    kind of data said about someone ('haar verslaving' with a role) must be there."""
    if _procedure_only(understanding, signals):
        return False
    scope = any(hit.id == "scope" or hit.id.startswith("topic_") for hit in signals)
    data_about_someone = bool(
        understanding.data and (understanding.mentioned_roles or understanding.negated_roles)
    )
    return bool(understanding.intents or scope or data_about_someone or understanding.negated_data)


def _procedure_only(understanding: Understanding, signals: list[Hit]) -> bool:
    """'Hoe lang duurt de bedenktijd?', 'Welk formulier ...?': a procedure, no act on someone's data."""
    procedure = any(hit.id == "procedure_only" and not hit.negated for hit in signals)
    acts = set(understanding.intents) & {*SHARING, "record_keep", "rights", "inform_person"}
    return procedure and not acts


def _fill_semantic(understanding: Understanding, semantic: SlotGuesser) -> Understanding:
    """Only for in-scope questions, and only for slots the words left empty."""
    if not understanding.in_scope:
        return understanding
    update: dict[str, object] = {}
    for slot, field_name in (("data", "data"), ("purposes", "purposes")):
        if not getattr(understanding, field_name):
            best = semantic.best(slot, understanding.question)
            if best:
                update[field_name] = [best]
    if not update:
        return understanding
    return understanding.model_copy(update={**update, "semantic": sorted(update)})
