"""A deadline for a whole request, which the SDK's timeout is not.

google-genai's `HttpOptions(timeout=...)` bounds each read of the socket: a reply that drips a
few bytes every second never trips it (a 2 s timeout held one request for 75 s). These httpx
event hooks give every request a deadline when it is sent and cut its body off once the
deadline passes, raising the same ReadTimeout a silent server would. A late reply can overrun
by at most one read, which the per-read timeout still bounds.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable, Iterator
from typing import Any

import httpx2  # google-genai's HTTP stack; this module is imported only with the SDK


class Deadline:
    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._due: weakref.WeakKeyDictionary[Any, float] = weakref.WeakKeyDictionary()

    def hooks(self) -> dict[str, list[Callable[[Any], None]]]:
        """The `event_hooks` for an httpx client."""
        return {"request": [self._sent], "response": [self._answered]}

    def _sent(self, request: Any) -> None:
        self._due[request] = self._clock() + self.seconds

    def _answered(self, response: Any) -> None:
        due = self._due.get(response.request)
        if due is not None:
            self._check(due, response.request)
            response.stream = _Bounded(response.stream, due, self, response.request)

    def _check(self, due: float, request: Any) -> None:
        if self._clock() > due:
            raise httpx2.ReadTimeout(f"no complete reply within {self.seconds:g}s", request=request)


class _Bounded(httpx2.SyncByteStream):
    """A response body that stops being read once the request's deadline has passed."""

    def __init__(self, stream: Any, due: float, deadline: Deadline, request: Any) -> None:
        self._stream, self._due, self._deadline, self._request = stream, due, deadline, request

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._stream:
            self._deadline._check(self._due, self._request)
            yield chunk

    def close(self) -> None:
        self._stream.close()
