"""Composition: turn an assessment and the retrieved passages into the Answer of evals/FORMAT.md (no LLM).

Every citation quotes the stored text verbatim and is verified before it leaves this module. A key the
assessment names but the knowledge base does not hold is never cited: the step says the source is missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bot.answer import VERDICT_LABELS, Answer, Citation, Step, Verdict
from bot.assessment_types import Assessment
from bot.quotes import choose_quote
from bot.retrieval import Retrieved
from bot.verify import index_by_key, passage_key_of, verify
from kb.citations import article_level, parse_key
from kb.errors import CitationKeyError
from kb.passages import Passage

GUIDANCE_TYPES = ("werkinstructie", "convenant", "handreiking")
RELATED_LIMIT = 2
#: Laws that frame every question; an assessment citing only these has not reached the sector's own regime.
GENERAL_LAWS = frozenset({"AVG", "UAVG", "Grondwet"})

TEXTS: dict[str, dict[str, str]] = {
    "nl": {
        "missing": "Bron ontbreekt in de kennisbank: {key}.",
        "missing_summary": "De bepalingen waarop dit oordeel rust, staan niet in de kennisbank ({keys}); "
        "ik kan het daarom niet met de wettekst onderbouwen.",
        "guidance": "(gebaseerd op {noun}, niet op de wet zelf)",
        "related_title": "Mogelijk relevante bepalingen",
        "related_finding_none": "De beoordeling noemde geen bepaling; deze passages uit de kennisbank passen "
        "het best bij de vraag. Lees ze zelf na.",
        "related_finding": "De bepalingen hierboven beslissen de vraag niet zonder meer; deze passages uit "
        "de kennisbank passen ook bij de vraag. Lees ze zelf na.",
        "missing_title": "Ontbrekende bronnen",
    },
    "en": {
        "missing": "Source missing from the knowledge base: {key}.",
        "missing_summary": "The provisions this conclusion rests on are not in the knowledge base ({keys}), "
        "so I cannot support it with the legal text.",
        "guidance": "(based on {noun}, not on the law itself)",
        "related_title": "Possibly relevant provisions",
        "related_finding_none": "The assessment named no provision; these passages from the knowledge base "
        "match the question best. Please read them yourself.",
        "related_finding": "The provisions above do not settle the question by themselves; these passages "
        "from the knowledge base also match it. Please read them yourself.",
        "missing_title": "Missing sources",
    },
}
GUIDANCE_NOUNS: dict[str, dict[str, str]] = {
    "nl": {
        "werkinstructie": "een werkinstructie",
        "convenant": "een convenant",
        "handreiking": "een handreiking",
    },
    "en": {
        "werkinstructie": "a work instruction",
        "convenant": "a covenant",
        "handreiking": "a guidance document",
    },
}


def texts(language: str) -> dict[str, str]:
    return TEXTS.get(language, TEXTS["nl"])


@dataclass
class Cited:
    """The outcome of citing the assessment's keys: citations, key renames and what is missing."""

    citations: list[Citation]
    renamed: dict[str, str]
    missing: list[str]


def compose(
    assessment: Assessment, retrieved: Sequence[Retrieved], question: str, id: str = "", kb_build: str = ""
) -> Answer:
    """The answer for `assessment`, citing only passages in `retrieved`."""
    language = assessment.facts.language
    passages = [item.passage for item in retrieved]
    cited = cite_keys(assessment, passages, question)
    steps = mark_missing(assessment.steps, cited, language)
    scope = related_scope(assessment)
    if scope:
        related = cite_related(retrieved, question, cited.citations, sector_only=scope == "sector")
        cited.citations += related.citations
        steps += [related_step(related.citations, assessment)] if related.citations else []
    kept, dropped = verify(cited.citations, index_by_key(passages))
    verdict, summary = settle(assessment, kept, cited.missing)
    guidance = guidance_type(kept)
    return Answer(
        id=id, verdict=verdict, summary=with_guidance_note(summary, guidance, language),
        conditions=list(assessment.conditions), clarifying_questions=list(assessment.clarifying_questions),
        citations=kept, steps=steps, record=list(assessment.record), escalate=assessment.escalate,
        facts=assessment.facts, language=language, relies_on_guidance=bool(guidance),
        removed_citations=len(dropped), kb_build=kb_build,
    )  # fmt: skip


def wanted_keys(assessment: Assessment) -> list[str]:
    """The assessment's keys, then any further keys its steps name, without repeats."""
    keys = [*assessment.keys, *(key for step in assessment.steps for key in step.keys)]
    return list(dict.fromkeys(keys))


