"""The fake's plan step, and the drafts written from a plan, as a careful model would write them.

The plan quotes the sources in the prompt word for word (a sentence with a figure in it, where
there is one); with the search tool on, it also cites a made-up web page and returns the
grounding metadata the API sends. A draft written from a plan uses its first claim and ends with
its call to action, so the checks downstream see what real use produces. A prompt that asks for
German gets its plan in German (`prose_de.py`).
"""

from __future__ import annotations

import re
from typing import Any

from . import prose_de

_SOURCE = re.compile(r"^\[(?P<id>S\d+)\] .*?\n<<<\n(?P<text>.*?)\n>>>$", re.DOTALL | re.MULTILINE)
_CLAIM = re.compile(r'^- \[(?P<id>C\d+)\] (?P<text>.+?) \(source (?P<source>\S+): "', re.MULTILINE)
_CTA = re.compile(r"^Call to action \(every piece ends with it\): (?P<cta>.+)$", re.MULTILINE)
_SENTENCE = re.compile(r"[^.!?\n]{25,}?[.!?](?=\s|$)")

WEB_PAGE = {
    "uri": "https://research.example.org/small-teams-review",
    "title": "How small teams review code: a field study",
    "text": "In the field study, teams that reviewed every change within a day shipped 30 "
    "percent fewer defects.",
}
CALL_TO_ACTION = (
    "Pick one task your team repeats every day, time it this week, and share what you find."
)


def plan(prompt: str, topic: str, search: bool, language: str = "en") -> dict[str, Any]:
    """A plan whose claims quote the prompt's sources exactly, in `language` (en or de)."""
    claims = []
    for match in _SOURCE.finditer(prompt):
        sentences = [s.strip() for s in _SENTENCE.findall(match.group("text"))]
        chosen = next(
            (s for s in sentences if re.search(r"\d", s)), sentences[0] if sentences else ""
        )
        if chosen:
            claims.append({"text": chosen, "source": match.group("id"), "quote": chosen})
    if search:
        claims.append({"text": WEB_PAGE["text"], "source": "web", "quote": WEB_PAGE["text"]})
    if language == "de":
        return {
            "angle": prose_de.ANGLE,
            "key_points": prose_de.KEY_POINTS,
            "claims": claims,
            "call_to_action": prose_de.CALL_TO_ACTION,
        }
    return {
        "angle": f"Start small and measure: {topic.rstrip('?.!')} works one daily task at a time.",
        "key_points": [
            "Pick one task the team repeats every day.",
            "Write down what good looks like before changing anything.",
            "Review the results every week and keep only what helped.",
        ],
        "claims": claims,
        "call_to_action": CALL_TO_ACTION,
    }


def grounding(answer: dict[str, Any]) -> dict[str, Any]:
    """The groundingMetadata a search-grounded reply carries: the page, and what it supports."""
    return {
        "webSearchQueries": ["small team code review study"],
        "groundingChunks": [{"web": {"uri": WEB_PAGE["uri"], "title": WEB_PAGE["title"]}}],
        "groundingSupports": [
            {
                "segment": {
                    "startIndex": 0,
                    "endIndex": len(WEB_PAGE["text"]),
                    "text": WEB_PAGE["text"],
                },
                "groundingChunkIndices": [0],
                "confidenceScores": [0.92],
            }
        ],
        "searchEntryPoint": {"renderedContent": '<div class="search-entry">Google</div>'},
    }


def follow(draft: dict[str, Any], prompt: str, language: str = "en") -> dict[str, Any]:
    """The draft, written from the prompt's plan: its first claim used, its call to action last."""
    claim = _CLAIM.search(prompt)
    cta = _CTA.search(prompt)
    field = next((f for f in ("post", "body", "article") if f in draft), None)
    if field is None:
        return draft
    text = draft[field]
    if claim:
        says = prose_de.SOURCE_SAYS if language == "de" else "One source puts it plainly:"
        use = f"{says} {claim.group('text').rstrip('.')}."
        first, _, rest = text.partition("\n\n")
        text = f"{first}\n\n{use}\n\n{rest}" if rest else f"{first}\n\n{use}"
    if cta:
        if "call_to_action" in draft:
            draft = draft | {"call_to_action": cta.group("cta")}
        else:
            head, _, _ = text.rpartition("\n\n")
            text = f"{head}\n\n{cta.group('cta')}"
    return draft | {field: text}
