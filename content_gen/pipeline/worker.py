"""The channel worker: draft, check, judge, revise; keep the best attempt; save it.

A worker never raises: whatever happens, it returns a ChannelResult, so one channel's
failure cannot reach another.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING, Any

from ..channels.base import Channel, ChannelContext, mark_simulated
from ..errors import Interrupted, LLMError, RunHalted
from ..llm.seam import CallRecord, LLMRequest, Meter
from ..quality.judge import Judgement, VoiceJudgement, feedback, mean_score
from ..quality.language import label as language_label
from ..quality.rules import blocking
from ..voice.kit import guide_text, samples_text, words_text
from .ahead import Ahead, Announcing, save
from .edits import TEMPLATE as EDITS_TEMPLATE
from .edits import revise
from .results import Attempt, ChannelResult, Job
from .runtime import Runtime
from .tally import Progress, Tally

if TYPE_CHECKING:
    from ..prompts import PromptLibrary
    from ..storage import RunDir, Staged

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
    "plan",
    "language",
    "voice",
    "voice_guide",
    "voice_samples",
    "voice_words",
)
REVISER_VARIABLES = (*WRITER_VARIABLES, "draft", "feedback")
JUDGE_VARIABLES = (*WRITER_VARIABLES, "piece", "criteria", "voice_match")
#: voice.md (the kit for the writer and reviser) and voice_match.md (for the judge).
VOICE_VARIABLES = ("channel", "language", "voice_guide", "voice_samples", "voice_words")


@dataclass(frozen=True)
class ChannelRun:
    """What a worker hands back: its result and, when it saved a piece, its staged files (the
    piece's own first, then its extras).

    The files are put in place only after run.json records them (`orchestrator.py`), so a
    piece on disk is always one that run.json knows, and a later run can adopt it instead of
    paying for it again.
    """

    result: ChannelResult
    staged: tuple[Staged, ...] = ()


def run_channel(
    channel: Channel, job: Job, run_dir: RunDir, rt: Runtime, tally: Tally | None = None
) -> ChannelRun:
    """The quality loop for one channel. Returns a result; never raises."""
    tally = tally or Tally()
    started = rt.clock()
    ctx = job_context(rt, job)
    ahead = Ahead(channel, ctx, run_dir, rt.simulated)
    try:
        return _run(channel, job, run_dir, rt, tally, ctx, ahead, started)
    finally:
        ahead.discard()  # files made ahead for a draft the run did not keep


def _run(
    channel: Channel,
    job: Job,
    run_dir: RunDir,
    rt: Runtime,
    tally: Tally,
    ctx: ChannelContext,
    ahead: Ahead,
    started: float,
) -> ChannelRun:
    error: BaseException | None = None
    stop_reason = "max_revisions"
    try:
        for number in range(1, rt.max_revisions + 2):
            attempt = run_attempt(channel, job, rt, ctx, number, tally, ahead=ahead)
            attempts = tally.attempts()
            if attempt.passed:
                stop_reason = "passed"
                break
            if _no_gain(attempts, rt.bar.min_gain):
                stop_reason = "no_gain"
                break
    except Exception as exc:
        error = exc
    seconds = rt.clock() - started
    done = tuple(tally.attempts())
    name = channel.name

    if isinstance(error, RunHalted):
        rt.halt.trip(error)
    if isinstance(error, Interrupted | RunHalted):
        halted = rt.halt.error
        if halted is not None:
            return ChannelRun(ChannelResult.stopped(name, halted, done, seconds))
        return ChannelRun(ChannelResult.interrupted(name, done, seconds))
    best = _best(list(done))
    if best is None or best.draft is None:
        assert error is not None
        return ChannelRun(
            ChannelResult.failed(name, error, rt.redact, attempts=done, seconds=seconds)
        )

    try:
        saved = ahead.take(best.draft) or save(
            channel, best.draft, ctx, run_dir, simulated=rt.simulated
        )
    except OSError as exc:
        return ChannelRun(
            ChannelResult.failed(name, exc, rt.redact, attempts=done, seconds=seconds)
        )
    if error is not None:
        # Keep what the loop produced, but say the loop did not finish.
        result = ChannelResult.failed(
            name, error, rt.redact, attempts=done, seconds=seconds, kept=(channel.filename, best)
        )
    else:
        result = ChannelResult.saved(
            name, channel.filename, done, best, stop_reason=stop_reason, seconds=seconds
        )
    staged = saved.staged
    extra = tuple((s.target.name, s.sha256) for s in staged[1:])
    result = replace(result, sha256=staged[0].sha256, extra_files=extra, claims_used=saved.claims)
    return ChannelRun(result, staged)


def job_context(rt: Runtime, job: Job) -> ChannelContext:
    """What the channel's rules and renderer know of this job: its day, evidence, sources,
    call-to-action URL (the job's own, else the settings'), voice kit and language."""
    return replace(
        rt.context,
        day=job.day,
        evidence=job.evidence,
        sources=job.references,
        cta_url=job.cta_url or rt.context.cta_url,
        voice=job.voice,
        language=job.language,
    )


def run_attempt(
    channel: Channel,
    job: Job,
    rt: Runtime,
    ctx: ChannelContext,
    number: int,
    tally: Tally,
    fixes: Sequence[str] | None = None,
    *,
    ahead: Ahead | None = None,
) -> Attempt:
    """Make attempt `number` and record it in `tally`, even if one of its calls fails.

    It revises the best attempt in `tally` if there is one, told to fix what blocks it and
    `fixes` (by default, the judge's fixes for its weak criteria). With `ahead`, a draft that
    passes the rules has its files made while its judge is asked.
    """
    started = rt.clock()
    progress = Progress(number, started)
    best = _best(tally.attempts())
    tally.begin(progress)
    tag = job.log_tag(channel.name)
    try:
        _make(channel, job, rt, ctx, progress, best, tag, tally.meter, fixes, ahead)
    finally:
        attempt = progress.freeze(rt.clock() - started)
        tally.end(attempt)
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
    progress: Progress,
    best: Attempt | None,
    tag: str,
    meter: Meter,
    fixes: Sequence[str] | None = None,
    ahead: Ahead | None = None,
) -> None:
    """Draft (or revise the best attempt so far), check, and judge unless a rule blocks."""
    variables = prompt_variables(channel, job, rt)
    if best is None or best.draft is None:
        prompt = rt.prompts.render(channel.prompt("writer"), variables)
        step = "draft"
    else:
        if fixes is None:
            fixes = rt.bar.fixes(best.judgement) if best.judgement else []
        revising = variables | {
            "draft": best.draft.model_dump_json(indent=2),
            "feedback": feedback(best.violations, fixes),
        }
        prompt = rt.prompts.render(channel.prompt("reviser"), revising)
        step = "revise"
    number = progress.number
    request = LLMRequest(
        rt.model, prompt, channel.schema, channel.name, step, number, log_tag=tag, meter=meter
    )
    if step == "revise" and best is not None and best.draft is not None:
        draft = revise(rt, request, best.draft, revising, partial(_call, rt, progress), progress)
    else:
        draft = _call(rt, progress, request)
    progress.draft = draft
    piece = progress.text = channel.render(draft, ctx)
    # Located in the file as it would be saved, so run.json's lines are the file's lines.
    progress.violations = tuple(
        channel.check(draft, ctx, mark_simulated(piece) if rt.simulated else piece)
    )
    if blocking(progress.violations):
        return
    sent = threading.Event()
    judge = LLMRequest(
        rt.judge_model,
        judge_prompt(channel, job, rt, piece),
        VoiceJudgement if voice_matched(channel, job) else Judgement,
        channel.name,
        "judge",
        number,
        model_setting="CONTENT_GEN_JUDGE_MODEL",
        log_tag=tag,
        meter=meter if ahead is None else Announcing(meter, sent),
    )
    if ahead is not None:
        ahead.start(draft, sent)  # its helper waits for `sent`, which the finally sets
    try:
        progress.judgement = _call(rt, progress, judge)
    except LLMError as exc:
        progress.judge_error = rt.redact(str(exc))
        raise
    finally:
        sent.set()  # a call that never sent its request (stopped, replayed) lets the files go
    progress.passed = rt.bar.passes(progress.judgement)


def voice_matched(channel: Channel, job: Job) -> bool:
    """Whether the judge also scores voice_match: with a kit it can compare the piece with."""
    return job.voice is not None and job.voice.judged(channel.name)


def judge_prompt(channel: Channel, job: Job, rt: Runtime, piece: str) -> str:
    """What the judge is asked about `piece`: judge.md with the channel's criteria, and the
    voice-match criterion when there is a kit to match."""
    variables = prompt_variables(channel, job, rt)
    matched = voice_matched(channel, job)
    return rt.prompts.render(
        "judge.md",
        variables
        | {
            "piece": piece,
            "criteria": rt.prompts.render(channel.prompt("criteria"), variables),
            "voice_match": rt.prompts.render("voice_match.md", variables) if matched else "",
        },
    )


def _call(rt: Runtime, progress: Progress, request: LLMRequest) -> Any:
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


def prompt_variables(channel: Channel, job: Job, rt: Runtime) -> dict[str, object]:
    """What a channel's templates are filled in with, for `job`."""
    ctx = rt.context
    voice = {
        "channel": channel.label,
        "language": language_label(job.language),
        "voice_guide": guide_text(job.voice),
        "voice_samples": samples_text(job.voice, channel.name),
        "voice_words": words_text(job.voice, channel.name),
    }
    return voice | {
        "topic": job.topic,
        "brief": job.brief.strip()
        or "(none: give advice from general knowledge; invent no facts, figures, quotes, "
        "customers or stories, and label any example as hypothetical)",
        "audience": job.audience,
        "today": job.day.isoformat(),
        "postal_address": ctx.postal_address or "(none)",
        "blog_min_words": ctx.blog_min_words,
        "blog_max_words": ctx.blog_max_words,
        "plan": job.plan.prompt_text() if job.plan else "(no plan: the plan call failed)",
        # Empty without a kit, so the prompts of a run without one are as they were.
        "voice": rt.prompts.render("voice.md", voice) if job.voice is not None else "",
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
    if prompts.has(EDITS_TEMPLATE):
        prompts.check(EDITS_TEMPLATE, (*REVISER_VARIABLES, "fields"))
    prompts.check("voice.md", VOICE_VARIABLES)
    prompts.check("voice_match.md", VOICE_VARIABLES)