def cite_keys(assessment: Assessment, passages: Sequence[Passage], question: str) -> Cited:
    cited = Cited([], {}, [])
    for key in wanted_keys(assessment):
        passage = find_passage(key, passages, assessment.facts.language)
        if passage is None:
            cited.missing.append(key)
            continue
        cite_key = key if _same_passage(key, passage) else passage.key
        cited.renamed[key] = cite_key
        if any(citation.key == cite_key for citation in cited.citations):
            continue
        context = " ".join([question, *_step_text(assessment.steps, key)])
        cited.citations.append(make_citation(cite_key, passage, context))
    return cited


def make_citation(key: str, passage: Passage, context: str) -> Citation:
    return Citation(
        key=key, quote=choose_quote(passage, key, context), source_version=passage.version_date,
        url=passage.url, source_type=passage.doc_type,
    )  # fmt: skip


def find_passage(key: str, passages: Sequence[Passage], language: str) -> Passage | None:
    """The passage of `key` (the lid of a sub key, the first lid of an article key), answer language first."""
    exact = [p for p in passages if _same_passage(key, p)]
    article = article_level(key).casefold()
    wider = [p for p in passages if _article_only(key) and article_level(p.key).casefold() == article]
    for candidates in (exact, wider):
        preferred = [p for p in candidates if p.language == language] or candidates
        if preferred:
            return preferred[0]
    return None


def _same_passage(key: str, passage: Passage) -> bool:
    try:
        return parse_key(key).passage_key.casefold() == passage.key.casefold()
    except CitationKeyError:
        return key.casefold() == passage.key.casefold()


def _article_only(key: str) -> bool:
    try:
        parsed = parse_key(key)
    except CitationKeyError:
        return False
    return bool(parsed.article) and not parsed.lid and not parsed.sub


def _step_text(steps: Sequence[Step], key: str) -> list[str]:
    return [f"{step.title} {step.finding}" for step in steps if key in step.keys]


def mark_missing(steps: Sequence[Step], cited: Cited, language: str) -> list[Step]:
    """Steps with cited keys renamed, missing keys removed and a 'source missing' sentence added."""
    words = texts(language)
    result: list[Step] = []
    for step in steps:
        gone = [key for key in step.keys if key in cited.missing]
        finding = " ".join([step.finding, *(words["missing"].format(key=key) for key in gone)]).strip()
        keys = [cited.renamed[key] for key in step.keys if key in cited.renamed]
        result.append(step.model_copy(update={"finding": finding, "keys": list(dict.fromkeys(keys))}))
    orphans = [key for key in cited.missing if not any(key in step.keys for step in steps)]
    if orphans:
        notes = " ".join(words["missing"].format(key=key) for key in orphans)
        result.append(Step(id="ontbrekende-bronnen", title=words["missing_title"], finding=notes))
    return result


def related_scope(assessment: Assessment) -> Literal["", "all", "sector"]:
    """Which search results to offer: any when the assessment named no provision or could not settle the
    question; sector-law ones when it reasoned from the general laws only (a sector law the rules do not
    cover may hold the answer); none otherwise."""
    keys = wanted_keys(assessment)
    if assessment.verdict == "buiten_bereik":
        return ""
    if assessment.verdict == "hangt_af" or not keys:
        return "all"
    return "" if any(_sector_law(key) for key in keys) else "sector"


def cite_related(
    retrieved: Sequence[Retrieved], question: str, cited: Sequence[Citation], sector_only: bool = False
) -> Cited:
    """Citations of the best search results whose passage is not cited yet (with `sector_only`, only
    provisions of laws other than the general ones)."""
    taken = {passage_key_of(citation.key) for citation in cited}
    found = [
        item.passage
        for item in retrieved
        if item.via != "key"
        and item.passage.key.casefold() not in taken
        and (not sector_only or _sector_passage(item.passage))
    ]
    return Cited([make_citation(p.key, p, question) for p in found[:RELATED_LIMIT]], {}, [])


def _sector_passage(passage: Passage) -> bool:
    return passage.citation_name not in GENERAL_LAWS and passage.doc_type not in GUIDANCE_TYPES


def _sector_law(key: str) -> bool:
    """A provision of a law other than the general ones (guidance is cited by § or page, not by article)."""
    try:
        parsed = parse_key(key)
    except CitationKeyError:
        return False
    return bool(parsed.article) and parsed.source not in GENERAL_LAWS


def related_step(citations: Sequence[Citation], assessment: Assessment) -> Step:
    words = texts(assessment.facts.language)
    finding = words["related_finding" if wanted_keys(assessment) else "related_finding_none"]
    keys = [citation.key for citation in citations]
    return Step(id="verwante-bepalingen", title=words["related_title"], finding=finding, keys=keys)


