"""Text helpers the rule tests share."""

from __future__ import annotations

from content_gen.quality.rules import Violation
from content_gen.quality.text import word_count


def levels(violations: list[Violation]) -> dict[str, str]:
    """rule id -> level, for compact assertions."""
    return {v.rule: v.level for v in violations}


FILLER = (
    "Our support team answered four thousand tickets last quarter. Most of them asked the "
    "same six questions about invoices, seats and exports. We wrote one short help page for "
    "each question and linked it from the billing screen. Ticket volume fell by a third in "
    "eight weeks, and the team finally had time to call customers who were about to leave."
)


def words(n: int) -> str:
    """Exactly `n` words of plain, phrase-free business prose (sentences may be cut short)."""
    source = FILLER.split()
    out = [source[i % len(source)] for i in range(n)]
    text = " ".join(out)
    assert word_count(text) == n
    return text
