"""What the review page changes on disk: review state, edits and revisions of a saved piece.

Each change is one read-modify-write of run.json under the run directory's lock (two tabs, a
calendar run and the page never lose each other's changes) and applies only to the version of
the piece the page showed: the page sends the SHA-256 of the text it read, and a piece that
changed since is a Conflict, never overwritten. A piece is replaced the way a run saves one:
written in full beside it, recorded in run.json with its new SHA-256 (so a calendar run still
adopts it), then renamed into place. The version it replaces is kept in `history/`.

For a calendar entry the ledger gets the new state too, after run.json (the truth).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import channels as registry
from ..channels.base import ChannelContext
from ..errors import FormatError, UsageError
from ..storage import RunDir, Staged, atomic_write, file_sha256, json_list, json_object
from .model import NAME, read_inside
from .state import APPROVED, EDITED, NEW, SENT_BACK, before_approval, moved, state_of

if TYPE_CHECKING:
    from ..llm.seam import Usage
    from ..pipeline.revise import Revision

HISTORY = "history"


class Conflict(Exception):
    """The piece is not the version the page showed: it was edited, revised or rewritten."""


class Gone(Exception):
    """The run no longer records a saved piece for this channel."""


class Unreadable(Exception):
    """An edit the channel's parser cannot read, of a piece whose other files are made from
    it (the newsletter's HTML and text parts): saved, they would no longer match it."""


#: What a change does to a channel's record in run.json, given the record, the piece's text
#: and the whole run.json: the new record, and the files it puts in place (its own first).
Edit = Callable[[dict[str, Any], str, dict[str, Any]], tuple[dict[str, Any], tuple[Staged, ...]]]


@dataclass(frozen=True)
class Change:
    """What a change left: the channel's record in run.json, the piece's SHA-256, and what
    could not be done (the ledger was busy, the piece changed while a revision ran)."""

    record: dict[str, Any]
    sha256: str
    notes: tuple[str, ...] = ()

    @property
    def review(self) -> str:
        return state_of(self.record)


class Desk:
    """The writes of one review page: its run directories, and the ledger if there is one.

    `ctx` is the settings' context; each run's pieces are made again with the settings that
    run recorded (ChannelContext.for_run)."""

    def __init__(self, ledger: Path | None = None, ctx: ChannelContext | None = None) -> None:
        self.ledger = ledger
        self.ctx = ctx or ChannelContext()

    def approve(self, run_dir: RunDir, channel: str, seen: str) -> Change:
        return self._change(
            run_dir, channel, seen, lambda record, *_: (moved(record, APPROVED), ())
        )

    def unapprove(self, run_dir: RunDir, channel: str, seen: str) -> Change:
        def back(record: dict[str, Any], *_: Any) -> tuple[dict[str, Any], tuple[Staged, ...]]:
            return moved(record, before_approval(record), action="unapproved"), ()

        return self._change(run_dir, channel, seen, back)

    def save(self, run_dir: RunDir, channel: str, seen: str, new: str) -> Change:
        """Put the person's text in place of the piece, and its other files made again from
        it; the text it replaces is kept. Unreadable if those files cannot be made."""
        new = new.replace("\r\n", "\n")

        def edit(
            record: dict[str, Any], text: str, manifest: dict[str, Any]
        ) -> tuple[dict[str, Any], tuple[Staged, ...]]:
            if new == text:
                return record, ()
            staged = run_dir.stage_all(self._files(run_dir, channel, record, manifest, new))
            kept = _keep(run_dir, str(record["file"]), text)
            return moved(record, EDITED, kept=kept) | _recorded(staged), staged

        return self._change(run_dir, channel, seen, edit)

    def send_back(self, run_dir: RunDir, channel: str, seen: str, note: str) -> Change:
        """Mark the piece sent back with `note`, before its revision starts."""
        return self._change(
            run_dir, channel, seen, lambda record, *_: (moved(record, SENT_BACK, note=note), ())
        )

    def revised(
        self, run_dir: RunDir, channel: str, seen: str, note: str, revision: Revision
    ) -> Change:
        """Record a send-back's attempt (and what it cost) and, if it made a piece and the
        piece is still the one sent back, put the new piece's files in place."""
        notes: list[str] = []

        def record_it(
            record: dict[str, Any], text: str, manifest: dict[str, Any]
        ) -> tuple[dict[str, Any], tuple[Staged, ...]]:
            attempt = revision.attempt.as_dict() | {"kind": "revision", "note": note}
            record = record | {
                "attempts": [*json_list(record.get("attempts")), attempt],
                "usage": _plus(record.get("usage"), attempt["tokens"]),
            }
            staged = revision.staged
            if staged and file_sha256(run_dir.path / str(record["file"])) != seen:
                revision.discard()
                notes.append("the piece changed while the revision ran; it was left as it is")
                staged = ()
            if not staged:
                return moved(
                    record, SENT_BACK, note=note, action="revised", attempt=attempt["number"]
                ), ()
            kept = _keep(run_dir, str(record["file"]), text)
            record = (
                record
                | _recorded(staged)
                | {
                    "best_attempt": attempt["number"],
                    "score": (attempt["judge"] or {}).get("mean"),
                    "passed": attempt["passed"],
                    "status": "passed" if attempt["passed"] else "below_bar",
                }
            )
            revised = moved(
                record, SENT_BACK, note=note, action="revised", attempt=attempt["number"], kept=kept
            )
            return revised, staged

        change = self._change(run_dir, channel, None, record_it, usage=revision.attempt.usage)
        return Change(change.record, change.sha256, (*notes, *change.notes))

    def _files(
        self,
        run_dir: RunDir,
        channel: str,
        record: dict[str, Any],
        manifest: dict[str, Any],
        new: str,
    ) -> dict[str, str]:
        """The piece's files with `new` as its own, the others made again from it as its run
        made them: an edited newsletter's HTML and text parts say what its markdown says."""
        own = {str(record["file"]): new}
        try:
            spec = registry.get(channel)
        except UsageError:  # a channel this version does not know: only its own file
            return own
        if spec.extras is None:
            return own
        ctx = self.ctx.for_run(manifest)
        current = {
            name: text
            for name in json_object(record.get("extra_files"))
            if NAME.match(name) and (text := read_inside(run_dir, name)) is not None
        }
        try:
            draft = spec.read_piece({spec.filename: new} | current, ctx)
        except FormatError as exc:
            raise Unreadable(
                f"not saved: {exc} (the piece's other files are made from this one)"
            ) from None
        made = spec.files(draft, ctx, simulated=bool(manifest.get("simulated")))
        return own | {name: text for name, text in made.items() if name != spec.filename}

    # -- the one read-modify-write ----------------------------------------------------------

    def _change(
        self,
        run_dir: RunDir,
        channel: str,
        seen: str | None,
        change: Edit,
        usage: Usage | None = None,
    ) -> Change:
        with run_dir.locked():
            manifest = run_dir.read_manifest()
            record = _saved_record(manifest, channel)
            path = run_dir.path / str(record["file"])
            text = path.read_text(encoding="utf-8")
            if seen is not None and file_sha256(path) != seen:
                raise Conflict("the piece changed since this page showed it: reload to see it")
            assert manifest is not None
            record, staged = change(record, text, manifest)
            manifest["channels"][channel] = record
            if usage is not None:
                manifest["usage"] = _plus(manifest.get("usage"), usage.as_dict())
            try:
                run_dir.write_manifest(manifest)
            except BaseException:
                for each in staged:
                    each.discard()
                raise
            for each in staged:
                each.commit()
        notes = self._tell_ledger(manifest, channel, state_of(record), usage)
        return Change(record, file_sha256(path) or "", notes)

    def _tell_ledger(
        self, manifest: dict[str, Any], channel: str, state: str, usage: Usage | None
    ) -> tuple[str, ...]:
        """Copy the state to the ledger for a calendar entry; run.json already has it. What a
        send-back paid goes on the entry's row and on the month's spending (its budget)."""
        entry = json_object(manifest.get("inputs")).get("entry")
        if not isinstance(entry, str) or self.ledger is None or not self.ledger.is_file():
            return ()
        from ..schedule.ledger import Ledger
        from ..schedule.spending import Spending
        from ..schedule.work import Owner

        try:
            with Ledger.open(self.ledger) as ledger:
                ledger.set_review(entry, channel, None if state == NEW else state)
                if usage is not None and usage.calls and not manifest.get("simulated"):
                    ledger.add_usage(entry, channel, usage)
                    Spending(ledger, Owner.current()).record(usage)
        except (UsageError, sqlite3.Error) as exc:
            return (f"saved in run.json, but the ledger could not record it: {exc}",)
        return ()


def _saved_record(manifest: dict[str, Any] | None, channel: str) -> dict[str, Any]:
    record = json_object(json_object(json_object(manifest).get("channels")).get(channel))
    if not record.get("ok") or not isinstance(record.get("file"), str):
        raise Gone(f"run.json no longer records a saved {channel} piece")
    return record


_NUMBERED = re.compile(r"\.(\d+)\.")


def _keep(run_dir: RunDir, name: str, text: str) -> str:
    """Keep `text`, the version being replaced, as history/<stem>.<n><suffix>; its path."""
    folder = run_dir.path / HISTORY
    folder.mkdir(exist_ok=True)
    stem, suffix = Path(name).stem, Path(name).suffix
    taken = [
        int(m.group(1))
        for p in folder.glob(f"{stem}.*{suffix}")
        if (m := _NUMBERED.search(p.name[len(stem) :]))
    ]
    kept = f"{stem}.{max(taken, default=0) + 1}{suffix}"
    atomic_write(folder / kept, text)
    return f"{HISTORY}/{kept}"


def _recorded(staged: tuple[Staged, ...]) -> dict[str, Any]:
    """What run.json records of a piece's files put in place: its own SHA-256, the others'."""
    return {
        "sha256": staged[0].sha256,
        "extra_files": {each.target.name: each.sha256 for each in staged[1:]},
    }


def _plus(total: Any, more: dict[str, int]) -> dict[str, int]:
    total = json_object(total)
    return {k: int(total.get(k, 0)) + int(more.get(k, 0)) for k in {*total, *more}}
