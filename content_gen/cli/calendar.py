"""The `calendar` commands: check a calendar, run what is due, show where everything stands.

They report the way `generate` does: a progress line per channel on stderr as it finishes, a
summary on stdout, `--json` for scripts, and every error as one line. Calendar rows that are
wrong go to stderr as `content-gen: FILE:LINE: problem`, so editors and CI logs can jump there.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UsageError
from ..schedule.calendar import Calendar, Entry, load_calendar
from ..schedule.ledger import DEFAULT_NAME, Ledger
from ..schedule.status import channel_states
from .common import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    Sleep,
    load_settings,
    load_voice,
    setup_logging,
    shown,
)
from .report import (
    clean,
    cut,
    fit,
    halted_line,
    print_notes,
    print_table,
    progress_line,
    result_cells,
    say,
    totals_line,
    width,
)
from .standing import (
    DONE,
    MonthSpend,
    States,
    entries,
    next_on,
    print_status,
    reading,
    rows,
    run_json,
    status_json,
    this_month,
)

# Like the command line itself, `calendar check` loads neither pydantic nor the SDK.
if TYPE_CHECKING:
    from ..config import Settings
    from ..pipeline.results import ChannelResult
    from ..pipeline.session import CachePolicy
    from ..schedule.runner import CalendarRun
    from ..voice.kit import VoiceKit


def check(args: argparse.Namespace, sleep: Sleep) -> int:
    calendar = _load(args)
    today = args.today or date.today()
    due, later = calendar.due(today), calendar.later(today)
    bad = "" if not calendar.problems else f"; {rows(len(calendar.problems))} with problems"
    say(
        f"{calendar.path}: {entries(len(calendar.entries))} valid{bad}. "
        f"{len(due)} due by {today.isoformat()}, {len(later)} later{next_on(later)}."
    )
    return EXIT_FAILED if calendar.problems else EXIT_OK


def run(args: argparse.Namespace, sleep: Sleep) -> int:
    calendar = _load(args)
    today = args.today or date.today()
    settings = _settings(args, max_cost=args.max_cost, voice=args.voice, language=args.language)
    setup_logging(args.verbose, settings)
    voice = load_voice(settings)  # for rows that name no kit; checked before any API call
    if args.estimate:
        return _estimate(args, calendar, today, settings, voice)

    from .. import channels as registry
    from ..pipeline.session import Session
    from ..schedule.runner import Sourcing, run_calendar
    from ..storage import prepare_root

    channels = registry.load(list(dict.fromkeys(c for e in calendar.entries for c in e.channels)))
    if args.batch and args.offline:  # the simulator's jobs are done at once: look often
        settings = settings.model_copy(update={"batch_poll": min(settings.batch_poll, 0.2)})
    # Resumed entries reuse every reply already paid for; --force asks the model afresh.
    cache: CachePolicy = "off" if args.no_cache else "fresh" if args.force else "reuse"
    with Session.open(
        settings, channels, offline=args.offline, sleep=sleep, cache=cache
    ) as session:
        print_notes(session.notes)
        # Only once the key and the prompts are known to be good: a bad setup creates nothing.
        prepare_root(settings.output_dir)
        path = _ledger_path(args, settings)
        with _ledger_errors(path), Ledger.open(path) as ledger:
            if not args.json:
                mode = " (offline: simulated Gemini)" if args.offline else ""
                print(f"Calendar {calendar.path} for {today.isoformat()}{mode}", file=sys.stderr)
            on_result = None if args.json else _progress(calendar)
            sourcing = Sourcing(
                calendar.path.parent,
                outside_files=args.allow_outside_files,
                private_urls=args.allow_private_urls,
                skip_unreadable=args.skip_unreadable_sources,
                research=args.research,
            )
            if args.batch:
                from ..schedule.batch import run_batch

                outcome = run_batch(
                    calendar,
                    session,
                    ledger,
                    today=today,
                    force=args.force,
                    on_result=on_result,
                    on_progress=lambda line: None if args.json else _say_progress(line),
                    sleep=sleep,
                    sourcing=sourcing,
                    voice=voice,
                )
            else:
                outcome = run_calendar(
                    calendar,
                    session,
                    ledger,
                    today=today,
                    max_topics=args.max_topics,
                    force=args.force,
                    on_result=on_result,
                    sourcing=sourcing,
                    voice=voice,
                )
            states = channel_states(calendar, ledger, today, settings.output_dir)
            spend = this_month(ledger, settings.monthly_budget)
    if args.json:
        status = status_json(calendar, states, ledger.path, today, spend)
        report = status | {"run": run_json(outcome)}
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        _print_run(outcome, states, calendar, ledger.path, spend)
    if outcome.interrupted:
        return EXIT_INTERRUPTED
    return EXIT_OK if outcome.ok and not calendar.problems else EXIT_FAILED


def status(args: argparse.Namespace, sleep: Sleep) -> int:
    calendar = _load(args)
    today = args.today or date.today()
    settings = _settings(args)
    path = _ledger_path(args, settings)
    # Reading must not create a ledger: before the first run, everything is simply to do.
    if path.exists():
        with _ledger_errors(path), Ledger.open(path) as ledger:
            states = channel_states(calendar, ledger, today, settings.output_dir)
            spend = this_month(ledger, settings.monthly_budget)
    else:
        states = channel_states(calendar, None, today, settings.output_dir)
        spend = this_month(None, settings.monthly_budget)
    if args.json:
        report = status_json(calendar, states, path, today, spend)
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print_status(states, calendar, path, today, spend)
    return EXIT_OK


def _estimate(
    args: argparse.Namespace,
    calendar: Calendar,
    today: date,
    settings: Settings,
    voice: VoiceKit | None,
) -> int:
    """What `calendar run` would cost today, from the ledger as it stands: no call, no claim."""
    from .. import channels as registry
    from ..pipeline.estimate import Estimator
    from ..pipeline.plan import PLAN_FILE
    from ..pipeline.results import Job
    from ..schedule.outcomes import to_write
    from .estimates import show

    path = _ledger_path(args, settings)
    names = list(dict.fromkeys(c for e in calendar.entries for c in e.channels))
    estimator = Estimator(settings, registry.load(names), batch=args.batch)
    with _ledger_errors(path), reading(path) as ledger:
        work = ledger.work() if ledger else {}
        since = ledger.now() if ledger and args.force else None
        for entry in calendar.due(today):
            wanted = to_write(
                entry, ledger, work, settings.output_dir, simulated=args.offline, since=since
            )
            if not wanted:
                continue
            planned = (settings.output_dir / entry.directory / PLAN_FILE).is_file()
            job = Job(
                entry.topic,
                entry.brief_text,
                entry.audience or settings.audience,
                entry.day,
                voice=entry.kit or voice,
                language=entry.language or settings.language,
            )
            estimator.topic(job, registry.load(wanted), plan=not planned)
        spend = this_month(ledger, settings.monthly_budget)
    notes = [spend.line() + "."]
    if spend.budget is not None and spend.spent + estimator.result.total.cost[2] > spend.budget:
        notes.append(
            "At its most this run would pass the monthly budget: it stops before the call "
            "that would, and the rest waits for the next month."
        )
    count = estimator.result.topics
    title = f"Estimate for {calendar.path} on {today.isoformat()}: {entries(count)} to write"
    if args.batch:
        title += " with --batch"
    return show(estimator, title, as_json=args.json, notes=notes)


def _load(args: argparse.Namespace) -> Calendar:
    """The calendar, with its notes and invalid rows reported on stderr."""
    path = _calendar_path(args)
    calendar = load_calendar(path, allow_outside=args.allow_outside_files)
    for note in calendar.notes:
        print(f"content-gen: note: {clean(note)}", file=sys.stderr)
    for problem in calendar.problems:
        print(f"content-gen: {path}:{problem.line}: {clean(problem.message)}", file=sys.stderr)
    if not calendar.entries:
        raise UsageError(f"calendar {path} has no valid entries; fix the rows above")
    return calendar


@contextmanager
def _ledger_errors(path: Path) -> Iterator[None]:
    """A ledger that fails part way (a damaged page, a full disk) is one line, not a traceback.

    Whatever was written is on disk with its run.json, and the next run records it there.
    """
    try:
        yield
    except sqlite3.Error as exc:
        raise UsageError(
            f"the ledger {path} failed: {exc}; pieces already written are kept and the next "
            "run records them (choose another ledger with --ledger if it stays broken)"
        ) from None


def _calendar_path(args: argparse.Namespace) -> Path:
    """The calendar named as FILE or as --calendar FILE (the same in all three commands)."""
    given = [p for p in (args.calendar, args.calendar_option) if p is not None]
    if not given:
        raise UsageError(f"name the calendar: content-gen calendar {args.action} FILE")
    if len(given) == 2 and given[0] != given[1]:
        raise UsageError(f"two calendars given ({given[0]} and --calendar {given[1]}); name one")
    return given[0]


def _settings(args: argparse.Namespace, **flags: object) -> Settings:
    return load_settings({"output_dir": args.out, **flags})


def _ledger_path(args: argparse.Namespace, settings: Settings) -> Path:
    return args.ledger or settings.output_dir / DEFAULT_NAME


def _progress(calendar: Calendar) -> Callable[[Entry, ChannelResult], None]:
    """Progress lines tagged with their entry; entries finish on several threads at once.

    In a narrow terminal the entry's topic is cut first, then the error at the line's end.
    """
    limit = width(sys.stderr)
    labels = max(len(e.label) for e in calendar.entries)
    if limit is not None:
        # Keep the channel, result, score, attempts and time (about 55 columns) whole.
        labels = max(min(labels, limit - 2 - 2 - 55), len('YYYY-MM-DD ""') + 8)
    lock = threading.Lock()

    def show(entry: Entry, result: ChannelResult) -> None:
        if result.status == "stopped":
            return  # the one line at the end says why the run stopped
        label = _cut_label(entry, labels)
        line = fit(f"  {label:<{labels}}  {progress_line(result)}", limit)
        with lock:
            print(line, file=sys.stderr, flush=True)

    return show


def _say_progress(line: str) -> None:
    print(fit(f"  {line}", width(sys.stderr)), file=sys.stderr, flush=True)


def _cut_label(entry: Entry, limit: int) -> str:
    """The entry's label in at most `limit` characters, cutting the topic, never the date."""
    label = clean(entry.label)
    if len(label) <= limit:
        return label
    day = entry.day.isoformat()
    return f'{day} "{cut(clean(entry.topic), max(limit - len(day) - 3, 4))}"'


