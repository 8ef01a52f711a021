"""What the ledger records of a channel: a run's result, or a piece found saved on disk.

The files on disk are the truth: a channel whose piece is saved in its run directory is done,
whatever the ledger said, and is recorded as done with what it cost.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..llm.seam import Usage
from ..pipeline.results import ChannelResult, Status
from ..review.state import NEW, kept, state_of
from ..storage import RunDir, json_object
from .calendar import Entry
from .ledger import Ledger
from .work import Outcome, Work, WorkStatus


def on_disk(entry: Entry, out_root: Path, *, simulated: bool) -> dict[str, dict[str, Any]]:
    """The entry's channels whose pieces are saved in its run directory, by run.json.

    A real run rewrites what the simulator wrote, except the pieces a person approved or
    edited on the review page: those are theirs.
    """
    run_dir = RunDir(out_root / entry.directory)
    manifest = run_dir.read_manifest()
    if manifest is None:
        return {}
    saved = {c: r for c in entry.channels if (r := run_dir.saved(c, manifest)) is not None}
    if manifest.get("simulated") and not simulated:
        return {c: r for c, r in saved.items() if kept(r)}
    return saved


def to_write(
    entry: Entry,
    ledger: Ledger | None,
    work: Mapping[tuple[str, str], Work],
    out_root: Path,
    *,
    simulated: bool,
    since: str | None = None,
) -> list[str]:
    """The entry's channels a run would write: not done (or done before `since`, --force)."""
    if ledger is None:
        return list(entry.channels)
    saved = on_disk(entry, out_root, simulated=simulated)
    return [
        c
        for c in entry.channels
        if ledger.wanted(
            work.get((entry.key, c)),
            simulated=simulated,
            redo_before=since,
            on_disk=saved.__contains__,
            kept=lambda channel: kept(saved.get(channel)),
        )
    ]


def adopted(record: dict[str, Any], entry: Entry, out_root: Path) -> Outcome:
    """A piece found saved on disk, as the ledger records it: done, with what it cost."""
    path = out_root / entry.directory / str(record["file"])
    review = state_of(record)
    return Outcome(
        status=WorkStatus.DONE,
        result=str(record.get("status") or Status.PASSED),
        attempts=len(record.get("attempts") or []),
        score=record.get("score"),
        file=str(path.resolve()),
        review=None if review == NEW else review,
        **_paid(Usage.from_dict(json_object(record.get("usage")))),
    )


def _paid(usage: Usage) -> dict[str, Any]:
    """The ledger's columns for what a try paid."""
    return {
        "calls": usage.calls,
        "prompt_tokens": usage.prompt_tokens,
        "output_tokens": usage.output_tokens,
        "total_tokens": usage.total_tokens,
        "cost_usd": usage.cost_usd,
        "unpriced_calls": usage.unpriced,
    }


def outcome_of(result: ChannelResult, file: str | None) -> Outcome:
    """A channel's result, as the ledger records it."""
    if result.ok:
        status = WorkStatus.DONE
    elif result.status in (Status.INTERRUPTED, Status.STOPPED):
        status = WorkStatus.PENDING  # not this channel's fault: the next run simply does it
    else:
        status = WorkStatus.FAILED
    return Outcome(
        status=status,
        result=result.status,
        attempts=len(result.attempts),
        score=result.score,
        file=file,
        error=result.error,
        error_kind=result.error_kind,
        **_paid(result.usage),
    )
