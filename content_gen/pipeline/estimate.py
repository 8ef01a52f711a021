"""What a run will cost before it runs: the calls it makes and a range of dollars, worked out
without calling the API.

Prompts are the real templates filled in with each topic's inputs, counted at four characters
a token. Replies are typical lengths: the medians of the calls earlier runs recorded in the
output folder's run.json files where there are enough of them (so the estimate learns a
user's models, pieces and settings), else lengths that follow from what the prompts ask of
each channel. The expected figure assumes as many first drafts are revised as earlier runs saw
(half, without history); the range runs from every draft passing at once to every revision
used.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..llm.prices import Pricer, load_prices
from ..llm.seam import LLMReply, LLMRequest, Usage
from ..prompts import PromptLibrary
from .edits import EDITS_FROM_CHARS
from .edits import TEMPLATE as EDITS_TEMPLATE
from .plan import TopicPlan, plan_variables
from .results import Job
from .runtime import Runtime
from .worker import check_prompts, judge_prompt, prompt_variables

if TYPE_CHECKING:
    from ..channels.base import Channel
    from ..config import Settings

CHARS_PER_TOKEN = 4
TOKENS_PER_WORD = 1.4
#: Words a draft of each channel runs to: what its writer prompt asks for, where models land.
WORDS = {"linkedin": 200, "newsletter": 380}
OTHER_WORDS = 400
JUDGEMENT_TOKENS = 320  # six scores, each with a quote and a fix
PLAN_TOKENS = 450  # an angle, key points, claims with their quotes, the call to action
FEEDBACK_CHARS = 600  # the rule problems and the judge's fixes a reviser is given
EDITS_SHARE = 0.2  # of a draft's tokens, for the passages edits quote and replace
#: Thinking tokens a call spends at each level: an assumption, not a measurement (run.json
#: records the real figure per call, and the estimate uses it once there is history).
THINKING = {"minimal": 0, "low": 250, "medium": 1000, "high": 3000, "default": 3000}
REVISED_SHARE = 0.5
#: A plan as long as a typical one (the angle, four key points, the call to action; about
#: PLAN_TOKENS in all), for the prompts that carry the plan.
TYPICAL_PLAN = TopicPlan("x" * 200, ("x" * 300,) * 4, "x" * 200)
#: Calls of one kind (channel and step) in history before their median replaces the default.
ENOUGH = 2
HISTORY_RUNS = 200


@dataclass
class History:
    """Output tokens per (channel, step) and how many channels were revised, from run.json."""

    outputs: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    channels: int = 0
    revised: int = 0
    runs: int = 0

    @classmethod
    def read(cls, out_root: Path) -> History:
        found = cls()
        try:
            paths = sorted(out_root.glob("*/run.json"), key=lambda p: p.stat().st_mtime)
        except OSError:
            return found
        for path in paths[-HISTORY_RUNS:]:
            try:
                manifest = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if isinstance(manifest, dict) and not manifest.get("simulated"):
                found._add(manifest)
        return found

    def _add(self, manifest: dict[str, Any]) -> None:
        self.runs += 1
        for call in (manifest.get("plan") or {}).get("calls") or []:
            self._call("plan", call)
        for name, channel in (manifest.get("channels") or {}).items():
            attempts = channel.get("attempts") or [] if isinstance(channel, dict) else []
            if channel.get("ok"):
                self.channels += 1
                self.revised += len(attempts) > 1
            for attempt in attempts:
                for call in attempt.get("calls") or []:
                    self._call(name, call)

    def _call(self, channel: str, call: dict[str, Any]) -> None:
        tokens = call.get("tokens") or {}
        if call.get("cached") or not tokens.get("output_tokens"):
            return
        key = ("plan" if call.get("step") == "plan" else channel, str(call.get("step")))
        self.outputs.setdefault(key, []).append(int(tokens["output_tokens"]))

    def median(self, channel: str, step: str) -> int | None:
        found = self.outputs.get((channel, step), [])
        return round(statistics.median(found)) if len(found) >= ENOUGH else None

    @property
    def calls(self) -> int:
        return sum(len(v) for v in self.outputs.values())

    def revised_share(self) -> float | None:
        return self.revised / self.channels if self.channels >= 2 * ENOUGH else None


@dataclass(frozen=True)
class Span:
    """Calls and dollars at the least, as expected, and at the most."""

    calls: tuple[float, float, float] = (0, 0, 0)
    cost: tuple[float, float, float] = (0.0, 0.0, 0.0)
    unknown: bool = False

    def __add__(self, other: Span) -> Span:
        return Span(
            tuple(a + b for a, b in zip(self.calls, other.calls, strict=True)),  # type: ignore[arg-type]
            tuple(a + b for a, b in zip(self.cost, other.cost, strict=True)),  # type: ignore[arg-type]
            self.unknown or other.unknown,
        )


@dataclass
class Estimate:
    total: Span = field(default_factory=Span)
    parts: dict[str, Span] = field(default_factory=dict)  # "plan", then each channel
    topics: int = 0
    prompt_tokens: int = 0
    history: History = field(default_factory=History)
    revised_share: float = REVISED_SHARE
    lengths: dict[str, int] = field(default_factory=dict)  # a draft's output tokens, by channel

    def add(self, part: str, span: Span) -> None:
        self.parts[part] = self.parts.get(part, Span()) + span
        self.total = self.total + span


class _NoCalls:
    """The LLM of an estimate: it is never asked anything."""

    def connect(self) -> None:
        pass

    def generate(self, request: LLMRequest) -> LLMReply:
        raise AssertionError("an estimate calls no model")


class Estimator:
    """Estimates runs for one set of settings, prompts and prices."""

    def __init__(self, settings: Settings, channels: Sequence[Channel], *, batch: bool) -> None:
        prompts = PromptLibrary.for_settings(settings.prompts_dir)
        check_prompts(list(channels), prompts)  # a broken template fails here, as in a run
        self.settings, self.batch = settings, batch
        self.rt = Runtime.build(settings, _NoCalls(), prompts=prompts)
        self.pricer = Pricer(load_prices(settings.prices_file))
        self.history = History.read(settings.output_dir)
        self.result = Estimate(history=self.history)
        self.result.revised_share = self.history.revised_share() or REVISED_SHARE

    def topic(self, job: Job, channels: Sequence[Channel], *, plan: bool = True) -> None:
        """Add one topic: its plan (unless one is saved) and its channels' loops."""
        self.result.topics += 1
        if plan:
            labels = [c.label for c in channels]
            prompt = self._tokens(self.rt.prompts.render("plan.md", plan_variables(job, labels)))
            output = self._output("plan", "plan", PLAN_TOKENS)
            self.result.add("plan", self._span(self.settings.model, prompt, output, "plan"))
        for channel in channels:
            self.result.add(channel.name, self._channel(channel, job))

    def _channel(self, channel: Channel, job: Job) -> Span:
        rt, settings = self.rt, self.settings
        # The prompts are filled in as a run fills them, the plan one of a typical length.
        job = replace(job, plan=TYPICAL_PLAN)
        variables = prompt_variables(channel, job, rt)
        words = WORDS.get(channel.name, OTHER_WORDS)
        if channel.name == "blog":
            words = (3 * settings.blog_min_words + settings.blog_max_words) // 4
        typical = self._output(channel.name, "draft", round(words * TOKENS_PER_WORD))
        self.result.lengths[channel.name] = typical
        writer = self._tokens(rt.prompts.render(channel.prompt("writer"), variables))
        draft = self._cost(settings.model, writer, typical, "draft")
        judge_in = self._tokens(judge_prompt(channel, job, rt, "")) + typical
        judge = self._cost(
            settings.judge_model, judge_in, self._output(channel.name, "judge", JUDGEMENT_TOKENS)
        )
        revise = self._revision(channel, variables, typical)
        once = (draft[0] + judge[0], draft[1] or judge[1])
        again = (revise[0] + judge[0], revise[1] or judge[1])
        share, most = self.result.revised_share, settings.max_revisions
        return Span(
            (2, 2 + 2 * share, 2 + 2 * most),
            (once[0], once[0] + share * again[0], once[0] + most * again[0]),
            once[1] or again[1],
        )

    def _revision(
        self, channel: Channel, variables: dict[str, object], typical: int
    ) -> tuple[float, bool]:
        edits = (
            self.settings.revise != "rewrite"
            and self.rt.prompts.has(EDITS_TEMPLATE)
            and (self.settings.revise == "edits" or typical * CHARS_PER_TOKEN >= EDITS_FROM_CHARS)
        )
        template = EDITS_TEMPLATE if edits else channel.prompt("reviser")
        text = self.rt.prompts.render(
            template, variables | {"draft": "", "feedback": "x" * FEEDBACK_CHARS, "fields": ""}
        )
        made = round(typical * EDITS_SHARE) + 50 if edits else typical
        output = self._output(channel.name, "revise", made)
        return self._cost(self.settings.model, self._tokens(text) + typical, output, "revise")

    def _output(self, channel: str, step: str, default: int) -> int:
        """A reply's output tokens: the history's median, else the default plus thinking."""
        known = self.history.median(channel, step)
        if known is not None:
            return known
        return default + THINKING[self.settings.thinking(step).level]

    def _tokens(self, text: str) -> int:
        tokens = len(text) // CHARS_PER_TOKEN + 1
        self.result.prompt_tokens += tokens
        return tokens

    def _span(self, model: str, prompt: int, output: int, step: str) -> Span:
        cost, unknown = self._cost(model, prompt, output, step)
        return Span((1, 1, 1), (cost, cost, cost), unknown)

    def _cost(self, model: str, prompt: int, output: int, step: str = "") -> tuple[float, bool]:
        usage = Usage(prompt_tokens=prompt, output_tokens=output)
        cost = self.pricer.table.cost(model, usage, self.pricer.today(), batch=self.batch)
        return (cost or 0.0, cost is None)
