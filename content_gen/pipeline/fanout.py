"""One thread-pool loop for every fan-out: channels of a topic, entries of a calendar.

Results are handed over as they finish (`as_completed`). A task that raises is turned into a
result by `on_crash`, so one task can only ever fail itself. On Ctrl-C the stop flag is set,
queued tasks are cancelled and tasks in flight are not waited for: they see the flag and end.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def fan_out(
    items: Sequence[T],
    task: Callable[[T], R],
    *,
    workers: int,
    stop: threading.Event,
    on_done: Callable[[T, R], None],
    on_crash: Callable[[T, Exception], R],
    name: str,
    on_start: Callable[[], None] | None = None,
) -> bool:
    """Run `task(item)` for every item, `workers` at a time; True if interrupted by Ctrl-C.

    `on_start` runs once every task is submitted, before any `on_done`: bookkeeping that
    need not hold the tasks back. It must not raise.
    """
    executor = ThreadPoolExecutor(max_workers=max(workers, 1), thread_name_prefix=name)
    interrupted = False
    try:
        futures: dict[Future[R], T] = {executor.submit(task, item): item for item in items}
        if on_start is not None:
            on_start()
        for future in as_completed(futures):
            item = futures[future]
            try:
                result = future.result()
            except Exception as exc:  # the second line of defence: tasks catch their own
                result = on_crash(item, exc)
            on_done(item, result)
    except KeyboardInterrupt:
        stop.set()
        interrupted = True
    finally:
        executor.shutdown(wait=not interrupted, cancel_futures=True)
    return interrupted
