"""Calendar runs: write every due entry's channels that are not done yet, then stop.

Entries run on a thread pool, `max_topics` at once, each through `Session.run` exactly as
`generate` runs a topic, so the session's limiter caps requests across all of them. The ledger
decides what is done. An entry's channels are claimed just before the entry starts, so two
overlapping runs share the work out instead of both doing it, and each channel is recorded the
moment it finishes, so a run killed later still keeps it.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .. import channels as registry
from ..errors import RunHalted
from ..llm.budget import BudgetSpent, spent_message
from ..llm.seam import Usage
from ..pipeline.fanout import fan_out
from ..pipeline.results import INTERRUPTED_MESSAGE, ChannelResult, Job
from ..pipeline.session import Session
from ..review.state import kept
from ..sources import Confinement, Source, load_sources
from ..storage import remove_orphans
from ..voice.kit import VoiceKit
from .calendar import Calendar, Entry
from .ledger import Ledger
from .outcomes import adopted, on_disk, outcome_of, to_write
from .spending import BUDGET_SETTING, Spending
from .work import Outcome, Owner, Work, WorkStatus

log = logging.getLogger("content_gen.scheduler")


@dataclass
class EntryRun:
    """One due entry in this run: what it wrote, what it found already saved on disk, what
    another run was writing, and what it wrote but could not record in the ledger."""

    entry: Entry
    results: dict[str, ChannelResult] = field(default_factory=dict)
    held: tuple[str, ...] = ()
    adopted: tuple[str, ...] = ()
    unrecorded: dict[str, str] = field(default_factory=dict)
    plan_usage: Usage = field(default_factory=Usage)


@dataclass
class CalendarRun:
    today: date
    owner: Owner
    #: Every due entry that had something left to do when the run started.
    entries: list[EntryRun] = field(default_factory=list)
    interrupted: bool = False
    seconds: float = 0.0
    #: What stopped the whole run (a spent daily quota, a rejected key), if anything did.
    halted: RunHalted | None = None
    #: With --batch: the rounds of the quality loop, and the jobs they took.
    rounds: int = 0
    jobs: int = 0

    @property
    def results(self) -> list[tuple[Entry, ChannelResult]]:
        """Every channel this run wrote or tried, by entry, in each entry's channel order."""
        return [
            (run.entry, run.results[name])
            for run in self.entries
            for name in run.entry.channels
            if name in run.results
        ]

    @property
    def ok(self) -> bool:
        return (
            not self.interrupted
            and self.halted is None
            and all(r.ok for _, r in self.results)
            and not any(run.unrecorded for run in self.entries)
        )

    @property
    def usage(self) -> Usage:
        plans = sum((run.plan_usage for run in self.entries), Usage())
        return sum((r.usage for _, r in self.results), plans)


def run_calendar(
    calendar: Calendar,
    session: Session,
    ledger: Ledger,
    *,
    today: date,
    max_topics: int,
    force: bool = False,
    on_result: Callable[[Entry, ChannelResult], None] | None = None,
    sourcing: Sourcing | None = None,
    voice: VoiceKit | None = None,
) -> CalendarRun:
    """Run every due entry x channel that is not done; returns when all have finished (or on
    Ctrl-C, after giving back the claims this run still holds).

    `voice` is the kit of entries whose row names none (--voice, CONTENT_GEN_VOICE)."""
    runner = Runner(
        session,
        ledger,
        force=force,
        on_result=on_result,
        sourcing=sourcing or Sourcing(calendar.path.parent),
        voice=voice,
    )
    run, due, todo = runner.start(calendar, today)
    with ledger.heartbeat(runner.owner):
        while todo and not run.interrupted and not session.runtime.stop.is_set():
            run.interrupted = runner.each(run, todo, runner.run_entry, max_topics)
            # Claims another run held when this one looked may have lost their owner since
            # (killed, kill -9): take them over now rather than leave them for tomorrow.
            todo = runner.orphaned(due, ledger.work())
    return runner.end(run)


@dataclass(frozen=True)
class Sourcing:
    """How a calendar's sources are read: relative to its folder, and confined unless trusted."""

    folder: Path
    outside_files: bool = False  # --allow-outside-files
    private_urls: bool = False  # --allow-private-urls
    skip_unreadable: bool = False  # --skip-unreadable-sources
    research: bool = False  # --research

    def read(self, entry: Entry) -> tuple[Source, ...]:
        confinement = Confinement(
            folder=None if self.outside_files else self.folder, private_urls=self.private_urls
        )
        sources, problems = load_sources(
            entry.sources,
            base=self.folder,
            confinement=confinement,
            skip_unreadable=self.skip_unreadable,
        )
        for problem in problems:
            log.warning("%s: left out: %s", entry.label, problem)
        return tuple(sources)


