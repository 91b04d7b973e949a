"""Reading one question on its own: the vocabulary's hits turned into facts (who sends and who receives:
roles.py)."""

from __future__ import annotations

import re
from dataclasses import replace

from bot.parameters import age_years
from bot.understanding.facts import SHARING, Consent, Understanding
from bot.understanding.roles import act_negated, assign_roles
from bot.vocabulary import Hit, Text, Vocabulary, country_facts, detect_language, load_vocabulary

_MODAL_QUESTION = re.compile(  # 'Mag die rapportage naar de woningcorporatie?'
    r"\b(?:mag|mogen|kan|kunnen|moet|moeten|may|can)\s+(?:die|dat|dit|deze|het|de|this|that|these|those|the)\s+"
    r"(?:\w+\s+){1,3}(?:naar|to)\s"
)
# 'mogen wij de OvJ vragen om het verhoor', 'mag ik de politie om de naam vragen', '... naar ons te sturen':
# the speaker asks someone else for data, so the speaker receives (not 'vragen om toestemming', 'om advies')
_NOT_DATA = r"(?!toestemming|hulp|advies|raad|uitleg|een gesprek|een afspraak|mee\b|te\b)"
_ASKS_FOR = re.compile(
    # (not 'moet ik toestemming van de ouders vragen om hem te melden': the consent is asked, not data)
    r"\b(?:mogen|mag|kunnen|kan|willen|wil|moeten|moet|gaan|ga|zullen)\s+(?:wij|we|ik)\s+"
    r"(?:(?:(?!toestemming|advies|hulp)[^.?!]){0,80}?\s)?"
    r"(?:vragen|verzoeken)\s+om\s+"
    + _NOT_DATA
    + r"|\b(?:mogen|mag|kunnen|kan|willen|wil)\s+(?:wij|we|ik)\s+[^.?!]{0,60}?\bom\s+"
    + _NOT_DATA
    + r"[^.?!]{0,80}?\b(?:vragen|verzoeken)\b"
    r"|\b(?:naar|aan)\s+(?:ons|mij)\s+(?:te\s+)?(?:sturen|mailen|doorsturen|geven|verstrekken|opsturen)\b"
    # 'mogen wij als gemeente bij de IND opvragen wat ...': the main verb asks, whatever the story shares
    r"|\b(?:mogen|mag|kunnen|kan|willen|wil|moeten|moet)\s+(?:wij|we|ik)\s+[^.?!]{0,80}?"
    r"\b(?:opvragen|inzien)\b"
)
_DATA_TO = re.compile(r"\b(?:naar|aan|to)\s+(?:de|het|een|mijn|onze|the)?\s*\w+")  # data 'naar Europol'
_SENTENCE = re.compile(r"[^.!?;:\n]+[.!?;:\n]*")
_PERSON = (
    r"(?:meisje|meid|jongen|jongeman|jongedame|kind|dochter|zoon|jongere|minderjarige|tiener|puber|scholier|scholiere|"
    r"student|studente|patient|patiente|client|cliente|slachtoffer|vrouw|man|moeder|vader|bewoner|bewoonster|"
    r"asielzoeker|amv|werknemer|arbeidsmigrant|zus|zusje|broer|broertje|nicht|neef|dame|"
    r"leerling|girl|boy|child|daughter|son|patient|client|victim|woman|man|pupil|student|teenager|teen|resident|"
    r"worker|young woman|young man)"
)
_AGE = re.compile(
    r"(?<!\d)(\d{1,2})\s*(?:jaar|jr|jarige|jarig|years?\s+old|year\s+old|yo)(?!\w)"
    r"|(?:ze|zij|hij|die|het kind|she|he) (?:inmiddels |nu |al |net |bijna |pas )?(\d{1,2}) "
    r"(?:is|wordt|was)\b"
    r"|(?:is|wordt|werd|ben) "
    r"(?:inmiddels |nu |al |net |bijna |vorige week |vorige maand |onlangs |gisteren )?"
    r"(\d{2})(?: geworden)?"
    r"(?!\d|\s+(?:keer|maal|dagen|weken|maanden|uur|euro|procent|minuten|jaar geleden)\b)"
    rf"|{_PERSON}\s+(?:van|of|aged)\s+(?:ongeveer\s+|circa\s+|ca\s+|rond\s+|pakweg\s+|bijna\s+|net\s+|about\s+)?"
    r"(\d{1,2})(?!\d)"
)
# 'een leerling (15)', 'Patiënte (31, Braziliaans)', 'cliënt (nu 18)', '(slachtoffer, nu 19)': read on
# the text with its punctuation, since the brackets are what make the number an age
_AGE_IN_BRACKETS = re.compile(
    rf"\b{_PERSON}\s*\(\s*(?:nu\s+|inmiddels\s+|bijna\s+|ca\.?\s*|ongeveer\s+)?(\d{{1,2}})\s*(?:jaar|jr\.?|j\.?)?\s*[,;)]"
    r"|\b(?:nu|inmiddels)\s+(\d{1,2})\s*(?:jaar\s*)?\)"
)


