"""The done pieces `export` and `publish` may send, and the record of where each one went.

A piece is sent when a person approved it (`channels.<name>.review.state` is "approved" in
run.json, as the review page records it) or, with `--all`, when it is simply done. Either way
its files must still be the ones run.json recorded: the files are the truth.

Where a piece went is recorded twice: in its run.json (`channels.<name>.exports.<destination>`)
and, for a calendar's entries, in the ledger's `exports` table. run.json is written first and
read first; a done record in either counts, so a lost write on one side never sends a piece
twice.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from ..review.state import APPROVED, state_of
from ..storage import RunDir, file_sha256

if TYPE_CHECKING:
    from ..schedule.calendar import Calendar
    from ..schedule.ledger import Ledger
    from ..schedule.work import Export

WRITING, DONE, FAILED = "writing", "done", "failed"


@dataclass(frozen=True)
class Piece:
    """One done piece: its run directory, its channel and what run.json says of it."""

    run_dir: RunDir
    channel: str
    record: dict[str, Any]
    manifest: dict[str, Any] = field(repr=False)
    day: date
    #: The calendar entry it belongs to (its ledger key), if it came from a calendar.
    entry_key: str | None = None

    @property
    def run(self) -> str:
        return self.run_dir.path.name

    @property
    def files(self) -> dict[str, Path]:
        """The piece's files, its own first, then its extras (the newsletter's HTML, ...)."""
        names = [str(self.record["file"]), *(self.record.get("extra_files") or {})]
        return {name: self.run_dir.path / name for name in names}

    @property
    def sha256(self) -> str:
        return str(self.record.get("sha256") or file_sha256(self.files[self.record["file"]]))

    def text(self, name: str | None = None) -> str:
        """A file of the piece, byte for byte (no newline translation): exports copy it."""
        return self.files[name or str(self.record["file"])].read_bytes().decode("utf-8")

    def setting(self, name: str) -> Any:
        """A setting as the run that wrote the piece had it (its run.json), else None."""
        settings = self.manifest.get("settings")
        return settings.get(name) if isinstance(settings, dict) else None

    @property
    def cta_url(self) -> str | None:
        inputs = self.manifest.get("inputs")
        own = inputs.get("cta_url") if isinstance(inputs, dict) else None
        return str(own or self.setting("cta_url") or "") or None

    def sent(self, destination: str) -> dict[str, Any] | None:
        """run.json's record of this piece at `destination`, if there is one."""
        exports = self.record.get("exports")
        found = exports.get(destination) if isinstance(exports, dict) else None
        return found if isinstance(found, dict) else None


@dataclass
class Selection:
    pieces: list[Piece] = field(default_factory=list)
    #: (run, channel, why it is not sent)
    skipped: list[tuple[str, str, str]] = field(default_factory=list)


def from_run_dirs(paths: Iterable[Path], *, everything: bool) -> Selection:
    selection = Selection()
    for path in paths:
        run_dir = RunDir(path)
        manifest = run_dir.read_manifest() if path.is_dir() else None
        if manifest is None:
            raise UsageError(f"{path} is not a run directory (it has no readable run.json)")
        channels = manifest.get("channels")
        names = list(channels) if isinstance(channels, dict) else []
        _select(selection, run_dir, manifest, names, _day(path, manifest), None, everything)
    return selection


def from_calendar(calendar: Calendar, root: Path, *, everything: bool) -> Selection:
    """The calendar's entries that have been written, under the output root `root`."""
    selection = Selection()
    for entry in calendar.entries:
        run_dir = RunDir(root / entry.directory)
        manifest = run_dir.read_manifest() if run_dir.path.is_dir() else None
        if manifest is None:
            continue  # not written yet
        _select(selection, run_dir, manifest, entry.channels, entry.day, entry.key, everything)
    return selection


