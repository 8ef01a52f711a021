"""What each step of a run asks of the model beyond its prompt: how long it may think, how
much it may write.

Thinking tokens are billed as output and count against the output limit, and Gemini 3 thinks
at a high level unless told otherwise, so each step's level is a setting with a default chosen
for cost. Gemini 3 takes `thinking_level`, 2.5 takes `thinking_budget`: never both (the API
refuses a request with both). Standard library only: the settings are checked with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

LEVELS = ("default", "minimal", "low", "medium", "high")
#: The setting that names each step's thinking level.
STEP_SETTINGS = {
    "plan": "thinking_plan",
    "draft": "thinking_writer",
    "revise": "thinking_reviser",
    "judge": "thinking_judge",
}
#: The most a reply may write, thinking included: a 2,000-word blog post is about 2,700 tokens,
#: a judgement well under 1,000. It also bounds the worst case a cost cap reserves per call.
MAX_OUTPUT_TOKENS = {"plan": 8192, "draft": 16384, "revise": 16384, "judge": 8192}

# Gemini 3 models whose lowest level is "low" (minimal is not offered, or thinking cannot be
# turned off); other Gemini 3 models take all four levels. Checked 2026-12-01, see README.
_NO_MINIMAL = ("gemini-3.8-flash", "gemini-3.7-flash", "gemini-3.1-pro-preview")
# Gemini 2.5 takes a budget of thinking tokens instead: 0 turns thinking off (Pro cannot, its
# least is 128), -1 lets the model decide.
_BUDGETS = {"minimal": 0, "low": 1024, "medium": 8192, "high": -1}
_PRO_25_MINIMUM = 128
_VERSION = re.compile(r"-\d{3}$")


@dataclass(frozen=True)
class Thinking:
    """A step's thinking as sent: `config` is the ThinkingConfig's fields (None: send none)."""

    level: str
    config: dict[str, Any] | None = None
    #: Why the level sent differs from the one asked for, if it does.
    note: str | None = None


def thinking(model: str, level: str) -> Thinking:
    """The thinking config `model` takes for `level`; ValueError if it takes no such level."""
    if level not in LEVELS:
        raise ValueError(f"expected one of {', '.join(LEVELS)}")
    if level == "default":
        return Thinking(level)
    name = _VERSION.sub("", model.removeprefix("models/"))
    if name.startswith("gemini-2.5"):
        budget = _BUDGETS[level]
        if level == "minimal" and "pro" in name:
            budget = _PRO_25_MINIMUM
        return Thinking(level, {"thinking_budget": budget})
    if re.match(r"gemini-(1|2)\.", name):
        raise ValueError(f"{model} does not think: leave it unset, or set it to default")
    if level == "minimal" and name in _NO_MINIMAL:
        note = f"{model} has no minimal thinking level: it thinks at low"
        return Thinking("low", {"thinking_level": "LOW"}, note)
    return Thinking(level, {"thinking_level": level.upper()})


def max_output_tokens(step: str) -> int:
    return MAX_OUTPUT_TOKENS.get(step, MAX_OUTPUT_TOKENS["draft"])
