"""What `export` and `publish` share: which pieces (run directories or a calendar's entries,
approved ones or --all), the record of where they went, and how that is reported."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from .common import shown
from .report import clean, plural, say

if TYPE_CHECKING:
    from ..config import Settings
    from ..publish.pieces import Book, Selection


@dataclass(frozen=True)
class Sending:
    settings: Settings
    selection: Selection
    book: Book
    #: The ledger the records also go to (a calendar's), if there is one.
    ledger: Path | None = None


@contextmanager
def sending(args: argparse.Namespace, settings: Settings) -> Iterator[Sending]:
    """The pieces the command sends and the book it records them in; the calendar's ledger
    stays open while the block runs."""
    from ..publish.pieces import Book, from_calendar, from_run_dirs
    from ..schedule.calendar import load_calendar
    from ..schedule.ledger import DEFAULT_NAME, Ledger

    if bool(args.runs) == bool(args.calendar):
        raise UsageError("name the run directories to send, or a calendar with --calendar FILE")
    with ExitStack() as stack:
        if not args.calendar:
            selection = from_run_dirs(args.runs, everything=args.all)
            yield Sending(settings, selection, Book())
            return
        calendar = load_calendar(args.calendar, allow_outside=args.allow_outside_files)
        for problem in calendar.problems:
            print(
                f"content-gen: {calendar.path}:{problem.line}: {clean(problem.message)}",
                file=sys.stderr,
            )
        selection = from_calendar(calendar, settings.output_dir, everything=args.all)
        path = args.ledger or settings.output_dir / DEFAULT_NAME
        # The ledger the calendar's runs keep; none yet means nothing was written, and
        # nothing is created for it.
        ledger = stack.enter_context(Ledger.open(path)) if path.exists() else None
        yield Sending(settings, selection, Book(ledger), path if ledger else None)


def print_skipped(sent: Sending) -> None:
    """Why the pieces that were not sent were not, counted by reason, each named with -v."""
    reasons: dict[str, list[str]] = {}
    for run, channel, why in sent.selection.skipped:
        reasons.setdefault(why, []).append(f"{run} {channel}")
    for why, which in reasons.items():
        say(f"- {plural(len(which), 'piece')} not sent: {why}")
    for problem in sent.book.problems:
        say(f"- {clean(problem)}")
    if sent.ledger is not None:
        print(f"Ledger: {shown(sent.ledger)}")


def skipped_json(sent: Sending) -> list[dict[str, Any]]:
    return [{"run": r, "channel": c, "why": why} for r, c, why in sent.selection.skipped]
