"""Who shares and who receives: the words around each role a question names."""

from __future__ import annotations

import re

from bot.vocabulary import Hit, Text

_ARTICLE = r"(?:de|het|een|onze|ons|mijn|die|deze|zijn|haar|hun|the|a|an|our|my|this|his|her|their)"
_MODAL = (
    r"(?:mag|mogen|kan|kunnen|moet|moeten|mocht|zou|zouden|wil|willen|heeft|hebben|is|zijn|gaat|"
    r"may|can|could|should|must|does|do|is|are|will|would|has|have)"
)
_GENERIC_VENUES = frozenset({"casusoverleg", "samenwerkingsverband"})  # a kind of meeting, not a named one
_JOB_ONLY = frozenset({"eigen_team", "arts", "hulpverlener"})  # a profession, not an organisation
# a job named by a role's word ('woonbegeleider' of the shelter) gives way to the organisation it is 'bij'
_JOB_WORD = re.compile(r"(?:begeleider|medewerker|werker|co[oö]rdinator|consulent|mentor|regisseur|coach)s?$")
_QUALIFIER = (  # 'ik ben ambulant jeugdhulpverlener', 'als sociaal werker', 'wij zijn een kleine opvang'
    r"(?:\s+(?:ambulant|ambulante|zelfstandig|zelfstandige|vrijgevestigd|vrijgevestigde|gemeentelijk|gemeentelijke|"
    r"medisch|medische|maatschappelijk|maatschappelijke|sociaal|sociale|forensisch|forensische|ervaren|senior|"
    r"junior|regionaal|regionale|landelijk|landelijke|klein|kleine|grote|particuliere|freelance|onafhankelijk|"
    r"onafhankelijke|independent|local|regional|social|medical|community))?"
)
# 'ik ben analist bij een RIEC', 'wij zijn begeleiders van de opvang' (not 'ik ben net bij de politie')
_JOB_AT = (
    r"(?:ik ben|wij zijn|we zijn)\s+(?!(?:net|zelf|al|nog|gisteren|vandaag|vanochtend|eerder|toen|daar|er|"
    r"niet|"
    r"bang|bezorgd|benieuwd|gebeld|geweest|langs|op bezoek)\b)"
    r"[\w-]+(?:\s+(?!(?:de|het|een)\b)[\w-]+){0,3}\s+(?:bij|van)"
)
_SENDER_WORDS = (
    r"(?:als|als \w+ (?:van|bij)|"
    + _JOB_AT
    + r"|(?:ik ben|wij zijn|we zijn) (?:van|bij)|ik ben|^ben|wij zijn|we zijn|"
    r"namens|vanuit|"
    r"bij ons (?:in|op)|"
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
_SENTENCE_END = re.compile(r"[.!?]\s*$")
# 'ze smeekt me het aan niemand te vertellen, ook niet aan haar moeder': who she excludes, not a recipient
_EXCLUDED_CUE = re.compile(
    r"(?:^|\s)(?:ook\s+niet|zelfs\s+niet|niet\s+eens|not\s+even)\s+(?:aan|tegen|naar|to)(?:\s+"
    + _ARTICLE
    + r")?\s*$"
)
# 'wat er met haar familie gebeurt': what happens to someone, not a recipient
_HAPPENS_CUE = re.compile(r"(?:^|\s)(?:wat|hoe)\s+(?:er\s+)?(?:\w+\s+)?met(?:\s+" + _ARTICLE + r")?\s*$")
_FEARED_CUE = re.compile(  # 'bang dat het uitlekt naar haar familie': a feared leak, not a recipient
    r"(?:uitlekt|uitlekken|uitlekte|lekt|terechtkomt|terechtkomen|bekend wordt|leaks?|ends?\s+up)\s+"
    r"(?:naar|bij|to|with)(?:\s+" + _ARTICLE + r")?\s*$"
)
# 'haar dochtertje zit op de basisschool': where someone in the story goes, not a party
# 'woont bij zijn werkgever', 'het paspoort ligt bij de baas': where someone in the story lives or works
_STAYS_AT_CUE = re.compile(
    r"(?:^|\s)(?:woont|wonen|woonde|woonden|verblijft|verblijven|verbleef|slaapt|slapen|sliep|ligt|liggen|lag|"
    r"werkt|werkte|lives|lived|stays|stayed|sleeps|works|worked)\s+(?:nog\s+|nu\s+)?(?:bij|with|at)"
    r"(?:\s+" + _ARTICLE + r")?\s*$"
)
# 'jullie zitten toch in het RIEC': membership named as an argument, not a recipient
_MEMBER_CUE = re.compile(
    r"(?:^|\s)(?:jullie|wij|we|u|zij|ze)\s+(?:zitten|zit|zaten)\s+(?:toch\s+|ook\s+|allemaal\s+|samen\s+)*in"
    r"(?:\s+" + _ARTICLE + r")?\s*$"
)
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
_WANT_FROM = re.compile(  # 'wil ik van de aanbieder', 'wil ik het behandeldossier van de GGZ erbij'
    r"(?:^|\s)(?:wil|willen|wilde|wilden|zou|zouden)\s+(?:ik|wij|we)\s+(?:graag\s+)?"
    r"(?:\w+\s+|(?:het|de|een|alle|haar|zijn|hun)\s+[\w-]+\s+)?(?:van|bij)"
    r"(?:\s+" + _ARTICLE + r")?\s*$"
)
_SPEAKER_PREFIX = re.compile(r"\s*(?:[\w-]+\s+){0,4}")  # 'Compliance officer bij een bank: ...'
# 'Wmo-consulent: ...', 'Jeugdhulpverlener, vraagje.'
_SPEAKER_LABEL = re.compile(
    r"[\w \t-]{0,40}(?::|,\s*(?:vraagje|vraag|even\s+een\s+vraag)\b)"
    # 'rechercheur team mensenhandel hier.'
    r"|(?:[ \t]+[\w-]+){0,3}[ \t]+hier\b(?!\s+(?:in|op|bij|aan|voor|de|het|een)\b)"
)
# 'Wij (gemeente) ...', 'vraagt ons (gemeente) om ...': the speaker's own organisation
# ('asks me, the municipal trafficking care coordinator': up to three describing words, no preposition)
_APPOSITION = re.compile(
    r"(?:^|\W)(?:wij|we|ik|i|ons|mij|us|me)\s*[(,:]\s*(?:" + _ARTICLE + r"\s+)?"
    r"(?:(?!(?:met|van|bij|aan|naar|voor|samen|en|of|with|for|to|and|or)\b)[\w-]+\s+){0,3}$",
    re.IGNORECASE,
)
# 'Wij zijn een kleine stichting (opvang slachtoffers uitbuiting)': the speaker describes itself in brackets
_SELF_DESCRIBED = re.compile(
    r"(?:^|\W)(?:wij|we|ik)\s+(?:zijn|ben)\s+(?:een\s+)?(?:[\w-]+\s+){0,3}\(\s*$", re.IGNORECASE
)
_SOURCE_CUE = re.compile(r"(?:^|\s)(?:van|uit|bij|from|by)(?:\s+" + _ARTICLE + r")?\s*$")
_OBJECT_CUE = re.compile(  # 'mag ik de politie', 'ik wil Veilig Thuis bellen', 'we gaan even de GI'
    r"(?:^|\s)(?:ik|wij|we|i|je|jij|u|you)"
    r"(?:\s+(?:wil|willen|wilde|wilden|ga|gaan|moet|moeten|zal|zullen|zou|zouden|kan|kunnen|mag|mogen|overweeg|"
    r"overwegen|want|will|would|should|need to))?"
    r"(?:\s+(?:graag|even|nog|eigenlijk|toch|liever|alsnog|meteen|direct|nu|zelf|ook|dan|wel|snel|"
    # 'mag ik zonder haar toestemming Veilig Thuis bellen'
    r"zonder\s+(?:(?:haar|zijn|hun|de)\s+)?(?:toestemming|medeweten)))*"
    r"(?:\s+" + _ARTICLE + r")?\s*$"
)
_SELF_FROM = re.compile(
    r"(?:^|\s)(?:ik ben|wij zijn|we zijn|ik werk|wij werken|we werken)\s+(?:van|bij)(?:\s+de|\s+het)?\s*$"
)
_ASKED_OBJECT = re.compile(
    r"(?:^|\s)(?:mogen|mag|kunnen|kan|moeten|moet|willen|wil)\s+(?:wij|we|ik)\s+(?:de|het|een)\s*$"
)
_SUBJECT_CUE = re.compile(
    r"(?:^|[.?!]\s*|\b(?:dat|of|that|whether|if|als|wanneer|when)\s+)\s*"
    r"(?:(?:(?:\w+\s+){0,4}" + _MODAL + r"\s+)?" + _ARTICLE + r"\s+|(?:\w+\s+){0,4}" + _MODAL + r"\s+)?$"
)
_REQUESTER = re.compile(  # 'de jeugdbeschermer van de GI belt en vraagt'
    r"(?:\s+(?:van|bij|uit|of|from)\s+(?:(?:de|het|een|the)\s+)?[\w-]+(?:\s+[\w-]+){0,2})?"
    r"(?:\s+(?:net|zojuist|vanochtend|gisteren|vandaag|net\s+nog))?"
    # 'Vader heeft het gezag en eist nu inzage'
    r"(?:\s+(?:heeft|is)\s+(?:[\w-]+\s+){0,3}en(?:\s+(?:nu|ook))?)?"
    r"\s+(?:wil(?:len)?\s+(?:nu\s+|graag\s+|ook\s+|nog\s+|even\s+)?(?:van\s+(?:ons|mij|me)\s+)?(?:weten|hebben|inzien)|"
    # 'een journalist wil een verhaal over een van onze cliënten': wanting a story asks for their data
    r"wil(?:len)?\s+(?:graag\s+)?(?:een|het)\s+(?:verhaal|interview|artikel|reportage|item)\s+(?:over|maken)\b|"
    # 'Universiteit wil onze MH-dossiers 2019-2024': wanting the speaker's files is asking for them
    r"wil(?:len)?\s+(?:graag\s+|ook\s+|nu\s+)?(?:al\s+)?(?:onze|ons|mijn)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:dossiers?|gegevens|data|bestanden|registraties?|informatie|info)(?!\w)|"
    r"vraag(?!je\b)\w*|vroeg|vroegen|verzoek\w*|"  # not 'Wijkagent, vraagje.'
    r"vorder\w*|eist|belt|belde|mailt|mailde|appt|appte|benadert|benaderde|"
    r"(?:stuurt|stuurde|heeft\s+(?:ons\s+|mij\s+)?gestuurd)\s+(?:ons\s+|mij\s+|me\s+)?(?:een\s+)?"
    r"(?:verzoek|vraag|mail|e-mail|brief|vordering|formulier)|"
    r"heeft\s+(?:[\w-]+\s+){0,2}(?:gebeld|gemaild|geappt|gevraagd|benaderd|verzocht|aangeschreven)|"
    r"wants?\s+to\s+know|asks?|asked|requests?|requested|demands?|calls?\s+(?:me|us)|called|phoned|e-?mailed|"
    r"contacted)(?!\w)"
)
_CALLER_CUE = re.compile(  # 'er belt iemand van de afdeling klantonderzoek van een bank'
    r"(?:^|\s)(?:belt|belde|mailt|mailde|appt|appte|vraagt|vroeg|meldt zich|kwam)\s+"
    r"(?:hier\s+|ons\s+|mij\s+|me\s+)?"
    r"(?:iemand|een\s+medewerker|een\s+mevrouw|een\s+meneer|een\s+man|een\s+vrouw|een\s+collega)\s+"
    r"(?:van|bij|namens|uit)\s+(?:[\w-]+\s+){0,4}$"
    # 'nu belt de wijkagent of wij ...', 'vandaag mailde de IND': the verb before the asker
    r"|(?:^|\s)(?:nu|toen|vandaag|gisteren|net|zojuist|vanochtend|vanmiddag|ineens|opeens|daarna|dan)\s+"
    r"(?:belt|belde|mailt|mailde|appt|appte|vraagt|vroeg|eist|eiste)\s+(?:de|het|een|die|onze|mijn)\s+$"
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
# 'voor ons jaarverslag', 'op onze website': a channel to publish on receives, it never speaks
_CHANNEL = re.compile(
    r"(?:website|nieuwsbrief|jaarverslag|sociale media|social media|facebook|instagram|linkedin|tiktok|"
    r"(?:x )?twitter|newsletter|annual report)"
)
# 'een journalist belde net naar onze opvanglocatie': the place called is the speaker's own
_CALLED_OURS = re.compile(
    r"(?:belde|belt|mailde|mailt|appte|appt|kwam|kwamen|schreef)\s+(?:\w+\s+){0,2}(?:naar|bij|op)\s+(?:onze|ons)\s*$"
)
# 'De IND (de afdeling die ... behandelt) mailt mij': an aside between the requester and its verb
_ASIDE = re.compile(r"\s*\([^()]{0,160}\)")
# 'ik werk als mentor op een woonvoorziening (jeugdhulp)': the organisation of the job, in brackets
_JOB_PLACE = re.compile(r"\s+(?:bij|op|in|van)\s+(?:" + _ARTICLE + r"\s+)?(?:[\w-]+\s+){0,3}\(\s*$")
_FIRST_PERSON = re.compile(r"(?<!\w)(?:ik|wij|we|i|me|mij|mijn|onze|our|my)(?!\w)")


# 'dat we haar niet bij CoMensha mogen aanmelden': 'niet' denies the act, not the party; a contrast
# ('niet aan de politie maar aan Veilig Thuis') or 'geen'/'zonder' does deny the party
_ACT_AFTER = re.compile(
    r"\s+(?:[\w-]+\s+){0,2}?(?:mag|mogen|mocht|mochten|kan|kunnen|kon|konden|moet|moeten|moest|zou|zouden|wil|"
    r"willen|durf|durven|[\w-]+en)\b"
)
_CONTRAST_AFTER = re.compile(r"[^.?!]{0,40}\b(?:maar|wel|but|rather)\b")


def act_negated(text: Text, hit: Hit) -> bool:
    """A role after 'niet' that a verb follows, with no contrast: the act is denied, the role is a party."""
    negators = ("niet", "not", "geen", "zonder", "no", "without")
    negator = next((w for w in reversed(text.words_before(hit.start, 4)) if w in negators), "")
    return (
        hit.negated
        and negator in ("niet", "not")
        and _ACT_AFTER.match(text.lower, hit.end) is not None
        and _CONTRAST_AFTER.match(text.lower, hit.end) is None
    )


def assign_roles(
    text: Text,
    hits: list[Hit],
    receiving: bool = False,
    venues: frozenset[str] = frozenset(),
    people: frozenset[str] = frozenset(),
) -> tuple[str, list[str], bool]:
    """Who sends and who receives, from the words around each role: 'als arts' (sender), 'met de politie'
    (recipient), 'mag de politie ...' (subject: sender), 'mag ik de politie bellen' (object: recipient),
    'in het casusoverleg' (a venue: recipient), 'samen met de gemeente' (a partner: neither), 'de politie
    vraagt ...' (the requester: recipient), 'onze opvang' (sender).
    When receiving ('opvragen bij'), the source is the sender. Roles without a cue that are private people
    (`people`: 'haar vriend', 'de buren') come after organisations: in 'haar vriend (25) ... Ik wil Veilig
    Thuis bellen' the organisation receives, the friend is part of the story.
    Returns (sender, recipients, sender_cued)."""
    sender_hit: Hit | None = None
    recipients: list[Hit] = []
    loose: list[Hit] = []
    for hit in (h for h in hits if not h.negated):
        if loose and _is_job(loose[-1]) and hit.id not in venues and _attached(text, loose[-1], hit):
            loose[-1] = hit  # 'collega van het wijkteam is een usb-stick kwijt': the job's organisation
            continue
        if (
            recipients
            and _is_job(recipients[-1])
            and hit.id not in venues
            and _attached(text, recipients[-1], hit)
        ):
            # 'de jeugdconsulent van de gemeente vraagt ons ...': the asker's organisation
            recipients[-1] = hit
            continue
        if (
            sender_hit is not None
            and hit.id == sender_hit.id
            and not text.lower[sender_hit.end : hit.start].strip()
            and not _SENTENCE_END.search(text.original[sender_hit.end : hit.start].strip() + " ")
        ):
            continue  # 'Casusregisseur ZVH': the same party named twice in a row (not '... RIEC. RIEC Oost')
        if (
            _attached(text, sender_hit, hit)
            and hit.id not in venues
            and not _REPORTED_TO.match(text.lower, hit.end)
            and not _asked_at(text, sender_hit, hit)
        ):
            if sender_hit is not None and _is_job(sender_hit):
                sender_hit = hit  # 'teamleider bij een bank', 'psycholoog bij een ggz-instelling'
            continue  # 'zorgcoördinator bij de gemeente', but not 'als arts bij Veilig Thuis melden'
        if recipients and recipients[-1].id in venues and _specified(text, recipients[-1], hit):
            if hit.id in _GENERIC_VENUES:
                continue  # 'aanmelden bij het ZVH voor een casusoverleg': the named one is more specific
            recipients[-1] = hit  # 'het casusoverleg van het Zorg- en Veiligheidshuis': the more specific one
            continue
        if (
            sender_hit is not None
            and _is_job(sender_hit)
            and _JOB_PLACE.fullmatch(text.original[sender_hit.end : hit.start].lower()) is not None
        ):
            sender_hit = hit  # 'mentor op een woonvoorziening (jeugdhulp)'
            continue
        role = _role_of(text, hit, receiving, hit.id in venues)
        if role == "sender" and hit.id in _GENERIC_VENUES:
            role = "partner"  # 'ik zou als ketenpartner verplicht zijn': a kind of meeting is no speaker
        if _CHANNEL.fullmatch(hit.text.lower()) is not None and role == "sender":
            role = "recipient"  # 'voor ons jaarverslag': published on, not the speaker
        if role == "sender" and not _named_as_speaker(text, hit) and any(r.id == hit.id for r in recipients):
            continue  # 'de wijkagent belt of wij ... Het is wel de politie': the asker named again
        if role == "sender" and (
            sender_hit is None or _stronger(text, hit, sender_hit) or _employer_of(text, sender_hit, hit)
        ):
            if sender_hit is not None and _ASKS_US.search(text.original[: hit.start]):
                recipients.append(sender_hit)  # 'De Rapporteur ... vraagt ons (gemeente)': the asker receives
            elif sender_hit is not None:
                loose.append(sender_hit)  # 'A journalist ... asked our shelter': the subject may receive
            sender_hit = hit
        elif role == "sender" and hit.id in people:
            loose.append(hit)  # 'ze vertelt dat haar vriend afspraken regelt': a person in the story
        elif role in ("sender", "recipient"):
            recipients.append(hit)
        elif role != "partner":
            loose.append(hit)
    cued = (
        sender_hit is not None
        and (
            _SENDER_CUE.search(text.lower[: sender_hit.start]) is not None
            # 'vraagt ons (jeugdhulpaanbieder)'
            or _APPOSITION.search(text.original[: sender_hit.start]) is not None
            or (not receiving and _speaker(text, sender_hit))
        )
    )
    first_person = bool(_FIRST_PERSON.search(text.lower))
    loose.sort(key=lambda hit: hit.id in people)  # stable: organisations first, in the order named
    sender, receivers = _place_loose(
        loose,
        sender_hit.id if sender_hit else "",
        [h.id for h in recipients],
        first_person,
        receiving,
        people,
    )
    requesters = {h.id for h in recipients if not receiving and _requests(text, h)}
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


_ASKED_AFTER = re.compile(
    r"\s+(?:\S+\s+){0,6}?(?:(?:op|na)?(?:vragen|vraagt|vroeg)|na(?:gaan|gaat)|checken|checkt|informeren)\b"
)


def _asked_at(text: Text, previous: Hit | None, hit: Hit) -> bool:
    """'Mag de gemeente bij de IND (de verblijfsstatus) opvragen': one organisation asks another, so the
    second is no place the first works at but the source. A job 'bij' an organisation stays attached
    ('consulent bij de gemeente')."""
    if previous is None or _is_job(previous):
        return False
    if not text.lower[previous.end : hit.start].strip().startswith("bij "):
        return False
    return _ASKED_AFTER.match(text.lower, hit.end) is not None


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
    # 'A journalist ... asked our NGO': the speaker's own organisation beats a sentence subject
    explicit = explicit or _POSSESSIVE.search(text.lower[: hit.start]) is not None
    return explicit and _EXPLICIT_SENDER.search(text.lower[: current.start]) is None


def _is_job(hit: Hit) -> bool:
    return hit.id in _JOB_ONLY or _JOB_WORD.search(hit.text.lower()) is not None


def _employer_of(text: Text, job: Hit, hit: Hit) -> bool:
    """'ik ben casemanager zorgcoördinatie mensenhandel bij de gemeente': the organisation the job is at
    speaks."""
    return (
        _is_job(job)
        and not _is_job(hit)
        and _SENDER_CUE.search(text.lower[: hit.start]) is not None
        and not _REPORTED_TO.match(text.lower, hit.end)  # 'als hulpverlener bij Veilig Thuis melden'
    )


def _specified(text: Text, venue: Hit, hit: Hit) -> bool:
    """'het casusoverleg van het ZVH', 'een samenwerkingsverband zoals het RIEC'."""
    return _attached(text, venue, hit) or _SUCH_AS.fullmatch(text.lower[venue.end : hit.start]) is not None


def _attached(text: Text, previous: Hit | None, hit: Hit) -> bool:
    return previous is not None and _ATTACHED.fullmatch(text.lower[previous.end : hit.start]) is not None


def _requests(text: Text, hit: Hit) -> bool:
    """'de politie belt': the role asks. Not across a closing bracket: in 'bij ons (gemeente) belt iemand van
    een bank' the one calling is someone else."""
    end = hit.end
    aside = _ASIDE.match(text.original, end)  # 'De IND (de afdeling die ... behandelt) mailt mij'
    if aside is not None:
        end = aside.end()
    asked = _REQUESTER.match(text.lower, end)
    return asked is not None and ")" not in text.original[end : asked.end()]


# 'Politie hoef ik toch niet apart te vragen': the one whose agreement is asked, not a recipient
_PERMISSION_AFTER = re.compile(
    r"\s+(?:hoef|hoeven|moet|moeten)\s+(?:ik|we|wij|je)\s+(?:toch\s+|dan\s+|nu\s+)*(?:niet\s+|wel\s+)?"
    r"(?:apart\s+|eerst\s+|ook\s+|nog\s+)*(?:te\s+)?(?:vragen|toestemming\s+te\s+vragen|om\s+toestemming)\b"
)


def _role_of(text: Text, hit: Hit, receiving: bool, venue: bool) -> str:
    if _PERMISSION_AFTER.match(text.lower, hit.end):
        return "partner"
    if not receiving and _requests(text, hit):
        return "recipient"  # 'De ambassade van X heeft de gemeente gemaild: ...' is no speaker label
    if _speaker(text, hit):
        # 'Wmo-consulent: een moeder ...'; 'Slachtofferhulp: mogen wij van het OM ... krijgen' (receiving)
        return "recipient" if receiving else "sender"
    if _APPOSITION.search(text.original[: hit.start]) or _SELF_DESCRIBED.search(text.original[: hit.start]):
        return "sender"  # 'Wij (gemeente, team ondermijning) ...', 'Ik, zorgcoördinator, ...'
    # a cue does not reach over a sentence end: 'we treffen een meisje aan. Ouders onbekend'
    new_sentence = _SENTENCE_END.search(text.original[: hit.start]) is not None
    role = "" if new_sentence else _cue(text.lower[: hit.start], receiving, venue)
    if not receiving and _requests(text, hit):
        return "recipient"  # 'de politie wil van ons weten ...': the one asking receives
    explicit = _SENDER_CUE.search(text.lower[: hit.start]) is not None  # 'als casusregisseur meedoen'
    if not receiving and not explicit and _JOINER.match(text.lower, hit.end):
        return "recipient"  # 'het COA wil aanschuiven', 'mag de politie meekijken': it receives
    return role


def _named_as_speaker(text: Text, hit: Hit) -> bool:
    """'als arts', 'ons (jeugdhulpaanbieder)', 'Wij zijn een stichting (opvang)', 'Wmo-consulent: ...'."""
    before = text.original[: hit.start]
    return bool(
        _SENDER_CUE.search(text.lower[: hit.start])
        or _APPOSITION.search(before)
        or _SELF_DESCRIBED.search(before)
        or _speaker(text, hit)
    )


def _speaker(text: Text, hit: Hit) -> bool:
    """'Wmo-consulent: ...', 'Jeugdhulpverlener, vraagje.', 'hoi, rechercheur team mensenhandel hier.'"""
    return bool(
        _SPEAKER_PREFIX.fullmatch(text.lower[: hit.start]) and _SPEAKER_LABEL.match(text.original, hit.end)
    )


def _cue(prefix: str, receiving: bool, venue: bool = False) -> str:
    if not receiving and _CALLER_CUE.search(prefix):
        return "recipient"  # 'er belt iemand van een bank': the caller's organisation asks, so it receives
    if (
        _PARTNER_CUE.search(prefix)
        or _FEARED_CUE.search(prefix)
        or _HAPPENS_CUE.search(prefix)
        or _CONSENT_CUE.search(prefix)
        or _EXCLUDED_CUE.search(prefix)
        or _ATTENDS_CUE.search(prefix)
        or _STAYS_AT_CUE.search(prefix)
        or _MEMBER_CUE.search(prefix)
    ):
        return "partner"
    if _CALLED_OURS.search(prefix):
        return "sender"
    if venue and _VENUE_CUE.search(prefix):
        return "recipient"
    if receiving:
        if _SELF_FROM.search(prefix):
            return "recipient"  # 'Wij zijn van CoMensha. Mogen wij de politie vragen': the speaker receives
        if _SOURCE_CUE.search(prefix) or _ASKED_OBJECT.search(prefix):
            return "sender"  # 'opvragen bij de politie'; 'mogen wij de politie vragen om': the asked gives
        if _SENDER_CUE.search(prefix) or _SUBJECT_CUE.search(prefix) or _RECIPIENT_CUE.search(prefix):
            return "recipient"
        return ""
    if _SENDER_CUE.search(prefix):
        return "sender"
    if _RECIPIENT_CUE.search(prefix) or _OBJECT_CUE.search(prefix):
        return "recipient"
    return "sender" if _SUBJECT_CUE.search(prefix) or _POSSESSIVE.search(prefix) else ""


def _place_loose(
    loose: list[Hit],
    sender: str,
    recipients: list[str],
    first_person: bool,
    receiving: bool,
    people: frozenset[str] = frozenset(),
) -> tuple[str, list[str]]:
    """Roles without a cue fill an empty side (first the recipient when someone says 'ik'); once both sides
    are known, further roles are only part of the story ('een meisje dat niet op school komt'). The sender's
    own kind named again ('docent: ... in de docenten-app zodat de collega's ...') comes after other roles."""
    loose = sorted(loose, key=lambda hit: bool(sender) and hit.id == sender)  # stable
    for hit in loose:
        if receiving:
            if not sender:
                sender = hit.id
            elif hit.id != sender and not (recipients and hit.id in people):
                recipients = [*recipients, hit.id]  # not 'de ouders weigeren' once the asker is known
        elif not recipients and (sender or first_person):
            recipients = [hit.id]
        elif not sender and not (first_person and hit.id in people):
            sender = hit.id  # 'ouders onbekend ... we willen' does not make the parents the speaker
    return sender, recipients
