"""Where a calendar stands: the status table, its summary line, the month's spending, --json.

Shared by `calendar status` and the end of `calendar run`. Standard library only, like
`calendar check`: no pydantic, no SDK.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..llm.prices import money
from ..review.state import NEW
from ..review.state import label as review_label
from ..schedule.calendar import Calendar, Entry
from ..schedule.ledger import Ledger
from ..schedule.spending import BUDGET_SETTING, Month, month_spent
from ..schedule.status import MISSING, NOT_DUE, ChannelState
from ..schedule.work import WorkStatus
from .common import shown
from .report import clean, print_table, say, width

if TYPE_CHECKING:
    from ..schedule.runner import CalendarRun

DONE, FAILED, PENDING, RUNNING = (
    WorkStatus.DONE,
    WorkStatus.FAILED,
    WorkStatus.PENDING,
    WorkStatus.RUNNING,
)
ERROR_CHARS = 48  # a failure's reason in the status table; --json has all of it

States = list[tuple[Entry, list[ChannelState]]]


@dataclass(frozen=True)
class MonthSpend:
    """What calendar runs spent this month (UTC), against the monthly budget if there is one."""

    month: Month
    spent: float
    unpriced: int
    budget: float | None

    @classmethod
    def read(cls, ledger: Ledger | None, budget: float | None, today: Month) -> MonthSpend:
        spent, unpriced = month_spent(ledger, today) if ledger is not None else (0.0, 0)
        return cls(today, spent, unpriced, budget)

    def line(self) -> str:
        unknown = f" (and {plural_calls(self.unpriced)} with no price)" if self.unpriced else ""
        text = f"{self.month.name}: {money(self.spent)} spent{unknown}"
        if self.budget is None:
            return f"{text}; no monthly budget ({BUDGET_SETTING})"
        left = max(self.budget - self.spent, 0.0)
        return (
            f"{text} of a {money(self.budget)} budget, {money(left)} left; it resets on "
            f"{self.month.resets.isoformat()} (UTC)"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "month": self.month.key,
            "spent_usd": round(self.spent, 6),
            "unpriced_calls": self.unpriced,
            "budget_usd": self.budget,
            "resets": self.month.resets.isoformat(),
        }


def plural_calls(n: int) -> str:
    return f"{n} call{'' if n == 1 else 's'}"


def entries(n: int) -> str:
    return f"{n} entr{'y' if n == 1 else 'ies'}"


def rows(n: int) -> str:
    return f"{n} row{'' if n == 1 else 's'}"


def next_on(later: list[Entry]) -> str:
    return f" (next on {later[0].day.isoformat()})" if later else ""


def print_status(
    states: States, calendar: Calendar, ledger: Path, today: date, spend: MonthSpend
) -> None:
    table: list[tuple[str, ...]] = [
        ("date", "topic", "channel", "state", "score", "tokens", "cost")
    ]
    for entry, channels in states:
        for i, state in enumerate(channels):
            w = state.work
            table.append(
                (
                    entry.day.isoformat() if i == 0 else "",
                    clean(entry.label.split(" ", 1)[1]) if i == 0 else "",
                    state.channel,
                    state_label(state),
                    f"{w.score:.2f}" if w and w.score is not None and state.state == DONE else "-",
                    f"{w.total_tokens:,}" if w else "-",
                    money(w.cost) if w else "-",
                )
            )
    print_table(table, left={0, 1, 2, 3}, limit=width(sys.stdout), shrink=(1, 3))
    counts = entry_counts(states)
    parts = [f"{n} {what}" for what, n in counts.items() if n]
    works = [s.work for _, c in states for s in c if s.work]
    tokens = sum(w.total_tokens for w in works)
    paid = [w for w in works if not w.simulated]  # --offline work is priced, but nothing paid
    cost = money(None if any(w.unpriced_calls for w in paid) else sum(w.cost_usd for w in paid))
    print()
    say(
        f"{entries(len(states))}: {', '.join(parts)}{next_on(calendar.later(today))}; "
        f"{tokens:,} tokens and {cost} spent on them so far"
    )
    say(spend.line())
    if calendar.problems:
        say(f"{rows(len(calendar.problems))} of {calendar.path} not valid (see above).")
    print(f"Ledger: {shown(ledger)}" + ("" if ledger.exists() else " (no runs yet)"))


def state_label(state: ChannelState) -> str:
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
    if state.state == PENDING and w is not None and w.error_kind == "budget":
        return "pending (budget spent)"
    return "not yet due" if state.state == NOT_DUE else state.state


def entry_counts(states: States) -> dict[str, int]:
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


def status_json(
    calendar: Calendar, states: States, ledger: Path, today: date, spend: MonthSpend
) -> dict[str, Any]:
    return {
        "calendar": str(calendar.path),
        "ledger": str(ledger),
        "today": today.isoformat(),
        "this_month": spend.as_dict(),
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


@contextmanager
def reading(path: Path) -> Iterator[Ledger | None]:
    """The ledger if there is one; reading must not create one."""
    if not path.exists():
        yield None
        return
    with Ledger.open(path) as ledger:
        yield ledger


def this_month(ledger: Ledger | None, budget: float | None) -> MonthSpend:
    """This month's spending, by the ledger's clock (UTC), and the budget it counts against."""
    now = ledger.now_utc() if ledger is not None else datetime.now(UTC)
    return MonthSpend.read(ledger, budget, Month.of(now))


# --- shared ------------------------------------------------------------------------------------


def run_json(outcome: CalendarRun) -> dict[str, Any]:
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
        "batch": {"rounds": outcome.rounds, "jobs": outcome.jobs} if outcome.rounds else None,
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
