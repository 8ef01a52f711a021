"""Thinking per step: a level each step may think at, sent as the model takes it (Gemini 3 a
level, 2.5 a budget, never both), checked before any call."""

from __future__ import annotations

import pytest

from content_gen.config import load_settings
from content_gen.errors import UsageError
from content_gen.fake import FakeGemini
from content_gen.fake import replies as fake_replies
from content_gen.llm.seam import LLMRequest
from content_gen.llm.steps import thinking
from content_gen.quality.judge import Judgement


@pytest.mark.parametrize(
    ("model", "level", "sent"),
    [
        ("gemini-3.6-flash", "minimal", {"thinking_level": "MINIMAL"}),
        ("gemini-3.8-flash", "minimal", {"thinking_level": "LOW"}),  # it has no minimal
        ("gemini-3.8-flash", "high", {"thinking_level": "HIGH"}),
        ("gemini-2.5-flash", "minimal", {"thinking_budget": 0}),
        ("gemini-2.5-pro", "minimal", {"thinking_budget": 128}),  # Pro cannot stop thinking
        ("gemini-2.5-flash", "high", {"thinking_budget": -1}),
        ("gemini-3.8-flash", "default", None),
    ],
)
def test_a_level_goes_out_as_the_model_takes_it(model: str, level: str, sent: object) -> None:
    assert thinking(model, level).config == sent


def test_a_clamped_level_says_so() -> None:
    assert thinking("gemini-3.8-flash", "minimal").note == (
        "gemini-3.8-flash has no minimal thinking level: it thinks at low"
    )


def test_settings_check_each_steps_level_against_its_model() -> None:
    with pytest.raises(UsageError, match=r"CONTENT_GEN_THINKING_JUDGE \(from environment\): "):
        load_settings(
            environ={
                "CONTENT_GEN_THINKING_JUDGE": "high",
                "CONTENT_GEN_JUDGE_MODEL": "gemini-2.0-flash",
            },
            env_file=None,
        )
    with pytest.raises(UsageError, match=r"CONTENT_GEN_THINKING_WRITER.*input should be"):
        load_settings(environ={"CONTENT_GEN_THINKING_WRITER": "lots"}, env_file=None)
    # A model that does not think leaves the defaults unsent, rather than refusing to run.
    quiet = load_settings(environ={"CONTENT_GEN_MODEL": "gemini-2.0-flash"}, env_file=None)
    assert quiet.thinking("draft").config is None


def test_the_request_carries_the_steps_level_and_never_both(fake: FakeGemini, runtime, monkeypatch):
    sent: list[dict] = []
    real = fake_replies.schema_of

    def capture(body: dict) -> dict:
        sent.append(body["generationConfig"])
        return real(body)

    monkeypatch.setattr(fake_replies, "schema_of", capture)
    llm = runtime(thinking_judge="medium", judge_model="gemini-2.5-flash").llm
    llm.generate(LLMRequest("gemini-2.5-flash", "Topic: AI", Judgement, "blog", "judge"))
    llm.generate(LLMRequest("gemini-3.8-flash", "Topic: AI", Judgement, "blog", "plan"))
    judge, plan = [c for n, c in enumerate(sent) if c not in sent[:n]]  # each as it was sent
    assert judge["thinkingConfig"] == {"thinking_budget": 8192}
    assert plan["thinkingConfig"] == {"thinking_level": "MEDIUM"}
    assert judge["maxOutputTokens"] == 8192
