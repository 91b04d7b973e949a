"""Quiz questions from a pack: per casus the verdict to pick and the decisive provision among distractors (the
decisive provisions of the other cases). Grading is pure: nothing is stored.

    questions = quiz_questions(pack)
    result = grade(questions[0], verdict_index=1, provision_index=0)     # Result(points=2, ...)
"""

from __future__ import annotations

import hashlib
import random

from pydantic import BaseModel

from bot.training.scenarios import ModelAnswer, Pack
from bot.words import verdict_label
from kb.citations import article_level

VERDICTS = ("mag", "mag_mits", "mag_niet", "hangt_af")
PROVISION_OPTIONS = 4
FALLBACK_KEYS = (
    "AVG art. 6",
    "AVG art. 9",
    "AVG art. 10",
    "Wpg art. 20",
    "WGS art. 2.19",
    "Jeugdwet art. 7.3.11",
)


class Question(BaseModel):
    id: str
    theme_label: str
    casus: str
    verdict_options: list[tuple[str, str]]  # (verdict, label)
    provision_options: list[str]  # article-level keys
    answer: ModelAnswer


class Result(BaseModel):
    verdict_ok: bool
    provision_ok: bool

    @property
    def points(self) -> int:
        return int(self.verdict_ok) + int(self.provision_ok)


def quiz_questions(pack: Pack) -> list[Question]:
    decisive = [_decisive(s.answer) for s in pack.scenarios]
    pool = list(dict.fromkeys([*(key for key in decisive if key), *FALLBACK_KEYS]))
    questions = []
    for scenario, right in zip(pack.scenarios, decisive, strict=True):
        rng = random.Random(int.from_bytes(hashlib.sha256(scenario.id.encode()).digest()[:8], "big"))
        others = [key for key in pool if key != right and not _same_article(key, scenario.answer)]
        options = [*([right] if right else []), *rng.sample(others, min(PROVISION_OPTIONS - 1, len(others)))]
        rng.shuffle(options)
        questions.append(Question(
            id=scenario.id, theme_label=scenario.theme_label, casus=scenario.casus,
            verdict_options=[(v, verdict_label(v, "nl")) for v in VERDICTS], provision_options=options,
            answer=scenario.answer,
        ))  # fmt: skip
    return questions


def grade(question: Question, verdict_index: int, provision_index: int) -> Result:
    verdict = (
        question.verdict_options[verdict_index][0]
        if 0 <= verdict_index < len(question.verdict_options)
        else ""
    )
    options = question.provision_options
    provision = options[provision_index] if 0 <= provision_index < len(options) else ""
    return Result(
        verdict_ok=verdict == question.answer.verdict, provision_ok=_same_article(provision, question.answer)
    )


def _decisive(answer: ModelAnswer) -> str:
    return article_level(answer.decisive[0]) if answer.decisive else ""


def _same_article(key: str, answer: ModelAnswer) -> bool:
    """A distractor must not be one of the decisive provisions; a pick is right when it is one of them."""
    return bool(key) and any(article_level(d) == key for d in answer.decisive)
