"""The response cache: every validated reply, kept so that no call is paid for twice.

A reply is filed under a hash of everything that shapes it (model, prompt, reply schema,
thinking, output limit, search, API version, endpoint) and nothing else: the API key is never
part of the key or of an entry. Work resumed after a crash, kill -9 or Ctrl-C asks the same
questions again (the prompts are built from the same inputs, the plan is reused, and each reply
replays the loop's next step), so it finds every reply it paid for here. Entries are written
to a temporary name and renamed, so a kill mid-write leaves a whole entry or none; the cache
keeps under its size bound by dropping the entries used longest ago.

Whether a run reads the cache is its caller's choice (`read`): resumed work does, a deliberate
new run asks the model afresh (and still files what it gets).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..storage import atomic_write, remove_orphans
from .seam import CallRecord, Citation, LLMReply, Usage

if TYPE_CHECKING:
    from .seam import LLMRequest

log = logging.getLogger("content_gen.llm")

DIRECTORY = ".cache"
#: Bump when what goes into a request changes shape, so old entries are not taken for new.
FORMAT = 1
#: Evicting stops once the cache is this share of its bound, so it does not evict on every put.
_LOW_WATER = 0.9


def request_key(described: Mapping[str, Any]) -> str:
    """The cache key of a request, from its full description (never the API key)."""
    canonical = json.dumps(
        {"format": FORMAT, **described}, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Entry:
    """A reply as filed: its text and what the call that got it cost."""

    text: str
    usage: Usage
    model_version: str | None = None
    citations: tuple[Citation, ...] = ()

    def reply(self, request: LLMRequest) -> LLMReply | None:
        """The reply as a hit: no request sent, nothing paid. None if it no longer fits."""
        from pydantic import ValidationError

        try:
            value = request.schema.model_validate_json(self.text)
        except ValidationError:
            return None
        record = CallRecord(
            request.step,
            request.model,
            0,
            0.0,
            Usage(cache_hits=1),
            model_version=self.model_version,
            cached=True,
        )
        return LLMReply(value, record, self.citations)

    def to_json(self) -> str:
        return json.dumps(
            {
                "text": self.text,
                "usage": self.usage.as_dict(),
                "model_version": self.model_version,
                "citations": [[c.title, c.uri, c.text] for c in self.citations],
                "saved_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> Entry:
        data = json.loads(text)
        return cls(
            str(data["text"]),
            Usage.from_dict(data.get("usage") or {}),
            data.get("model_version"),
            tuple(Citation(*c) for c in data.get("citations") or ()),
        )


class ResponseCache:
    """Replies on disk under `root`, at most `max_bytes` of them; safe across threads and runs."""

    def __init__(self, root: Path, max_bytes: int, *, read: bool = True) -> None:
        self.root = root
        self.max_bytes = max_bytes
        #: Whether this run takes replies from the cache (it always files new ones).
        self.read = read
        self._lock = threading.Lock()
        self._size: int | None = None  # bytes on disk, counted on the first write
        self.hits = self.misses = 0

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str, *, force: bool = False) -> Entry | None:
        """The entry filed under `key` if this run reads the cache (or `force`), else None."""
        if not (self.read or force):
            return None
        path = self._path(key)
        try:
            entry = Entry.from_json(path.read_text(encoding="utf-8"))
            os.utime(path)  # used now: evicted last
        except FileNotFoundError:
            entry = None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("response cache: ignoring unreadable entry %s (%s)", path.name, exc)
            entry = None
        with self._lock:
            if entry is None:
                self.misses += 1
            else:
                self.hits += 1
        return entry

    def put(self, key: str, entry: Entry) -> None:
        """File `entry` under `key`; a disk problem costs the cache, never the run."""
        path = self._path(key)
        data = entry.to_json()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # No fsync: a process killed at any moment still leaves a whole entry or none,
            # and what a power cut could tear is read as unreadable and asked again. An fsync
            # here would sit on every call's path, once per reply.
            atomic_write(path, data, durable=False)
        except OSError as exc:
            log.warning("response cache: could not save a reply in %s: %s", self.root, exc)
            return
        with self._lock:
            if self._size is None:
                self._size = self._count()
            else:
                self._size += len(data.encode("utf-8"))
            over = self._size > self.max_bytes
        if over:
            self.evict()

    def evict(self) -> None:
        """Drop the entries used longest ago until the cache is well under its bound."""
        with self._lock:
            files = self._files()
            total = sum(size for _, size, _ in files)
            for _, size, path in sorted(files):
                if total <= self.max_bytes * _LOW_WATER:
                    break
                path.unlink(missing_ok=True)
                total -= size
            self._size = total

    def _count(self) -> int:
        return sum(size for _, size, _ in self._files())

    def _files(self) -> list[tuple[float, int, Path]]:
        found = []
        for shard in self.root.glob("??"):
            remove_orphans(shard)  # a writer killed mid-write left its temporary
            for path in shard.glob("*.json"):
                try:
                    info = path.stat()
                except OSError:
                    continue
                found.append((info.st_mtime, info.st_size, path))
        return found