# --- run summary -------------------------------------------------------------------------------


def _print_run(
    outcome: CalendarRun, states: States, calendar: Calendar, ledger: Path, spend: MonthSpend
) -> None:
    results = outcome.results
    if results:
        table: list[tuple[str, ...]] = [
            ("entry", "channel", "result", "score", "attempts", "tokens", "cost", "time")
        ]
        table += [
            (
                clean(e.label) if i == 0 or results[i - 1][0] != e else "",
                r.channel,
                *result_cells(r),
            )
            for i, (e, r) in enumerate(results)
        ]
        print()
        print_table(table, left={0, 1, 2}, limit=width(sys.stdout), shrink=(0,))
        print("\n" + totals_line([r for _, r in results], outcome.seconds, outcome.usage))
        if outcome.rounds:
            say(
                f"Batch API: {outcome.rounds} round{'s' if outcome.rounds != 1 else ''}, "
                f"{outcome.jobs} job{'s' if outcome.jobs != 1 else ''}, at half the price."
            )
    say(_standing(states, outcome.today, nothing_run=not results))
    for entry, r in results:
        if r.status == "failed":
            reason = clean(r.error or "").rstrip(".")
            say(f"- {clean(entry.label)} {r.channel} failed: {reason}; the next run retries it.")
    for run in outcome.entries:
        for channel in run.held:
            label = clean(run.entry.label)
            say(f"- {label} {channel}: another run is writing it; left to that run.")
    if calendar.problems:
        say(
            f"{rows(len(calendar.problems))} of {calendar.path} skipped (see the messages "
            "above); fixed rows run next time."
        )
    for run in outcome.entries:
        for channel in run.adopted:
            say(
                f"- {clean(run.entry.label)} {channel}: already saved on disk by a run that "
                "stopped before recording it; recorded now, not written again."
            )
        for channel, reason in run.unrecorded.items():
            say(
                f"- {clean(run.entry.label)} {channel}: saved, but the ledger could not record "
                f"it ({reason}); the next run records it without writing it again."
            )
    if outcome.halted is not None:
        say(halted_line(str(outcome.halted)))
    if outcome.interrupted:
        jobs = (
            " (a batch job keeps running at Google; the next run collects it)"
            if outcome.rounds
            else ""
        )
        say(f"Interrupted: finished channels are recorded; the next run does the rest{jobs}.")
    say(spend.line())
    print(f"Ledger: {shown(ledger)}")


def _standing(states: States, today: date, *, nothing_run: bool) -> str:
    """Where the due entries stand after the run, in one sentence."""
    due = [(e, s) for e, s in states if e.day <= today]
    complete = sum(1 for _, s in due if all(c.state == DONE for c in s))
    later = [e for e, _ in states if e.day > today]
    head = "Nothing to write: " if nothing_run else ""
    return (
        f"{head}{complete} of {entries(len(due))} due by {today.isoformat()} complete; "
        f"{len(later)} not yet due{next_on(later)}."
    )
