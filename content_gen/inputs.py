"""What a user hands in for one topic: its text, its audience and its brief file.

Checked the same way whether it comes from `generate`'s arguments or a calendar row.
"""

from __future__ import annotations

from pathlib import Path

from .errors import UsageError
from .files import read_text

TOPIC_MAX_CHARS = 300
AUDIENCE_MAX_CHARS = 500
BRIEF_MAX_BYTES = 200_000


def check_topic(raw: str, *, empty_hint: str = "", long_hint: str = "") -> str:
    """The topic with its whitespace collapsed; UsageError if it is empty or too long."""
    topic = " ".join(raw.split())
    try:
        topic.encode("utf-8")
    except UnicodeEncodeError:  # bytes the terminal passed through undecoded
        raise UsageError(
            "the topic is not valid UTF-8 text; check your terminal's encoding"
        ) from None
    if not topic:
        raise UsageError("the topic is empty" + empty_hint)
    if len(topic) > TOPIC_MAX_CHARS:
        raise UsageError(
            f"the topic is {len(topic)} characters; the maximum is {TOPIC_MAX_CHARS}" + long_hint
        )
    return topic


def check_audience(raw: str) -> str | None:
    """The audience text (None when empty); UsageError if it is too long."""
    audience = raw.strip()
    if len(audience) > AUDIENCE_MAX_CHARS:
        raise UsageError(
            f"the audience is {len(audience)} characters; the maximum is {AUDIENCE_MAX_CHARS}"
        )
    return audience or None


def read_brief(path: Path | None, label: str = "--brief") -> str:
    """The brief's text ('' without one); UsageError if it is unreadable, too big or not UTF-8."""
    return "" if path is None else read_text(path, label=label, limit=BRIEF_MAX_BYTES)