class Runner:
    """What every entry of one run shares."""

    def __init__(
        self,
        session: Session,
        ledger: Ledger,
        *,
        force: bool,
        on_result: Callable[[Entry, ChannelResult], None] | None,
        sourcing: Sourcing,
        voice: VoiceKit | None = None,
    ) -> None:
        self.sourcing = sourcing
        self.voice = voice
        self.session = session
        self.ledger = ledger
        self.owner = Owner.current()
        self.simulated = session.runtime.simulated
        # --force redoes what was done before this run started, and only that: a second
        # forced run overlapping this one does not redo this run's work again.
        self.redo_before = ledger.now() if force else None
        self.on_result = on_result
        self.started = session.runtime.clock()
        self._done: dict[str, EntryRun] = {}

    def start(
        self, calendar: Calendar, today: date
    ) -> tuple[CalendarRun, list[Entry], list[Entry]]:
        """The run, its due entries and those with work left; none if the month is spent."""
        session = self.session
        run = CalendarRun(today, self.owner)
        spending = Spending(self.ledger, self.owner)
        budget = session.settings.monthly_budget
        if self.simulated:
            # --offline pays nothing: its calls are not the month's spending, and a spent
            # month does not stop a trial run.
            budget = None
        else:
            session.budget.on_spend = spending.record
        if budget is not None:
            session.require_prices(BUDGET_SETTING)
            cap = spending.cap(budget)
            if cap.spent_before >= cap.limit:
                run.halted = BudgetSpent(spent_message(cap))
                return run, [], []
            session.budget.add(cap)
        due = calendar.due(today)
        out_root = session.settings.output_dir
        for entry in due:
            remove_orphans(out_root / entry.directory)  # a killed run's half-written files
        work = self.ledger.work()
        return run, due, [e for e in due if self.wanted(e, work)]

    def each(
        self,
        run: CalendarRun,
        entries: list[Entry],
        task: Callable[[Entry], EntryRun],
        workers: int,
    ) -> bool:
        """`task` for every entry, `workers` at once, each outcome merged into `run`; True if
        interrupted."""
        redact = self.session.runtime.redact

        def crashed(entry: Entry, exc: Exception) -> EntryRun:
            log.debug("entry crashed", exc_info=exc)
            return EntryRun(
                entry, {n: ChannelResult.failed(n, exc, redact) for n in entry.channels}
            )

        def finished(entry: Entry, outcome: EntryRun) -> None:
            if entry.key in self._done:  # taken up again: one record of the entry, with all it did
                earlier = self._done[entry.key]
                outcome.results = earlier.results | outcome.results
                outcome.adopted = earlier.adopted + outcome.adopted
                outcome.unrecorded = earlier.unrecorded | outcome.unrecorded
                outcome.plan_usage = earlier.plan_usage + outcome.plan_usage
                run.entries.remove(earlier)
            self._done[entry.key] = outcome
            run.entries.append(outcome)

        return fan_out(
            entries,
            task,
            workers=min(workers, len(entries)),
            stop=self.session.runtime.stop,
            on_done=finished,
            on_crash=crashed,
            name="entry",
        )

    def end(self, run: CalendarRun) -> CalendarRun:
        rt = self.session.runtime
        run.halted = run.halted or rt.halt.error
        if run.interrupted or run.halted is not None:
            # Claims still held go back to pending: the next run does them.
            reason = str(run.halted) if run.halted else INTERRUPTED_MESSAGE
            self.ledger.release(self.owner, reason)
        run.entries.sort(key=lambda e: (e.entry.day, e.entry.line))
        run.seconds = rt.clock() - self.started
        return run

    def wanted(self, entry: Entry, work: Mapping[tuple[str, str], Work]) -> bool:
        out_root = self.session.settings.output_dir
        return bool(
            to_write(
                entry, self.ledger, work, out_root, simulated=self.simulated, since=self.redo_before
            )
        )

    def orphaned(self, entries: list[Entry], work: Mapping[tuple[str, str], Work]) -> list[Entry]:
        """Entries with a channel claimed by a run that has gone since this run looked."""
        return [
            e
            for e in entries
            if any(
                (w := work.get((e.key, c))) is not None
                and w.status == WorkStatus.RUNNING
                and w.owner_run != self.owner.run_id
                and not self.ledger.held(w)
                for c in e.channels
            )
        ]

    def _on_disk(self, entry: Entry) -> dict[str, dict[str, Any]]:
        return on_disk(entry, self.session.settings.output_dir, simulated=self.simulated)

    def run_entry(self, entry: Entry) -> EntryRun:
        outcome = EntryRun(entry)
        if self.session.runtime.stop.is_set():
            return outcome
        # The disk is read inside the claim's transaction: a piece another run saves and
        # records meanwhile is seen as done, not taken again.
        claimed = self.ledger.claim(
            self.owner,
            entry,
            entry.channels,
            simulated=self.simulated,
            redo_before=self.redo_before,
            on_disk=lambda channel: channel in self._on_disk(entry),
            kept=lambda channel: kept(self._on_disk(entry).get(channel)),
        )
        work = self.ledger.work(entry.key)
        outcome.held = tuple(
            c
            for c in entry.channels
            if c not in claimed and self.ledger.held(work.get((entry.key, c)))
        )
        if self.redo_before is None:
            # Saved by a run that stopped before the ledger heard of it (kill -9 between the
            # two, a locked or full ledger): record it, do not pay for it again.
            on_disk = self._on_disk(entry)
            outcome.adopted = tuple(c for c in claimed if c in on_disk)
            for name in outcome.adopted:
                self._finish(
                    entry,
                    outcome,
                    name,
                    adopted(on_disk[name], entry, self.session.settings.output_dir),
                )
            claimed = [c for c in claimed if c not in outcome.adopted]
        if not claimed:
            return outcome
        try:
            self._write(entry, claimed, outcome)
        except Exception as exc:  # the run directory, or a bug: fail these channels, not the run
            log.debug("entry failed", exc_info=exc)
            for name in claimed:
                if name not in outcome.results:
                    failed = ChannelResult.failed(name, exc, self.session.runtime.redact)
                    self._record(entry, None, outcome, failed)
        return outcome

    def _write(self, entry: Entry, claimed: list[str], outcome: EntryRun) -> None:
        audience = entry.audience or self.session.settings.audience
        job = Job(
            topic=entry.topic,
            brief=entry.brief_text,
            audience=audience,
            day=entry.day,
            tag=entry.label,
            # Before any of the entry's API calls: a source that cannot be read fails the
            # entry's channels (they stay to do), and costs nothing.
            sources=self.sourcing.read(entry),
            research=self.sourcing.research,
            cta_url=entry.cta_url,
            voice=entry.kit or self.voice,
            language=entry.language or self.session.settings.language,
        )
        topic = self.session.run(
            job,
            registry.load(claimed),
            resume=True,
            inputs={
                "calendar_line": entry.line,
                "entry": entry.key,
                "brief_file": str(entry.brief) if entry.brief else None,
                "brief_chars": len(entry.brief_text),
                "audience": audience,
                "cta_url": entry.cta_url,
            },
            on_result=lambda result, run_dir: self._record(entry, run_dir, outcome, result),
        )
        outcome.plan_usage = topic.plan_usage
        if topic.plan_usage.calls:
            # The plan is paid once for the entry: its cost goes on the first channel's row.
            try:
                self.ledger.add_usage(entry.key, claimed[0], topic.plan_usage)
            except sqlite3.Error as exc:
                log.warning("could not record the plan's cost in the ledger: %s", exc)

    def _record(
        self, entry: Entry, run_dir: Path | None, outcome: EntryRun, result: ChannelResult
    ) -> None:
        # By now the piece is in its file and run.json, and the summary reads neither its drafts
        # nor its judgements: kept, they grew a calendar run by some 30 KB per entry with the
        # fake's short pieces (bench/results.md, item 7).
        outcome.results[result.channel] = result.summary()
        path = (run_dir / result.file).resolve() if run_dir and result.file else None
        self._finish(
            entry, outcome, result.channel, outcome_of(result, str(path) if path else None)
        )
        if self.on_result is not None:
            self.on_result(entry, result)

    def _finish(self, entry: Entry, outcome: EntryRun, channel: str, record: Outcome) -> None:
        """Record a channel in the ledger; if the ledger cannot take it, the disk still has it."""
        try:
            self.ledger.finish(self.owner, entry, channel, record, simulated=self.simulated)
        except sqlite3.Error as exc:
            log.warning("could not record %s %s in the ledger: %s", entry.label, channel, exc)
            outcome.unrecorded[channel] = str(exc)
