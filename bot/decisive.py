"""Ask instead of guess: no confident verdict on a fact the question leaves open or that was only guessed.

    assessment, clarify = settle(assessor, understanding)

A mag_mits verdict is asked about too when it rests on unknown consent or age and another value of that
fact means mag_niet — or, for consent, leaves it open (a refusal that only a conflict of duties could
overcome): 'Ja, mits zij toestemming geeft' to a question that does not say whether she agreed reads as a
yes; the question "Heeft zij toestemming gegeven?" with both outcomes is the honest answer.

A fact is *decisive* when its values lead to different settled verdicts (mag, mag_mits, mag_niet; a value
that would leave it open, hangt_af, does not count): the rules are re-run for each value in
kb/assessment/_understood.yaml (`alternatives`, else every allowed value), only the rules that test a fact
that changed. When a sharing question would get `mag` or `mag_niet` and a decisive fact is unknown or
guessed, the answer becomes `hangt_af` with one question about the most decisive fact (the one with the most
different verdicts) whose options are those values, each with its verdict and the first line of its summary.
Not asked: consent the question does not mention when the verdict is `mag_niet` (its rules already answer
"Nee, tenzij toestemming"), and a partnership that is not named (read as none; it can be set as a fact).

A question that names a role, someone's data and an act ('bevestigen', 'doorgeven') is never `buiten_bereik`:
when a part was not read, the answer says which and asks for it (issue 14, item 5).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from bot.answer import Clarify, ClarifyOption, FactValue
from bot.assessment_types import Assessment
from bot.fact_inputs import allowed_values, load_words, value_label, with_fact
from bot.rules import AGE_CONDITIONS, Decision, RuleBook, Texts, decide, fact_view, holds
from bot.understanding import Understanding
from bot.understood import fact_value
from bot.vocabulary import Vocabulary

#: facts whose unknown or guessed value may decide the verdict, in the order they are asked about
CANDIDATES = ("sender", "recipients", "data", "purposes", "consent", "minor", "partnership")
SETTLED = ("mag", "mag_niet")  # the verdicts that must not rest on an open fact
#: a mag_mits rests on an open fact only when that is consent or age and another value of it means mag_niet
#: ('Ja, mits de cliënt toestemming geeft' for a question that does not say whether she agreed is a guess)
MITS_ASKED = ("consent", "minor")
_DECIDED = ("mag", "mag_mits", "mag_niet")
MAX_RUNS = 40  # rule runs for alternatives per answer (each well under a millisecond of rule evaluation)
MAX_OPTIONS = 12
PREVIEW_CHARS = 110
# Item 5: someone's data and an act of sharing or asking, also in words the vocabulary does not know.
_PERSONAL = re.compile(
    r"(?<!\w)(?:cli[eë]nt\w*|pati[eë]nt\w*|slachtoffer\w*|jongere\w*|kind\w*|meisje\w*|jongen\w*|bewoner\w*|"
    r"moeder|vader|ouders|gezin|persoon|iemand|mevrouw|meneer|hem|haar|zij|hij|gegevens|info|informatie|"
    r"dossier\w*|adres\w*|naam|namen|geboortedatum|woont|verblijft|werkt|"
    r"client\w*|patient\w*|victim\w*|child\w*|person|someone|her|him|she|he|data|information|file|address|name)"
    r"(?!\w)"
)
_ACT = re.compile(
    r"(?<!\w)(?:bevestig\w*|ontken\w*|doorgeven|doorgeeft|geven|geeft|gegeven|sturen|stuur|vertel\w*|zeg\w*|"
    r"meld\w*|informeer\w*|informeren|delen|deel|deelt|laten weten|vraag\w*|vragen|opvragen|navragen|inzien|"
    r"check\w*|nagaan|natrekken|doorspelen|mail\w*|bell\w*|"
    r"confirm\w*|tell\w*|give|send|share|ask\w*|pass\w*|inform\w*|check\w*|request\w*|disclos\w*)(?!\w)"
)


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")  # not inside 'Wpg art. 19'


class RuleAssessor(Protocol):
    """What this module needs of bot.assessment.Assessor."""

    vocabulary: Vocabulary
    rulebook: RuleBook

    @property
    def texts(self) -> Any: ...

    def assess_understanding(self, understanding: Understanding) -> Assessment: ...

    def summary_of(self, understanding: Understanding, decision: Decision) -> str: ...


@dataclass(frozen=True)
class Outcome:
    value: FactValue
    understanding: Understanding
    decision: Decision


def settle(
    assessor: RuleAssessor, u: Understanding, given: Collection[str] = ()
) -> tuple[Assessment, Clarify | None]:
    """The assessment of `u`, turned into one targeted question when it rests on an open decisive fact.
    Facts the user set to a value (`given`) are not asked about again. A fact set to null ("weet ik niet")
    stays open: a yes or no must not rest on it, so the answer shows where each value leads."""
    if isinstance(given, Mapping):
        given = [fact for fact, value in given.items() if value not in (None, [], "")]
    assessment = assessor.assess_understanding(u)
    if _names_role_data_and_act(u, assessment):
        u = u.model_copy(update={"in_scope": True, "intents": u.intents or ["share"]})
        assessment = assessor.assess_understanding(u)
        part = next((fact for fact in ("data", "sender", "recipients") if fact_value(u, fact) is None), None)
        if part is not None:
            return _not_understood(assessor, u, assessment, part)
    if assessment.verdict not in (*SETTLED, "mag_mits") or not u.sharing:
        return assessment, None
    if assessment.verdict == "mag_mits":  # only consent or age, and only when another value means mag_niet
        if not _about_consent(u):
            return assessment, None
        given = [*given, *(fact for fact in CANDIDATES if fact not in MITS_ASKED)]
    found = most_decisive(assessor, u, assessment.verdict, given)
    if assessment.verdict == "mag_mits" and (found is None or not _flips(*found)):
        found = _consent_left_open(assessor, u) if "consent" not in given else None
    if found is None or (assessment.verdict == "mag_mits" and not _flips(*found)):
        return assessment, None
    fact, outcomes = found
    return _asking(assessor, u, assessment, fact, outcomes)


def most_decisive(
    assessor: RuleAssessor, u: Understanding, verdict: str = "", given: Collection[str] = ()
) -> tuple[str, list[Outcome]] | None:
    """The open fact whose values lead to the most different settled verdicts (at least two), or None."""
    runner = RuleRunner(assessor, u)
    best: tuple[str, list[Outcome]] | None = None
    most = 1
    runs = 0
    for fact in (fact for fact in open_facts(u, verdict) if fact not in given):
        values = alternatives(fact, assessor.vocabulary)
        if runs + len(values) > MAX_RUNS:
            continue
        runs += len(values)
        outcomes = [runner.outcome(fact, value) for value in values]
        spread = len({o.decision.verdict for o in outcomes} & set(_DECIDED))
        if spread > most:
            best, most = (fact, outcomes), spread
    return best


def _about_consent(u: Understanding) -> bool:
    """Someone's consent can decide a plain sharing question, not one where the person herself asks or
    receives (her rights), nor a question about retention, breaches or other duties around the sharing."""
    own = "betrokkene" in (u.sender, *u.recipients)
    other_topics = set(u.intents) & {"rights", "retention", "breach", "dpia", "processor", "inform_person"}
    return not own and not other_topics


def _flips(fact: str, outcomes: list[Outcome]) -> bool:
    """A mag_mits is only turned into a question when another value of the open fact means mag_niet, or, for
    consent, leaves it open: 'Ja, mits zij toestemming geeft' where her refusal means a weighing (conflict of
    duties, hangt_af) reads as a yes to a question that does not say whether she agreed."""
    verdicts = {o.decision.verdict for o in outcomes}
    closed = "mag_niet" in verdicts or ("hangt_af" in verdicts and fact == "consent")
    return closed and bool(verdicts & {"mag", "mag_mits"})


def _consent_left_open(assessor: RuleAssessor, u: Understanding) -> tuple[str, list[Outcome]] | None:
    """Consent when the question leaves it open and its values do not all say yes (see _flips)."""
    if (u.consent and "consent" not in u.semantic) or u.urgent:
        return None  # in acute danger the vital-interest answer already states when consent cannot be asked
    runner = RuleRunner(assessor, u)
    outcomes = [runner.outcome("consent", value) for value in alternatives("consent", assessor.vocabulary)]
    return ("consent", outcomes) if _flips("consent", outcomes) else None


def open_facts(u: Understanding, verdict: str = "") -> Iterator[str]:
    """Candidates the question leaves unknown or that only the similarity fallback filled."""
    for fact in CANDIDATES:
        if fact == "partnership" or (fact == "consent" and verdict == "mag_niet"):
            continue  # see the module docstring
        if fact == "minor":
            if u.minor is None and u.age is None:
                yield fact
        elif fact_value(u, fact) is None or fact in u.semantic:
            yield fact


def alternatives(fact: str, vocab: Vocabulary) -> list[FactValue]:
    listed = load_words().alternatives.get(fact)
    return list(listed) if listed else allowed_values(fact, vocab)


class RuleRunner:
    """Re-runs the rules for one changed fact: only the rules that test a fact of the view that changed."""

    def __init__(self, assessor: RuleAssessor, u: Understanding) -> None:
        self.assessor = assessor
        self.u = u
        self.rules = assessor.rulebook.rules
        self.base = fact_view(u, assessor.vocabulary)
        self.fired = {rule.id for rule in assessor.rulebook.evaluate(self.base)}
        self.tested = rule_facts(assessor.rulebook)

    def outcome(self, fact: str, value: FactValue) -> Outcome:
        kind = load_words().facts[fact].kind
        setting: FactValue = [value] if kind == "many" and isinstance(value, str) else value
        alternative = with_fact(self.u, fact, setting)
        return Outcome(value, alternative, self.decision(alternative))

    def decision(self, alternative: Understanding) -> Decision:
        view = fact_view(alternative, self.assessor.vocabulary)
        changed = {name for name, value in view.items() if self.base[name] != value}
        fired = [
            rule
            for rule in self.rules
            if (holds(rule.when, view) if self.tested[rule.id] & changed else rule.id in self.fired)
        ]
        return decide(fired)


@lru_cache(maxsize=4)
def rule_facts(rulebook: RuleBook) -> dict[str, frozenset[str]]:
    """Rule id -> the facts of `fact_view` its condition tests."""
    return {rule.id: frozenset(_tested(rule.when)) for rule in rulebook.rules}


def _tested(condition: Any) -> Iterator[str]:
    for name, value in condition.items():
        if name in ("all", "any"):
            for item in value:
                yield from _tested(item)
        elif name == "not":
            yield from _tested(value)
        elif name in AGE_CONDITIONS:
            yield "age"
        else:
            yield name[:-4] if name.endswith("_any") else name


def _options(
    assessor: RuleAssessor, fact: str, outcomes: list[Outcome], language: str
) -> list[ClarifyOption]:
    """At most MAX_OPTIONS, every different outcome among them, in the order of the alternatives."""
    firsts: dict[tuple[str, str], Outcome] = {}
    for o in outcomes:
        firsts.setdefault((o.decision.verdict, o.decision.deciding.id if o.decision.deciding else ""), o)
    chosen = list(firsts.values())[:MAX_OPTIONS]
    chosen += [o for o in outcomes if o not in chosen][: MAX_OPTIONS - len(chosen)]
    chosen.sort(key=outcomes.index)
    return [
        ClarifyOption(
            value=o.value,
            label=value_label(fact, o.value, assessor.vocabulary, language),
            verdict=o.decision.verdict,
            preview=_first_line(assessor.summary_of(o.understanding, o.decision)),
        )
        for o in chosen
    ]


def _first_line(summary: str) -> str:
    sentence = _SENTENCE_END.split(summary.strip(), maxsplit=1)[0]
    return sentence if len(sentence) <= PREVIEW_CHARS else sentence[: PREVIEW_CHARS - 1].rstrip() + "…"


def _asking(
    assessor: RuleAssessor, u: Understanding, assessment: Assessment, fact: str, outcomes: list[Outcome]
) -> tuple[Assessment, Clarify]:
    language = "en" if u.language == "en" else "nl"
    words = load_words()
    question = words.facts[fact].ask.get(language)
    options = _options(assessor, fact, outcomes, language)
    listing = _listing(options)
    summary = words.depends.get(language).format(question=question, options=listing).strip()
    return _hangt_af(assessor, assessment, summary, question, language), Clarify(
        fact=fact, question=question, options=options
    )


def _listing(options: list[ClarifyOption]) -> str:
    """'gemeente → Ja, mits … · jeugdhulp → Nee, tenzij …': one option per verdict, at most three."""
    seen: dict[str, ClarifyOption] = {}
    for option in options:
        seen.setdefault(option.verdict, option)
    return " · ".join(f"{o.label} → {o.preview}" for o in list(seen.values())[:3])


def _hangt_af(
    assessor: RuleAssessor, assessment: Assessment, summary: str, question: str, language: str
) -> Assessment:
    escalate: Texts = assessor.texts.escalate
    return assessment.model_copy(
        update={
            "verdict": "hangt_af",
            "summary": summary,
            "clarifying_questions": list(dict.fromkeys([question, *assessment.clarifying_questions]))[:5],
            "escalate": assessment.escalate or escalate.get(language),
        }
    )


def _names_role_data_and_act(u: Understanding, assessment: Assessment) -> bool:
    """Out of scope only because the reading missed something: a role, someone's data and an act are named."""
    if assessment.verdict != "buiten_bereik" or "buiten_bereik" not in assessment.rules_fired:
        return False
    text = u.question.lower()
    personal = bool(u.data) or _PERSONAL.search(text) is not None
    act = bool(u.intents) or _ACT.search(text) is not None
    return bool(u.mentioned_roles) and personal and act


def _not_understood(
    assessor: RuleAssessor, u: Understanding, assessment: Assessment, part: str
) -> tuple[Assessment, Clarify]:
    language = "en" if u.language == "en" else "nl"
    words = load_words()
    question = words.facts[part].ask.get(language)
    runner = RuleRunner(assessor, u)
    outcomes = [runner.outcome(part, value) for value in alternatives(part, assessor.vocabulary)]
    options = _options(assessor, part, outcomes, language)
    text = words.not_understood.get(language).format(part=words.parts[part].get(language), question=question)
    summary = f"{text} {_listing(options)}".strip()
    return _hangt_af(assessor, assessment, summary, question, language), Clarify(
        fact=part, question=question, options=options
    )