def _select(
    selection: Selection,
    run_dir: RunDir,
    manifest: dict[str, Any],
    names: Iterable[str],
    day: date,
    entry_key: str | None,
    everything: bool,
) -> None:
    channels = manifest.get("channels")
    for name in names:
        record = channels.get(name) if isinstance(channels, dict) else None
        why = None
        if not isinstance(record, dict) or record.get("ok") is not True:
            why = "not written"
        elif manifest.get("simulated"):
            # A trial's text in a site's folder or a scheduler's CSV would get published.
            why = "simulated (--offline) text is never exported: run it with the API key"
        elif run_dir.saved(name, manifest) is None:
            why = "its files are not the ones run.json recorded (changed or deleted)"
        elif not everything and state_of(record) != APPROVED:
            why = "not approved (--all sends every done piece)"
        if why is not None:
            selection.skipped.append((run_dir.path.name, name, why))
            continue
        assert isinstance(record, dict)
        selection.pieces.append(Piece(run_dir, name, record, manifest, day, entry_key))


def _day(path: Path, manifest: dict[str, Any]) -> date:
    """The run's day: its directory's name starts with it."""
    for text in (path.resolve().name[:10], str(manifest.get("created_at", ""))[:10]):
        try:
            return date.fromisoformat(text)
        except ValueError:
            continue
    return date.today()


# --- the record of where a piece went ----------------------------------------------------------


@dataclass
class Book:
    """Where pieces went, as run.json and (for calendars) the ledger have it."""

    ledger: Ledger | None = None
    #: Why the ledger could not record something (run.json still has it).
    problems: list[str] = field(default_factory=list)
    _ledger_rows: dict[tuple[str, str, str], Export] | None = None

    def done(self, piece: Piece, destination: str) -> dict[str, Any] | None:
        """The record of `piece` at `destination` if it went there: run.json's, else the
        ledger's (a run.json that lost the record, rewritten by a run meanwhile)."""
        own = piece.sent(destination)
        if own is not None and own.get("state") == DONE:
            return own
        if self.ledger is None or piece.entry_key is None:
            return None
        if self._ledger_rows is None:
            self._ledger_rows = self.ledger.exports()
        row = self._ledger_rows.get((piece.entry_key, piece.channel, destination))
        if row is None or row.state != DONE:
            return None
        return {"state": DONE, "targets": list(row.targets), "post_id": row.remote_id}

    def record(self, piece: Piece, destination: str, data: dict[str, Any]) -> dict[str, Any]:
        """Record `data` for `piece` at `destination`: run.json first, then the ledger.

        Raises OSError if run.json cannot be written (nothing is sent without its record);
        a ledger that cannot record is noted, since run.json holds the same."""
        data = {"at": datetime.now().astimezone().isoformat(timespec="seconds")} | data

        def change(manifest: dict[str, Any]) -> dict[str, Any]:
            channel = (manifest.get("channels") or {}).get(piece.channel)
            if isinstance(channel, dict):
                exports = channel.get("exports")
                channel["exports"] = (exports if isinstance(exports, dict) else {}) | {
                    destination: data
                }
            return manifest

        piece.run_dir.update_manifest(change)
        if self.ledger is not None and piece.entry_key is not None:
            from ..schedule.work import Export

            try:
                self.ledger.record_export(
                    Export(
                        piece.entry_key,
                        piece.channel,
                        destination,
                        str(data["state"]),
                        tuple(data.get("targets") or ()),
                        piece.sha256,
                        str(data["post_id"]) if data.get("post_id") else None,
                        data.get("error"),
                        int(data.get("tries") or 0),
                    )
                )
            except sqlite3.Error as exc:
                self.problems.append(
                    f"the ledger could not record {piece.run} {piece.channel}: {exc}"
                )
        return data

    def fail(
        self, piece: Piece, destination: str, error: str, targets: tuple[str, ...] = ()
    ) -> str:
        """Record that sending `piece` to `destination` failed, counting the tries (the next
        run tries again); returns the error, saying so if run.json could not record it."""
        tries = int((piece.sent(destination) or {}).get("tries") or 0) + 1
        data = {"state": FAILED, "targets": list(targets), "error": error, "tries": tries}
        try:
            self.record(piece, destination, data)
        except OSError as exc:
            error += f" (and run.json could not record it: {exc.strerror or exc})"
        return error
