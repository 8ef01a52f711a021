"""How results are shown: a progress line per channel, aligned tables, the totals line.

Lines fit the terminal: when output goes to a terminal (or COLUMNS is set), wide cells are cut
with "..." rather than wrapping; in a log file nothing is cut.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from ..llm.prices import money

if TYPE_CHECKING:
    from ..llm.seam import Usage
    from ..pipeline.results import ChannelResult

STATUS = {
    "passed": "passed",
    "below_bar": "below bar",
    "failed": "FAILED",
    "interrupted": "interrupted",
    "stopped": "stopped",
}
#: The narrowest a shrunk cell gets, so a very narrow terminal still shows something useful.
MIN_CELL = 12

# C0 and C1 control characters (ANSI escapes start with one), except tab and newline.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: str) -> str:
    """User text made safe to echo: control characters (terminal escapes) removed."""
    return _CONTROL.sub("", text)


def width(stream: TextIO) -> int | None:
    """The columns to fit, or None (no limit) when the stream is not a terminal."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        return shutil.get_terminal_size().columns if stream.isatty() else None
    except (OSError, ValueError):
        return None


def cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(limit - 3, 0)].rstrip() + "..."


def say(text: str, stream: TextIO | None = None) -> None:
    """Print a sentence, wrapped to the terminal; a "- " note keeps its indent when it wraps."""
    stream = stream or sys.stdout
    limit = width(stream)
    if limit is not None and len(text) > limit:
        indent = "  " if text.startswith("- ") else ""
        text = textwrap.fill(
            text,
            width=limit,
            subsequent_indent=indent,
            break_long_words=False,
            break_on_hyphens=False,
        )
    print(text, file=stream)


def print_notes(notes: Sequence[str]) -> None:
    """Warnings about the run's settings (a model with no price), before it starts."""
    for note in notes:
        print(f"content-gen: note: {note}", file=sys.stderr)


def halted_line(message: str) -> str:
    """The one line that says why the whole run stopped and what to do."""
    return f"Stopped: {message}."


def progress_line(result: ChannelResult) -> str:
    """One channel as it finishes: name, result, score, attempts, time and any error."""
    score = f"score {result.score:.2f}" if result.score is not None else "no score"
    count = len(result.attempts)
    attempts = f"{count} attempt" + ("" if count == 1 else "s")
    line = (
        f"{result.channel:<11} {STATUS[result.status]:<11} {score:<11} {attempts:<10} "
        f"{result.seconds:5.1f}s"
    )
    return clean(line + (f"  {result.error}" if result.error else ""))


def fit(line: str, limit: int | None) -> str:
    return line if limit is None else cut(line, limit)


def result_cells(r: ChannelResult) -> tuple[str, ...]:
    """A finished channel's summary cells: result, score, attempts, tokens, cost, time."""
    return (
        STATUS[r.status],
        f"{r.score:.2f}" if r.score is not None else "-",
        str(len(r.attempts)),
        f"{r.usage.total_tokens:,}",
        money(r.usage.cost),
        f"{r.seconds:.1f}s",
    )


def table(
    rows: Sequence[Sequence[str]],
    left: set[int],
    *,
    limit: int | None = None,
    shrink: Sequence[int] = (),
) -> list[str]:
    """Aligned columns: those in `left` flush left (text), the others flush right (numbers).

    Wider than `limit`, the cells of the `shrink` columns, in that order, are cut to fit.
    """
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for column in shrink:
        if limit is None:
            break
        excess = sum(widths) + 2 * (len(widths) - 1) - limit
        if excess > 0:
            widths[column] = max(widths[column] - excess, MIN_CELL)
    lines = []
    for row in rows:
        cells = [cut(cell, w) for cell, w in zip(row, widths, strict=True)]
        lines.append(
            "  ".join(
                cell.ljust(w) if i in left else cell.rjust(w)
                for i, (cell, w) in enumerate(zip(cells, widths, strict=True))
            ).rstrip()
        )
    return lines


def print_table(
    rows: Sequence[Sequence[str]],
    left: set[int],
    *,
    limit: int | None = None,
    shrink: Sequence[int] = (),
) -> None:
    for line in table(rows, left, limit=limit, shrink=shrink):
        print(line)


def totals_line(results: Sequence[ChannelResult], seconds: float, usage: Usage) -> str:
    """How the channels ended and what the run cost (`usage`: the plans' calls included),
    e.g. '3 passed, 0 below the bar, 0 failed; 9 API calls, 8,711 tokens, $0.0123, 1.3s'."""
    counts = {s: sum(1 for r in results if r.status == s) for s in STATUS}
    calls, tokens = usage.calls, usage.total_tokens
    hits = f" (+{usage.cache_hits} from the cache)" if usage.cache_hits else ""
    return (
        f"{counts['passed']} passed, {counts['below_bar']} below the bar, "
        f"{counts['failed']} failed"
        + (f", {counts['interrupted']} interrupted" if counts["interrupted"] else "")
        + (f", {counts['stopped']} stopped" if counts["stopped"] else "")
        + f"; {calls} API calls{hits}, {tokens:,} tokens, {cost_text(usage)}, {seconds:.1f}s"
    )


def cost_text(usage: Usage) -> str:
    """'$0.0123', or what is known when some model has no price: never a made-up zero."""
    if usage.unpriced:
        known = f" beyond {money(usage.cost_usd)}" if usage.cost_usd else ""
        return f"cost unknown{known} ({plural(usage.unpriced, 'call')} with no price)"
    return money(usage.cost_usd)


def warnings_note(result: ChannelResult) -> str | None:
    """'- blog: 2 warnings left, first: blog.length (950 words; aim for 1,000-2,000)'."""
    left = result.warnings
    if not left or result.file is None:
        return None
    first = left[0]
    return (
        f"- {result.channel}: {plural(len(left), 'warning')} left, first: "
        f"{first.rule} ({first.message})"
    )


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else many or word + 's'}"
