"""The quality bar, how attempts are ranked, and what the reviser is told."""

from __future__ import annotations

from content_gen.quality import judge as quality
from content_gen.quality.judge import (
    CriterionScore,
    Judgement,
    QualityBar,
    feedback,
    rank,
)
from content_gen.quality.rules import Violation, blocking

# --- the quality bar, ranking and feedback --------------------------------------------------


def judgement(**scores: int) -> Judgement:
    """All criteria 5 unless given; a fix only where the score is below 5."""
    fields = {}
    for name in quality.CRITERIA:
        score = scores.get(name, 5)
        fields[name] = CriterionScore(
            score=score,
            evidence=f"evidence for {name}",
            fix="" if score == 5 else f"fix {name.replace('_', ' ')} concretely",
        )
    return Judgement(**fields)


class TestQualityBar:
    def test_passes_when_every_condition_holds(self) -> None:
        assert QualityBar().passes(judgement())
        # Mean exactly 4.0, lowest exactly 3, factual care 5.
        assert QualityBar().passes(
            judgement(relevance=3, hook=4, clarity=4, specificity=4, call_to_action=4)
        )

    def test_fails_on_a_criterion_below_min_score_alone(self) -> None:
        j = judgement(relevance=2)
        assert quality.mean_score(j) >= 4.0
        assert not QualityBar().passes(j)

    def test_fails_on_low_mean_alone(self) -> None:
        j = judgement(relevance=4, hook=4, clarity=3, specificity=3, call_to_action=3)
        assert min(j.scores().values()) >= 3
        assert quality.mean_score(j) < 4.0
        assert not QualityBar().passes(j)

    def test_fails_on_factual_care_below_5_alone(self) -> None:
        j = judgement(factual_care=4)
        assert quality.mean_score(j) >= 4.0
        assert not QualityBar().passes(j)

    def test_thresholds_are_configurable(self) -> None:
        j = judgement(relevance=3)
        assert QualityBar().passes(j)
        assert not QualityBar(min_score=4).passes(j)
        assert not QualityBar(min_mean=4.9).passes(j)

    def test_fixes_list_only_weak_criteria(self) -> None:
        j = judgement(hook=3, clarity=4, specificity=2)
        assert QualityBar().fixes(j) == [
            "hook (3/5): fix hook concretely",
            "specificity (2/5): fix specificity concretely",
        ]

    def test_factual_care_below_5_is_always_a_fix(self) -> None:
        assert QualityBar().fixes(judgement(factual_care=4)) == [
            "factual care (4/5): fix factual care concretely"
        ]

    def test_empty_fix_text_gets_a_default(self) -> None:
        j = judgement(call_to_action=2)
        j = j.model_copy(
            update={"call_to_action": CriterionScore(score=2, evidence="none", fix="  ")}
        )
        assert QualityBar().fixes(j) == ["call to action (2/5): raise this score"]

    def test_passing_judgement_has_no_fixes(self) -> None:
        assert QualityBar().fixes(judgement(clarity=4)) == []

    def test_failing_bar_without_weak_criteria_lists_everything_below_5(self) -> None:
        j = judgement(relevance=4, hook=4, clarity=4, specificity=4, call_to_action=4)
        bar = QualityBar(min_mean=4.5)
        assert not bar.passes(j)
        fixes = bar.fixes(j)
        assert len(fixes) == 5
        assert not any(f.startswith("factual care") for f in fixes)


class TestRank:
    def test_unblocked_beats_blocked_whatever_the_scores(self) -> None:
        weak = judgement(relevance=1, hook=1, clarity=1)
        assert rank(False, weak) > rank(True, judgement())

    def test_then_the_lowest_criterion(self) -> None:
        even = judgement(**{name: 4 for name in quality.CRITERIA})
        spiky = judgement(hook=3)
        assert quality.mean_score(spiky) > quality.mean_score(even)
        assert rank(False, even) > rank(False, spiky)

    def test_then_the_mean(self) -> None:
        assert rank(False, judgement(hook=3)) > rank(False, judgement(hook=3, clarity=4))

    def test_no_judgement_ranks_below_any_judgement(self) -> None:
        assert rank(False, None) == (True, 0, 0.0)
        assert rank(False, judgement(relevance=1)) > rank(False, None)
        assert rank(False, None) > rank(True, judgement())

    def test_best_attempt_is_chosen_by_rank(self) -> None:
        attempts = {
            "blocked but brilliant": (True, judgement()),
            "clean, spiky": (False, judgement(hook=2, clarity=5)),
            "clean, even": (False, judgement(relevance=4, hook=4, clarity=4)),
            "clean, unjudged": (False, None),
        }
        best = max(attempts, key=lambda name: rank(*attempts[name]))
        assert best == "clean, even"


def test_mean_score() -> None:
    assert quality.mean_score(None) is None
    assert quality.mean_score(judgement(hook=4)) == round(29 / 6, 3)


class TestFeedback:
    def test_violations_first_then_editor_fixes(self) -> None:
        violations = [
            Violation("linkedin.hook", "warn", "first sentence is 180 characters"),
            Violation("placeholder", "block", 'placeholder or chatbot leak: "[Your Name]"'),
        ]
        text = feedback(violations, ["hook (3/5): open with the 14-day number"])
        assert text.splitlines() == [
            "- [warn] first sentence is 180 characters",
            '- [block] placeholder or chatbot leak: "[Your Name]"',
            "- [editor] hook (3/5): open with the 14-day number",
        ]

    def test_nothing_flagged_still_gives_direction(self) -> None:
        assert feedback([], []).startswith("- No specific problems")

    def test_violation_as_dict_and_blocking(self) -> None:
        warn = Violation("em_dashes", "warn", "3 em dashes")
        block = Violation("blog.slug", "block", "bad slug")
        assert warn.as_dict() == {"rule": "em_dashes", "level": "warn", "message": "3 em dashes"}
        assert blocking([warn, block]) == [block]
