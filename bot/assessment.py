"""The Assessor: question -> facts -> rules -> one verdict with its steps, conditions, questions and keys.

    assessor = Assessor()
    assessment = assessor.assess("Mag ik als arts de politie informeren?", history=())

No LLM: the verdict comes from the rules in kb/assessment (see bot/rules.py for the precedence).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel

from bot.answer import Step, Turn
from bot.assessment_types import Assessment
from bot.rules import (
    ASSESSMENT_DIR,
    Decision,
    Rule,
    RuleBook,
    Texts,
    decide,
    fact_view,
    load_rulebook,
)
from bot.understanding import Understanding, understand
from bot.vocabulary import VOCABULARY_DIR, Vocabulary, load_vocabulary
from bot.words import LANGUAGES, words
from kb.embedding import Embedder

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_MAX_QUESTIONS = 5


class AnswerTexts(BaseModel):
    """The `assessment` section of the word catalogue (bot/words)."""

    escalate: Texts
    escalate_secrecy: Texts
    undecided: Texts
    unknown: Texts
    list_and: Texts


def load_texts() -> AnswerTexts:
    """The rules' shared texts in every language, from the word catalogue."""
    sections = {language: words("assessment", language) for language in LANGUAGES}
    names = AnswerTexts.model_fields
    return AnswerTexts.model_validate(
        {name: {language: texts[name] for language, texts in sections.items()} for name in names}
    )


class Assessor:
    """Loads kb/vocabulary and kb/assessment once; `assess` is pure and fast (no model, no network)."""

    def __init__(
        self,
        embedder: Embedder | None = None,
        vocabulary_dir: Path = VOCABULARY_DIR,
        assessment_dir: Path = ASSESSMENT_DIR,
    ) -> None:
        self.vocabulary: Vocabulary = load_vocabulary(vocabulary_dir)
        self.rulebook: RuleBook = load_rulebook(assessment_dir, self.vocabulary)
        self.texts = load_texts()
        self.semantic = SemanticMatcher(embedder, self.vocabulary) if embedder is not None else None

    def understand(self, question: str, history: Sequence[Turn] = ()) -> Understanding:
        return understand(question, history, self.vocabulary, self.semantic)

    def assess(self, question: str, history: Sequence[Turn] = ()) -> Assessment:
        return self.assess_understanding(self.understand(question, history))

    def assess_understanding(self, understanding: Understanding) -> Assessment:
        fired = self.rulebook.evaluate(fact_view(understanding, self.vocabulary))
        decision = decide(fired)
        return _Composer(understanding, decision, self).assessment([rule.id for rule in fired])

    def summary_of(self, understanding: Understanding, decision: Decision) -> str:
        """The summary a decision would have for this understanding (previews of alternatives)."""
        return _Composer(understanding, decision, self).summary()


