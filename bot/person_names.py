"""Names of persons in free text, found by a heuristic: two or more capitalised words, possibly joined by
Dutch tussenvoegsels ('Jan Jansen', 'Fatima el Amrani', 'Maria de Vries'), a capitalised tussenvoegsel with
a surname ('De Vries', 'Van Dijk'), or a title with a name ('mevrouw De Vries', 'dhr. Bakker').

Capitalised words that are not names in this domain (sentence openers, organisations, laws, places,
nationalities) stop a match. It catches the usual ways a name is written, not every one: a name in lower
case or a single first name stays. The pattern is linear: bounded words, bounded repeats.
"""

from __future__ import annotations

import re

PLACEHOLDER = "[naam]"


def _letters(upper: bool) -> str:
    chars = (chr(code) for code in range(0x41, 0x530))
    wanted = [ch for ch in chars if (ch.isupper() if upper else ch.islower()) and len(ch.swapcase()) == 1]
    return "".join(re.escape(ch) for ch in wanted)


_UP, _LOW = _letters(True), _letters(False)
_REST = rf"[{_LOW}'’]{{1,30}}(?:-[{_UP}]?[{_LOW}'’]{{1,30}})?(?![\w-])"
_WORD = rf"[{_UP}]{_REST}"
_TV = (
    r"(?:[vV]an|[dD]e[rn]?|[tT]e[rn]?|[eE]l|[aA]l|[lL][ae]|[dD][aiu]|[dD]os|[dD]el|[vV]on|'t|[bB]in|[bB]en)"
    r"(?![\w'])"
)
_SEP = r"[ \t]{1,3}"
# A run of capitalised words, joined by tussenvoegsels. It starts with a plain character class (the engine
# skips to candidates in C); the character before the run is checked by the lookbehind after it.
NAME = re.compile(
    rf"(?P<name>[{_UP}](?<![\w-][{_UP}]){_REST}(?:{_SEP}(?:{_TV}{_SEP}){{0,3}}{_WORD}){{0,20}})"
)
_TITLE = re.compile(
    r"(?:\b(?i:mevrouw|mevr\.?|mw\.?|meneer|mnr\.?|dhr\.?|de heer|heer|mr\.?|mrs\.?|ms\.?|dr\.?|drs\.?"
    r"|prof\.?|dokter|juffrouw|zuster))[ \t]{1,3}$"
)
_GAPS = re.compile(r"([ \t]+)")
TUSSENVOEGSELS = frozenset(
    "van de der den te ter ten el al la le da di du dos del von 't bin ben".split()  # noqa: SIM905
)