def settle(assessment: Assessment, kept: Sequence[Citation], missing: Sequence[str]) -> tuple[Verdict, str]:
    """The assessment's verdict, unless every provision it rests on is missing from the knowledge base."""
    if not missing or kept or assessment.verdict in ("hangt_af", "buiten_bereik"):
        return assessment.verdict, assessment.summary
    words = texts(assessment.facts.language)
    summary = words["missing_summary"].format(keys=", ".join(missing))
    if assessment.escalate:
        return "hangt_af", f"{summary} {assessment.escalate}"
    return "buiten_bereik", summary


def guidance_type(citations: Sequence[Citation]) -> str:
    """The least authoritative guidance type cited ('' when the answer rests on legislation only)."""
    types = {citation.source_type for citation in citations}
    return next((kind for kind in GUIDANCE_TYPES if kind in types), "")


def with_guidance_note(summary: str, guidance: str, language: str) -> str:
    if not guidance:
        return summary
    nouns = GUIDANCE_NOUNS.get(language, GUIDANCE_NOUNS["nl"])
    note = texts(language)["guidance"].format(noun=nouns[guidance])
    return summary if note in summary else f"{summary} {note}".strip()


LABELS: dict[str, dict[str, str]] = {
    "nl": {
        "verdict": "Oordeel", "conditions": "Voorwaarden", "questions": "Wat ik nog moet weten",
        "steps": "Afweging", "provisions": "Bepalingen", "record": "Wat leg je vast", "escalate": "Twijfel?",
        "sources": "Bronnen", "version": "versie", "document": "{kind}: documenttekst, geen wet",
        "removed": "citaat/citaten verwijderd: niet terug te vinden in de opgehaalde wettekst.",
    },
    "en": {
        "verdict": "Conclusion", "conditions": "Conditions", "questions": "What I still need to know",
        "steps": "Reasoning", "provisions": "Provisions", "record": "What to record", "escalate": "In doubt?",
        "sources": "Sources", "version": "version", "document": "{kind}: document text, not law",
        "removed": "citation(s) removed: not found in the retrieved legal text.",
    },
}  # fmt: skip
VERDICT_LABELS_EN = {
    "mag": "Yes", "mag_mits": "Yes, provided", "mag_niet": "No", "hangt_af": "It depends",
    "buiten_bereik": "Out of scope",
}  # fmt: skip


def render_markdown(answer: Answer) -> str:
    """The answer as Markdown for the CLI and the chat: verdict, checklist, steps, record, sources."""
    labels = LABELS.get(answer.language, LABELS["nl"])
    parts = [f"**{labels['verdict']}: {verdict_label(answer)}** — {answer.summary}"]
    parts += _section(labels["conditions"], [f"- [ ] {item}" for item in answer.conditions])
    parts += _section(labels["questions"], [f"- {item}" for item in answer.clarifying_questions])
    parts += _section(
        labels["steps"], [_render_step(n, step, labels) for n, step in enumerate(answer.steps, 1)]
    )
    parts += _section(labels["record"], [f"- {item}" for item in answer.record])
    parts += _section(labels["escalate"], [answer.escalate] if answer.escalate else [])
    parts += _section(labels["sources"], [_render_citation(c, labels) for c in answer.citations])
    if answer.removed_citations:
        parts.append(f"_{answer.removed_citations} {labels['removed']}_")
    return "\n\n".join(parts) + "\n"


def verdict_label(answer: Answer) -> str:
    if answer.language == "en":
        return VERDICT_LABELS_EN[answer.verdict]
    return VERDICT_LABELS[answer.verdict]


def _section(title: str, lines: list[str]) -> list[str]:
    return [f"### {title}\n" + "\n".join(lines)] if lines else []


def _render_step(number: int, step: Step, labels: dict[str, str]) -> str:
    text = f"{number}. **{step.title}** — {step.finding}"
    if step.keys:
        text += f"\n   {labels['provisions']}: " + ", ".join(step.keys)
    return text


def _render_citation(citation: Citation, labels: dict[str, str]) -> str:
    """A source line; text of a covenant, guidance or work instruction is marked as document text, not law
    (an uploaded document may say anything: it never has the weight of the legislation)."""
    kind = citation.source_type
    if kind in GUIDANCE_TYPES:
        kind = labels["document"].format(kind=kind)
    head = f"- **{citation.key}** ({labels['version']} {citation.source_version}, {kind})"
    link = f" — <{citation.url}>" if citation.url else ""
    return f"{head}{link}\n  > {citation.quote}"
