"""Reading the files a user names (briefs, calendars, prompt templates, .env): bounded and safe.

Only regular files are read, and never more than their limit plus one byte, so a FIFO cannot
hang a run and `/dev/zero` cannot fill memory. Files named by a calendar must stay inside the
calendar's folder (after links are followed) unless the user allows other places: a shared
calendar must not be a way to send `/etc/passwd`, `~/.ssh` or `/proc/self/environ` to an API.
Standard library only.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import UsageError

_CHUNK = 1 << 16
#: What to do about a file a calendar names outside its folder.
OUTSIDE_HINT = (
    "keep the calendar's files in its folder, or pass --allow-outside-files if you trust "
    "whoever edits the calendar"
)


def read_bytes(path: Path, *, label: str, limit: int, name: str | None = None) -> bytes:
    """At most `limit` bytes of a regular file; UsageError (one line) for anything else.

    Messages name the file as `name`, or else as "<label> <path>"."""
    name = name or f"{label} {path}"
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UsageError(f"{name} is {_kind(info.st_mode)}, not a regular file")
        if info.st_size > limit:
            raise UsageError(_too_big(name, info.st_size, limit))
        chunks, total = [], 0
        while total <= limit:
            try:
                chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
            except OSError as exc:
                raise UsageError(f"cannot read {name}: {exc.strerror or exc}") from None
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:  # it grew, or it is a file whose size the system does not report
            raise UsageError(_too_big(name, total, limit, more=True))
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_text(path: Path, *, label: str, limit: int, name: str | None = None) -> str:
    """A regular file's UTF-8 text (a byte-order mark is dropped), read as `read_bytes` does."""
    data = read_bytes(path, label=label, limit=limit, name=name)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UsageError(f"{name or f'{label} {path}'} is not UTF-8 text (line {line})") from None


def confine(path: Path, root: Path, *, label: str, hint: str) -> Path:
    """`path` if it resolves inside `root` (links followed); else UsageError ending in `hint`."""
    try:
        resolved = path.resolve()
        inside = resolved.is_relative_to(root.resolve())
    except (OSError, RuntimeError) as exc:  # RuntimeError: a loop of links
        raise UsageError(f"cannot resolve {label} {path}: {exc}") from None
    if not inside:
        raise UsageError(f"{label} {path} is outside {root}{os.sep}; {hint}")
    return resolved


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"


def _too_big(name: str, size: int, limit: int, *, more: bool = False) -> str:
    shown = f"over {limit:,}" if more else f"{size:,}"
    return f"{name} is {shown} bytes; the maximum is {limit:,}"