#: Capitalised words that are not (part of) a person's name here: openers, organisations, laws, places.
NOT_NAMES = frozenset(
    """
    mag mogen kan kunnen moet moeten wil willen is zijn ben bent heb hebben heeft geldt gelden valt vallen
    wordt worden zal zullen zou zouden mocht stel gesteld graag help geef zeg vergeet negeer bevestig
    antwoord leg deel meld vraag vragen wat wie welke welk waar wanneer hoe waarom ik wij we jij je u hij zij
    ze het een en als of maar dan dus ook nee ja volgens bij voor met aan in op over na sinds tijdens onze
    mijn uw hun haar deze die dit dat er daar hier hallo beste goedemorgen goedemiddag geachte bedankt
    dank alvast groet groeten vriendelijke mvg the a an if and or but our my we i you he she they it is are
    can may must should would could do does did what who which when where why how please dear hello hi thanks
    yes no not also this that these those in on at for with from to of by as after before during
    cliënt cliënte client slachtoffer slachtoffers betrokkene verdachte melder patiënt patiënte moeder vader
    ouder ouders kind kinderen jongere minderjarige vrouw man meisje jongen zus broer collega buurman
    buurvrouw werkgever uitbuiter pooier tolk
    veilig thuis politie gemeente burgemeester wethouder college officier justitie openbaar ministerie raad
    kinderbescherming rechter rechtbank zorg veiligheidshuis veiligheidshuizen huisarts
    verpleegkundige jeugdzorg jeugdbescherming reclassering leger heils vluchtelingenwerk inspectie
    arbeidsinspectie belastingdienst marechaussee koninklijke immigratie naturalisatiedienst dienst terugkeer
    vertrek centraal orgaan opvang asielzoekers coa ind expertisecentrum expertise centrum mensenhandel
    mensensmokkel nationaal nationale rapporteur landelijke landelijk eenheid regionale regionaal informatie
    slachtofferhulp schadefonds geweldsmisdrijven verwijsindex risicojongeren strada fier humanitas medewerker
    zorgcoördinator coördinator functionaris gegevensbescherming privacy officer team wijkteam sociaal
    gemeentelijke basisadministratie basisregistratie persoonsgegevens europese europees europa unie commissie
    parlement interpol europol frontex douane kamer tweede eerste staten generaal minister ministerie
    staatssecretaris autoriteit stichting vereniging ziekenhuis universiteit kliniek ggz ggd blijf groep
    vertrouwensarts vertrouwenspersoon schuldhulp jeugd onderwijs school leerplicht leerplichtambtenaar
    woningcorporatie wet besluit algemene verordening uitvoeringswet politiegegevens justitiële
    strafvorderlijke
    vreemdelingenwet jeugdwet grondwet meldcode wmo wjsg wpg beroepen individuele gezondheidszorg huiselijk
    geweld kindermishandeling domein artikel lid sub overweging bijlage hoofdstuk paragraaf convenant protocol
    handreiking werkinstructie beheer deelwijzer nederland nederlandse nederlander belgië duitsland frankrijk
    roemenië bulgarije polen hongarije oekraïne moldavië nigeria vietnam china marokko turkije eritrea syrië
    brazilië filipijnen india thailand albanië verenigd verenigde koninkrijk amerika afrika azië city
    amsterdam rotterdam utrecht eindhoven groningen tilburg almere breda nijmegen haag bosch helder arnhem
    zwolle maastricht leiden haarlem januari februari maart april juni juli augustus september oktober
    november december maandag dinsdag woensdag donderdag vrijdag zaterdag zondag monday tuesday wednesday
    thursday friday saturday sunday january february march july august october
    nigerian romanian bulgarian polish hungarian ukrainian moldovan vietnamese chinese moroccan turkish
    eritrean syrian brazilian filipino indian thai albanian dutch belgian german french english european
    roemeens roemeense bulgaars bulgaarse pools poolse hongaars hongaarse oekraïens oekraïense moldavisch
    moldavische nigeriaans nigeriaanse vietnamees vietnamese chinees chinese marokkaans marokkaanse turks
    turkse eritrees eritrese syrisch syrische braziliaans braziliaanse filipijns filipijnse indiaas indiase
    thais thaise albanees albanese belgisch belgische duitse franse engelse
    """.split()  # noqa: SIM905
)


def scrub_names(text: str) -> tuple[str, int]:
    """`text` with person names replaced by [naam], and how many were replaced."""
    count = 0

    def substitute(match: re.Match[str]) -> str:
        nonlocal count
        replaced = _replacement(match)
        count += replaced != match.group(0)
        return replaced

    return NAME.sub(substitute, text), count


def _replacement(match: re.Match[str]) -> str:
    """The run with each name in it replaced; words that are known non-names split it into segments."""
    titled = _TITLE.search(match.string, max(0, match.start() - 16), match.start()) is not None
    parts = _GAPS.split(match.group(0))  # words at even positions, the spaces between them at odd ones
    if len(parts) == 1 and not titled:
        return match.group(0)
    words = parts[::2]
    keep = [_plain(word) in NOT_NAMES for word in words]
    start = 0
    for end in range(len(words) + 1):
        if end < len(words) and not keep[end]:
            continue
        span = _name_within(words[start:end], titled and start == 0)
        if span is not None:
            first, last = start + span[0], start + span[1]
            parts[2 * first : 2 * last - 1] = [PLACEHOLDER] + [""] * (2 * (last - first) - 2)
        start = end + 1
    return "".join(parts)


def _name_within(words: list[str], titled: bool) -> tuple[int, int] | None:
    """(first, last + 1) of the name among `words` (none of them a known non-name), or None."""
    first, last = 0, len(words)
    while first < last and _plain(words[first]) in TUSSENVOEGSELS and not words[first][:1].isupper():
        first += 1  # 'van Jan Jansen': 'van' belongs to the sentence
    while last > first and _plain(words[last - 1]) in TUSSENVOEGSELS:
        last -= 1
    core = words[first:last]
    names = [w for w in core if _plain(w) not in TUSSENVOEGSELS]
    surname = len(names) == 1 and len(core) > 1 and core[0][:1].isupper()
    if not names or not (titled or len(names) >= 2 or surname):
        return None
    return first, last


def _plain(word: str) -> str:
    return word.casefold().strip("'’")
