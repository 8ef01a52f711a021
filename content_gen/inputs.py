"""What a user hands in for one topic: its text, its audience and its brief file.

Checked the same way whether it comes from `generate`'s arguments or a calendar row.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import UsageError

TOPIC_MAX_CHARS = 300
AUDIENCE_MAX_CHARS = 500
BRIEF_MAX_BYTES = 200_000


def check_topic(raw: str, *, empty_hint: str = "", long_hint: str = "") -> str:
    """The topic with its whitespace collapsed; UsageError if it is empty or too long."""
    topic = " ".join(raw.split())
    if not topic:
        raise UsageError("the topic is empty" + empty_hint)
    if len(topic) > TOPIC_MAX_CHARS:
        raise UsageError(
            f"the topic is {len(topic)} characters; the maximum is {TOPIC_MAX_CHARS}" + long_hint
        )
    return topic


def check_audience(raw: str) -> str | None:
    """The audience text (None when empty); UsageError if it is too long."""
    audience = raw.strip()
    if len(audience) > AUDIENCE_MAX_CHARS:
        raise UsageError(
            f"the audience is {len(audience)} characters; the maximum is {AUDIENCE_MAX_CHARS}"
        )
    return audience or None


def read_brief(path: Path | None, label: str = "--brief") -> str:
    """The brief's text ('' without one); UsageError if it is unreadable, too big or not UTF-8."""
    if path is None:
        return ""
    return read_text_file(path, BRIEF_MAX_BYTES, f"{label} {path}")


def read_text_file(path: Path, limit: int, name: str) -> str:
    """A file a user named, as text: at most `limit` bytes of UTF-8 from a regular file.

    Opened without blocking and checked before reading, so a FIFO, /dev/zero or a directory
    is refused at once rather than hanging or filling memory; at most limit + 1 bytes are
    read. UsageError messages start with `name` or say "cannot read <name>".
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UsageError(f"{name} is not a regular file")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        size = max(info.st_size, len(data))
        raise UsageError(f"{name} is {size:,} bytes; the maximum is {limit:,}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"{name} is not UTF-8 text") from None
