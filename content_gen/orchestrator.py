"""The orchestrator: one worker per channel on a thread pool, results collected as they finish.

Errors are caught twice: inside the worker (which returns a failed result) and around
`future.result()` (in case the worker itself breaks), so a channel can only ever fail itself.
The manifest, run.json, is rewritten after every channel, so a killed run still leaves an
accurate record of what it finished.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .channels import Channel
from .llm import Usage
from .storage import RunDir
from .worker import ChannelResult, Job, Runtime, run_channel

log = logging.getLogger("content_gen.orchestrator")


@dataclass
class TopicResult:
    job: Job
    run_dir: RunDir
    results: dict[str, ChannelResult] = field(default_factory=dict)
    seconds: float = 0.0
    interrupted: bool = False
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.interrupted and all(r.ok for r in self.results.values())

    @property
    def failed(self) -> list[str]:
        return [name for name, r in self.results.items() if not r.ok]

    @property
    def usage(self) -> Usage:
        return sum((r.usage for r in self.results.values()), Usage())


def run_topic(
    job: Job,
    channels: Sequence[Channel],
    run_dir: RunDir,
    rt: Runtime,
    *,
    sequential: bool = False,
    manifest_extra: dict[str, Any] | None = None,
    on_result: Callable[[ChannelResult], None] | None = None,
    keep_earlier: bool = False,
) -> TopicResult:
    """Run every channel for one topic and return when all have finished (or on Ctrl-C).

    With `keep_earlier`, channels recorded in an existing run.json that this run does not
    redo stay in the manifest (a resumed calendar entry redoing only its failed channel).
    """
    created_at = datetime.now().astimezone()
    earlier = (run_dir.read_manifest() or {}) if keep_earlier else {}
    earlier_channels = {
        name: data
        for name, data in (earlier.get("channels") or {}).items()
        if name not in {c.name for c in channels} and isinstance(data, dict)
    }
    started = rt.clock()
    outcome = TopicResult(job, run_dir)
    # In the requested order, whatever order they finish in.
    slots: dict[str, ChannelResult | None] = {channel.name: None for channel in channels}

    def record(result: ChannelResult) -> None:
        slots[result.channel] = result
        outcome.results = {name: r for name, r in slots.items() if r is not None}
        outcome.seconds = rt.clock() - started
        # Once the last channel is in, the manifest written now is the final one: a run killed
        # after it leaves a run.json that says so, and it need not be written again below.
        finished = all(slot is not None for slot in slots.values())
        manifest = _manifest(
            outcome, rt, created_at, manifest_extra, earlier_channels, done=finished
        )
        run_dir.write_manifest(manifest)
        if finished:
            outcome.manifest = manifest
        if on_result is not None:
            on_result(result)

    executor = ThreadPoolExecutor(
        max_workers=1 if sequential else max(len(channels), 1),
        thread_name_prefix="content-gen",
    )
    futures: dict[Future[ChannelResult], Channel] = {}
    try:
        for channel in channels:
            futures[executor.submit(run_channel, channel, job, run_dir, rt)] = channel
        for future in as_completed(futures):
            record(_collect(future, futures[future], rt))
    except KeyboardInterrupt:
        rt.stop.set()
        outcome.interrupted = True
    finally:
        # On Ctrl-C, do not wait for requests in flight: they see the stop flag and end.
        executor.shutdown(wait=not outcome.interrupted, cancel_futures=True)

    for name in slots:
        if slots[name] is None:
            slots[name] = ChannelResult.interrupted(name)
    outcome.results = {name: r for name, r in slots.items() if r is not None}
    # A topic whose every channel finished is complete, even if a stop came afterwards.
    outcome.interrupted = outcome.interrupted or any(
        r.status == "interrupted" for r in outcome.results.values()
    )
    if outcome.interrupted or not outcome.manifest:
        outcome.seconds = rt.clock() - started
        outcome.manifest = _manifest(
            outcome, rt, created_at, manifest_extra, earlier_channels, done=True
        )
        run_dir.write_manifest(outcome.manifest)
    return outcome


def _collect(future: Future[ChannelResult], channel: Channel, rt: Runtime) -> ChannelResult:
    try:
        return future.result()
    except Exception as exc:  # the worker never raises; this is the second line of defence
        log.debug("worker crashed", exc_info=exc, extra={"channel": channel.name})
        return ChannelResult(
            channel.name,
            "failed",
            error=rt.redact(f"worker crashed: {exc}"),
            error_kind="internal_error",
        )


def _manifest(
    outcome: TopicResult,
    rt: Runtime,
    created_at: datetime,
    extra: dict[str, Any] | None,
    earlier: dict[str, Any],
    *,
    done: bool,
) -> dict[str, Any]:
    channels = {**earlier, **{name: r.as_dict() for name, r in outcome.results.items()}}
    if not done:
        status = "running"
    elif outcome.interrupted:
        status = "interrupted"
    else:
        status = "complete" if all(c.get("ok") for c in channels.values()) else "partial"
    return {
        "topic": outcome.job.topic,
        "status": status,
        "created_at": created_at.isoformat(timespec="seconds"),
        "simulated": rt.simulated,
        "model": rt.model,
        "judge_model": rt.judge_model,
        **(extra or {}),
        "duration_s": round(outcome.seconds, 3),
        "usage": outcome.usage.as_dict(),
        "channels": channels,
    }
