"""`calendar run --batch`: each round of the quality loop, for every due entry, as Batch API
jobs at half the price.

The quality loop is not written twice. Each pass runs every entry through the same pipeline as
an online run, on an LLM (`BatchLLM`) that answers from the replies this run's jobs brought and
defers every other request: the channel that asked stops there (`Deferred`), unrecorded. What
a pass deferred is the next round: all plans or drafts, then all judgements, then all
revisions, one job per model. Once a round's jobs are back, the next pass replays each channel
up to its next request, until no pass defers anything. Replies are filed in the response cache
as they come back; the ledger records each job before it is submitted and keeps it open until
the run ends, so a rerun after kill -9 picks the same job up. A job that fails or expires, and
a request that failed in a job that succeeded, are sent again in the next round, only those.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Deferred, Interrupted, LLMError, ReplyError, RunHalted, UsageError
from ..llm import replies
from ..llm.batches import ENDED, BatchClient, JobStatus
from ..llm.budget import BudgetSpent, Reservation
from ..llm.cache import Entry as Filed
from ..llm.deferred import BatchLLM
from ..llm.gemini import GeminiLLM
from ..llm.seam import CallRecord, LLMReply, LLMRequest, Usage
from ..pipeline.results import ChannelResult, Status
from .calendar import Calendar, Entry
from .jobs import JobLog, JobRecord, Request
from .runner import CalendarRun, EntryRun, Runner, Sourcing

if TYPE_CHECKING:
    from ..pipeline.session import Session
    from ..voice.kit import VoiceKit
    from .ledger import Ledger

log = logging.getLogger("content_gen.batch")

#: Inline requests per job, and their prompts' size: well under the API's 20 MB per request.
MAX_REQUESTS = 1000
MAX_PROMPT_BYTES = 12_000_000
#: Entries replayed at once in a pass (local work only: nothing waits on the network).
PASS_WORKERS = 8


@dataclass
class _Job:
    display_name: str
    model: str
    round: int
    requests: dict[str, LLMRequest]
    name: str | None = None
    state: str = "PENDING"
    reservations: dict[str, Reservation] = field(default_factory=dict)


class BatchRunner(Runner):
    """A calendar run whose requests go out in rounds of batch jobs."""

    def __init__(
        self,
        session: Session,
        ledger: Ledger,
        llm: BatchLLM,
        *,
        force: bool,
        on_result: Callable[[Entry, ChannelResult], None] | None,
        on_progress: Callable[[str], None],
        sleep: Callable[[float], object],
        sourcing: Sourcing,
        voice: VoiceKit | None = None,
    ) -> None:
        super().__init__(
            session, ledger, force=force, on_result=on_result, sourcing=sourcing, voice=voice
        )
        self.llm = llm
        self.client = BatchClient(llm.gemini, sleep)
        self.jobs = JobLog(ledger, self.owner)
        self.progress = on_progress
        self.sleep = sleep
        self.waiting: dict[str, set[str]] = {}  # entry key -> channels waiting for a reply
        self.entries: dict[str, Entry] = {}
        self.tries: dict[str, int] = defaultdict(int)
        self.adopted: list[JobRecord] = []  # open jobs of runs that died, not yet picked up
        self.submitted: list[str] = []  # display names of this run's jobs
        self.waited: list[str] = []  # and of the jobs it took over

    # -- passes -------------------------------------------------------------------------------

    def first(self, entry: Entry) -> EntryRun:
        self.entries[entry.key] = entry
        return self.run_entry(entry)

    def again(self, entry: Entry) -> EntryRun:
        outcome = EntryRun(entry)
        waiting = self.waiting.pop(entry.key, set())
        channels = [c for c in entry.channels if c in waiting]
        if channels and not self.session.runtime.stop.is_set():
            self._write(entry, channels, outcome)
        return outcome

    def _write(self, entry: Entry, claimed: list[str], outcome: EntryRun) -> None:
        try:
            super()._write(entry, claimed, outcome)
        except Deferred:  # its plan is in the next job: every channel waits for it
            self.waiting.setdefault(entry.key, set()).update(claimed)

    def _record(
        self, entry: Entry, run_dir: Path | None, outcome: EntryRun, result: ChannelResult
    ) -> None:
        deferred = result.status == Status.INTERRUPTED and not self.session.runtime.stop.is_set()
        if deferred:  # it asked for a reply the next job brings: not finished, not recorded
            self.waiting.setdefault(entry.key, set()).add(result.channel)
            return
        super()._record(entry, run_dir, outcome, result)

    def waiting_entries(self) -> list[Entry]:
        return [self.entries[key] for key in self.waiting]

    # -- rounds -------------------------------------------------------------------------------

    def adopt(self) -> None:
        """Pick up the jobs a run that died left open: their replies belong to this work."""
        for record in self.jobs.open():
            self.llm.resumed.update(record.keys)
            if record.name is None and record.state == "SUBMITTING":
                found = self.client.find(record.display_name, record.model)
                if found is None:
                    self.jobs.forget(record.display_name)  # it never reached the API
                    continue
                self.jobs.update(record.display_name, state="PENDING", name=found)
                record = replace(record, name=found, state="PENDING")
            self.adopted.append(record)
            self.waited.append(record.display_name)

    def round(self, number: int, pending: dict[str, LLMRequest]) -> None:
        """Send what the last pass asked for (or wait for the job that already has it), and
        bring the replies back."""
        jobs = self._picked_up(number, pending)
        jobs += self._submit(number, {k: r for k, r in pending.items() if k not in _keys(jobs)})
        self._wait(number, jobs)

    def _picked_up(self, number: int, pending: dict[str, LLMRequest]) -> list[_Job]:
        jobs = []
        for record in self.adopted:
            wanted = {k: pending[k] for k in record.keys if k in pending}
            if wanted and record.name and record.state not in ENDED:
                job = _Job(record.display_name, record.model, number, wanted, record.name)
                self.progress(f"round {number}: picking up {record.name} ({len(wanted)} requests)")
                jobs.append(job)
        self.adopted = [r for r in self.adopted if r.display_name not in _names(jobs)]
        return jobs

    def _submit(self, number: int, pending: dict[str, LLMRequest]) -> list[_Job]:
        by_model: dict[str, list[tuple[str, LLMRequest, Reservation]]] = defaultdict(list)
        for key, request in pending.items():
            self.tries[key] += 1
            if self.tries[key] > self.session.settings.max_retries + 1:
                self.llm.failed[key] = _unanswered(request, self.tries[key] - 1)
                continue
            try:
                what = f"{request.log_tag or request.channel} {request.step}"
                held = self.llm.gemini.budget.try_reserve(
                    self.llm.gemini.worst_case(request, batch=True), what
                )
            except BudgetSpent as exc:
                self.llm.failed[key] = exc
                continue
            if held is None:  # room is held by this round's other requests: the next round
                self.tries[key] -= 1
                continue
            by_model[request.model].append((key, request, held))
        jobs = []
        for model, items in by_model.items():
            for chunk in _chunks(items):
                jobs.append(self._create(number, model, chunk, len(self.submitted) + 1))
        return [j for j in jobs if j.name is not None]

    def _create(
        self, number: int, model: str, items: list[tuple[str, LLMRequest, Reservation]], n: int
    ) -> _Job:
        display = f"content-gen-{self.owner.run_id}-r{number}-{n}"
        job = _Job(display, model, number, {k: r for k, r, _ in items})
        job.reservations = {k: held for k, _, held in items}
        requests = [
            Request(k, r.log_tag.rsplit(" ", 1)[0] if r.log_tag else "", r.channel, r.step)
            for k, r, _ in items
        ]
        self.jobs.intend(display, number, model, requests)
        self.submitted.append(display)
        try:
            job.name = self.client.create(model, [(k, r) for k, r, _ in items], display)
        except LLMError as exc:
            for held in job.reservations.values():
                self.llm.gemini.budget.release(held)
            self.jobs.forget(display)
            if isinstance(exc, RunHalted):
                self.session.runtime.halt.trip(exc)
            log.warning("round %d: could not submit %d requests: %s", number, len(items), exc)
            return job
        self.jobs.update(display, state="PENDING", name=job.name)
        self.progress(f"round {number}: submitted {job.name} ({len(items)} requests, {model})")
        return job

    def _wait(self, number: int, jobs: list[_Job]) -> None:
        waiting = list(jobs)
        poll = self.session.settings.batch_poll
        while waiting:
            for job in list(waiting):
                assert job.name is not None
                status = self.client.status(job.name, list(job.requests), job.model)
                if status.state != job.state:
                    job.state = status.state
                    self.jobs.update(job.display_name, state=status.state)
                    if not status.ended:
                        self.progress(f"round {number}: {job.name} {status.state.lower()}")
                if status.ended:
                    self._collect(number, job, status)
                    waiting.remove(job)
            if waiting:
                self.sleep(poll)
                if self.session.runtime.stop.is_set():
                    raise Interrupted()

    def _collect(self, number: int, job: _Job, status: JobStatus) -> None:
        gemini, budget = self.llm.gemini, self.llm.gemini.budget
        back = again = lost = 0
        for answer in status.answers:
            request = job.requests[answer.key]
            held = job.reservations.pop(answer.key, None)
            if answer.error is not None:
                budget.release(held)
                again, lost = _tally(self._failed(answer.key, request, answer.error), again, lost)
                continue
            response = answer.response
            usage = gemini.pricer.charge(request.model, replies.usage(response), batch=True)
            usage += Usage(calls=1)
            budget.settle(held, usage)
            record = CallRecord(
                request.step,
                request.model,
                1,
                0.0,
                usage,
                model_version=replies.model_version(response),
                batch_job=job.name,
            )
            try:
                value = replies.validate(response, request.schema)
            except (ReplyError, RunHalted) as exc:
                exc.record = record
                again, lost = _tally(self._failed(answer.key, request, exc), again, lost)
                continue
            back += 1
            citations = replies.citations(response)
            self.llm.paid[answer.key] = LLMReply(value, record, citations)
            if gemini.cache is not None:
                text = value.model_dump_json()
                gemini.cache.put(answer.key, Filed(text, usage, record.model_version, citations))
        for held in job.reservations.values():  # not answered: sent again next round
            budget.release(held)
        again += len(job.requests) - len(status.answers)
        notes = [f"{again} to send again"] if again else []
        notes += [f"{lost} failed for good"] if lost else []
        self.progress(
            f"round {number}: {job.name} {status.state.lower()}, "
            f"{back} of {len(job.requests)} results back" + "".join(f", {n}" for n in notes)
        )

    def _failed(self, key: str, request: LLMRequest, error: LLMError) -> bool:
        """A request a job could not answer: True if it is asked again next round, False if
        it is given up on (its channel then fails, or the run stops, with the reason)."""
        if error.retryable and self.tries[key] <= self.session.settings.max_retries:
            log.info("%s %s: %s; sending it again", request.log_tag, request.step, error)
            return True
        self.llm.failed[key] = error
        return False

    def close(self) -> None:
        """Every job this work waited for has brought what it could: none of them is open now
        (another run's, still going, stays open for it)."""
        self.jobs.close([*self.submitted, *self.waited])


def run_batch(
    calendar: Calendar,
    session: Session,
    ledger: Ledger,
    *,
    today: date,
    force: bool = False,
    on_result: Callable[[Entry, ChannelResult], None] | None = None,
    on_progress: Callable[[str], None] = lambda line: None,
    sleep: Callable[[float], object] | None = None,
    sourcing: Sourcing | None = None,
    voice: VoiceKit | None = None,
) -> CalendarRun:
    """Run every due entry x channel that is not done, in rounds of batch jobs."""
    gemini = session.runtime.llm
    if not isinstance(gemini, GeminiLLM):
        raise UsageError("--batch needs the Gemini client")
    if gemini.cache is None:
        raise UsageError(
            "--batch keeps each round's replies in the response cache: drop --no-cache"
        )
    llm = BatchLLM(gemini)
    batched = replace(session, runtime=replace(session.runtime, llm=llm))
    stop = session.runtime.stop
    runner = BatchRunner(
        batched,
        ledger,
        llm,
        force=force,
        on_result=on_result,
        on_progress=on_progress,
        sleep=sleep or stop.wait,
        sourcing=sourcing or Sourcing(calendar.path.parent),
        voice=voice,
    )
    run, _, todo = runner.start(calendar, today)
    if not todo:
        return run
    number = 0
    with ledger.heartbeat(runner.owner):
        try:
            runner.adopt()
            run.interrupted = runner.each(run, todo, runner.first, PASS_WORKERS)
            while not run.interrupted and not stop.is_set():
                pending = llm.take_pending()
                if not pending:
                    runner.close()
                    break
                number += 1
                runner.round(number, pending)
                again = runner.waiting_entries()
                run.interrupted = runner.each(run, again, runner.again, PASS_WORKERS)
        except (KeyboardInterrupt, Interrupted):
            stop.set()
            run.interrupted = True
        except LLMError as exc:  # looking at a job failed for good: what is left waits
            if isinstance(exc, RunHalted):
                session.runtime.halt.trip(exc)
            else:
                on_progress(f"round {number}: {exc}; the next run picks the job up")
                run.interrupted = True
    run.rounds, run.jobs = number, len(runner.submitted)
    return runner.end(run)


def _tally(again: bool, retried: int, lost: int) -> tuple[int, int]:
    return (retried + 1, lost) if again else (retried, lost + 1)


def _keys(jobs: list[_Job]) -> set[str]:
    return {k for job in jobs for k in job.requests}


def _names(jobs: list[_Job]) -> set[str]:
    return {job.display_name for job in jobs}


def _chunks(
    items: list[tuple[str, LLMRequest, Reservation]],
) -> list[list[tuple[str, LLMRequest, Reservation]]]:
    chunks: list[list[tuple[str, LLMRequest, Reservation]]] = [[]]
    size = 0
    for item in items:
        grows = len(item[1].prompt.encode("utf-8"))
        if chunks[-1] and (len(chunks[-1]) >= MAX_REQUESTS or size + grows > MAX_PROMPT_BYTES):
            chunks.append([])
            size = 0
        chunks[-1].append(item)
        size += grows
    return [c for c in chunks if c]


def _unanswered(request: LLMRequest, jobs: int) -> LLMError:
    from ..errors import TransientAPIError

    return TransientAPIError(
        f"the Batch API did not answer this {request.step} in {jobs} jobs", reason="batch_error"
    )
