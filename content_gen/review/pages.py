"""What the templates are given: the list of runs, and one piece with all that explains it.

The rules here are `content-gen check`'s: the file read back by its channel's parser, every
rule the quality loop runs on it, with the same settings (postal address, blog length), each
problem placed by line and column.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import channels as registry
from ..channels.base import ChannelContext, mark_simulated
from ..errors import UsageError
from ..llm.prices import money
from ..quality.rules import in_order
from ..storage import json_object
from .state import label, review_of
from .views import DiffLine, View, diff, scores, view

if TYPE_CHECKING:
    from pydantic import BaseModel

    from .model import Piece


@dataclass(frozen=True)
class Reading:
    """A text read as its channel's piece: the draft (None if the parser refused it), the
    rules' findings on it, and the reader's view."""

    draft: BaseModel | None
    violations: list[dict[str, Any]]
    view: View


def read(
    channel: str, text: str, ctx: ChannelContext, extras: dict[str, str] | None = None
) -> Reading:
    """`text` through its channel's parser and rules, as `content-gen check` reads a file;
    with the piece's other files (`extras`: LinkedIn's first comment), the whole piece."""
    try:
        spec = registry.get(channel)
        draft = spec.read_piece({spec.filename: text} | (extras or {}), ctx)
    except UsageError as exc:  # FormatError among them: the page shows why, and the text
        return Reading(None, [], view(channel, text, None, str(exc)))
    found = in_order(spec.check(draft, ctx, text))
    return Reading(draft, [v.as_dict() for v in found], view(channel, text, draft, extras=extras))


@dataclass(frozen=True)
class AttemptRow:
    number: int
    kind: str
    passed: bool
    blocked: bool
    mean: float | None
    rules: list[dict[str, Any]]
    tokens: int
    calls: int
    #: "$0.0012", "unknown" (a model with no price), "" (a run from before costs were kept).
    cost: str
    seconds: float
    note: str | None
    judge_error: str | None
    #: From the attempt before it; [] for the first, or when a text was not recorded.
    changes: list[DiffLine]
    saved: bool


def piece_context(piece: Piece, ctx: ChannelContext) -> dict[str, Any]:
    """Everything the piece page shows."""
    reading = read(piece.channel, piece.text, ctx, piece.extras)
    attempts = piece.attempts
    best_number = piece.record.get("best_attempt")
    best = next((a for a in attempts if a.get("number") == best_number), None)
    before = [None, *attempts[:-1]]
    rows = [_attempt_row(a, b, best_number) for a, b in zip(attempts, before, strict=True)]
    generated = best.get("text") if best else None
    if isinstance(generated, str) and piece.manifest.get("simulated"):
        generated = mark_simulated(generated)
    review = review_of(piece.record)
    usage = json_object(piece.record.get("usage"))
    return {
        "piece": piece,
        "topic": str(piece.manifest.get("topic") or piece.run),
        "simulated": bool(piece.manifest.get("simulated")),
        "reading": reading,
        "review": review,
        "review_label": label(str(review["state"])),
        "history": [h for h in review["history"] if isinstance(h, dict)],
        "result": str(piece.record.get("status") or ""),
        "score": piece.record.get("score"),
        "scores": scores(best.get("judge")) if best else [],
        "best_rules": best.get("rules") or [] if best else [],
        "attempts": list(reversed(rows)),
        "edits": diff(generated if isinstance(generated, str) else None, piece.text),
        "usage": usage,
        "seconds": piece.record.get("seconds"),
    }


def _attempt_row(attempt: dict[str, Any], before: dict[str, Any] | None, best: Any) -> AttemptRow:
    judge, tokens = json_object(attempt.get("judge")), json_object(attempt.get("tokens"))
    return AttemptRow(
        number=int(attempt.get("number") or 0),
        kind=str(attempt.get("kind") or "attempt"),
        passed=bool(attempt.get("passed")),
        blocked=bool(attempt.get("blocked")),
        mean=judge.get("mean"),
        rules=[r for r in attempt.get("rules") or [] if isinstance(r, dict)],
        tokens=int(tokens.get("total_tokens") or 0),
        calls=int(tokens.get("calls") or 0),
        cost=money(tokens["cost_usd"]) if "cost_usd" in tokens else "",
        seconds=float(attempt.get("seconds") or 0.0),
        note=attempt.get("note"),
        judge_error=attempt.get("judge_error"),
        changes=diff(before.get("text"), attempt.get("text")) if before else [],
        saved=attempt.get("number") == best,
    )
