"""One limiter shared by every worker thread: requests per minute and requests in flight.

The spec (`RateLimit`) is separate from the runtime state that enforces it (`Limiter`), and the
clock and sleep are injected so tests never wait.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from ..errors import Interrupted

# How often a blocked thread looks at the stop flag; keeps Ctrl-C prompt.
_POLL = 0.1
# The API counts requests as they arrive, over a sliding minute. Starts are spaced as if that
# minute were this much longer, because the time from a start here to the arrival there varies:
# the process's first request pays google-genai's first use (~80 ms against the local fake,
# more with a new TLS connection), later ones a few ms. Spaced exactly 60/rpm apart, request
# k + rpm arriving faster than request k did puts rpm + 1 arrivals in one minute: a 429
# (bench/results.md, item 6). One second absorbs that for a loss of under 2% of the quota.
_WINDOW_MARGIN = 1.0


@dataclass(frozen=True)
class RateLimit:
    """At most `rpm` request starts per minute (0 = unlimited) and `concurrency` in flight."""

    rpm: int = 0
    concurrency: int = 8

    def __post_init__(self) -> None:
        if self.rpm < 0:
            raise ValueError(f"RateLimit rpm must be 0 (off) or positive, got {self.rpm}")
        if self.concurrency < 1:
            raise ValueError(f"RateLimit concurrency must be at least 1, got {self.concurrency}")


class Limiter:
    """Token bucket (capacity 1, so starts are evenly spaced) plus a semaphore for in-flight calls.

    Spacing starts evenly, rather than allowing a burst, keeps every sliding one-minute window
    at or under the quota, which is how the API counts; the spacing is (60 s + a margin) / rpm
    so that jitter between a start and its arrival at the API cannot push a window over.
    """

    def __init__(
        self,
        limit: RateLimit,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        self.limit = limit
        self._clock = clock
        self._stop = stop or threading.Event()
        self._sleep = sleep or self._stop.wait  # a wait that Ctrl-C (the stop flag) cuts short
        self._interval = (60.0 + _WINDOW_MARGIN) / limit.rpm if limit.rpm else 0.0
        self._next_start = 0.0
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(limit.concurrency)

    @contextmanager
    def slot(self) -> Iterator[float]:
        """Hold one in-flight slot for the duration of a request; yields seconds spent waiting."""
        started = self._clock()
        while not self._slots.acquire(timeout=_POLL):
            self._check_stop()
        try:
            self._check_stop()
            self._wait_for_turn()
            yield self._clock() - started
        finally:
            self._slots.release()

    def _wait_for_turn(self) -> None:
        if not self._interval:
            return
        with self._lock:
            now = self._clock()
            start = max(now, self._next_start)
            self._next_start = start + self._interval
        if start > now:
            self._sleep(start - now)
            self._check_stop()

    def _check_stop(self) -> None:
        if self._stop.is_set():
            raise Interrupted()
