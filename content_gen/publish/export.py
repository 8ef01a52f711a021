"""`content-gen export`: copy done pieces into the folders they are published from.

    blog        -> the site's content folder, named as its generator names posts
    newsletter  -> a folder of email files: <run>.html, <run>.txt, <run>.md
    linkedin    -> a folder of social-scheduler CSVs: one new file per export that has posts,
                   one row per post (text, first_comment, scheduled_at, link)

A CSV holds only the posts that were new when it was written, so importing each file once
never schedules a post twice. Nothing is published: a file in a site's folder is a draft
(publish/sites.py), and the scheduler's import is the person's own step.

Never twice, even after kill -9. Before a file is written, the intent (target paths and the
SHA-256 of what goes there) is recorded in run.json and the ledger; every file is written to a
temporary name and renamed; then the export is recorded as done. On a rerun, what is recorded
done is not sent again, a target that already holds the same bytes counts as done, and a post
already in one of the folder's CSVs is not put in another. A target holding something else is
never overwritten. Exports to the same folders take turns (a lock on each folder).
"""

from __future__ import annotations

import csv
import hashlib
import io
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from datetime import time as day_time
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..files import read_text
from ..storage import atomic_write, directory_lock, file_sha256, remove_orphans
from .pieces import DONE, WRITING, Book, Piece
from .sites import file_name

#: The channel -> where its pieces go.
DESTINATIONS = {"blog": "blog", "newsletter": "email", "linkedin": "social"}
SOCIAL_COLUMNS = ("text", "first_comment", "scheduled_at", "link")
CSV_MAX_BYTES = 20_000_000
EXPORTED, ADOPTED, ALREADY, FAILED_ = "exported", "adopted", "already", "failed"


@dataclass(frozen=True)
class Folders:
    """Where each kind of piece goes; None: that kind is not exported."""

    blog: Path | None = None
    email: Path | None = None
    social: Path | None = None
    #: The local time of day each post is scheduled for, on its entry's date (HH:MM).
    post_time: str = "09:00"
    #: The site generator, for runs whose run.json does not say which one they wrote for.
    generator: str = "plain"

    def of(self, destination: str) -> Path | None:
        return {"blog": self.blog, "email": self.email, "social": self.social}[destination]


@dataclass(frozen=True)
class Outcome:
    """What became of one piece: exported (written now), adopted (already in place, now
    recorded), already (exported by an earlier run), failed (with why)."""

    piece: Piece
    destination: str
    state: str
    targets: tuple[str, ...] = ()
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "run": self.piece.run,
            "channel": self.piece.channel,
            "destination": self.destination,
            "state": self.state,
            "targets": list(self.targets),
            "error": self.error,
        }


def export(
    pieces: list[Piece], folders: Folders, book: Book, *, clock: Callable[[], float] = time.time
) -> list[Outcome]:
    """Export every piece whose kind has a folder; returns what became of each."""
    wanted = [(p, DESTINATIONS[p.channel]) for p in pieces if p.channel in DESTINATIONS]
    wanted = [(p, d) for p, d in wanted if folders.of(d) is not None]
    used = sorted({folder for _, d in wanted if (folder := folders.of(d)) is not None})
    outcomes: list[Outcome] = []
    for run_dir in {p.run_dir.path for p, _ in wanted}:
        remove_orphans(run_dir)  # a record half-written by an export that died
    with _locked(used):
        for piece, destination in wanted:
            if destination != "social":
                outcomes.append(_export_files(piece, destination, folders, book))
        social = [p for p, d in wanted if d == "social"]
        if social and folders.social is not None:
            outcomes += _export_posts(social, folders.social, folders.post_time, book, clock)
    return outcomes


@contextmanager
def _locked(folders: list[Path]) -> Iterator[None]:
    """Each folder made, locked (in one order, so two exports cannot deadlock) and rid of the
    temporary files of exports that died."""
    with ExitStack() as stack:
        for folder in folders:
            folder.mkdir(parents=True, exist_ok=True)
            stack.enter_context(directory_lock(folder))
            remove_orphans(folder)
        yield


# --- one file per target: blog posts and emails ------------------------------------------------


def _export_files(piece: Piece, destination: str, folders: Folders, book: Book) -> Outcome:
    earlier = book.done(piece, destination)
    if earlier is not None:
        return Outcome(piece, destination, ALREADY, tuple(earlier.get("targets") or ()))
    try:
        targets = _targets(piece, destination, folders)
    except (OSError, UnicodeDecodeError, UsageError) as exc:
        return _failed(piece, destination, book, (), f"cannot read the piece: {exc}")
    paths = tuple(str(p) for p in targets)
    hashes = {path: _sha256(text) for path, text in targets.items()}
    on_disk = {path: file_sha256(path) for path in targets}
    clash = [path for path in targets if on_disk[path] not in (None, hashes[path])]
    if clash:
        reason = f"{clash[0]} exists and holds something else; it is not overwritten"
        return _failed(piece, destination, book, paths, reason)
    intent = {
        "state": WRITING,
        "targets": list(paths),
        "files": {str(p): h for p, h in hashes.items()},
        "source_sha256": piece.sha256,
    }
    missing = [path for path in targets if on_disk[path] is None]
    try:
        if missing:
            book.record(piece, destination, intent)  # the intent, before any file is written
            for path in missing:
                atomic_write(path, targets[path])
    except OSError as exc:
        return _failed(piece, destination, book, paths, f"could not write: {exc}")
    note = _done(book, piece, destination, intent | {"state": DONE})
    return Outcome(piece, destination, EXPORTED if missing else ADOPTED, paths, note)


