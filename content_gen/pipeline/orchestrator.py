"""The orchestrator: one worker per channel on a thread pool, results collected as they finish.

Errors are caught twice: inside the worker (which returns a failed result) and around
`future.result()` (in case the worker itself breaks), so a channel can only ever fail itself.
The manifest, run.json, is rewritten after every channel, and a channel's piece is put in
place only once run.json records it: a piece on disk is always one its run.json knows, so a
killed run can be resumed without paying for it again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from ..channels.base import Channel
from ..llm.seam import Usage
from ..quality.claims import Conflict, consistency
from ..storage import RunDir
from .fanout import fan_out
from .results import ChannelResult, Job, Status, TopicResult
from .runtime import Runtime
from .tally import Tally
from .worker import ChannelRun, run_channel

log = logging.getLogger("content_gen.orchestrator")


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
    extra_usage: Usage | None = None,
) -> TopicResult:
    """Run every channel for one topic and return when all have finished (or on Ctrl-C).

    With `keep_earlier`, channels recorded in an existing run.json that this run does not
    redo stay in the manifest (a resumed calendar entry redoing only its failed channel).
    """
    record = _Record(job, run_dir, rt, manifest_extra, keep_earlier, [c.name for c in channels])
    record.extra_usage = extra_usage or Usage()
    record.specs = {c.name: c for c in channels}
    tallies = {channel.name: Tally() for channel in channels}

    def started() -> None:
        # Before any channel has a reply: a run killed from here on leaves a run.json that
        # says what it was, so `generate --into` can resume it from the replies it paid for.
        # Written once the workers are under way, so that their first requests do not wait
        # for it (record.write never raises: it notes what went wrong).
        record.write(record.manifest(interrupted=False, done=False))

    def collected(channel: Channel, run: ChannelRun) -> None:
        result = record.add(run)
        if on_result is not None:
            on_result(result)

    def crashed(channel: Channel, exc: Exception) -> ChannelRun:
        log.debug("worker crashed", exc_info=exc, extra={"channel": channel.name})
        attempts = tallies[channel.name].snapshot(rt.clock())
        return ChannelRun(ChannelResult.failed(channel.name, exc, rt.redact, attempts=attempts))

    interrupted = fan_out(
        channels,
        lambda channel: run_channel(channel, job, run_dir, rt, tallies[channel.name]),
        workers=1 if sequential else len(channels),
        stop=rt.stop,
        on_done=collected,
        on_crash=crashed,
        name="content-gen",
        on_start=started,
    )
    return record.finish(interrupted, tallies)


class _Record:
    """The topic's results so far, and run.json rewritten as each one comes in."""

    def __init__(
        self,
        job: Job,
        run_dir: RunDir,
        rt: Runtime,
        extra: dict[str, Any] | None,
        keep_earlier: bool,
        names: list[str],
    ) -> None:
        self.job, self.run_dir, self.rt, self.extra = job, run_dir, rt, extra or {}
        self.created_at = datetime.now().astimezone()
        self.started = rt.clock()
        earlier = (run_dir.read_manifest() or {}) if keep_earlier else {}
        self.earlier = {
            name: data
            for name, data in (earlier.get("channels") or {}).items()
            if name not in names and isinstance(data, dict)
        }
        # In the requested order, whatever order they finish in.
        self.slots: dict[str, ChannelResult | None] = dict.fromkeys(names)
        self.final: dict[str, Any] | None = None
        #: Why run.json could not be written (a full disk, a deleted folder), if it could not.
        self.manifest_error: str | None = None
        #: What was paid before the channels (the plan call).
        self.extra_usage = Usage()
        self.specs: dict[str, Channel] = {}
        #: Each result's run.json form, made once: run.json is rewritten as each channel ends.
        self._dicts: dict[str, tuple[ChannelResult, dict[str, Any]]] = {}

    def results(self) -> dict[str, ChannelResult]:
        return {name: r for name, r in self.slots.items() if r is not None}

    def add(self, run: ChannelRun) -> ChannelResult:
        """Record a finished channel in run.json, then put its piece in place."""
        result = run.result
        self.slots[result.channel] = result
        # Once the last channel is in, the manifest written now is the final one: a run killed
        # after it leaves a run.json that says so, and it need not be written again.
        finished = all(slot is not None for slot in self.slots.values())
        manifest = self.manifest(interrupted=False, done=finished)
        self.write(manifest)
        if run.staged:
            try:
                # The piece's own file last: when it is in place, so are its extras.
                for staged in reversed(run.staged):
                    staged.commit()
            except OSError as exc:
                for staged in run.staged:
                    staged.discard()
                result = ChannelResult.failed(
                    result.channel,
                    exc,
                    self.rt.redact,
                    attempts=result.attempts,
                    seconds=result.seconds,
                )
                self.slots[result.channel] = result
                manifest = self.manifest(interrupted=False, done=finished)
                self.write(manifest)
        if finished:
            self.final = manifest
        return result

    def finish(self, interrupted: bool, tallies: dict[str, Tally]) -> TopicResult:
        for name, slot in self.slots.items():
            if slot is None:  # still running when the run was stopped: keep what it did
                attempts = tallies[name].snapshot(self.rt.clock())
                halted = self.rt.halt.error
                self.slots[name] = (
                    ChannelResult.stopped(name, halted, attempts)
                    if halted is not None
                    else ChannelResult.interrupted(name, attempts)
                )
        results = self.results()
        # A topic whose every channel finished is complete, even if a stop came afterwards.
        interrupted = interrupted or any(r.status == Status.INTERRUPTED for r in results.values())
        manifest = self.final
        if interrupted or manifest is None:
            manifest = self.manifest(interrupted=interrupted, done=True)
            self.write(manifest)
        return TopicResult(
            self.job,
            self.run_dir,
            results,
            manifest["duration_s"],
            interrupted,
            manifest,
            self.manifest_error,
            self.extra_usage,
        )

    def write(self, manifest: dict[str, Any]) -> None:
        try:
            if self.earlier:
                self.run_dir.update_manifest(lambda disk: self._with_earlier_from(disk, manifest))
            else:  # nothing on disk to keep: no need to read it
                with self.run_dir.locked():
                    self.run_dir.write_manifest(manifest)
        except OSError as exc:
            # The pieces are paid for: they are still put in place, and the run says what
            # went wrong instead of ending in a traceback.
            self.manifest_error = f"could not write {self.run_dir.path}/run.json: {exc.strerror}"
            log.warning(self.manifest_error)

    def _with_earlier_from(self, disk: dict[str, Any], manifest: dict[str, Any]) -> dict[str, Any]:
        """`manifest`, with the channels this run does not redo as run.json has them now: the
        review page may have approved or edited one of them since this run began."""
        now = disk.get("channels")
        if not self.earlier or not isinstance(now, dict):
            return manifest
        channels = {
            name: now[name] if name in self.earlier and isinstance(now.get(name), dict) else data
            for name, data in manifest["channels"].items()
        }
        return manifest | {"channels": channels}

    def manifest(self, *, interrupted: bool, done: bool) -> dict[str, Any]:
        results = self.results()
        channels = {**self.earlier, **{name: self._as_dict(r) for name, r in results.items()}}
        if not done:
            status = "running"
        elif interrupted:
            status = "interrupted"
        elif any(r.status == Status.STOPPED for r in results.values()):
            status = "stopped"
        else:
            status = "complete" if all(c.get("ok") for c in channels.values()) else "partial"
        usage = sum((r.usage for r in results.values()), self.extra_usage)
        return {
            "topic": self.job.topic,
            "status": status,
            "created_at": self.created_at.isoformat(timespec="seconds"),
            "directory": str(self.run_dir.path),
            "simulated": self.rt.simulated,
            "model": self.rt.model,
            "judge_model": self.rt.judge_model,
            **self.extra,
            "duration_s": round(self.rt.clock() - self.started, 3),
            "usage": usage.as_dict(),
            "channels": channels,
            "consistency": [c.as_dict() for c in self.conflicts(results)] if done else [],
        }

    def _as_dict(self, result: ChannelResult) -> dict[str, Any]:
        made = self._dicts.get(result.channel)
        if made is None or made[0] is not result:
            made = self._dicts[result.channel] = (result, result.as_dict())
        return made[1]

    def conflicts(self, results: dict[str, ChannelResult]) -> list[Conflict]:
        """Where the saved pieces disagree: a claim's figure, or the call to action."""
        plan = self.job.plan
        pieces = {}
        for name, result in results.items():
            best = next((a for a in result.attempts if a.number == result.best), None)
            if result.file and best is not None and best.draft is not None:
                pieces[name] = self.specs[name].prose(best.draft)
        if plan is None or len(pieces) < 2:
            return []
        return consistency(pieces, plan.claims, plan.call_to_action)
