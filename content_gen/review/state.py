"""Review states, as run.json records them in `channels.<name>.review`.

    {"state": "approved", "at": "2026-12-01T09:12:03+01:00", "note": null,
     "history": [{"state": "edited", "at": "...", "kept": "history/blog.1.md"},
                 {"state": "approved", "at": "..."}]}

A piece with no `review` is new. Approved and edited pieces are a person's work: a calendar run
keeps them, whatever else it would redo, unless --force says otherwise. Standard library only:
the calendar runner and `calendar status` read these states.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

NEW, APPROVED, SENT_BACK, EDITED = "new", "approved", "sent_back", "edited"
STATES = (NEW, APPROVED, SENT_BACK, EDITED)
#: A person's work: never rewritten by a calendar run without --force.
KEPT = frozenset({APPROVED, EDITED})


def label(state: str) -> str:
    """A state as people read it: "sent back", not "sent_back"."""
    return state.replace("_", " ")


def review_of(record: Any) -> dict[str, Any]:
    """A channel record's review, or a new one; anything malformed counts as new."""
    review = record.get("review") if isinstance(record, dict) else None
    if not isinstance(review, dict) or review.get("state") not in STATES:
        return {"state": NEW, "at": None, "note": None, "history": []}
    history = review.get("history")
    return (
        {"at": None, "note": None}
        | review
        | {"history": history if isinstance(history, list) else []}
    )


def state_of(record: Any) -> str:
    return str(review_of(record)["state"])


def kept(record: Any) -> bool:
    """Whether a person approved or edited this channel's piece."""
    return state_of(record) in KEPT


def moved(record: dict[str, Any], state: str, **event: Any) -> dict[str, Any]:
    """`record` with its review in `state`, the change appended to its history.

    `event` adds what the change did (a note, the file a previous version was kept in, the
    attempt a revision made); a None value is left out.
    """
    if state not in STATES:
        raise ValueError(f"unknown review state {state!r}")
    review = review_of(record)
    at = datetime.now().astimezone().isoformat(timespec="seconds")
    change = {"state": state, "at": at} | {k: v for k, v in event.items() if v is not None}
    note = event.get("note", review.get("note") if state == SENT_BACK else None)
    return record | {
        "review": {"state": state, "at": at, "note": note, "history": [*review["history"], change]}
    }


def before_approval(record: dict[str, Any]) -> str:
    """The state an unapproved piece goes back to: what it was before it was approved, so an
    edited piece stays edited (and kept)."""
    for change in reversed(review_of(record)["history"]):
        if isinstance(change, dict) and change.get("state") not in (APPROVED, None):
            return str(change["state"])
    return NEW
