"""The ledger's records: where an entry x channel stands, who holds it, how a try ended."""

from __future__ import annotations

import json
import os
import socket
import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class WorkStatus(StrEnum):
    """An entry x channel in the ledger (the `status` column).

    Not the same as a channel result's status (the `result` column): a channel whose try
    FAILED or was INTERRUPTED is FAILED or back to PENDING here, to be taken by the next run.
    """

    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True)
class Owner:
    """Who holds a claim: one run of one process on one machine."""

    run_id: str
    pid: int
    host: str

    @classmethod
    def current(cls) -> Owner:
        return cls(uuid.uuid4().hex[:12], os.getpid(), socket.gethostname())


@dataclass(frozen=True)
class Work:
    """One entry x channel as the ledger has it (a row of the `work` table).

    `result` is the last try's outcome (passed, below_bar, failed, interrupted); `tries` counts
    the runs that claimed it; `attempts` the drafts and revisions of the last try; calls and
    tokens add up every try, since every try was paid for.
    """

    entry_key: str
    channel: str
    entry_date: str
    topic: str
    status: str
    result: str | None
    simulated: int
    tries: int
    attempts: int
    score: float | None
    file: str | None
    calls: int
    prompt_tokens: int
    output_tokens: int
    total_tokens: int
    error: str | None
    error_kind: str | None
    owner_run: str | None
    owner_pid: int | None
    owner_host: str | None
    lease_until: float | None
    started_at: str | None
    finished_at: str | None
    #: What a person made of the done piece on the review page: NULL (new), approved, edited
    #: or sent_back. run.json has the same; when the two disagree, run.json is the truth.
    review: str | None = None
    cost_usd: float = 0.0
    unpriced_calls: int = 0

    @property
    def cost(self) -> float | None:
        """Dollars over every try; None when some call of it had no price."""
        return None if self.unpriced_calls else self.cost_usd


@dataclass(frozen=True)
class Outcome:
    """How one try of a channel ended: DONE (its file is saved), FAILED, or back to PENDING."""

    status: str
    result: str
    attempts: int = 0
    score: float | None = None
    file: str | None = None
    calls: int = 0
    prompt_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    cost_usd: float = 0.0
    unpriced_calls: int = 0
    error: str | None = None
    error_kind: str | None = None
    #: The piece's review state (None for a piece just written: nobody has looked at it yet).
    review: str | None = None


@dataclass(frozen=True)
class Export:
    """Where a done piece went (a row of the `exports` table): `state` is writing (the intent,
    recorded before any file is written), done or failed; `targets` the files, or the draft's
    link; `sha256` the piece's when it went; `remote_id` the platform's id for it."""

    entry_key: str
    channel: str
    destination: str
    state: str
    targets: tuple[str, ...] = ()
    sha256: str | None = None
    remote_id: str | None = None
    error: str | None = None
    tries: int = 0
    updated_at: str | None = None

    @classmethod
    def of(cls, row: dict[str, Any]) -> Export:
        """A row of the table as an Export (its targets stored as a JSON list)."""
        try:
            targets = json.loads(row.get("targets") or "[]")
        except ValueError:
            targets = []
        return cls(
            entry_key=str(row["entry_key"]),
            channel=str(row["channel"]),
            destination=str(row["destination"]),
            state=str(row["state"]),
            targets=tuple(map(str, targets)) if isinstance(targets, list) else (),
            sha256=row.get("sha256"),
            remote_id=row.get("remote_id"),
            error=row.get("error"),
            tries=int(row.get("tries") or 0),
            updated_at=row.get("updated_at"),
        )

    def columns(self) -> tuple[object, ...]:
        """The values of the table's columns, from entry_key to tries."""
        return (
            self.entry_key,
            self.channel,
            self.destination,
            self.state,
            json.dumps(list(self.targets)),
            self.sha256,
            self.remote_id,
            self.error,
            self.tries,
        )
