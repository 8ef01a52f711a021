"""What the pieces are written from: files and web pages the user hands in, read before any
API call, each with a short id the plan's claims cite (S1, S2, ...; the brief is `brief`,
pages found by --research are W1, W2, ...).

A source that cannot be read stops the run before anything is paid for, unless the user says
to go on without it. Files named by a calendar stay inside its folder and its URLs stay off
private networks, unless the user trusts the calendar.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import SourceError, UsageError
from .model import MAX_TOTAL_CHARS, Confinement, Source, split_specs

__all__ = ["Confinement", "Source", "load_sources", "split_specs"]

#: The user's own --source flags: any file, any URL.
UNCONFINED = Confinement()


def load_sources(
    specs: Sequence[str],
    *,
    base: Path = Path("."),
    confinement: Confinement = UNCONFINED,
    skip_unreadable: bool = False,
    fetch: Any = None,
) -> tuple[list[Source], list[str]]:
    """Read every source now, before any API call: (sources, problems).

    A problem is one line naming the source and what is wrong. Unless `skip_unreadable`, the
    first problem raises UsageError; otherwise the unreadable sources are left out.
    """
    from .read import read_source  # urllib and the extractors: only when there are sources

    sources: list[Source] = []
    problems: list[str] = []
    for spec in specs:
        try:
            sources.append(read_source(spec, f"S{len(sources) + 1}", base, confinement, fetch))
        except UsageError as exc:
            if not skip_unreadable:
                raise
            problems.append(str(exc))
    total = sum(len(s.text) for s in sources)
    if total > MAX_TOTAL_CHARS:
        raise SourceError(
            f"the sources hold {total:,} characters of text; the plan reads at most "
            f"{MAX_TOTAL_CHARS:,}: leave some out, or point at the part that matters"
        )
    return sources, problems
