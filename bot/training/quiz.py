"""Quiz questions from a pack: per casus the verdict to pick and the decisive provisions (one or more, check
boxes) among distractors (the decisive provisions of the other cases). Grading is pure: nothing is stored.

    questions = quiz_questions(pack)
    result = grade(questions[0], verdict_index=1, provision_indices=[0, 2])   # Result(points=1.5, ...)

The provisions are scored by overlap with the model answer's decisive provisions (article level): the number
picked rightly divided by the number either picked or decisive (Jaccard), so a missed provision and a wrong
extra pick cost the same. Nothing picked when none is decisive scores 1. The web app (bot/web/training.js)
scores the same way.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence

from pydantic import BaseModel, Field

from bot.training.scenarios import ModelAnswer, Pack
from bot.words import verdict_label
from kb.citations import article_level

VERDICTS = ("mag", "mag_mits", "mag_niet", "hangt_af")
PROVISION_OPTIONS = 5
FALLBACK_KEYS = (
    "AVG art. 6",
    "AVG art. 9",
    "AVG art. 10",
    "Wpg art. 20",
    "WGS art. 2.19",
    "Jeugdwet art. 7.3.11",
)
SCORING = (
    "Bepalingen tellen naar overlap: goed gekozen ÷ (gekozen plus gemiste beslissende), "
    "dus een gemiste en een overbodige bepaling kosten even veel."
)


class Question(BaseModel):
    id: str
    theme_label: str
    casus: str
    verdict_options: list[tuple[str, str]]  # (verdict, label)
    provision_options: list[str]  # article-level keys
    decisive_articles: list[str] = Field(
        description="The right picks: the decisive provisions, article level."
    )
    answer: ModelAnswer


class Result(BaseModel):
    verdict_ok: bool
    picked: list[str] = Field(default_factory=list)
    right: list[str] = Field(default_factory=list, description="The decisive provisions, article level.")
    hits: list[str] = Field(default_factory=list)
    provision_score: float = Field(description="Overlap of picked and right, 0 to 1 (see SCORING).")

    @property
    def points(self) -> float:
        return int(self.verdict_ok) + self.provision_score

    @property
    def provision_ok(self) -> bool:
        return self.provision_score == 1

    def provision_feedback(self) -> str:
        """'1 van 2 beslissende bepalingen gekozen, 1 overbodig: 0,33 punt', in Dutch."""
        extra = len(self.picked) - len(self.hits)
        return (
            f"{len(self.hits)} van {len(self.right)} beslissende bepalingen gekozen, {extra} overbodig: "
            f"{format_points(self.provision_score)} punt. {SCORING}"
        )


def quiz_questions(pack: Pack) -> list[Question]:
    decisive = [decisive_articles(s.answer) for s in pack.scenarios]
    pool = list(dict.fromkeys([*(key for keys in decisive for key in keys), *FALLBACK_KEYS]))
    questions = []
    for scenario, right in zip(pack.scenarios, decisive, strict=True):
        rng = random.Random(int.from_bytes(hashlib.sha256(scenario.id.encode()).digest()[:8], "big"))
        others = [key for key in pool if key not in right]
        options = [*right, *rng.sample(others, min(PROVISION_OPTIONS - len(right), len(others)))]
        rng.shuffle(options)
        questions.append(Question(
            id=scenario.id, theme_label=scenario.theme_label, casus=scenario.casus,
            verdict_options=[(v, verdict_label(v, "nl")) for v in VERDICTS], provision_options=options,
            decisive_articles=right, answer=scenario.answer,
        ))  # fmt: skip
    return questions


def grade(question: Question, verdict_index: int, provision_indices: Sequence[int]) -> Result:
    options = question.verdict_options
    verdict = options[verdict_index][0] if 0 <= verdict_index < len(options) else ""
    keys = question.provision_options
    picked = list(dict.fromkeys(keys[i] for i in provision_indices if 0 <= i < len(keys)))
    right = question.decisive_articles
    hits = [key for key in picked if key in right]
    either = len(set(picked) | set(right))
    return Result(
        verdict_ok=verdict == question.answer.verdict, picked=picked, right=right, hits=hits,
        provision_score=round(len(hits) / either, 2) if either else 1.0,
    )  # fmt: skip


def decisive_articles(answer: ModelAnswer) -> list[str]:
    return list(dict.fromkeys(article_level(key) for key in answer.decisive))


def format_points(points: float) -> str:
    """Dutch notation without trailing zeros: 2, 1,5, 0,33."""
    return f"{points:.2f}".rstrip("0").rstrip(".").replace(".", ",")