class _Composer:
    """Turns a decision into the user-facing Assessment, in the question's language."""

    def __init__(self, understanding: Understanding, decision: Decision, assessor: Assessor) -> None:
        self.u = understanding
        self.decision = decision
        self.language = "en" if understanding.language == "en" else "nl"
        self.rulebook = assessor.rulebook
        self.texts = assessor.texts
        self.values = _placeholder_values(understanding, assessor.vocabulary, assessor.texts, self.language)

    def assessment(self, fired_ids: list[str]) -> Assessment:
        rules = self.decision.fired
        return Assessment(
            verdict=self.decision.verdict,
            facts=self.u.to_facts(),
            summary=self.summary(),
            steps=self.steps(),
            conditions=self.gather(rule.conditions.get(self.language) for rule in rules),
            clarifying_questions=self.gather(rule.clarify.get(self.language) for rule in rules)[
                :_MAX_QUESTIONS
            ],
            record=self.gather(rule.record.get(self.language) for rule in rules),
            escalate=self.escalate(),
            keys=list(dict.fromkeys(key for rule in rules for key in rule.keys)),
            search_hints=self.search_hints(),
            rules_fired=fired_ids,
        )

    def fill(self, text: str) -> str:
        filled = _PLACEHOLDER.sub(lambda m: self.values.get(m.group(1), m.group(0)), text)
        return filled[:1].upper() + filled[1:]

    def gather(self, lists: Iterable[list[str]]) -> list[str]:
        return list(dict.fromkeys(self.fill(item) for items in lists for item in items))

    def summary(self) -> str:
        deciding = self.decision.deciding
        if deciding is None:
            return self.texts.undecided.get(self.language)
        return self.fill(deciding.summary.get(self.language))

    def steps(self) -> list[Step]:
        fired = {rule.id for rule in self.decision.fired}
        steps = []
        for step in self.rulebook.steps:
            rules = [rule for rule in step.rules if rule.id in fired]
            if rules:
                steps.append(self._step(step.step, step.title.get(self.language), rules))
        return steps

    def _step(self, step_id: str, title: str, rules: list[Rule]) -> Step:
        finding = " ".join(self.fill(rule.finding.get(self.language)) for rule in rules)
        keys = list(dict.fromkeys(key for rule in rules for key in rule.keys))
        return Step(id=step_id, title=title, finding=finding, keys=keys)

    def escalate(self) -> str:
        rules = self.decision.fired
        if self.decision.verdict == "buiten_bereik":
            return ""
        secrecy = any(rule.step == "beroepsgeheim" for rule in rules)
        if not (self.decision.verdict == "hangt_af" or secrecy or any(rule.escalate for rule in rules)):
            return ""
        return (self.texts.escalate_secrecy if secrecy else self.texts.escalate).get(self.language)

    def search_hints(self) -> list[str]:
        hints = [hint for rule in self.decision.fired for hint in rule.search_hints]
        return list(dict.fromkeys(hints))


def _placeholder_values(
    u: Understanding, vocab: Vocabulary, texts: AnswerTexts, language: str
) -> dict[str, str]:
    unknown = texts.unknown.get(language)
    joiner = texts.list_and.get(language)

    def labels(lexicon_ids: list[str], slot: str) -> str:
        lexicon = vocab.slot(slot)
        return joiner.join(lexicon.label(i, language) for i in lexicon_ids) or unknown

    return {
        "sender": labels([u.sender] if u.sender else [], "roles"),
        "recipient": labels(u.recipients, "roles"),
        "data": labels(u.data, "data"),
        # the art. 9 texts name only the special categories ('seksueel gedrag', not 'naam en adres')
        "special_data": labels([d for d in u.data if vocab.data.attrs(d).get("special")] or u.data, "data"),
        "purpose": labels(u.purposes, "purposes"),
        "country": labels([u.country] if u.country else [], "countries"),
    }


class SemanticMatcher:
    """Optional fallback when no word of a slot matched: the entry whose description is most similar to the
    question, if the similarity reaches the slot's `semantic_threshold` (kb/vocabulary/<slot>.yaml)."""

    def __init__(
        self, embedder: Embedder, vocabulary: Vocabulary, slots: tuple[str, ...] = ("data", "purposes")
    ):
        self.embedder = embedder
        self._tables: dict[str, tuple[list[str], Any, float, float]] = {}
        for slot in slots:
            lexicon = vocabulary.slot(slot)
            entries = [e for e in lexicon.entries.values() if e.description]
            if entries and lexicon.semantic_threshold is not None:
                vectors = embedder.embed_passages([" / ".join(e.description.values()) for e in entries])
                table = (
                    [e.id for e in entries],
                    vectors,
                    lexicon.semantic_threshold,
                    lexicon.semantic_margin,
                )
                self._tables[slot] = table

    def scores(self, slot: str, question: str) -> dict[str, float]:
        if slot not in self._tables or not question.strip():
            return {}
        ids, vectors, _, _ = self._tables[slot]
        similarities = np.asarray(vectors) @ np.asarray(self.embedder.embed_query(question))
        return {entry_id: float(score) for entry_id, score in zip(ids, similarities, strict=True)}

    def best(self, slot: str, question: str) -> str | None:
        """The best entry if it reaches the threshold and leads the runner-up by the slot's margin."""
        scores = sorted(self.scores(slot, question).items(), key=lambda item: item[1], reverse=True)
        if not scores:
            return None
        (best, score), runner_up = scores[0], (scores[1][1] if len(scores) > 1 else -1.0)
        _, _, threshold, margin = self._tables[slot]
        return best if score >= threshold and score - runner_up >= margin else None
