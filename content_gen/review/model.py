"""What the review page reads: the runs in a folder (or a calendar's entries) and their pieces.

Everything comes from run.json and the pieces' files; nothing is kept that the disk does not
say. Only run directories directly under the root are read, named by a plain name (no dots in
front, no separators) and not links away, and only the files their run.json names: a page
started on a folder serves nothing outside it.

Listing 500 runs costs 500 `stat` calls, not 500 JSON parses: rows are cached by run.json's
modification time and size (review state lives in run.json, so any change shows).
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from ..files import read_text
from ..storage import RunDir, file_sha256, json_object
from .state import state_of

if TYPE_CHECKING:
    from ..schedule.calendar import Calendar, Entry

#: One path segment: a run directory's or a piece's name. No dot-files, no separators.
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
#: Far above any piece the tool writes; a larger file is not one of them.
PIECE_MAX_BYTES = 2_000_000
TO_DO, NOT_DUE = "to_do", "not_due"


@dataclass(frozen=True)
class ChannelRow:
    """One channel of a run, as the list shows it."""

    name: str
    #: passed, below_bar, failed, interrupted, stopped; to_do or not_due for a calendar entry
    #: not written yet.
    result: str
    score: float | None = None
    #: new, approved, sent_back or edited; None when there is no piece to review.
    review: str | None = None


@dataclass(frozen=True)
class Row:
    """One run, or one calendar entry, in the list."""

    day: str
    topic: str
    #: The run directory's name; None for a calendar entry not written yet.
    run: str | None
    channels: tuple[ChannelRow, ...]
    calendar: bool = False
    simulated: bool = False
    #: When the run began (run.json's created_at): orders runs of the same day.
    created: str = ""

    @property
    def reviews(self) -> set[str]:
        return {c.review for c in self.channels if c.review is not None}


@dataclass(frozen=True)
class Piece:
    """One saved piece: its file as it is now, and what run.json says of it."""

    run: str
    channel: str
    path: Path
    text: str
    sha256: str
    record: dict[str, Any]
    manifest: dict[str, Any] = field(repr=False)
    #: The piece's other files as they are now, {name: text}: LinkedIn's first comment, the
    #: newsletter's HTML and plain-text parts.
    extras: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def files(self) -> dict[str, str]:
        """Every file of the piece, its own first."""
        return {self.path.name: self.text} | self.extras

    @property
    def review(self) -> str:
        return state_of(self.record)

    @property
    def attempts(self) -> list[dict[str, Any]]:
        found = self.record.get("attempts")
        return [a for a in found if isinstance(a, dict)] if isinstance(found, list) else []


class Folder:
    """The runs one review page may show.

    `root` is the output folder. `runs` narrows it to some run directories (`review RUN_DIR`);
    `calendar` lists the calendar's entries instead, written or not (`review CALENDAR`).
    """

    def __init__(
        self,
        root: Path,
        *,
        runs: Iterable[str] | None = None,
        calendar: Calendar | None = None,
        today: date | None = None,
    ) -> None:
        self.root = root.resolve()
        self.calendar = calendar
        self.today = today or date.today()
        entries = calendar.entries if calendar else []
        self.only = set(runs) if runs is not None else None
        if calendar is not None:
            self.only = {e.directory for e in entries}
        self._rows: dict[str, tuple[tuple[int, int] | None, Row]] = {}
        self._lock = threading.Lock()

    # -- confinement ------------------------------------------------------------------------

    def run_dir(self, name: str) -> RunDir | None:
        """The run directory called `name`, if this page may show it."""
        if not NAME.match(name) or (self.only is not None and name not in self.only):
            return None
        path = self.root / name
        if path.is_symlink() or not path.is_dir() or path.resolve().parent != self.root:
            return None
        return RunDir(path)

    def piece(self, run: str, channel: str) -> Piece | None:
        """The saved piece of `channel` in run `run`, if run.json names one inside the run."""
        run_dir = self.run_dir(run)
        manifest = run_dir.read_manifest() if run_dir else None
        record = json_object(json_object(manifest).get("channels")).get(channel)
        if run_dir is None or manifest is None or not isinstance(record, dict):
            return None
        name = record.get("file")
        if not isinstance(name, str) or not NAME.match(name):
            return None
        text = read_inside(run_dir, name)
        if text is None:
            return None
        named = record.get("extra_files")
        extras = {
            n: found
            for n in (named if isinstance(named, dict) else {})
            if isinstance(n, str)
            and NAME.match(n)
            and (found := read_inside(run_dir, n)) is not None
        }
        path = run_dir.path / name
        return Piece(run, channel, path, text, file_sha256(path) or "", record, manifest, extras)

    # -- the list ---------------------------------------------------------------------------

    def rows(self) -> list[Row]:
        """Every run (or calendar entry), newest first."""
        rows = self._entry_rows() if self.calendar is not None else self._run_rows()
        rows.sort(key=lambda r: (r.day, r.created, r.run or ""), reverse=True)
        return rows

    def _run_rows(self) -> list[Row]:
        rows = []
        with os.scandir(self.root) as entries:
            for entry in entries:
                if not entry.is_dir(follow_symlinks=False) or not NAME.match(entry.name):
                    continue
                if self.only is not None and entry.name not in self.only:
                    continue
                row = self._row(entry.name)
                if row is not None:
                    rows.append(row)
        return rows

    def _entry_rows(self) -> list[Row]:
        assert self.calendar is not None
        rows = []
        for entry in self.calendar.entries:
            row = self._row(entry.directory) if (self.root / entry.directory).is_dir() else None
            rows.append(_with_entry(row, entry, self.today))
        return rows

    def _row(self, name: str) -> Row | None:
        """The run's row, read again only when its run.json changed."""
        try:
            info = os.stat(os.path.join(self.root, name, "run.json"))
            key: tuple[int, int] | None = (info.st_mtime_ns, info.st_size)
        except OSError:
            key = None
        with self._lock:
            cached = self._rows.get(name)
        if cached is not None and cached[0] == key:
            return cached[1]
        manifest = RunDir(self.root / name).read_manifest() if key is not None else None
        if manifest is None:
            return None
        row = _run_row(name, manifest)
        with self._lock:
            self._rows[name] = (key, row)
        return row


