"""A channel's attempts as they happen, readable from another thread.

The worker records each attempt here as it is made; the orchestrator reads it when the run is
stopped before the worker returns (Ctrl-C, SIGTERM). So an interrupted channel still shows the
attempts it finished, the one it was on, and the requests it had sent: nothing paid for
disappears from run.json or the totals.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from ..llm.seam import CallRecord, Meter, Usage
from .results import Attempt

if TYPE_CHECKING:
    from pydantic import BaseModel

    from ..quality.judge import Judgement
    from ..quality.rules import Violation


@dataclass
class Progress:
    """An attempt while it is being made; frozen into an Attempt when it ends, however."""

    number: int
    started: float
    draft: BaseModel | None = None
    violations: tuple[Violation, ...] = ()
    judgement: Judgement | None = None
    judge_error: str | None = None
    passed: bool = False
    calls: list[CallRecord] = field(default_factory=list)
    text: str | None = None
    #: How a revision came back: as edits or rewritten, and why edits fell back, if they did.
    revision: dict[str, object] | None = None

    def freeze(self, seconds: float, extra: tuple[CallRecord, ...] = ()) -> Attempt:
        return Attempt(
            self.number,
            self.draft,
            self.violations,
            self.judgement,
            self.judge_error,
            self.passed,
            (*self.calls, *extra),
            seconds,
            self.text,
            self.revision,
        )


class Tally:
    def __init__(self) -> None:
        self.meter = Meter()
        self._lock = threading.Lock()
        self._done: list[Attempt] = []
        self._current: Progress | None = None

    def begin(self, progress: Progress) -> None:
        with self._lock:
            self._current = progress

    def end(self, attempt: Attempt) -> None:
        with self._lock:
            self._done.append(attempt)
            self._current = None

    def attempts(self) -> list[Attempt]:
        with self._lock:
            return list(self._done)

    def snapshot(self, now: float) -> tuple[Attempt, ...]:
        """Every attempt so far, the unfinished one included, with requests still in flight
        counted as calls (sent, so perhaps billed, but never answered)."""
        with self._lock:
            done, current = list(self._done), self._current
        in_flight = self.meter.in_flight
        unanswered = (
            (CallRecord("unanswered", "", in_flight, 0.0, Usage(calls=in_flight), ("stopped",)),)
            if in_flight
            else ()
        )
        if current is not None:
            done.append(current.freeze(now - current.started, unanswered))
        elif unanswered and done:
            done[-1] = replace(done[-1], calls=(*done[-1].calls, *unanswered))
        return tuple(done)
