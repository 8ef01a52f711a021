"""Send-backs run in the background; the page polls their progress.

A revision takes two API calls and seconds to minutes, longer than a request should hold a
connection open. A job runs on its own thread and reports through a small locked record the
page reads every quarter second (`GET api/jobs/<id>`): plain JSON, easy to test, and cheap
over a kept-alive connection. One job per piece at a time: a second send-back of the same
piece while one runs is refused, not queued behind it.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


class Busy(Exception):
    """A revision of this piece is already running."""


@dataclass
class Job:
    key: tuple[str, str]  # (run, channel)
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    state: str = QUEUED
    step: int = 0
    total: int = 1
    message: str = "Waiting to start"
    #: What the page shows when it is done: the new attempt, the piece's SHA-256, notes.
    result: dict[str, Any] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def update(self, **changes: Any) -> None:
        with self._lock:
            for name, value in changes.items():
                setattr(self, name, value)

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "id": self.id,
                "state": self.state,
                "step": self.step,
                "total": self.total,
                "message": self.message,
                "result": self.result,
            }

    @property
    def running(self) -> bool:
        with self._lock:
            return self.state in (QUEUED, RUNNING)


class Jobs:
    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    def start(self, key: tuple[str, str], work: Callable[[Job], None]) -> Job:
        """Run `work(job)` on a thread; Busy if a job for `key` is still running."""
        with self._lock:
            if any(j.key == key and j.running for j in self._jobs.values()):
                raise Busy("a revision of this piece is already running")
            job = Job(key)
            self._jobs[job.id] = job
            thread = threading.Thread(
                target=self._run, args=(job, work), name=f"review-job-{job.id}", daemon=True
            )
            self._threads.append(thread)
        thread.start()
        return job

    def running(self, key: tuple[str, str]) -> bool:
        with self._lock:
            return any(j.key == key and j.running for j in self._jobs.values())

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def join(self, timeout: float) -> None:
        """Wait for running jobs (they stop at their next step once the stop flag is set)."""
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(timeout)

    @staticmethod
    def _run(job: Job, work: Callable[[Job], None]) -> None:
        job.update(state=RUNNING)
        try:
            work(job)
        except Exception as exc:  # shown on the page, never lost in a thread
            job.update(state=FAILED, message=f"unexpected {type(exc).__name__}: {exc}")
