"""Spending caps: before each call its worst case is reserved; a call that would cross a cap
is not sent.

The worst case is every prompt token at the full input price plus the step's output limit
(thinking included) at the output price, so what a run spends can never pass its cap, however
its calls overlap. When the reply comes back the reservation gives way to what it really cost,
which is mostly far less. So a call that fits the cap but not beside the reservations of calls
in flight waits for them to settle, and only a call that would cross the cap on its own stops
the run. Caps are `--max-cost` (this run) and the monthly budget of calendar runs (what earlier
runs spent this month counts against it). Thread-safe: every worker reserves through one
budget.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from itertools import count

from ..errors import Interrupted, RunHalted
from .prices import money
from .seam import Usage

#: UTF-8 bytes per prompt token, at the least: real text runs nearer four.
BYTES_PER_TOKEN_AT_LEAST = 2
#: How often a call waiting for room looks at the stop flag.
_POLL = 0.1


class BudgetSpent(RunHalted):
    """The next call would take the run past a cap: the run stops, its finished work is kept."""

    reason = "budget"


@dataclass(frozen=True)
class Cap:
    """A limit on dollars: `label` names it as the user set it (e.g. `--max-cost 0.50`)."""

    label: str
    limit: float
    #: Spent before this run against the same cap (a month's earlier calendar runs).
    spent_before: float = 0.0
    #: What the user can do once it is reached.
    advice: str = ""
    #: How the stop message says what the cap covers, e.g. "this run" or "December 2026".
    scope: str = "this run"


@dataclass(frozen=True)
class Reservation:
    number: int
    amount: float


class Budget:
    """What a run has spent and holds in reserve, against every cap it has."""

    def __init__(self, caps: tuple[Cap, ...] = (), stop: threading.Event | None = None) -> None:
        self._caps = list(caps)
        self._lock = threading.Condition()
        self._stop = stop or threading.Event()
        self._ids = count(1)
        self._held: dict[int, float] = {}
        self.spent = 0.0
        #: Told of every settled call (the ledger's record of what was spent, and when).
        self.on_spend: Callable[[Usage], None] | None = None

    @property
    def caps(self) -> tuple[Cap, ...]:
        with self._lock:
            return tuple(self._caps)

    def add(self, cap: Cap) -> None:
        with self._lock:
            self._caps.append(cap)

    def left(self) -> float | None:
        """Dollars left before the tightest cap, reservations counted; None without caps."""
        with self._lock:
            return self._left()

    def _left(self) -> float | None:
        held = sum(self._held.values())
        rooms = [c.limit - c.spent_before - self.spent - held for c in self._caps]
        return min(rooms) if rooms else None

    def reserve(self, amount: float, what: str) -> Reservation:
        """Hold `amount` dollars for a call about to be sent, waiting while calls in flight
        hold the room it needs; BudgetSpent if it would cross a cap on its own."""
        while True:
            reservation = self.try_reserve(amount, what)
            if reservation is not None:
                return reservation
            with self._lock:
                self._lock.wait(_POLL)
            if self._stop.is_set():
                raise Interrupted()

    def try_reserve(self, amount: float, what: str) -> Reservation | None:
        """Hold `amount` now, or None if calls in flight hold the room it needs; BudgetSpent
        if it would cross a cap whatever they turn out to cost."""
        with self._lock:
            held = sum(self._held.values())
            for cap in self._caps:
                spent = cap.spent_before + self.spent
                if spent + amount > cap.limit + 1e-12:
                    raise BudgetSpent(_stopped(cap, spent, amount, what))
                if spent + held + amount > cap.limit + 1e-12:
                    return None
            reservation = Reservation(next(self._ids), amount)
            self._held[reservation.number] = amount
            return reservation

    def settle(self, reservation: Reservation | None, usage: Usage) -> None:
        """The call is over: release its reservation, count what it really cost."""
        with self._lock:
            if reservation is not None:
                self._held.pop(reservation.number, None)
            self.spent += usage.cost_usd
            self._lock.notify_all()
        if self.on_spend is not None and (usage.cost_usd or usage.unpriced):
            self.on_spend(usage)

    def release(self, reservation: Reservation | None) -> None:
        """The call was never sent."""
        if reservation is not None:
            with self._lock:
                self._held.pop(reservation.number, None)
                self._lock.notify_all()


def prompt_tokens_at_most(*texts: str) -> int:
    """An upper bound of the prompt tokens of `texts`, without asking the API to count them."""
    return sum(len(t.encode("utf-8")) for t in texts) // BYTES_PER_TOKEN_AT_LEAST + 1


def spent_message(cap: Cap) -> str:
    """Why a run starts nothing: its cap was reached before it began."""
    advice = f"; {cap.advice}" if cap.advice else ""
    return (
        f"{cap.label} is spent for {cap.scope}: {money(cap.spent_before)} of "
        f"{money(cap.limit)}{advice}"
    )


def _stopped(cap: Cap, spent: float, amount: float, what: str) -> str:
    advice = f"; {cap.advice}" if cap.advice else ""
    return (
        f"the next call ({what}, up to {money(amount)}) could take {cap.scope} past "
        f"{cap.label}: {money(spent)} of {money(cap.limit)} spent{advice}"
    )
