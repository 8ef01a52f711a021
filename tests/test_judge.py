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
            evidence=[f"evidence for {name}"],
            critique=f"critique of {name}",
            score=score,
            fix="" if score == 5 else f"fix {name.replace('_', ' ')} concretely",
        )
    return Judgement(**fields)


class TestQualityBar:
    def test_passes_when_every_condition_holds(self) -> None:
        assert QualityBar().passes(judgement())
        # Mean exactly 4.0, lowest exactly 3, factual care 5.
        assert QualityBar().passes(
            judgement(relevance=3, hook=4, clarity=4, specificity=4, voice=4, call_to_action=4)
        )

    def test_fails_on_a_criterion_below_min_score_alone(self) -> None:
        j = judgement(relevance=2)
        assert quality.mean_score(j) >= 4.0
        assert not QualityBar().passes(j)

    def test_fails_on_low_mean_alone(self) -> None:
        j = judgement(relevance=4, hook=4, clarity=3, specificity=3, voice=4, call_to_action=3)
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
            update={"call_to_action": CriterionScore(evidence=[], critique="-", score=2, fix="  ")}
        )
        assert QualityBar().fixes(j) == ["call to action (2/5): raise this score"]

    def test_passing_judgement_has_no_fixes(self) -> None:
        assert QualityBar().fixes(judgement(clarity=4)) == []

    def test_failing_bar_without_weak_criteria_lists_everything_below_5(self) -> None:
        j = judgement(relevance=4, hook=4, clarity=4, specificity=4, voice=4, call_to_action=4)
        bar = QualityBar(min_mean=4.5)
        assert not bar.passes(j)
        fixes = bar.fixes(j)
        assert len(fixes) == 6
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
    assert quality.mean_score(judgement(hook=4)) == round(34 / 7, 3)


class TestFeedback:
    def test_blocking_problems_then_editor_fixes_and_no_warnings(self) -> None:
        violations = [
            Violation("linkedin.hook", "warn", "first sentence is 180 characters"),
            Violation(
                "placeholder",
                "block",
                'placeholder or chatbot leak: "[Your Name]"',
                excerpt="[Your Name]",
            ),
            Violation("linkedin.markdown", "block", "LinkedIn shows plain text only"),
        ]
        text = feedback(violations, ["hook (3/5): open with the 14-day number"])
        assert text.splitlines() == [
            '- [block] placeholder or chatbot leak: "[Your Name]" (at "[Your Name]")',
            "- [block] LinkedIn shows plain text only",
            "- [editor] hook (3/5): open with the 14-day number",
        ]

    def test_warnings_alone_give_no_problems(self) -> None:
        warn = Violation("em_dashes", "warn", "3 em dashes")
        assert feedback([warn], []).startswith("- No specific problems")

    def test_nothing_flagged_still_gives_direction(self) -> None:
        assert feedback([], []).startswith("- No specific problems")

    def test_violation_as_dict_and_blocking(self) -> None:
        warn = Violation("em_dashes", "warn", "3 em dashes")
        block = Violation("blog.slug", "block", "bad slug")
        assert warn.as_dict() == {"rule": "em_dashes", "level": "warn", "message": "3 em dashes"}
        assert blocking([warn, block]) == [block]


# --- what the judge is asked, and what run.json keeps ----------------------------------------


class TestJudgeSchema:
    def test_each_criterion_is_written_evidence_then_critique_then_score(self) -> None:
        assert list(CriterionScore.model_fields) == ["evidence", "critique", "score", "fix"]
        assert list(Judgement.model_fields) == list(quality.CRITERIA)
        assert "voice" in quality.CRITERIA

    def test_the_sdk_sends_that_order_to_gemini(self) -> None:
        from google import genai
        from google.genai import _transformers

        schema = _transformers.t_schema(genai.Client(api_key="k"), Judgement)
        voice = schema.model_dump(exclude_none=True)["properties"]["voice"]
        assert voice["property_ordering"] == ["evidence", "critique", "score", "fix"]

    def test_run_json_keeps_the_quotes_and_critiques(self) -> None:
        recorded = quality.judgement_dict(judgement(voice=2))
        assert recorded is not None
        assert recorded["evidence"]["voice"] == ["evidence for voice"]
        assert recorded["critique"]["voice"] == "critique of voice"
        assert recorded["fixes"] == {"voice": "fix voice concretely"}
        assert set(recorded["scores"]) == set(quality.CRITERIA)


class TestJudgePrompt:
    def render(self, brief: str = "") -> str:
        """The judge prompt the worker sends for a LinkedIn post."""
        from types import SimpleNamespace

        from content_gen.channels import ChannelContext, get
        from content_gen.pipeline.results import Job
        from content_gen.pipeline.worker import judge_prompt
        from content_gen.prompts import PromptLibrary, default_prompts_dir

        library = PromptLibrary(default_prompts_dir())
        runtime = SimpleNamespace(context=ChannelContext(), prompts=library)
        job = Job("Hiring juniors", brief)
        return judge_prompt(get("linkedin"), job, runtime, "A post.")  # type: ignore[arg-type]

    def test_voice_and_audience_fit_are_scored(self) -> None:
        prompt = self.render()
        assert "- voice: 1 = template phrasing a reader spots as machine-made" in prompt
        assert "5 = sounds like a specific person" in prompt
        assert "- specificity:" in prompt and "aimed at" in prompt

    def test_evidence_first_then_critique_then_score(self) -> None:
        prompt = self.render()
        order = [prompt.index(w) for w in ("first copy the evidence", "critique", "give the score")]
        assert order == sorted(order)

    def test_invented_means_stories_too_and_fixes_never_ask_for_facts(self) -> None:
        prompt = self.render()
        assert 'anecdotes and "we did" or "we asked" stories' in prompt
        assert "A fix never asks for facts the brief and the plan's claims do not hold" in prompt
        # Without a brief the brief line itself says how to write.
        assert "label any example as hypothetical" in prompt

    def test_writers_are_told_about_the_tells_and_not_to_end_on_a_generic_question(
        self,
    ) -> None:
        from content_gen.prompts import default_prompts_dir

        for channel in ("linkedin", "newsletter", "blog"):
            writer = (default_prompts_dir() / channel / "writer.md").read_text()
            assert "It's not X. It's Y." in writer
            assert "hypothetical" in writer
            assert "one clear question" not in writer
        linkedin = (default_prompts_dir() / "linkedin" / "writer.md").read_text()
        assert '"What do you think?"' in linkedin and "Agree? Repost" in linkedin
