"""Is this ledger ours, whole, and is its write-ahead log its own? Checked read-only, before
anything opens it for writing.

SQLite replays a `-wal` file into whatever database sits beside it: a log copied in from
another ledger (a synced folder, a restored backup) would silently replace our records. Every
ledger has a random identity, stored in its own table and on every row it writes; a log that
changes the identity, or brings rows of another ledger, is refused. So is a file that is not a
content-gen ledger at all, and one that SQLite finds damaged.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from urllib.parse import quote

from ..errors import UsageError

APPLICATION_ID = 0x43474C47  # "CGLG": marks the file as a content-gen ledger
_MAGIC = b"SQLite format 3\x00"
_HINT = "choose another with --ledger"


def inspect(path: Path) -> None:
    """Raise UsageError, saying what to do, unless `path` is a usable ledger (or not there)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    except OSError as exc:
        raise UsageError(f"cannot read ledger {path}: {exc.strerror}; {_HINT}") from None
    if not path.is_file():
        raise UsageError(f"ledger {path} is not a file; {_HINT}")
    if size == 0:
        return
    with path.open("rb") as handle:
        if handle.read(len(_MAGIC)) != _MAGIC:
            raise UsageError(f"{path} is not an SQLite file, so not a content-gen ledger; {_HINT}")
    try:
        _check(path)
    except sqlite3.DatabaseError as exc:
        raise UsageError(f"ledger {path} is damaged ({exc}); {_HINT}, or restore it") from None


def _check(path: Path) -> None:
    wal = path.with_name(path.name + "-wal")
    with closing(_connect(path, "ro")) as db:  # reads through the log, if there is one
        app = db.execute("PRAGMA application_id").fetchone()[0]
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        if app != APPLICATION_ID:
            if not tables:
                return  # an empty database: a new ledger is made in it
            raise UsageError(f"{path} is an SQLite file but not a content-gen ledger; {_HINT}")
        problem = db.execute("PRAGMA quick_check(1)").fetchone()[0]
        if problem != "ok":
            raise sqlite3.DatabaseError(" ".join(str(problem).split()))
        identity = _identity(db) if "ledger" in tables else None
        foreign = (
            db.execute(
                "SELECT count(*) FROM work WHERE ledger_id IS NOT ?", (identity,)
            ).fetchone()[0]
            if identity is not None and "work" in tables
            else 0
        )
    if not (wal.exists() and wal.stat().st_size):
        return
    with closing(_connect(path, "immutable")) as db:  # the main file alone, the log ignored
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        before = _identity(db) if "ledger" in tables else None
    if foreign or (before is not None and before != identity):
        raise UsageError(
            f"{wal} is not {path.name}'s own write-ahead log (it holds another ledger's "
            f"records); move it away and run again, or {_HINT}"
        )


def _identity(db: sqlite3.Connection) -> str | None:
    row = db.execute("SELECT id FROM ledger").fetchone()
    return None if row is None else str(row[0])


def _connect(path: Path, mode: str) -> sqlite3.Connection:
    option = "mode=ro" if mode == "ro" else "immutable=1"
    uri = f"file:{quote(str(path.resolve()))}?{option}"
    return sqlite3.connect(uri, uri=True, timeout=30)
