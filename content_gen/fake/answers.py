"""What the fake answers, from the request body alone: plans, drafts, edits and judgements."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import edits, planning, prose, prose_de, replies
from .routing import EDITS, Route

if TYPE_CHECKING:
    from .server import FakeGemini


def compose(
    fake: FakeGemini, body: dict[str, Any], route: Route, prompt: str, topic: str
) -> dict[str, Any]:
    """The reply's JSON data for a routed request."""
    channel, step = route.channel, route.step
    schema = replies.schema_of(body)
    if step == "judge":
        return replies.judgement(fake._judge_scores(channel, route.attempt, topic), schema)
    language = fake.language or replies.language(prompt)
    if step == "plan":
        return planning.plan(prompt, topic or "the topic", searches(body), language)
    writers = prose_de.WRITERS if language == "de" else prose.WRITERS
    writer = writers.get(channel)
    if writer is not None:
        draft = writer(
            topic or "the topic", replies.field(prompt, "Postal address"), step == "revise"
        )
        revised = planning.follow(draft, prompt, language)
        current = edits.current_draft(prompt)
        if str(schema.get("title", "")).endswith(EDITS) and current is not None:
            return edits.edits_between(current, revised)
        return revised
    return replies.from_schema(schema, topic or "the topic")


def searches(body: dict[str, Any]) -> bool:
    """Whether the request lets the model search the web (the Google Search tool)."""
    return any(
        isinstance(tool, dict) and ("googleSearch" in tool or "google_search" in tool)
        for tool in body.get("tools") or []
    )
