"""The channel worker: draft, check, judge, revise; keep the best attempt; save it.

A worker never raises: whatever happens, it returns a ChannelResult, so one channel's
failure cannot reach another.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from pydantic import BaseModel

from . import quality
from .channels import Channel, ChannelContext, mark_simulated
from .errors import Interrupted, LLMError
from .llm import LLM, CallRecord, LLMRequest, Usage
from .prompts import PromptLibrary
from .quality import Judgement, QualityBar, Violation
from .storage import RunDir

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
INTERRUPTED = "interrupted before this channel finished"


@dataclass(frozen=True)
class Job:
    """One topic to write about, with what the pieces must draw on."""

    topic: str
    brief: str = ""
    audience: str = ""
    day: date = field(default_factory=date.today)
    #: Names the topic in log lines when several run at once (calendar runs).
    tag: str = ""

    def log_tag(self, channel: str) -> str:
        return f"{self.tag} {channel}" if self.tag else channel


@dataclass(frozen=True)
class Runtime:
    """What every worker shares: built once at the edge, read-only afterwards."""

    llm: LLM
    prompts: PromptLibrary
    model: str
    judge_model: str
    max_revisions: int
    bar: QualityBar
    context: ChannelContext
    stop: threading.Event = field(default_factory=threading.Event)
    clock: Callable[[], float] = time.monotonic
    simulated: bool = False
    redact: Callable[[str], str] = lambda text: text


@dataclass
class Attempt:
    number: int
    draft: BaseModel | None = None
    violations: list[Violation] = field(default_factory=list)
    judgement: Judgement | None = None
    judge_error: str | None = None
    passed: bool = False
    calls: list[CallRecord] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def blocked(self) -> bool:
        return bool(quality.blocking(self.violations))

    @property
    def usage(self) -> Usage:
        return sum((c.usage for c in self.calls), Usage())

    @property
    def rank(self) -> tuple[bool, int, float]:
        return quality.rank(self.blocked, self.judgement)

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "kind": "draft" if self.number == 1 else "revision",
            "rules": [v.as_dict() for v in self.violations],
            "blocked": self.blocked,
            "judge": None
            if self.judgement is None
            else {
                "scores": self.judgement.scores(),
                "mean": quality.mean_score(self.judgement),
                "fixes": {
                    name: getattr(self.judgement, name).fix
                    for name in quality.CRITERIA
                    if getattr(self.judgement, name).fix
                },
            },
            "judge_error": self.judge_error,
            "passed": self.passed,
            "tokens": self.usage.as_dict(),
            "seconds": round(self.seconds, 3),
            "calls": [c.as_dict() for c in self.calls],
        }


@dataclass
class ChannelResult:
    """Either saved (ok, with a file) or failed (with an error); never neither."""

    channel: str
    status: str  # "passed", "below_bar", "failed" or "interrupted"
    file: str | None = None
    error: str | None = None
    error_kind: str | None = None
    attempts: list[Attempt] = field(default_factory=list)
    best: int | None = None  # number of the attempt that was saved
    # The saved attempt's mean judge score: a field, not read from `attempts` on demand, so
    # that a result can let go of its judgements and still report it.
    score: float | None = None
    stop_reason: str | None = None
    seconds: float = 0.0

    @classmethod
    def interrupted(
        cls, channel: str, attempts: list[Attempt] | None = None, seconds: float = 0.0
    ) -> ChannelResult:
        """A channel the run stopped (Ctrl-C, SIGTERM) before it finished."""
        return cls(
            channel,
            "interrupted",
            error=INTERRUPTED,
            error_kind="interrupted",
            attempts=attempts or [],
            seconds=seconds,
        )

    def __post_init__(self) -> None:
        if self.ok and self.file is None:
            raise ValueError("a saved channel result needs its file")
        if not self.ok and self.error is None:
            raise ValueError("a failed channel result needs its error")

    @property
    def ok(self) -> bool:
        return self.status in ("passed", "below_bar")

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    @property
    def usage(self) -> Usage:
        return sum((a.usage for a in self.attempts), Usage())

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "status": self.status,
            "file": self.file,
            "error": self.error,
            "error_kind": self.error_kind,
            "passed": self.passed,
            "score": self.score,
            "best_attempt": self.best,
            "stop_reason": self.stop_reason,
            "seconds": round(self.seconds, 3),
            "usage": self.usage.as_dict(),
            "attempts": [a.as_dict() for a in self.attempts],
        }


def run_channel(channel: Channel, job: Job, run_dir: RunDir, rt: Runtime) -> ChannelResult:
    """The quality loop for one channel. Returns a result; never raises."""
    started = rt.clock()
    ctx = replace(rt.context, day=job.day)
    attempts: list[Attempt] = []
    error: BaseException | None = None
    stop_reason = "max_revisions"
    try:
        for number in range(1, rt.max_revisions + 2):
            best, attempt = _best(attempts), Attempt(number)
            attempts.append(attempt)  # recorded even if a call below fails
            _run_attempt(channel, job, rt, ctx, attempt, best)
            if attempt.passed:
                stop_reason = "passed"
                break
            if _no_gain(attempts, rt.bar.min_gain):
                stop_reason = "no_gain"
                break
    except Exception as exc:
        error = exc
    seconds = rt.clock() - started

    best = _best(attempts)
    if isinstance(error, Interrupted) or rt.stop.is_set():
        return ChannelResult.interrupted(channel.name, attempts, seconds)
    if best is None or best.draft is None:
        assert error is not None
        return _failure(channel, error, attempts, seconds, rt)

    text = channel.render(best.draft, ctx)
    try:
        run_dir.write(channel.filename, mark_simulated(text) if rt.simulated else text)
    except OSError as exc:
        return _failure(channel, exc, attempts, seconds, rt)
    if error is not None:
        # Keep what the loop produced, but say the loop did not finish.
        failed = _failure(channel, error, attempts, seconds, rt)
        failed.file, failed.best = channel.filename, best.number
        failed.score = quality.mean_score(best.judgement)
        failed.error = f"{failed.error} (the best draft so far was saved, unapproved)"
        return failed
    return ChannelResult(
        channel.name,
        "passed" if best.passed else "below_bar",
        file=channel.filename,
        attempts=attempts,
        best=best.number,
        score=quality.mean_score(best.judgement),
        stop_reason=stop_reason,
        seconds=seconds,
    )


def _run_attempt(
    channel: Channel,
    job: Job,
    rt: Runtime,
    ctx: ChannelContext,
    attempt: Attempt,
    best: Attempt | None,
) -> None:
    started = rt.clock()
    variables = _variables(channel, job, rt)
    tag = job.log_tag(channel.name)
    try:
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
                    "feedback": quality.feedback(best.violations, fixes),
                },
            )
            step = "revise"
        draft = _call(
            rt,
            attempt,
            LLMRequest(
                rt.model,
                prompt,
                channel.schema,
                channel.name,
                step,
                attempt.number,
                log_tag=tag,
            ),
        )
        attempt.draft = draft
        attempt.violations = channel.check(draft, ctx)
        if attempt.blocked:
            return
        judge_prompt = rt.prompts.render(
            "judge.md",
            variables
            | {
                "piece": channel.render(draft, ctx),
                "criteria": rt.prompts.render(channel.prompt("criteria"), variables),
            },
        )
        try:
            attempt.judgement = _call(
                rt,
                attempt,
                LLMRequest(
                    rt.judge_model,
                    judge_prompt,
                    Judgement,
                    channel.name,
                    "judge",
                    attempt.number,
                    model_setting="CONTENT_GEN_JUDGE_MODEL",
                    log_tag=tag,
                ),
            )
        except LLMError as exc:
            attempt.judge_error = rt.redact(str(exc))
            raise
        attempt.passed = rt.bar.passes(attempt.judgement)
    finally:
        attempt.seconds = rt.clock() - started
        log.info(
            "attempt %d: %d rule problems (%d blocking), score %s, %s",
            attempt.number,
            len(attempt.violations),
            len(quality.blocking(attempt.violations)),
            quality.mean_score(attempt.judgement),
            "passed" if attempt.passed else "not passed",
            extra={"channel": tag},
        )


def _call(rt: Runtime, attempt: Attempt, request: LLMRequest) -> Any:
    if rt.stop.is_set():
        raise Interrupted()
    try:
        reply = rt.llm.generate(request)
    except LLMError as exc:
        if isinstance(exc.record, CallRecord):
            attempt.calls.append(exc.record)
        raise
    attempt.calls.append(reply.record)
    return reply.value


def _variables(channel: Channel, job: Job, rt: Runtime) -> dict[str, object]:
    ctx = rt.context
    return {
        "topic": job.topic,
        "brief": job.brief.strip() or "(none: rely on general knowledge, and invent no facts)",
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
    if len(attempts) < 2 or attempts[-1].judgement is None:
        return False
    before = _best(attempts[:-1])
    if before is None or before.judgement is None:
        return False
    gain = quality.mean_score(attempts[-1].judgement) - quality.mean_score(before.judgement)
    return gain < min_gain


def _failure(
    channel: Channel, error: BaseException, attempts: list[Attempt], seconds: float, rt: Runtime
) -> ChannelResult:
    if isinstance(error, LLMError):
        kind, message = error.reason, str(error)
    elif isinstance(error, OSError):
        kind, message = "write_error", f"could not save {channel.filename}: {error}"
    else:
        # A bug, not an API problem: the traceback is for -vv, the user gets one line.
        log.debug("unexpected error", exc_info=error, extra={"channel": channel.name})
        kind, message = "internal_error", f"unexpected {type(error).__name__}: {error}"
    return ChannelResult(
        channel.name,
        "failed",
        error=rt.redact(message),
        error_kind=kind,
        attempts=attempts,
        seconds=seconds,
    )


def check_prompts(channels: list[Channel], prompts: PromptLibrary) -> None:
    """Load and check every template a run will use, before any API call."""
    for channel in channels:
        prompts.check(channel.prompt("writer"), WRITER_VARIABLES)
        prompts.check(channel.prompt("reviser"), REVISER_VARIABLES)
        prompts.check(channel.prompt("criteria"), WRITER_VARIABLES)
    prompts.check("judge.md", JUDGE_VARIABLES)