def read_question(question: str, vocabulary: Vocabulary | None = None) -> Understanding:
    """The facts of one question on its own."""
    vocab = vocabulary or load_vocabulary()
    text, injection = strip_injection(Text.of(question), vocab)
    signals = vocab.signals.find(text, fuzzy=True)  # "jeugdossier", "bewusteloos" with a typo
    signals = _without_doubted(signals, vocab)
    intents = _ids(vocab.intents.find(text), negated=None)  # 'wat mag ik niet delen?' asks too
    found_roles = vocab.roles.find(text, fuzzy=True)
    role_hits = [replace(hit, negated=False) if act_negated(text, hit) else hit for hit in found_roles]
    asks_for = _ASKS_FOR.search(text.lower) is not None
    if asks_for and "receive" not in intents:
        intents = [*intents, "receive"]
    receiving = "receive" in intents and ("share" not in intents or asks_for)
    venues = frozenset(r for r, e in vocab.roles.entries.items() if e.attrs.get("venue"))
    sources = [h for h in signals if vocab.signals.attrs(h.id).get("source_of_knowledge")]
    # 'de OvJ vertelde me ...': the source of what the speaker knows is not a party to this sharing
    parties = [h for h in role_hits if not any(h.overlaps(source) for source in sources)]
    people = frozenset(
        r for r, e in vocab.roles.entries.items() if e.attrs.get("sector") in ("particulier", "betrokkene")
    )
    sender, recipients, sender_cued = assign_roles(text, parties, receiving, venues, people)
    registries = {r for r in recipients if vocab.roles.attrs(r).get("registry")}
    if registries - {sender} and "record_keep" in intents and not set(intents) & set(SHARING):
        intents = [*intents, "share"]  # 'iemand registreren bij CoMensha' gives the registry the data
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
    if (
        not intents
        and recipients
        and (
            _MODAL_QUESTION.search(text.lower)
            or (data_hits and _DATA_TO.search(text.lower) and "?" in question)
        )
    ):
        intents = ["share"]  # 'Mag die rapportage naar de woningcorporatie?', 'namen naar Europol, kan dat?'
    sender = sender or _implied_sender(signals, vocab)
    words = _words(understanding, [*role_hits, *data_hits, *purpose_hits, *signals], sender)
    understanding = understanding.model_copy(
        update={"recipients": recipients, "intents": intents, "sender": sender, "words": words}
    )
    return understanding.model_copy(update={"in_scope": _in_scope(understanding, signals)})


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


def _without_doubted(signals: list[Hit], vocab: Vocabulary) -> list[Hit]:
    """'Of hij familie is of iemand bij wie ze woont, weet ik niet': signals inside what the asker does not
    know are no facts."""
    doubts = [hit for hit in signals if vocab.signals.attrs(hit.id).get("doubt")]
    return [h for h in signals if h in doubts or not any(h.overlaps(d) for d in doubts)]


