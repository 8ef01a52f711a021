"""A source as data: its text, and the record of where it came from that run.json keeps."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import UsageError

#: A source larger than this is refused (a 20 MB page is a mistake, not a source).
MAX_BYTES = 10_000_000
#: The text of one source the plan reads; the rest is cut off, and run.json says so.
MAX_CHARS = 60_000
#: The text of all sources together the plan reads.
MAX_TOTAL_CHARS = 240_000


@dataclass(frozen=True)
class Source:
    """One source's text and where it came from (recorded in run.json, never its text)."""

    id: str
    origin: str  # the file's path or the page's URL, as given
    kind: str  # "file", "url" or "search"
    title: str
    text: str = field(repr=False)
    media_type: str = "text/plain"
    size: int = 0  # bytes read
    sha256: str = ""
    fetched_at: str = ""
    truncated: bool = False

    def record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "origin": self.origin,
            "kind": self.kind,
            "title": self.title,
            "media_type": self.media_type,
            "bytes": self.size,
            "chars": len(self.text),
            "sha256": self.sha256,
            "fetched_at": self.fetched_at,
            "truncated": self.truncated,
        }

    @property
    def is_url(self) -> bool:
        return self.origin.startswith(("http://", "https://"))


@dataclass(frozen=True)
class Confinement:
    """Where sources may come from. A calendar's rows are confined; a user's own flags are not."""

    folder: Path | None = None  # files must resolve inside it
    private_urls: bool = True  # URLs may name loopback and private-network hosts


def made(
    source_id: str,
    origin: str,
    kind: str,
    title: str,
    text: str,
    data: bytes,
    media_type: str,
) -> Source:
    """A Source from what was read, its text cut to MAX_CHARS."""
    return Source(
        source_id,
        origin,
        kind,
        title,
        text[:MAX_CHARS],
        media_type,
        len(data),
        hashlib.sha256(data).hexdigest(),
        datetime.now(UTC).isoformat(timespec="seconds"),
        truncated=len(text) > MAX_CHARS,
    )


def split_specs(value: str | list[Any] | None) -> list[str]:
    """`a.md;https://x` (a calendar cell) or a TOML list, as source specs."""
    if value is None:
        return []
    if isinstance(value, list):
        if not all(isinstance(v, str) for v in value):
            raise UsageError("sources must be a list of file names or URLs")
        items = value
    else:
        items = value.split(";")
    return [item.strip() for item in items if item.strip()]