def _run_row(name: str, manifest: dict[str, Any]) -> Row:
    channels = json_object(manifest.get("channels"))
    return Row(
        day=name[:10],
        topic=str(manifest.get("topic") or name),
        run=name,
        channels=tuple(
            ChannelRow(
                channel,
                str(record.get("status") or "failed"),
                record.get("score") if isinstance(record.get("score"), int | float) else None,
                state_of(record) if record.get("ok") and record.get("file") else None,
            )
            for channel, record in channels.items()
            if isinstance(record, dict)
        ),
        calendar="entry" in json_object(manifest.get("inputs")),
        simulated=bool(manifest.get("simulated")),
        created=str(manifest.get("created_at") or ""),
    )


def _with_entry(row: Row | None, entry: Entry, today: date) -> Row:
    """A calendar entry's row: its run's channels, and the ones not written yet."""
    written = {c.name: c for c in row.channels} if row else {}
    waiting = NOT_DUE if entry.day > today else TO_DO
    return Row(
        day=entry.day.isoformat(),
        topic=entry.topic,
        run=row.run if row else None,
        channels=tuple(written.get(c, ChannelRow(c, waiting)) for c in entry.channels),
        calendar=True,
        simulated=row.simulated if row else False,
        created=row.created if row else "",
    )


def read_inside(run_dir: RunDir, name: str) -> str | None:
    """The text of file `name` directly in the run directory, if it is one (not a link out)."""
    path = run_dir.path / name
    if path.is_symlink() or path.resolve().parent != run_dir.path.resolve():
        return None
    try:
        return read_text(path, label="piece", limit=PIECE_MAX_BYTES)
    except UsageError:
        return None
