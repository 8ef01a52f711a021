"""How the fake tells requests apart: from what the real API sees, the request body alone.

Production requests carry nothing for the fake's sake. The reply schema's title names the
draft's channel (the judge's schema is `Judgement`, or `VoiceJudgement` with a voice kit); the
judge's channel is the channel label its prompt names; a revision is a writer request whose
prompt carries the current draft.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

#: The judge's schemas: without a voice kit, and with one (voice_match added).
JUDGEMENTS = ("Judgement", "VoiceJudgement")
PLAN = "Plan"
#: A revision asked for as edits: the channel schema's name with this after it.
EDITS = "Edits"


@dataclass(frozen=True)
class Route:
    channel: str
    step: str  # "plan", "draft", "revise" (whole or as edits) or "judge"
    attempt: int


class Router:
    """Routes requests, and counts each (channel, topic)'s attempts as the worker makes them."""

    def __init__(self) -> None:
        self._attempts: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()

    def route(self, schema: dict[str, Any], prompt: str, topic: str) -> Route:
        title = str(schema.get("title", ""))
        if title == PLAN:
            return Route("plan", "plan", 1)
        if title in JUDGEMENTS:
            channel = _judged_channel(prompt)
            with self._lock:
                return Route(channel, "judge", self._attempts.get((channel, topic), 1))
        edits = title.endswith(EDITS)
        channel = _channel_by_schema(title.removesuffix(EDITS) if edits else title)
        revising = edits or _carries_draft(schema, prompt)
        with self._lock:
            key = (channel, topic)
            attempt = self._attempts.get(key, 0) + 1 if revising else 1
            self._attempts[key] = attempt
        return Route(channel, "revise" if revising else "draft", attempt)


def _channel_by_schema(title: str) -> str:
    from .. import channels

    for name in channels.names():
        if channels.get(name).schema.__name__ == title:
            return name
    return title.lower()


def _judged_channel(prompt: str) -> str:
    """The channel whose label the judge prompt names first ("reviewing a LinkedIn post")."""
    from .. import channels

    found = [
        (prompt.find(channels.get(name).label), name)
        for name in channels.names()
        if channels.get(name).label in prompt
    ]
    return min(found)[1] if found else ""


def _carries_draft(schema: dict[str, Any], prompt: str) -> bool:
    """A reviser prompt holds the draft as JSON: every field of the schema, as a JSON key."""
    fields = list((schema.get("properties") or {}).keys())
    return bool(fields) and all(f'"{name}":' in prompt for name in fields)