def _targets(piece: Piece, destination: str, folders: Folders) -> dict[Path, str]:
    folder = folders.of(destination)
    assert folder is not None
    if destination == "blog":
        from ..channels import get
        from ..channels.blog import BlogPost, safe_slug

        text = piece.text()
        draft = get("blog").read(text)
        assert isinstance(draft, BlogPost)
        slug = safe_slug(draft)
        generator = str(piece.setting("site_generator") or folders.generator)
        return {folder / file_name(generator, slug, piece.day): text}
    return {folder / f"{piece.run}{Path(name).suffix}": piece.text(name) for name in piece.files}


def _failed(
    piece: Piece, destination: str, book: Book, targets: tuple[str, ...], error: str
) -> Outcome:
    return Outcome(
        piece, destination, FAILED_, targets, book.fail(piece, destination, error, targets)
    )


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- posts: rows of a social-scheduler CSV ------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    piece: Piece
    text: str
    first_comment: str
    scheduled_at: str
    link: str

    @property
    def key(self) -> tuple[str, str]:
        return self.text, self.scheduled_at


def _export_posts(
    pieces: list[Piece], folder: Path, post_time: str, book: Book, clock: Callable[[], float]
) -> list[Outcome]:
    outcomes: list[Outcome] = []
    placed = _posts_in(folder)
    new: list[_Row] = []
    for piece in pieces:
        earlier = book.done(piece, "social")
        if earlier is not None:
            outcomes.append(Outcome(piece, "social", ALREADY, tuple(earlier.get("targets") or ())))
            continue
        try:
            row = _row(piece, post_time)
        except (OSError, UnicodeDecodeError) as exc:
            outcomes.append(_failed(piece, "social", book, (), f"cannot read the post: {exc}"))
            continue
        found = placed.get(row.key)
        if found is None:
            new.append(row)
            continue
        # Written by an export that died before recording it: in that CSV already.
        done = {"state": DONE, "targets": [str(found)], "source_sha256": piece.sha256}
        note = _done(book, piece, "social", done)
        outcomes.append(Outcome(piece, "social", ADOPTED, (str(found),), note))
    if new:
        outcomes += _write_batch(
            sorted(new, key=lambda r: (r.scheduled_at, r.piece.run)), folder, book, clock
        )
    return outcomes


def _write_batch(
    rows: list[_Row], folder: Path, book: Book, clock: Callable[[], float]
) -> list[Outcome]:
    path = _batch_path(folder, clock)
    text = _csv(rows)
    intent = {
        "state": WRITING,
        "targets": [str(path)],
        "files": {str(path): _sha256(text)},
    }
    recorded: list[_Row] = []
    outcomes: list[Outcome] = []
    for row in rows:
        try:
            book.record(row.piece, "social", intent | {"source_sha256": row.piece.sha256})
            recorded.append(row)
        except OSError as exc:
            outcomes.append(_failed(row.piece, "social", book, (), f"could not record: {exc}"))
    if not recorded:
        return outcomes
    if len(recorded) < len(rows):
        text = _csv(recorded)  # only what is recorded goes out
        intent["files"] = {str(path): _sha256(text)}
    try:
        atomic_write(path, text)
    except OSError as exc:
        return outcomes + [
            _failed(r.piece, "social", book, (), f"could not write {path}: {exc}") for r in recorded
        ]
    for row in recorded:
        done = intent | {"state": DONE, "source_sha256": row.piece.sha256}
        outcomes.append(
            Outcome(
                row.piece, "social", EXPORTED, (str(path),), _done(book, row.piece, "social", done)
            )
        )
    return outcomes


def _done(book: Book, piece: Piece, destination: str, data: dict[str, Any]) -> str | None:
    """Record a written export as done; a note if run.json cannot say so (the next export
    finds the files in place and records them then)."""
    try:
        book.record(piece, destination, data)
    except OSError as exc:
        reason = exc.strerror or exc
        return f"written, but run.json could not record it ({reason}); the next export will"
    return None


def _row(piece: Piece, post_time: str) -> _Row:
    from ..channels.linkedin import COMMENT_FILE

    comment = COMMENT_FILE if COMMENT_FILE in piece.files else None
    hour, minute = (int(part) for part in post_time.split(":"))
    when = datetime.combine(piece.day, day_time(hour, minute)).astimezone()  # local time
    return _Row(
        piece,
        piece.text().rstrip("\n"),
        piece.text(comment).rstrip("\n") if comment else "",
        when.isoformat(timespec="seconds"),
        piece.cta_url or "",
    )


def _csv(rows: list[_Row]) -> str:
    # RFC 4180: every scheduler's importer reads it; a post's line breaks stay inside quotes.
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(SOCIAL_COLUMNS)
    for row in rows:
        writer.writerow([row.text, row.first_comment, row.scheduled_at, row.link])
    return out.getvalue()


def _posts_in(folder: Path) -> dict[tuple[str, str], Path]:
    """The posts already in the folder's CSVs, by (text, scheduled_at)."""
    found: dict[tuple[str, str], Path] = {}
    for path in sorted(folder.glob("linkedin-*.csv")):
        try:
            text = read_text(path, label="social CSV", limit=CSV_MAX_BYTES)
        except UsageError:
            continue  # unreadable (not UTF-8, too big): it holds no posts this tool can find
        try:
            for row in csv.DictReader(io.StringIO(text, newline="")):
                found.setdefault((row.get("text") or "", row.get("scheduled_at") or ""), path)
        except csv.Error:
            continue
    return found


def _batch_path(folder: Path, clock: Callable[[], float]) -> Path:
    stamp = datetime.fromtimestamp(clock(), UTC).strftime("%Y%m%d-%H%M%S")
    path = folder / f"linkedin-{stamp}.csv"
    number = 2
    while path.exists():
        path = folder / f"linkedin-{stamp}-{number}.csv"
        number += 1
    return path
