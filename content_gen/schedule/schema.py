"""The ledger's tables, and how a ledger written by an older content-gen is brought up to date.

The version is in `PRAGMA user_version`. 2 added the ledger's identity (see integrity.py);
3 added what work cost (`work.cost_usd`), every call's spending as it happened (`spend`: the
month's total survives a run killed before it records its channels) and the Batch API jobs a
run is waiting for (`batch_jobs`: a rerun picks a job up instead of paying for it again).
"""

from __future__ import annotations

import sqlite3
import uuid

SCHEMA_VERSION = 3

_WORK = """
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
    ledger_id     TEXT,
    cost_usd      REAL NOT NULL DEFAULT 0,
    unpriced_calls INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (entry_key, channel)
)
"""
_IDENTITY = "CREATE TABLE ledger (id TEXT NOT NULL)"
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
_SPEND_INDEX = "CREATE INDEX spend_month ON spend (month)"
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


def create(db: sqlite3.Connection, application_id: int) -> None:
    """A new ledger's tables, identity and version."""
    for statement in (_WORK, _IDENTITY, _SPEND, _SPEND_INDEX, _JOBS):
        db.execute(statement)
    db.execute("INSERT INTO ledger (id) VALUES (?)", (uuid.uuid4().hex,))
    db.execute(f"PRAGMA application_id = {application_id}")
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def migrate(db: sqlite3.Connection, version: int) -> None:
    """Bring a ledger of an older `version` up to this one, inside the caller's transaction."""
    if version < 2:
        identity = uuid.uuid4().hex
        db.execute(_IDENTITY)
        db.execute("INSERT INTO ledger (id) VALUES (?)", (identity,))
        db.execute("ALTER TABLE work ADD COLUMN ledger_id TEXT")
        db.execute("UPDATE work SET ledger_id = ?", (identity,))
    if version < 3:
        # What earlier runs cost is unknown (tokens were recorded, prices were not): it shows
        # as $0 in those rows, and the month's spending starts from this run.
        db.execute("ALTER TABLE work ADD COLUMN cost_usd REAL NOT NULL DEFAULT 0")
        db.execute("ALTER TABLE work ADD COLUMN unpriced_calls INTEGER NOT NULL DEFAULT 0")
        for statement in (_SPEND, _SPEND_INDEX, _JOBS):
            db.execute(statement)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
