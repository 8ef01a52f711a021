"""One revision of a saved piece, with a person's note as the reviser's feedback, then the judge.

This is the review page's "send back". It is one more attempt of the quality loop
(`worker.run_attempt`), started from the piece as it is on disk, not from a draft in memory:
the draft comes from the channel's parser, and the job from run.json and plan.json. The loop's
other rules hold: the rules run first, the judge only when none blocks, and every call is
recorded, even when one fails.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from ..errors import Interrupted, RunHalted, UsageError
from ..sources import Source
from ..storage import json_list, json_object
from .plan import saved_plan
from .results import Attempt, Job, describe
from .tally import Tally
from .worker import job_context, run_attempt

if TYPE_CHECKING:
    from ..channels.base import Channel
    from ..llm.seam import LLM, LLMReply, LLMRequest
    from ..storage import RunDir, Staged
    from .runtime import Runtime


@dataclass(frozen=True)
class Revision:
    """The attempt a send-back made and, unless `error` says why not, its piece, staged."""

    attempt: Attempt
    #: Every file of the new piece, its own first; () if it made none.
    staged: tuple[Staged, ...] = ()
    error: str | None = None

    def discard(self) -> None:
        for staged in self.staged:
            staged.discard()


def job_of(run_dir: RunDir, manifest: dict[str, Any], audience: str) -> Job:
    """The job a run was written for, as far as its directory still tells it.

    The plan (its verified claims, the call to action) and the sources' names come back; the
    brief's and the sources' text do not: run.json records where they came from, and a page
    that served a shared folder must not read files a run.json names elsewhere. The plan's
    claims carry the facts the pieces were written from.
    """
    inputs = json_object(manifest.get("inputs"))
    sources = tuple(
        Source(str(r["id"]), str(r.get("origin", "")), str(r.get("kind", "")), str(r["title"]), "")
        for r in map(json_object, json_list(manifest.get("sources")))
        if "id" in r and "title" in r
    )
    found = saved_plan(run_dir)
    return Job(
        topic=str(manifest.get("topic") or run_dir.path.name),
        audience=str(inputs.get("audience") or audience),
        day=_day(run_dir, manifest),
        sources=sources,
        plan=found[0] if found else None,
        cta_url=str(inputs.get("cta_url") or "") or None,
    )


def revise_saved(
    channel: Channel,
    job: Job,
    run_dir: RunDir,
    rt: Runtime,
    files: Mapping[str, str],
    note: str,
    number: int,
    *,
    on_call: Callable[[LLMRequest], object] | None = None,
) -> Revision:
    """Revise the saved piece (its `files` as they are on disk, read with the channel's
    parser) once as attempt `number`, told to act on `note`, and judge it; stage all of its
    files unless a rule blocks it. Never raises. `rt.context` should be the run's own
    (`ChannelContext.for_run`): the files are read and made again as the run made them.

    `on_call` hears of each request before it is sent: the page's progress.
    """
    if on_call is not None:
        rt = replace(rt, llm=_Heard(rt.llm, on_call))
    ctx = job_context(rt, job)
    try:
        draft = channel.read_piece(files, ctx)
    except UsageError as exc:  # FormatError: a person's edit the parser cannot read
        return Revision(Attempt(number - 1), error=str(exc))
    tally = Tally()
    tally.end(Attempt(number - 1, draft, tuple(channel.check(draft, ctx))))
    try:
        attempt = run_attempt(
            channel, job, rt, ctx, number, tally, fixes=[f"the reviewer asks: {note}"]
        )
    except Interrupted:
        return Revision(tally.attempts()[-1], error="stopped before the revision was finished")
    except Exception as exc:
        if isinstance(exc, RunHalted):
            rt.halt.trip(exc)
        return Revision(tally.attempts()[-1], error=rt.redact(describe(exc)[1]))
    if attempt.blocked or attempt.draft is None:
        problems = "; ".join(v.message for v in attempt.violations if v.level == "block")
        return Revision(attempt, error=f"the revision breaks a blocking rule: {problems}")
    try:
        staged = run_dir.stage_all(channel.files(attempt.draft, ctx, simulated=rt.simulated))
    except OSError as exc:
        return Revision(attempt, error=describe(exc)[1])
    return Revision(attempt, staged)


def _day(run_dir: RunDir, manifest: dict[str, Any]) -> date:
    """The run's day: its directory's name starts with it."""
    for text in (run_dir.path.name[:10], str(manifest.get("created_at", ""))[:10]):
        try:
            return date.fromisoformat(text)
        except ValueError:
            continue
    return date.today()


class _Heard:
    """The LLM seam, telling someone of each request before sending it."""

    def __init__(self, llm: LLM, on_call: Callable[[LLMRequest], object]) -> None:
        self._llm = llm
        self._on_call = on_call

    def connect(self) -> None:
        self._llm.connect()

    def generate(self, request: LLMRequest) -> LLMReply:
        self._on_call(request)
        return self._llm.generate(request)
