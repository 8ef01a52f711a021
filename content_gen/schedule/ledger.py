"""The ledger: for each calendar entry x channel, whether it is done, failed or being written.

One SQLite file (the standard library's sqlite3) in WAL mode, so `calendar status` can read
while a run writes. Work is claimed inside `BEGIN IMMEDIATE`, which takes the write lock
before reading, so two runs started at the same moment never claim the same entry x channel.
A claim names its owner (run id, pid, host) and holds a lease that the owner renews while it
works. A claim whose owner is gone (same host, pid no longer running) or whose lease ran out
can be taken over, so a run killed with kill -9 strands nothing.
"""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UsageError
from ..llm.seam import Usage
from ..storage import pid_alive
from .integrity import APPLICATION_ID, inspect
from .schema import SCHEMA_VERSION, create, upgrade
from .work import Export, Outcome, Owner, Work, WorkStatus

if TYPE_CHECKING:
    from .calendar import Entry

DEFAULT_NAME = "ledger.sqlite"
LEASE_SECONDS = 300.0
BUSY_TIMEOUT_SECONDS = 30.0
WAL_RETRY_SECONDS = 0.01


class Ledger:
    """One connection, shared by a run's threads under a lock."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path,
        *,
        lease: float = LEASE_SECONDS,
        clock: Callable[[], float] = time.time,
        alive: Callable[[int], bool] = pid_alive,
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        self.path = path
        self.lease = lease
        self._conn = conn
        self._clock = clock
        self._alive = alive
        self._sleep = sleep
        self._host = socket.gethostname()
        self._lock = threading.Lock()
        #: This ledger's random identity, set when it is opened (see integrity.py).
        self.identity = ""

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        lease: float = LEASE_SECONDS,
        clock: Callable[[], float] = time.time,
        alive: Callable[[int], bool] = pid_alive,
        sleep: Callable[[float], object] = time.sleep,
    ) -> Ledger:
        """Open the ledger, creating it (and its directory) on first use.

        A file that is not a content-gen ledger, is damaged, or has another ledger's
        write-ahead log beside it is refused before anything writes to it.
        """
        inspect(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Autocommit mode: every transaction below is begun and ended explicitly.
            conn = sqlite3.connect(
                path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
            )
        except (OSError, sqlite3.Error) as exc:
            raise UsageError(
                f"cannot open ledger {path}: {_reason(exc)}; choose another with --ledger"
            ) from None
        conn.row_factory = sqlite3.Row
        ledger = cls(conn, path, lease=lease, clock=clock, alive=alive, sleep=sleep)
        try:
            ledger._prepare()
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise UsageError(
                f"cannot use ledger {path}: {_reason(exc)}; choose another with --ledger"
            ) from None
        except UsageError:
            conn.close()
            raise
        return ledger

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _prepare(self) -> None:
        self._use_wal()
        with self.transaction() as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            app = db.execute("PRAGMA application_id").fetchone()[0]
            if version == 0:
                if db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                    raise UsageError(
                        f"{self.path} is an SQLite file but not a content-gen ledger; "
                        "choose another with --ledger"
                    )
                create(db)
            elif app != APPLICATION_ID:
                raise UsageError(
                    f"{self.path} is not a content-gen ledger; choose another with --ledger"
                )
            elif version > SCHEMA_VERSION:
                raise UsageError(
                    f"ledger {self.path} was written by a newer content-gen (schema {version}, "
                    f"this one knows {SCHEMA_VERSION}); upgrade content-gen"
                )
            else:
                upgrade(db, version)
            self.identity = str(db.execute("SELECT id FROM ledger").fetchone()[0])

    def _use_wal(self) -> None:
        """Switch the file to WAL mode (a no-op once it is).

        Two runs creating a new ledger at the same moment can deadlock on the switch, and
        SQLite then fails one of them at once instead of waiting: that one tries again.
        """
        deadline = self._clock() + BUSY_TIMEOUT_SECONDS
        while True:
            try:
                self._conn.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError:
                if self._clock() > deadline:
                    raise
                self._sleep(WAL_RETRY_SECONDS)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; the lock is taken before anything is read."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    # -- reading ----------------------------------------------------------------------------

    def read(self, query: str, args: tuple[object, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(query, args).fetchall()

    def now_utc(self) -> datetime:
        return datetime.fromtimestamp(self._clock(), UTC)

    def work(self, entry_key: str | None = None) -> dict[tuple[str, str], Work]:
        """Every row (or one entry's), by (entry key, channel)."""
        query, args = "SELECT * FROM work", tuple[str, ...]()
        if entry_key is not None:
            query, args = query + " WHERE entry_key = ?", (entry_key,)
        with self._lock:
            rows = self._conn.execute(query, args).fetchall()
        return {(r["entry_key"], r["channel"]): _work(r) for r in rows}

    def exports(self) -> dict[tuple[str, str, str], Export]:
        """Every export record, by (entry key, channel, destination)."""
        with self._lock:
            rows = self._conn.execute("SELECT * FROM exports").fetchall()
        found = (Export.of(dict(r)) for r in rows)
        return {(e.entry_key, e.channel, e.destination): e for e in found}

    def now(self) -> str:
        return self.now_utc().isoformat(timespec="milliseconds")

    def held(self, work: Work | None) -> bool:
        """Whether a live run is writing this channel now."""
        return work is not None and work.status == WorkStatus.RUNNING and not self._owner_gone(work)

    def wanted(
        self,
        work: Work | None,
        *,
        simulated: bool,
        redo_before: str | None,
        on_disk: Callable[[str], bool] = lambda channel: True,
        kept: Callable[[str], bool] = lambda channel: False,
    ) -> bool:
        """Whether a run should (re)write this channel.

        Done stays done, unless it was simulated and this run is real (and no person approved
        or edited it: `kept(channel)`), or its piece is no longer on disk (`on_disk(channel)`:
        the files are the truth), or `redo_before` (the start of a --force run) is later than
        when it was done: a forced run redoes each channel once, however many forced runs
        overlap.
        """
        if work is None or work.status in (WorkStatus.PENDING, WorkStatus.FAILED):
            return True
        if work.status == WorkStatus.RUNNING:
            return self._owner_gone(work)
        if work.simulated and not simulated and not kept(work.channel):
            return True
        if not on_disk(work.channel):
            return True
        return redo_before is not None and (work.finished_at or "") < redo_before

    def _owner_gone(self, work: Work) -> bool:
        if work.lease_until is not None and work.lease_until < self._clock():
            return True
        return work.owner_host == self._host and not self._alive(work.owner_pid or 0)

    # -- writing ----------------------------------------------------------------------------

    def claim(
        self,
        owner: Owner,
        entry: Entry,
        channels: Sequence[str],
        *,
        simulated: bool = False,
        redo_before: str | None = None,
        on_disk: Callable[[str], bool] = lambda channel: True,
        kept: Callable[[str], bool] = lambda channel: False,
    ) -> list[str]:
        """Claim the channels of `entry` that are wanted and free; returns the claimed ones."""
        claimed = []
        with self.transaction() as db:
            now = self.now()
            for channel in channels:
                row = db.execute(
                    "SELECT * FROM work WHERE entry_key = ? AND channel = ?", (entry.key, channel)
                ).fetchone()
                if not self.wanted(
                    _work(row) if row else None,
                    simulated=simulated,
                    redo_before=redo_before,
                    on_disk=on_disk,
                    kept=kept,
                ):
                    continue
                db.execute(
                    """
                    INSERT INTO work (entry_key, channel, entry_date, topic, status, tries,
                                      owner_run, owner_pid, owner_host, lease_until, started_at,
                                      ledger_id)
                    VALUES (?, ?, ?, ?, 'running', 1, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (entry_key, channel) DO UPDATE SET
                        entry_date = excluded.entry_date, topic = excluded.topic,
                        status = 'running', tries = tries + 1,
                        owner_run = excluded.owner_run, owner_pid = excluded.owner_pid,
                        owner_host = excluded.owner_host, lease_until = excluded.lease_until,
                        started_at = excluded.started_at, ledger_id = excluded.ledger_id
                    """,
                    (
                        entry.key,
                        channel,
                        entry.day.isoformat(),
                        entry.topic,
                        owner.run_id,
                        owner.pid,
                        owner.host,
                        self._clock() + self.lease,
                        now,
                        self.identity,
                    ),
                )
                claimed.append(channel)
        return claimed

    def finish(
        self, owner: Owner, entry: Entry, channel: str, outcome: Outcome, *, simulated: bool
    ) -> None:
        """Record how a claimed channel ended and give up the claim.

        Only the current owner may: if this run's lease ran out and another run took the
        channel over, that run's record is the one that counts.
        """
        with self.transaction() as db:
            db.execute(
                """
                UPDATE work SET
                    status = ?, result = ?, simulated = ?, attempts = ?, score = ?,
                    file = coalesce(?, file), calls = calls + ?,
                    prompt_tokens = prompt_tokens + ?, output_tokens = output_tokens + ?,
                    total_tokens = total_tokens + ?, cost_usd = cost_usd + ?,
                    unpriced_calls = unpriced_calls + ?, error = ?, error_kind = ?, review = ?,
                    owner_run = NULL, owner_pid = NULL, owner_host = NULL, lease_until = NULL,
                    finished_at = ?
                WHERE entry_key = ? AND channel = ? AND owner_run = ?
                """,
                (
                    outcome.status,
                    outcome.result,
                    int(simulated),
                    outcome.attempts,
                    outcome.score,
                    outcome.file,
                    outcome.calls,
                    outcome.prompt_tokens,
                    outcome.output_tokens,
                    outcome.total_tokens,
                    outcome.cost_usd,
                    outcome.unpriced_calls,
                    outcome.error,
                    outcome.error_kind,
                    outcome.review,
                    self.now(),
                    entry.key,
                    channel,
                    owner.run_id,
                ),
            )

    def set_review(self, entry_key: str, channel: str, review: str | None) -> bool:
        """Record a person's review of a done piece (the review page, after run.json); returns
        whether the ledger has that entry x channel."""
        with self.transaction() as db:
            return (
                db.execute(
                    "UPDATE work SET review = ? WHERE entry_key = ? AND channel = ?",
                    (review, entry_key, channel),
                ).rowcount
                > 0
            )

    def record_export(self, export: Export) -> None:
        """Where a piece went, or is going (see Export): one row per entry x channel x
        destination, replaced by each change."""
        with self.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO exports (entry_key, channel, destination, state, "
                "targets, sha256, remote_id, error, tries, updated_at, ledger_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*export.columns(), self.now(), self.identity),
            )

    def release(self, owner: Owner, reason: str) -> int:
        """Give back every claim `owner` still holds (an interrupted run); returns how many."""
        with self.transaction() as db:
            return db.execute(
                """
                UPDATE work SET status = 'pending', result = 'interrupted', error = ?,
                    error_kind = 'interrupted', owner_run = NULL, owner_pid = NULL,
                    owner_host = NULL, lease_until = NULL
                WHERE owner_run = ? AND status = 'running'
                """,
                (reason, owner.run_id),
            ).rowcount

    def add_usage(self, entry_key: str, channel: str, usage: Usage) -> None:
        """Add calls and tokens paid for an entry's row after it ran (its plan, a send-back)."""
        with self.transaction() as db:
            db.execute(
                """
                UPDATE work SET calls = calls + ?, prompt_tokens = prompt_tokens + ?,
                    output_tokens = output_tokens + ?, total_tokens = total_tokens + ?,
                    cost_usd = cost_usd + ?, unpriced_calls = unpriced_calls + ?
                WHERE entry_key = ? AND channel = ?
                """,
                (
                    usage.calls,
                    usage.prompt_tokens,
                    usage.output_tokens,
                    usage.total_tokens,
                    usage.cost_usd,
                    usage.unpriced,
                    entry_key,
                    channel,
                ),
            )

    def renew(self, owner: Owner) -> None:
        """Extend the lease on every claim `owner` holds: it is still working on them."""
        with self.transaction() as db:
            db.execute(
                "UPDATE work SET lease_until = ? WHERE owner_run = ? AND status = 'running'",
                (self._clock() + self.lease, owner.run_id),
            )

    @contextmanager
    def heartbeat(self, owner: Owner) -> Iterator[None]:
        """Renew `owner`'s leases in the background for as long as the block runs."""
        done = threading.Event()

        def beat() -> None:
            while not done.wait(self.lease / 3):
                # Busy for longer than the timeout: the next beat tries again.
                with suppress(sqlite3.Error):
                    self.renew(owner)

        thread = threading.Thread(target=beat, name="content-gen-lease", daemon=True)
        thread.start()
        try:
            yield
        finally:
            done.set()


_WORK_FIELDS = tuple(f.name for f in fields(Work))


def _work(row: sqlite3.Row) -> Work:
    return Work(**{name: row[name] for name in _WORK_FIELDS})


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc)
