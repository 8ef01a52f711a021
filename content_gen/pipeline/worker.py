"""The channel worker: draft, check, judge, revise; keep the best attempt; save it.

A worker never raises: whatever happens, it returns a ChannelResult, so one channel's
failure cannot reach another.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from ..channels.base import Channel, ChannelContext, mark_simulated
from ..errors import Interrupted, LLMError
from ..llm.seam import CallRecord, LLMRequest
from ..quality.judge import Judgement, feedback, mean_score
from ..quality.rules import Violation, blocking
from .results import Attempt, ChannelResult, Job
from .runtime import Runtime

if TYPE_CHECKING:
    from pydantic import BaseModel

    from ..prompts import PromptLibrary
    from ..storage import RunDir

log = logging.getLogger("content_gen.worker")

WRITER_VARIABLES = (
    "topic",
    "brief",
    "audience",
    "today",
    "channel",
    "postal_address",
    "blog_min_words",
    "blog_max_words",
)
REVISER_VARIABLES = (*WRITER_VARIABLES, "draft", "feedback")
JUDGE_VARIABLES = (*WRITER_VARIABLES, "piece", "criteria")


@dataclass
class _Progress:
    """An attempt while it is being made; frozen into an Attempt when it ends, however."""

    number: int
    draft: BaseModel | None = None
    violations: tuple[Violation, ...] = ()
    judgement: Judgement | None = None
    judge_error: str | None = None
    passed: bool = False
    calls: list[CallRecord] = field(default_factory=list)

    def freeze(self, seconds: float) -> Attempt:
        return Attempt(
            self.number,
            self.draft,
            self.violations,
            self.judgement,
            self.judge_error,
            self.passed,
            tuple(self.calls),
            seconds,
        )


def run_channel(channel: Channel, job: Job, run_dir: RunDir, rt: Runtime) -> ChannelResult:
    """The quality loop for one channel. Returns a result; never raises."""
    started = rt.clock()
    ctx = replace(rt.context, day=job.day)
    attempts: list[Attempt] = []
    error: BaseException | None = None
    stop_reason = "max_revisions"
    try:
        for number in range(1, rt.max_revisions + 2):
            attempt = _run_attempt(channel, job, rt, ctx, number, _best(attempts), attempts)
            if attempt.passed:
                stop_reason = "passed"
                break
            if _no_gain(attempts, rt.bar.min_gain):
                stop_reason = "no_gain"
                break
    except Exception as exc:
        error = exc
    seconds = rt.clock() - started
    done = tuple(attempts)

    best = _best(attempts)
    if isinstance(error, Interrupted) or rt.stop.is_set():
        return ChannelResult.interrupted(channel.name, done, seconds)
    if best is None or best.draft is None:
        assert error is not None
        return ChannelResult.failed(channel.name, error, rt.redact, attempts=done, seconds=seconds)

    text = channel.render(best.draft, ctx)
    try:
        run_dir.write(channel.filename, mark_simulated(text) if rt.simulated else text)
    except OSError as exc:
        return ChannelResult.failed(channel.name, exc, rt.redact, attempts=done, seconds=seconds)
    if error is not None:
        # Keep what the loop produced, but say the loop did not finish.
        return ChannelResult.failed(
            channel.name,
            error,
            rt.redact,
            attempts=done,
            seconds=seconds,
            kept=(channel.filename, best),
        )
    return ChannelResult.saved(
        channel.name, channel.filename, done, best, stop_reason=stop_reason, seconds=seconds
    )


def _run_attempt(
    channel: Channel,
    job: Job,
    rt: Runtime,
    ctx: ChannelContext,
    number: int,
    best: Attempt | None,
    attempts: list[Attempt],
) -> Attempt:
    """Make attempt `number` and append it to `attempts`, even if one of its calls fails."""
    started = rt.clock()
    progress = _Progress(number)
    tag = job.log_tag(channel.name)
    try:
        _make(channel, job, rt, ctx, progress, best, tag)
    finally:
        attempt = progress.freeze(rt.clock() - started)
        attempts.append(attempt)
        log.info(
            "attempt %d: %d rule problems (%d blocking), score %s, %s",
            attempt.number,
            len(attempt.violations),
            len(blocking(attempt.violations)),
            mean_score(attempt.judgement),
            "passed" if attempt.passed else "not passed",
            extra={"channel": tag},
        )
    return attempt


def _make(
    channel: Channel,
    job: Job,
    rt: Runtime,
    ctx: ChannelContext,
    progress: _Progress,
    best: Attempt | None,
    tag: str,
) -> None:
    """Draft (or revise the best attempt so far), check, and judge unless a rule blocks."""
    variables = _variables(channel, job, rt)
    if best is None or best.draft is None:
        prompt = rt.prompts.render(channel.prompt("writer"), variables)
        step = "draft"
    else:
        fixes = rt.bar.fixes(best.judgement) if best.judgement else []
        prompt = rt.prompts.render(
            channel.prompt("reviser"),
            variables
            | {
                "draft": best.draft.model_dump_json(indent=2),
                "feedback": feedback(best.violations, fixes),
            },
        )
        step = "revise"
    number = progress.number
    request = LLMRequest(rt.model, prompt, channel.schema, channel.name, step, number, log_tag=tag)
    draft = _call(rt, progress, request)
    progress.draft = draft
    piece = channel.render(draft, ctx)
    # Located in the file as it would be saved, so run.json's lines are the file's lines.
    progress.violations = tuple(
        channel.check(draft, ctx, mark_simulated(piece) if rt.simulated else piece)
    )
    if blocking(progress.violations):
        return
    judge_prompt = rt.prompts.render(
        "judge.md",
        variables
        | {
            "piece": piece,
            "criteria": rt.prompts.render(channel.prompt("criteria"), variables),
        },
    )
    judge = LLMRequest(
        rt.judge_model,
        judge_prompt,
        Judgement,
        channel.name,
        "judge",
        number,
        model_setting="CONTENT_GEN_JUDGE_MODEL",
        log_tag=tag,
    )
    try:
        progress.judgement = _call(rt, progress, judge)
    except LLMError as exc:
        progress.judge_error = rt.redact(str(exc))
        raise
    progress.passed = rt.bar.passes(progress.judgement)


def _call(rt: Runtime, progress: _Progress, request: LLMRequest) -> Any:
    if rt.stop.is_set():
        raise Interrupted()
    try:
        reply = rt.llm.generate(request)
    except LLMError as exc:
        if isinstance(exc.record, CallRecord):
            progress.calls.append(exc.record)
        raise
    progress.calls.append(reply.record)
    return reply.value


def _variables(channel: Channel, job: Job, rt: Runtime) -> dict[str, object]:
    ctx = rt.context
    return {
        "topic": job.topic,
        "brief": job.brief.strip()
        or "(none: give advice from general knowledge; invent no facts, figures, quotes, "
        "customers or stories, and label any example as hypothetical)",
        "audience": job.audience,
        "today": job.day.isoformat(),
        "channel": channel.label,
        "postal_address": ctx.postal_address or "(none)",
        "blog_min_words": ctx.blog_min_words,
        "blog_max_words": ctx.blog_max_words,
    }


def _best(attempts: list[Attempt]) -> Attempt | None:
    drafted = [a for a in attempts if a.draft is not None]
    # max() keeps the first of equals, so an earlier attempt wins a tie.
    return max(drafted, key=lambda a: a.rank) if drafted else None


def _no_gain(attempts: list[Attempt], min_gain: float) -> bool:
    """Stop when a revision raised the mean by less than `min_gain` over the best before it."""
    if len(attempts) < 2:
        return False
    last, before = mean_score(attempts[-1].judgement), _best(attempts[:-1])
    earlier = mean_score(before.judgement) if before else None
    if last is None or earlier is None:
        return False
    return last - earlier < min_gain


def check_prompts(channels: list[Channel], prompts: PromptLibrary) -> None:
    """Load and check every template a run will use, before any API call."""
    for channel in channels:
        prompts.check(channel.prompt("writer"), WRITER_VARIABLES)
        prompts.check(channel.prompt("reviser"), REVISER_VARIABLES)
        prompts.check(channel.prompt("criteria"), WRITER_VARIABLES)
    prompts.check("judge.md", JUDGE_VARIABLES)
