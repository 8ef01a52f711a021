"""The ledger's record of the Batch API jobs a calendar run is waiting for (table batch_jobs).

A job is recorded before it is submitted (under the display name it will carry), named as soon
as the API names it, and kept open until the run that waits for it has finished: a rerun after
kill -9 picks up the same job, by its name or, if the run died between submitting and
recording, by its display name, instead of submitting (and paying for) the work again.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from .ledger import Ledger
from .work import Owner


@dataclass(frozen=True)
class Request:
    """One request of a job: its cache key, and what it is for."""

    key: str
    entry: str
    channel: str
    step: str


@dataclass(frozen=True)
class JobRecord:
    display_name: str
    name: str | None
    round: int
    model: str
    state: str
    requests: tuple[Request, ...]

    @property
    def keys(self) -> list[str]:
        return [r.key for r in self.requests]


class JobLog:
    def __init__(self, ledger: Ledger, owner: Owner) -> None:
        self.ledger = ledger
        self.owner = owner

    def intend(
        self, display_name: str, round_: int, model: str, requests: Sequence[Request]
    ) -> None:
        """Record a job about to be submitted: a kill from here on cannot lose track of it."""
        now = self.ledger.now()
        with self.ledger.transaction() as db:
            db.execute(
                "INSERT INTO batch_jobs (display_name, run_id, round, model, state, requests, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, 'SUBMITTING', ?, ?, ?)",
                (
                    display_name,
                    self.owner.run_id,
                    round_,
                    model,
                    json.dumps([r.__dict__ for r in requests]),
                    now,
                    now,
                ),
            )

    def update(self, display_name: str, *, state: str, name: str | None = None) -> None:
        with self.ledger.transaction() as db:
            db.execute(
                "UPDATE batch_jobs SET state = ?, name = coalesce(?, name), updated_at = ? "
                "WHERE display_name = ?",
                (state, name, self.ledger.now(), display_name),
            )

    def forget(self, display_name: str) -> None:
        """A job that was recorded but never reached the API."""
        with self.ledger.transaction() as db:
            db.execute("DELETE FROM batch_jobs WHERE display_name = ?", (display_name,))

    def open(self) -> list[JobRecord]:
        """Every job a run is (or was, until it died) waiting for, oldest first."""
        rows = self.ledger.read("SELECT * FROM batch_jobs WHERE open = 1 ORDER BY created_at")
        return [
            JobRecord(
                r["display_name"],
                r["name"],
                r["round"],
                r["model"],
                r["state"],
                tuple(Request(**q) for q in json.loads(r["requests"])),
            )
            for r in rows
        ]

    def close(self, display_names: Sequence[str]) -> None:
        """The runs that waited for these jobs have what they brought."""
        with self.ledger.transaction() as db:
            db.executemany(
                "UPDATE batch_jobs SET open = 0 WHERE display_name = ?",
                [(n,) for n in display_names],
            )
