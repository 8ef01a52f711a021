"""Where output goes: safe run-directory names and files that are complete or absent."""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import threading
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # Windows: there, only this process's threads are kept apart
    fcntl = None  # type: ignore[assignment]

from .errors import UsageError

SLUG_MAX = 60
_TMP_NAME = re.compile(r"^\..+\.(\d+)\.[0-9a-f]{12}\.tmp$")
# flock keeps processes apart; within one process a thread lock per directory does it, since
# two threads' flock calls on one file only block each other through separate descriptors.
_thread_locks: dict[Path, threading.Lock] = {}
_thread_locks_guard = threading.Lock()


def slugify(text: str, max_length: int = SLUG_MAX) -> str:
    """ASCII, lowercase, hyphenated, at most `max_length` characters, never empty.

    Text with no ASCII letters or digits left (emoji, most non-Latin scripts) gets a short
    hash instead, so two such topics still land in different directories.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        cut = slug[: max_length + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else slug[:max_length]
        slug = slug[:max_length].strip("-")
    if not slug:
        slug = "topic-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
    return slug


def run_dir_name(day: date, topic: str) -> str:
    """A topic's run directory name, `<date>-<slug>` (a rerun the same day adds `-N`)."""
    return f"{day.isoformat()}-{slugify(topic)}"


@dataclass(frozen=True)
class Staged:
    """A file written in full under a temporary name beside its target; `commit` puts it there.

    Until then a reader, or a run killed at any moment, sees the old file or none, never half;
    a dead writer's temporary is removed by the next run (`remove_orphans`).
    """

    tmp: Path
    target: Path
    sha256: str

    def commit(self) -> None:
        try:
            os.replace(self.tmp, self.target)
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        self.tmp.unlink(missing_ok=True)


def stage(path: Path, text: str, *, durable: bool = True) -> Staged:
    """Write `text` to a temporary file beside `path` and flush it to disk (unless not
    `durable`: then a killed process still leaves it whole, but a power cut may not)."""
    # The pid lets a later run tell a dead writer's leftovers from a live writer's file.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:12]}.tmp")
    data = text.encode("utf-8")
    try:
        # os.open with 0o666 honours the umask, unlike mkstemp's 0o600.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return Staged(tmp, path, hashlib.sha256(data).hexdigest())


def atomic_write(path: Path, text: str, *, durable: bool = True) -> None:
    """Write to a temporary file beside `path`, flush it to disk, then rename over `path`.

    A reader, or a run killed at any moment, sees the old file or the new one, never half.
    """
    stage(path, text, durable=durable).commit()


def file_sha256(path: Path) -> str | None:
    """The file's SHA-256, or None if it cannot be read."""
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None


def remove_orphans(directory: Path) -> None:
    """Delete the temporary files of writers that died mid-write (kill -9, a crash)."""
    for tmp in directory.glob(".*.tmp"):
        match = _TMP_NAME.match(tmp.name)
        if match and not pid_alive(int(match.group(1))):
            tmp.unlink(missing_ok=True)


