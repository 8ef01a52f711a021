"""Where each calendar entry stands, for `calendar status` and the end of a run.

A state here is the ledger's status as it looks now: a claim whose run is gone counts as
pending, and an entry dated after the day being run is not yet due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..review.state import NEW, state_of
from ..storage import RunDir, json_object
from .ledger import Ledger
from .work import Work, WorkStatus

if TYPE_CHECKING:
    from .calendar import Calendar, Entry

#: Shown, never stored: an entry dated after the day being run.
NOT_DUE = "not_due"
#: Shown, never stored: recorded as done, but its piece is no longer in the output folder.
MISSING = "missing"


@dataclass(frozen=True)
class ChannelState:
    """One entry x channel as `calendar status` shows it."""

    channel: str
    #: done, failed, pending (including claims whose run is gone), running, or not_due.
    state: str
    work: Work | None = None
    #: What a person made of a done piece on the review page (new, approved, edited,
    #: sent_back); None when there is no piece to review.
    review: str | None = None

    def as_dict(self) -> dict[str, Any]:
        w = self.work
        data: dict[str, Any] = {"channel": self.channel, "state": self.state}
        if self.review is not None:
            data["review"] = self.review
        if w is None:
            return data
        return data | {
            "result": w.result,
            "score": w.score,
            "simulated": bool(w.simulated),
            "file": w.file,
            "error": w.error if self.state != WorkStatus.DONE else None,
            "tries": w.tries,
            "attempts": w.attempts,
            "calls": w.calls,
            "tokens": w.total_tokens,
            "cost_usd": None if w.cost is None else round(w.cost, 6),
            "started_at": w.started_at,
            "finished_at": w.finished_at,
            "owner": None
            if self.state != WorkStatus.RUNNING
            else {"run": w.owner_run, "pid": w.owner_pid, "host": w.owner_host},
        }


def channel_states(
    calendar: Calendar, ledger: Ledger | None, today: date, out_root: Path
) -> list[tuple[Entry, list[ChannelState]]]:
    """Every entry, oldest first, with each of its channels' state as the disk confirms it."""
    work = ledger.work() if ledger else {}
    entries = calendar.due(today) + calendar.later(today)
    states = []
    for e in entries:
        run_dir = RunDir(out_root / e.directory)
        manifest = run_dir.read_manifest()
        states.append(
            (
                e,
                [
                    _state(e, c, work.get((e.key, c)), ledger, today, run_dir, manifest)
                    for c in e.channels
                ],
            )
        )
    return states


def _state(
    entry: Entry,
    channel: str,
    work: Work | None,
    ledger: Ledger | None,
    today: date,
    run_dir: RunDir,
    manifest: dict[str, Any] | None,
) -> ChannelState:
    if work is None or work.status == WorkStatus.PENDING:
        state = NOT_DUE if entry.day > today else WorkStatus.PENDING
    elif work.status == WorkStatus.RUNNING:
        state = WorkStatus.RUNNING if ledger and ledger.held(work) else WorkStatus.PENDING
    elif work.status == WorkStatus.DONE and run_dir.saved(channel, manifest) is None:
        state = MISSING
    else:
        state = work.status
    if state != WorkStatus.DONE:
        return ChannelState(channel, state, work)
    # run.json is the truth; the ledger's copy counts when run.json has no review to say.
    on_disk = state_of(json_object(json_object(manifest).get("channels")).get(channel))
    ledger_says = work.review if work is not None else None
    return ChannelState(channel, state, work, on_disk if on_disk != NEW else ledger_says or NEW)
