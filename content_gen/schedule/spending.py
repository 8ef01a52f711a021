"""What calendar runs spend, month by month (UTC), and the monthly budget that caps it.

Every call is recorded in the ledger's `spend` table as it is paid, not when its channel ends:
the month's total then counts the calls of a run killed before it recorded its channels, and
repeated kills cannot spend past the budget.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime

from ..llm.budget import Cap
from ..llm.seam import Usage
from .ledger import Ledger
from .work import Owner

log = logging.getLogger("content_gen.scheduler")

BUDGET_SETTING = "CONTENT_GEN_MONTHLY_BUDGET"


@dataclass(frozen=True)
class Month:
    key: str  # "2026-12"
    name: str  # "December 2026"
    resets: date  # the first day of the next month

    @classmethod
    def of(cls, moment: datetime) -> Month:
        first = moment.date().replace(day=1)
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return cls(first.strftime("%Y-%m"), first.strftime("%B %Y"), following)


class Spending:
    def __init__(self, ledger: Ledger, owner: Owner) -> None:
        self.ledger = ledger
        self.owner = owner

    def month(self) -> Month:
        return Month.of(self.ledger.now_utc())

    def record(self, usage: Usage) -> None:
        """One paid call; a ledger that cannot take it costs the record, never the call."""
        at = self.ledger.now_utc()
        try:
            with self.ledger.transaction() as db:
                db.execute(
                    "INSERT INTO spend (at, month, run_id, usd, calls, unpriced) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        at.isoformat(timespec="milliseconds"),
                        Month.of(at).key,
                        self.owner.run_id,
                        usage.cost_usd,
                        usage.calls,
                        usage.unpriced,
                    ),
                )
        except sqlite3.Error as exc:
            log.warning("could not record a call's cost in the ledger: %s", exc)

    def spent(self, month: Month) -> tuple[float, int]:
        """Dollars spent in `month`, and how many calls there had no price."""
        return month_spent(self.ledger, month)

    def cap(self, budget: float) -> Cap:
        """The monthly budget as a cap on this run: what the month has spent counts."""
        month = self.month()
        spent, _ = self.spent(month)
        return Cap(
            f"the monthly budget ({BUDGET_SETTING}={budget:g})",
            budget,
            spent_before=spent,
            advice=f"it resets on {month.resets.isoformat()} (UTC); finished work is kept and "
            f"the rest waits for then, or raise {BUDGET_SETTING}",
            scope=month.name,
        )


def month_spent(ledger: Ledger, month: Month) -> tuple[float, int]:
    (row,) = ledger.read(
        "SELECT coalesce(sum(usd), 0), coalesce(sum(unpriced), 0) FROM spend WHERE month = ?",
        (month.key,),
    )
    return float(row[0]), int(row[1])
