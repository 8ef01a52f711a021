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
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from ..review.state import NEW
from ..review.state import label as review_label
from ..schedule.calendar import Calendar, Entry, load_calendar
from ..schedule.ledger import DEFAULT_NAME, Ledger
from ..schedule.status import MISSING, NOT_DUE, ChannelState, channel_states
from ..schedule.work import WorkStatus
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
    print_table,
    progress_line,
    result_cells,
    say,
    totals_line,
    width,
)

# Like the command line itself, `calendar check` loads neither pydantic nor the SDK.
if TYPE_CHECKING:
    from ..config import Settings
    from ..pipeline.results import ChannelResult
    from ..schedule.runner import CalendarRun

DONE, FAILED, PENDING, RUNNING = (
    WorkStatus.DONE,
    WorkStatus.FAILED,
    WorkStatus.PENDING,
    WorkStatus.RUNNING,
)
ERROR_CHARS = 48  # a failure's reason in the status table; --json has all of it

States = list[tuple[Entry, list[ChannelState]]]


def check(args: argparse.Namespace, sleep: Sleep) -> int:
    calendar = _load(args)
    today = args.today or date.today()
    due, later = calendar.due(today), calendar.later(today)
    rows = "" if not calendar.problems else f"; {_rows(len(calendar.problems))} with problems"
    say(
        f"{calendar.path}: {_entries(len(calendar.entries))} valid{rows}. "
        f"{len(due)} due by {today.isoformat()}, {len(later)} later{_next(later)}."
    )
    return EXIT_FAILED if calendar.problems else EXIT_OK


def run(args: argparse.Namespace, sleep: Sleep) -> int:
    calendar = _load(args)
    today = args.today or date.today()
    settings = load_settings(
        {"output_dir": args.out, "voice": args.voice, "language": args.language}
    )
    setup_logging(args.verbose, settings)
    voice = load_voice(settings)  # for rows that name no kit; checked before any API call

    from .. import channels as registry
    from ..pipeline.session import Session
    from ..schedule.runner import Sourcing, run_calendar
    from ..storage import prepare_root

    channels = registry.load(list(dict.fromkeys(c for e in calendar.entries for c in e.channels)))
    with Session.open(settings, channels, offline=args.offline, sleep=sleep) as session:
        # Only once the key and the prompts are known to be good: a bad setup creates nothing.
        prepare_root(settings.output_dir)
        path = _ledger_path(args, settings)
        with _ledger_errors(path), Ledger.open(path) as ledger:
            if not args.json:
                mode = " (offline: simulated Gemini)" if args.offline else ""
                print(f"Calendar {calendar.path} for {today.isoformat()}{mode}", file=sys.stderr)
            outcome = run_calendar(
                calendar,
                session,
                ledger,
                today=today,
                max_topics=args.max_topics,
                force=args.force,
                on_result=None if args.json else _progress(calendar),
                sourcing=Sourcing(
                    calendar.path.parent,
                    outside_files=args.allow_outside_files,
                    private_urls=args.allow_private_urls,
                    skip_unreadable=args.skip_unreadable_sources,
                    research=args.research,
                ),
                voice=voice,
            )
            states = channel_states(calendar, ledger, today, settings.output_dir)
    if args.json:
        report = _status_json(calendar, states, ledger.path, today) | {"run": _run_json(outcome)}
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        _print_run(outcome, states, calendar, ledger.path)
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
    else:
        states = channel_states(calendar, None, today, settings.output_dir)
    if args.json:
        print(json.dumps(_status_json(calendar, states, path, today), indent=2, ensure_ascii=False))
    else:
        _print_status(states, calendar, path, today)
    return EXIT_OK


# --- shared ------------------------------------------------------------------------------------


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


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings({"output_dir": args.out})


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


def _cut_label(entry: Entry, limit: int) -> str:
    """The entry's label in at most `limit` characters, cutting the topic, never the date."""
    label = clean(entry.label)
    if len(label) <= limit:
        return label
    day = entry.day.isoformat()
    return f'{day} "{cut(clean(entry.topic), max(limit - len(day) - 3, 4))}"'


def _entries(n: int) -> str:
    return f"{n} entr{'y' if n == 1 else 'ies'}"


def _rows(n: int) -> str:
    return f"{n} row{'' if n == 1 else 's'}"


def _next(later: list[Entry]) -> str:
    return f" (next on {later[0].day.isoformat()})" if later else ""


# --- run summary -------------------------------------------------------------------------------


def _print_run(outcome: CalendarRun, states: States, calendar: Calendar, ledger: Path) -> None:
    results = outcome.results
    if results:
        rows: list[tuple[str, ...]] = [
            ("entry", "channel", "result", "score", "attempts", "tokens", "time")
        ]
        rows += [
            (
                clean(e.label) if i == 0 or results[i - 1][0] != e else "",
                r.channel,
                *result_cells(r),
            )
            for i, (e, r) in enumerate(results)
        ]
        print()
        print_table(rows, left={0, 1, 2}, limit=width(sys.stdout), shrink=(0,))
        print("\n" + totals_line([r for _, r in results], outcome.seconds, outcome.usage))
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
            f"{_rows(len(calendar.problems))} of {calendar.path} skipped (see the messages "
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
        say("Interrupted: finished channels are recorded; the next run does the rest.")
    print(f"Ledger: {shown(ledger)}")