def _signal_facts(signals: list[Hit]) -> dict[str, object]:
    anonymous = [hit for hit in signals if hit.id == "anonymous"]
    # 'zonder naam, adres of geboortedatum' names no identifiers: those inside an 'anonymous' hit do not count
    found = {
        hit.id
        for hit in signals
        if not hit.negated and not (hit.id == "identifiers" and any(hit.overlaps(a) for a in anonymous))
    }
    situational = sorted(found - {"injection", "followup", "correction", "scope"})
    # 'acuut gevaar is er niet': the negation comes after the words, so those words do not count as urgent
    calm_hits = [hit for hit in signals if hit.id == "not_urgent"]
    urgent_hits = [h for h in signals if h.id == "urgent" and not any(h.overlaps(c) for c in calm_hits)]
    if any(hit.id == "procedural_deadline" for hit in signals):
        # 'SPOED: de advocaat wil vóór morgen 12.00 een verklaring': haste for a deadline is no danger
        urgent_hits = [h for h in urgent_hits if _HASTE.fullmatch(h.text.lower().strip()) is None]
    calm = bool(calm_hits)
    urgent = True if any(not h.negated for h in urgent_hits) else (False if urgent_hits or calm else None)
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


# 'zat 2 jaar bij ons', 'al 3 jaar', '2 jaar geleden': a stretch of time, not an age
_DURATION_BEFORE = re.compile(  # not 'pas' or 'nog': 'ze is pas 15 jaar' is an age
    r"(?:^|\s)(?:zat|zit|woonde|woont|werkte|werkt|al|sinds|ruim|na|over|afgelopen|laatste|binnen|tot|elke|iedere|per|"
    r"om|voor|gedurende|langer dan|meer dan|minder dan|"
    r"for|after|within|since|last|past|longer than|more than)\s+$"
)
_DURATION_AFTER = re.compile(
    r"\s*(?:jaar|jr|years?)\s+(?:(?:gewoon|nog|extra|langer|ook)\s+)?(?:lang|geleden|later|terug|bij|in|op|na|gewerkt|gewoond|gezeten|samen|de|het|een|"
    # 'de Wmo zegt 15 jaar bewaren', "nog 10 jaar 'actief' laten staan": a retention period
    r"bewaren|bewaard|bewaartermijn|actief|houden|laten|opslaan|opgeslagen|archiveren|"
    r"ago|long|with|at|for|retention|kept|stored)\b"
)


def _duration(lower: str, match: re.Match[str]) -> bool:
    """A number with 'jaar' that measures time rather than someone's age."""
    if match.group(1) is None:
        return False  # only the plain 'N jaar' form can be a duration
    number_end = match.start(1) + len(match.group(1))
    return bool(_DURATION_BEFORE.search(lower[: match.start()]) or _DURATION_AFTER.match(lower, number_end))


_WITHOUT = re.compile(r"(?:zonder|without)\b")
_HASTE = re.compile(r"spoed|met spoed|spoedeisend|urgent|urgente|nu meteen|onmiddellijk|vanavond nog|asap")


def _age_facts(text: Text, signals: list[Hit]) -> dict[str, object]:
    pairs = zip(text.original, text.lower, strict=True)
    marked = "".join(low if low.isalnum() else char for char, low in pairs)  # lower case, punctuation kept
    found = [m.groups() for m in _AGE.finditer(text.lower) if not _duration(text.lower, m)]
    found += _AGE_IN_BRACKETS.findall(marked)
    ages = [int(next(g for g in groups if g)) for groups in found]
    minor_hits = [h for h in signals if h.id == "minor" and not _adult_age_follows(text, h)]
    minor_said = any(not h.negated for h in minor_hits)
    adult_said = any(h.id == "adult" and not h.negated for h in signals) or any(h.negated for h in minor_hits)
    age = min(ages) if ages else None
    minor = True if (age is not None and age < age_years("meerderjarig")) or minor_said else None
    return {"age": age, "minor": False if minor is None and (age is not None or adult_said) else minor}


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
