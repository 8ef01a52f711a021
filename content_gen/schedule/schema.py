"""The ledger's tables, and the steps that bring an older ledger up to date.

A new ledger is made as version 1 and then taken through every step, exactly as an old one
is, so there is one path to each version. To change the schema, append a step to `STEPS`:
it runs once, inside the transaction that opens the ledger.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable

from .integrity import APPLICATION_ID

_VERSION_1 = """
CREATE TABLE work (
    entry_key     TEXT NOT NULL,
    channel       TEXT NOT NULL,
    entry_date    TEXT NOT NULL,
    topic         TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed')),
    result        TEXT,
    simulated     INTEGER NOT NULL DEFAULT 0,
    tries         INTEGER NOT NULL DEFAULT 0,
    attempts      INTEGER NOT NULL DEFAULT 0,
    score         REAL,
    file          TEXT,
    calls         INTEGER NOT NULL DEFAULT 0,
    prompt_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    total_tokens  INTEGER NOT NULL DEFAULT 0,
    error         TEXT,
    error_kind    TEXT,
    owner_run     TEXT,
    owner_pid     INTEGER,
    owner_host    TEXT,
    lease_until   REAL,
    started_at    TEXT,
    finished_at   TEXT,
    PRIMARY KEY (entry_key, channel)
)
"""
_IDENTITY = "CREATE TABLE ledger (id TEXT NOT NULL)"


def _identity(db: sqlite3.Connection) -> None:
    """2: the ledger's random identity, in its own table and on every row (integrity.py)."""
    identity = uuid.uuid4().hex
    db.execute(_IDENTITY)
    db.execute("INSERT INTO ledger (id) VALUES (?)", (identity,))
    db.execute("ALTER TABLE work ADD COLUMN ledger_id TEXT")
    db.execute("UPDATE work SET ledger_id = ?", (identity,))


def _review(db: sqlite3.Connection) -> None:
    """3: the review state a person gave a done piece (approved, edited, sent_back; NULL is
    new), copied from its run.json by the review page, so SQL and `calendar status` see it."""
    db.execute("ALTER TABLE work ADD COLUMN review TEXT")


_EXPORTS = """
CREATE TABLE exports (
    entry_key   TEXT NOT NULL,
    channel     TEXT NOT NULL,
    destination TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('writing', 'done', 'failed')),
    targets     TEXT NOT NULL DEFAULT '[]',
    sha256      TEXT,
    remote_id   TEXT,
    error       TEXT,
    tries       INTEGER NOT NULL DEFAULT 0,
    updated_at  TEXT NOT NULL,
    ledger_id   TEXT,
    PRIMARY KEY (entry_key, channel, destination)
)
"""
_SPEND = """
CREATE TABLE spend (
    at        TEXT NOT NULL,
    month     TEXT NOT NULL,
    run_id    TEXT,
    usd       REAL NOT NULL,
    calls     INTEGER NOT NULL,
    unpriced  INTEGER NOT NULL DEFAULT 0
)
"""
_JOBS = """
CREATE TABLE batch_jobs (
    display_name TEXT PRIMARY KEY,
    name         TEXT,
    run_id       TEXT NOT NULL,
    round        INTEGER NOT NULL,
    model        TEXT NOT NULL,
    state        TEXT NOT NULL,
    requests     TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    open         INTEGER NOT NULL DEFAULT 1
)
"""


def _exports(db: sqlite3.Connection) -> None:
    """4: where each done piece was exported (a blog folder, an email folder, a social CSV) or
    published as a draft (WordPress): `targets` is a JSON list of paths or the post's link,
    `sha256` the piece's when it went, `remote_id` the platform's id for it. run.json holds
    the same (`channels.<name>.exports`); `content-gen export` and `publish` write both."""
    db.execute(_EXPORTS)


def _costs(db: sqlite3.Connection) -> None:
    """5: what work cost (`work.cost_usd`, and `unpriced_calls` of a model with no price);
    every call's spending as it is paid (`spend`: a month's total survives a run killed before
    it records its channels); the Batch API jobs runs wait for (`batch_jobs`: a rerun picks a
    job up instead of paying for it again). What earlier work cost is unknown, and is shown as
    unknown rather than as $0: its calls count as calls with no price."""
    db.execute("ALTER TABLE work ADD COLUMN cost_usd REAL NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE work ADD COLUMN unpriced_calls INTEGER NOT NULL DEFAULT 0")
    db.execute("UPDATE work SET unpriced_calls = calls")
    db.execute(_SPEND)
    db.execute("CREATE INDEX spend_month ON spend (month)")
    db.execute(_JOBS)


#: STEPS[n] takes a ledger from version n + 1 to n + 2.
STEPS: list[Callable[[sqlite3.Connection], None]] = [_identity, _review, _exports, _costs]
SCHEMA_VERSION = 1 + len(STEPS)


def create(db: sqlite3.Connection) -> None:
    """A new ledger, at the newest version."""
    db.execute(_VERSION_1)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    upgrade(db, 1)


def upgrade(db: sqlite3.Connection, version: int) -> None:
    """Take a ledger from `version` to SCHEMA_VERSION (the caller checked it is not newer)."""
    for step in STEPS[version - 1 :]:
        step(db)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