def _standing(states: States, today: date, *, nothing_run: bool) -> str:
    """Where the due entries stand after the run, in one sentence."""
    due = [(e, s) for e, s in states if e.day <= today]
    complete = sum(1 for _, s in due if all(c.state == DONE for c in s))
    later = [e for e, _ in states if e.day > today]
    head = "Nothing to write: " if nothing_run else ""
    return (
        f"{head}{complete} of {_entries(len(due))} due by {today.isoformat()} complete; "
        f"{len(later)} not yet due{_next(later)}."
    )


def _run_json(outcome: CalendarRun) -> dict[str, Any]:
    return {
        "id": outcome.owner.run_id,
        "interrupted": outcome.interrupted,
        "halted": str(outcome.halted) if outcome.halted else None,
        "adopted": [
            {"entry": run.entry.key, "channel": channel}
            for run in outcome.entries
            for channel in run.adopted
        ],
        "seconds": round(outcome.seconds, 3),
        "usage": outcome.usage.as_dict(),
        "results": [
            {
                "entry": entry.key,
                "channel": r.channel,
                "status": r.status,
                "score": r.score,
                "error": r.error,
            }
            for entry, r in outcome.results
        ],
        "held_by_another_run": [
            {"entry": run.entry.key, "channel": channel}
            for run in outcome.entries
            for channel in run.held
        ],
    }


# --- status ------------------------------------------------------------------------------------


def _print_status(states: States, calendar: Calendar, ledger: Path, today: date) -> None:
    rows: list[tuple[str, ...]] = [("date", "topic", "channel", "state", "score", "tokens")]
    for entry, channels in states:
        for i, state in enumerate(channels):
            w = state.work
            rows.append(
                (
                    entry.day.isoformat() if i == 0 else "",
                    clean(entry.label.split(" ", 1)[1]) if i == 0 else "",
                    state.channel,
                    _state_label(state),
                    f"{w.score:.2f}" if w and w.score is not None and state.state == DONE else "-",
                    f"{w.total_tokens:,}" if w else "-",
                )
            )
    print_table(rows, left={0, 1, 2, 3}, limit=width(sys.stdout), shrink=(1, 3))
    counts = _entry_counts(states)
    parts = [f"{n} {what}" for what, n in counts.items() if n]
    tokens = sum(s.work.total_tokens for _, c in states for s in c if s.work)
    print()
    say(
        f"{_entries(len(states))}: {', '.join(parts)}{_next(calendar.later(today))}; "
        f"{tokens:,} tokens spent so far"
    )
    if calendar.problems:
        say(f"{_rows(len(calendar.problems))} of {calendar.path} not valid (see above).")
    print(f"Ledger: {shown(ledger)}" + ("" if ledger.exists() else " (no runs yet)"))


def _state_label(state: ChannelState) -> str:
    w = state.work
    if state.state == DONE and w is not None:
        label = "done" + (" (below bar)" if w.result == "below_bar" else "")
        label += " (simulated)" if w.simulated else ""
        return label + (
            f", {review_label(state.review)}" if state.review not in (None, NEW) else ""
        )
    if state.state == MISSING:
        return "missing: its file is gone; the next run writes it again"
    if state.state == FAILED and w is not None:
        error = w.error or "no reason recorded"
        if len(error) > ERROR_CHARS:
            error = error[: ERROR_CHARS - 3] + "..."
        return f"failed: {error}"
    if state.state == RUNNING and w is not None:
        return f"running (pid {w.owner_pid} on {w.owner_host})"
    if state.state == PENDING and w is not None and w.status == RUNNING:
        return "pending (its run stopped)"
    if state.state == PENDING and w is not None and w.result == "interrupted":
        return "pending (interrupted)"
    return "not yet due" if state.state == NOT_DUE else state.state


def _entry_counts(states: States) -> dict[str, int]:
    """How many entries are complete, failing, being written, to do and not yet due."""
    counts = dict.fromkeys(
        ("complete", "with a failed channel", "being written", "to do", "not yet due"), 0
    )
    for _, channels in states:
        found = {c.state for c in channels}
        if found == {DONE}:
            counts["complete"] += 1
        elif FAILED in found:
            counts["with a failed channel"] += 1
        elif RUNNING in found:
            counts["being written"] += 1
        elif found == {NOT_DUE}:
            counts["not yet due"] += 1
        else:
            counts["to do"] += 1
    return counts


def _status_json(calendar: Calendar, states: States, ledger: Path, today: date) -> dict[str, Any]:
    return {
        "calendar": str(calendar.path),
        "ledger": str(ledger),
        "today": today.isoformat(),
        "entries": [
            {
                "key": entry.key,
                "line": entry.line,
                "date": entry.day.isoformat(),
                "topic": entry.topic,
                "directory": entry.directory,
                "channels": [s.as_dict() for s in channels],
            }
            for entry, channels in states
        ],
        "problems": [{"line": p.line, "message": p.message} for p in calendar.problems],
    }