def sweep(root: Path) -> None:
    """`remove_orphans` in every run directory under the output root (a killed `generate`)."""
    try:
        folders = [p for p in root.iterdir() if p.is_dir() and not p.is_symlink()]
    except OSError:
        return
    for folder in folders:
        remove_orphans(folder)


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine."""
    if os.name != "posix":
        return True  # no cheap, safe probe elsewhere: assume it does
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


@contextmanager
def directory_lock(path: Path) -> Iterator[None]:
    """Hold the directory's lock: one holder at a time, across threads and processes.

    The directory itself is locked, not a file in it: run.json is replaced on every write, so
    a lock on it would be on a file already gone, and a lock file would litter the folder
    (a user's blog or email folder among them).
    """
    with _thread_locks_guard:
        local = _thread_locks.setdefault(path.resolve(), threading.Lock())
    with local:
        if fcntl is None:
            yield
            return
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock


def json_object(value: Any) -> dict[str, Any]:
    """`value` if it is a JSON object, else an empty one: run.json is read, not trusted."""
    return value if isinstance(value, dict) else {}


def json_list(value: Any) -> list[Any]:
    """`value` if it is a JSON array, else an empty one."""
    return value if isinstance(value, list) else []


def write_json(path: Path, data: Any) -> None:
    atomic_write(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


@dataclass(frozen=True)
class RunDir:
    """One topic's output directory: `<root>/<date>-<slug>[-N]/`."""

    path: Path

    @classmethod
    def create(cls, root: Path, day: date, topic: str, *, reuse: bool = False) -> RunDir:
        """Make the directory now, before any API call, so an unwritable root fails early.

        An existing directory for the same topic and day is reused only when asked
        (resumed calendar entries); otherwise the new run gets the next free `-N` suffix.
        """
        base = run_dir_name(day, topic)
        try:
            root.mkdir(parents=True, exist_ok=True)
            for n in range(1, 1000):
                path = root / (base if n == 1 else f"{base}-{n}")
                try:
                    path.mkdir()
                except FileExistsError:
                    if reuse and path.is_dir():
                        _check_inside(path, root)
                        break
                    continue
                break
            else:
                raise UsageError(f"too many runs of this topic today in {root}")
            _check_writable(path)
        except OSError as exc:
            raise _unwritable(root, exc) from None
        return cls(path)

    def stage(self, name: str, text: str, *, durable: bool = True) -> Staged:
        """`name` written in full under a temporary name; nothing is in place until commit."""
        target = self.path / name
        if target.parent != self.path:
            raise ValueError(f"refusing to write outside the run directory: {name!r}")
        return stage(target, text, durable=durable)

    def stage_all(self, files: dict[str, str]) -> tuple[Staged, ...]:
        """Every file staged, in order, or none: one that cannot be written discards the rest."""
        staged: list[Staged] = []
        try:
            for name, text in files.items():
                staged.append(self.stage(name, text))
        except BaseException:
            for done in staged:
                done.discard()
            raise
        return tuple(staged)

    def write(self, name: str, text: str, *, durable: bool = True) -> Path:
        staged = self.stage(name, text, durable=durable)
        staged.commit()
        return staged.target

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        write_json(self.path / "run.json", manifest)

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the run directory's lock: one writer of run.json at a time, across threads and
        processes (a calendar run, the review page's tabs, an export)."""
        with directory_lock(self.path):
            yield

    def update_manifest(self, change: Callable[[dict[str, Any]], dict[str, Any]]) -> dict[str, Any]:
        """Read run.json, apply `change`, write the result atomically, all under the lock, so
        two writers never lose each other's changes; returns what was written."""
        with self.locked():
            manifest = change(self.read_manifest() or {})
            self.write_manifest(manifest)
        return manifest

    def read_manifest(self) -> dict[str, Any] | None:
        """The run.json already here, if there is a readable one."""
        try:
            data = json.loads((self.path / "run.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def saved(self, channel: str, manifest: dict[str, Any] | None = None) -> dict[str, Any] | None:
        """The channel's record in run.json if its piece is saved here and is still that piece:
        its file and every extra file (the newsletter's HTML and text parts, ...) as recorded.

        The disk is the truth: a later run adopts such a piece instead of paying for it again,
        and a piece whose file is gone or was replaced is not counted as done.
        """
        manifest = self.read_manifest() if manifest is None else manifest
        channels = (manifest or {}).get("channels")
        record = channels.get(channel) if isinstance(channels, dict) else None
        if not isinstance(record, dict) or record.get("ok") is not True:
            return None
        name = record.get("file")
        extras = record.get("extra_files") or {}
        if not isinstance(name, str) or not isinstance(extras, dict):
            return None
        if not self._intact(name, record.get("sha256"), optional=True):
            return None
        return record if all(self._intact(n, sha) for n, sha in extras.items()) else None

    def _intact(self, name: object, sha256: object, *, optional: bool = False) -> bool:
        """Whether file `name` is here, directly, with that SHA-256 (or any, if `optional` and
        run.json recorded none: runs from before it recorded them)."""
        if not isinstance(name, str) or Path(name).name != name:
            return False
        digest = file_sha256(self.path / name)
        return digest is not None and (sha256 == digest or (optional and sha256 is None))


def prepare_root(root: Path) -> None:
    """Create the output root if needed and check it is writable, before any API call."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        _check_writable(root)
    except OSError as exc:
        raise _unwritable(root, exc) from None


def _unwritable(root: Path, exc: OSError) -> UsageError:
    return UsageError(
        f"cannot write to output directory {root}: {exc.strerror or exc}; "
        "choose another with --out or CONTENT_GEN_OUTPUT_DIR"
    )


def _check_inside(path: Path, root: Path) -> None:
    """A reused run directory must be a real folder in the output folder, not a link away."""
    if path.is_symlink() or not path.resolve().is_relative_to(root.resolve()):
        raise UsageError(
            f"{path} is a link to {path.resolve()}, outside the output folder; a run writes only "
            f"inside {root}{os.sep}: replace the link with a folder"
        )


def _check_writable(path: Path) -> None:
    # An anonymous temporary file: nothing is left behind even if the process is killed here.
    with tempfile.TemporaryFile(dir=path):
        pass
