"""`--estimate`: the calls and dollars a run or a calendar run would take, and how they were
worked out. Nothing is sent, and no key is needed."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..llm.prices import money
from .common import EXIT_OK
from .report import print_table, say

if TYPE_CHECKING:
    from ..pipeline.estimate import Estimate, Estimator, Span


def show(estimator: Estimator, title: str, *, as_json: bool, notes: list[str]) -> int:
    estimate = estimator.result
    how = explain(estimator)
    if as_json:
        print(json.dumps(_json(estimator, how, notes), indent=2, ensure_ascii=False))
        return EXIT_OK
    print(f"{title} (no API call made)\n")
    rows: list[tuple[str, ...]] = [("", "calls", "range", "cost", "range")]
    for part, span in estimate.parts.items():
        rows.append((part, *_cells(span)))
    rows.append(("total", *_cells(estimate.total)))
    print_table(rows, left={0})
    print()
    total = estimate.total
    say(
        f"Expected: {round(total.calls[1])} calls, {_money(total, 1)}; from "
        f"{_money(total, 0)} if every first draft passes to {_money(total, 2)} if every "
        f"revision is used."
    )
    for note in notes:
        say(note)
    print("\nHow it was worked out:")
    for line in how:
        say(f"- {line}")
    return EXIT_OK


def explain(estimator: Estimator) -> list[str]:
    """How the estimate was derived, in words."""
    from ..pipeline.estimate import CHARS_PER_TOKEN, THINKING

    estimate, settings = estimator.result, estimator.settings
    history = estimate.history
    lengths = ", ".join(f"{name} {tokens:,}" for name, tokens in estimate.lengths.items())
    lines = [
        f"prompts: the templates filled in with each topic's inputs, {CHARS_PER_TOKEN} "
        f"characters a token ({estimate.prompt_tokens:,} tokens for one call of each kind)",
    ]
    if history.calls:
        lines.append(
            f"replies: the median output of each kind of call in {history.runs} earlier run(s) "
            f"in {settings.output_dir} where there were at least 2 of them ({history.calls} "
            f"calls), else a typical length; a draft's output tokens: {lengths}"
        )
    else:
        level = settings.thinking("draft").level
        lines.append(
            f"replies: typical lengths for what each channel's prompt asks, plus thinking at "
            f"each step's level ({level}: about {THINKING[level]} tokens a call, an assumption):"
            f" a draft's output tokens, thinking included: {lengths}; runs recorded in the "
            "output folder replace these with what your runs really took"
        )
    share = estimate.revised_share
    source = (
        f"as in the {history.channels} channels of earlier runs"
        if history.revised_share() is not None
        else "an assumption until there is history"
    )
    lines.append(
        f"revisions: {share:.0%} of first drafts revised once for the expected figure ({source});"
        f" at most {settings.max_revisions} each (--max-revisions)"
    )
    table = estimator.pricer.table
    batch = f", at the Batch API's {table.batch_discount:.0%}" if estimator.batch else ""
    lines.append(
        f"prices: {settings.model} writes, {settings.judge_model} judges, at the prices of "
        f"{estimator.pricer.today().isoformat()} ({table.origin}, checked "
        f"{table.checked.isoformat()}){batch}; implicit caching can only make it cheaper"
    )
    return lines


def _cells(span: Span) -> tuple[str, ...]:
    least, expected, most = span.calls
    calls = f"{least:g}" if least == most else f"{least:g}-{most:g}"
    costs = (
        _money(span, 1) if span.cost[0] == span.cost[2] else f"{_money(span, 0)}-{_money(span, 2)}"
    )
    return (f"{round(expected)}", calls, _money(span, 1), costs)


def _money(span: Span, which: int) -> str:
    return "unknown" if span.unknown else money(span.cost[which])


def _json(estimator: Estimator, how: list[str], notes: list[str]) -> dict[str, Any]:
    estimate: Estimate = estimator.result

    def span(s: Span) -> dict[str, Any]:
        cost = None if s.unknown else [round(c, 6) for c in s.cost]
        return {
            "calls": dict(zip(("least", "expected", "most"), s.calls, strict=True)),
            "cost_usd": dict(zip(("least", "expected", "most"), cost, strict=True))
            if cost
            else None,
        }

    return {
        "estimate": span(estimate.total),
        "parts": {name: span(s) for name, s in estimate.parts.items()},
        "topics": estimate.topics,
        "batch": estimator.batch,
        "prices_checked": estimator.pricer.table.checked.isoformat(),
        "how": how,
        "notes": notes,
    }
