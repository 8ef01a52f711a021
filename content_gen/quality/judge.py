"""The judge's verdict and the bar a piece must clear; how attempts are ranked and revised.

The judge replies in the `Judgement` schema (structured output). Per criterion it writes the
evidence first, then its critique, then the score and the fix: the schema's field order is the
order the model writes in, so a score follows from quotes instead of being justified after the
fact. Parse failures are failed judgements, never default scores; the bar and the ranking are
deterministic.

With a voice kit the judge replies in `VoiceJudgement`, which adds `voice_match` (how well
the piece matches the kit's style guide and samples) as one more criterion: it counts towards
the lowest score and the mean like the others, so one bar serves both schemas. `voice` stays
what it was, how machine-made the writing reads.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

from .rules import Violation, blocking

CRITERIA = (
    "relevance",
    "hook",
    "clarity",
    "specificity",
    "voice",
    "call_to_action",
    "factual_care",
)
VOICE_CRITERIA = (*CRITERIA, "voice_match")


class CriterionScore(BaseModel):
    evidence: list[str] = Field(
        description="one to three short quotes from the piece, copied exactly, that the score "
        "rests on; written before anything else"
    )
    critique: str = Field(description="what the quotes show about this criterion, in a sentence")
    score: int = Field(ge=1, le=5, description="1-5 on the anchored scale in the instructions")
    fix: str = Field(
        description="one concrete change that would raise the score; empty if 5; never a "
        "request for facts, numbers, names or stories the brief does not give"
    )


class Judgement(BaseModel):
    """A skeptical editor's review of one piece, criterion by criterion."""

    relevance: CriterionScore
    hook: CriterionScore
    clarity: CriterionScore
    specificity: CriterionScore
    voice: CriterionScore
    call_to_action: CriterionScore
    factual_care: CriterionScore

    @classmethod
    def criteria(cls) -> tuple[str, ...]:
        """The criteria this schema scores, in the order the judge writes them."""
        return tuple(cls.model_fields)

    def scores(self) -> dict[str, int]:
        return {name: getattr(self, name).score for name in self.criteria()}


class VoiceJudgement(Judgement):
    """The same review, and how well the piece matches the voice kit it was written to."""

    voice_match: CriterionScore


@dataclass(frozen=True)
class QualityBar:
    """Pass: every criterion >= min_score, mean >= min_mean, factual care a full 5."""

    min_score: int = 3
    min_mean: float = 4.0
    min_gain: float = 0.25  # stop revising when the mean improves by less than this

    def passes(self, judgement: Judgement) -> bool:
        scores = judgement.scores()
        return (
            min(scores.values()) >= self.min_score
            and statistics.fmean(scores.values()) >= self.min_mean
            and scores["factual_care"] == 5
        )

    def fixes(self, judgement: Judgement) -> list[str]:
        """The criteria to work on, so that passing ones are left alone."""
        criteria = judgement.criteria()
        weak = [
            name
            for name in criteria
            if getattr(judgement, name).score < 4
            or (name == "factual_care" and judgement.factual_care.score < 5)
        ]
        if not weak and not self.passes(judgement):
            weak = [name for name in criteria if getattr(judgement, name).score < 5]
        return [
            f"{name.replace('_', ' ')} ({getattr(judgement, name).score}/5): "
            f"{getattr(judgement, name).fix.strip() or 'raise this score'}"
            for name in weak
        ]


def mean_score(judgement: Judgement | None) -> float | None:
    return None if judgement is None else round(statistics.fmean(judgement.scores().values()), 3)


def judgement_dict(judgement: Judgement | None) -> dict[str, Any] | None:
    """A judgement as run.json records it: scores, mean, the fixes asked for, and per criterion
    the quotes and critique the score rests on (to see later why a piece passed)."""
    if judgement is None:
        return None
    criteria = {name: getattr(judgement, name) for name in judgement.criteria()}
    return {
        "scores": judgement.scores(),
        "mean": mean_score(judgement),
        "fixes": {name: c.fix for name, c in criteria.items() if c.fix},
        "evidence": {name: c.evidence for name, c in criteria.items()},
        "critique": {name: c.critique for name, c in criteria.items()},
    }


def rank(blocked: bool, judgement: Judgement | None) -> tuple[bool, int, float]:
    """Higher is better: no blocking rule failed, then the weakest criterion, then the mean."""
    if judgement is None:
        return (not blocked, 0, 0.0)
    scores = judgement.scores()
    return (not blocked, min(scores.values()), statistics.fmean(scores.values()))


def feedback(violations: Sequence[Violation], fixes: Sequence[str]) -> str:
    """What the reviser is told: the blocking problems (certain), then the judge's fixes for
    its weak criteria. Warnings are left out, so that "change only what was flagged" holds: a
    reviser chasing every warning rewrites what already works."""
    lines = [
        f"- [block] {v.message}" + (f' (at "{v.excerpt}")' if v.excerpt else "")
        for v in blocking(violations)
    ]
    lines += [f"- [editor] {fix}" for fix in fixes]
    return "\n".join(lines) if lines else "- No specific problems were flagged; tighten the piece."
