"""A piece's files, written while its judge is asked.

After the judge's last reply a worker has only its files left to do: render them, write them
(each flushed to disk) and note which claims they use, milliseconds that the run would wait
for at its end on the slowest channel. The judge's request takes seconds on the wire, so a
draft that passed the rules has its files made then, on a helper thread, in case it is the
one kept (it passes: the usual case). The worker takes them if it keeps that draft and
discards them otherwise; they stay under temporary names until run.json records the piece.

The helper starts only once the judge's request is sent (or its call has ended), so that it
never holds up the request it overlaps.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..llm.seam import Meter

if TYPE_CHECKING:
    from pydantic import BaseModel

    from ..channels.base import Channel, ChannelContext
    from ..storage import RunDir, Staged


@dataclass(frozen=True)
class Saved:
    """A draft's files, staged, and the plan's claims the draft uses."""

    staged: tuple[Staged, ...]
    claims: tuple[str, ...]


def save(
    channel: Channel, draft: BaseModel, ctx: ChannelContext, run_dir: RunDir, *, simulated: bool
) -> Saved:
    """Render and stage every file of the piece (raises OSError if one cannot be written)."""
    staged = run_dir.stage_all(channel.files(draft, ctx, simulated=simulated))
    return Saved(staged, tuple(channel.used_claims(draft, ctx)))


class Announcing(Meter):
    """The channel's meter for one request, which also says when that request is sent."""

    def __init__(self, inner: Meter, sent: threading.Event) -> None:
        super().__init__()
        self._inner, self._sent_event = inner, sent

    def sent(self) -> None:
        self._inner.sent()
        self._sent_event.set()

    def answered(self) -> None:
        self._inner.answered()

    @property
    def in_flight(self) -> int:
        return self._inner.in_flight


@dataclass
class Ahead:
    """Files made ahead for the drafts of one channel's run, one helper thread at most."""

    channel: Channel
    ctx: ChannelContext
    run_dir: RunDir
    simulated: bool
    _pool: ThreadPoolExecutor | None = field(default=None, init=False)
    _made: list[tuple[BaseModel, Future[Saved]]] = field(default_factory=list, init=False)

    def start(self, draft: BaseModel, go: threading.Event) -> None:
        """Make `draft`'s files on the helper once `go` is set."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix=f"{self.channel.name}-files")
        self._made.append((draft, self._pool.submit(self._make, draft, go)))

    def _make(self, draft: BaseModel, go: threading.Event) -> Saved:
        go.wait()
        return save(self.channel, draft, self.ctx, self.run_dir, simulated=self.simulated)

    def take(self, draft: BaseModel | None) -> Saved | None:
        """The files made for `draft` (None if none were, or making them failed: the caller
        makes them itself, and meets the error itself); every other draft's are discarded."""
        kept = None
        for made, future in self._made:
            try:
                saved = future.result()
            except Exception:
                continue
            if made is draft and kept is None:
                kept = saved
            else:
                for staged in saved.staged:
                    staged.discard()
        self._made.clear()
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None
        return kept

    def discard(self) -> None:
        """Drop every file made ahead (the run was stopped, or kept nothing)."""
        self.take(None)
