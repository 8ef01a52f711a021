"""The fake's replies in the real API's wire format: responses, usage, errors, judgements."""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from typing import Any

# Judge score sets. PASS clears the default bar (every criterion >= 3, mean >= 4, factual 5).
PASS = {
    "relevance": 5,
    "hook": 4,
    "clarity": 5,
    "specificity": 4,
    "voice": 4,
    "call_to_action": 4,
    "factual_care": 5,
}
FAIL = {
    "relevance": 4,
    "hook": 3,
    "clarity": 4,
    "specificity": 2,
    "voice": 3,
    "call_to_action": 3,
    "factual_care": 5,
}
# Fixes a careful judge gives with no brief: they never ask for facts the brief does not hold.
_FIXES = {
    "relevance": "Tie the opening back to the topic in the first two sentences.",
    "hook": "Open with the concrete problem the reader has this week.",
    "clarity": "Split the longest paragraph and lead each one with its point.",
    "specificity": "Add one worked example, labelled as hypothetical, with numbers the reader "
    "can check against their own team.",
    "voice": "Replace the stock phrasing with the plain words you would say to a colleague.",
    "call_to_action": "End with one next step the reader can take today.",
    "factual_care": "Remove the statistic that has no source.",
}
_CRITIQUE = {
    5: "Nothing here to improve for this criterion.",
    4: "Good, with one thing a sharper editor would change.",
    3: "Works, but generic: the reader has seen this before.",
    2: "Weak: the quotes show little that is concrete.",
    1: "Missing.",
}


def error_body(
    code: int, message: str, status: str, *, retry_delay: float | None = None
) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message, "status": status}
    if retry_delay is not None:
        error["details"] = [
            {
                "@type": "type.googleapis.com/google.rpc.RetryInfo",
                "retryDelay": f"{retry_delay:g}s",
            }
        ]
    return {"error": error}


def tokens(text: str) -> int:
    return len(text) // 4 + 1


def usage_meta(prompt: str, text: str) -> dict[str, int]:
    prompt_tokens, output_tokens = tokens(prompt), tokens(text) if text else 0
    return {
        "promptTokenCount": prompt_tokens,
        "candidatesTokenCount": output_tokens,
        "thoughtsTokenCount": 0,
        "totalTokenCount": prompt_tokens + output_tokens,
    }


def response(text: str, prompt: str, finish: str) -> dict[str, Any]:
    return {
        "candidates": [
            {
                "content": {"role": "model", "parts": [{"text": text}]},
                "finishReason": finish,
                "index": 0,
            }
        ],
        "usageMetadata": usage_meta(prompt, text),
        "modelVersion": "fake-gemini",
        "responseId": f"fake-{time.monotonic_ns()}",
    }


def prompt_text(body: dict[str, Any]) -> str:
    parts = [
        part.get("text", "")
        for content in body.get("contents", [])
        for part in content.get("parts", [])
    ]
    return "\n".join(parts)


def schema_of(body: dict[str, Any]) -> dict[str, Any]:
    config = body.get("generationConfig") or body.get("generation_config") or {}
    for key in ("responseSchema", "response_schema", "responseJsonSchema", "response_json_schema"):
        if isinstance(config.get(key), dict):
            return config[key]
    return {}


def field(prompt: str, label: str) -> str | None:
    match = re.search(rf"^{label}:[ \t]*(.+?)\s*$", prompt, re.MULTILINE)
    value = match.group(1) if match else None
    return None if value in (None, "(none)") else value


def judgement(scores: Mapping[str, int]) -> dict[str, Any]:
    """A judgement in the schema's order: evidence, critique, score, fix."""
    return {
        name: {
            "evidence": ["The opening paragraph.", "The closing request."],
            "critique": _CRITIQUE[score],
            "score": score,
            "fix": "" if score == 5 else _FIXES[name],
        }
        for name, score in scores.items()
    }


def from_schema(schema: Mapping[str, Any], topic: str) -> Any:
    """A value of the schema's shape, for channels this fake has no hand-written draft for."""
    kind = str(schema.get("type", "OBJECT")).upper()
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "OBJECT":
        return {
            name: from_schema(sub, topic) for name, sub in (schema.get("properties") or {}).items()
        }
    if kind == "ARRAY":
        return [from_schema(schema.get("items") or {"type": "STRING"}, topic)]
    if kind in ("INTEGER", "NUMBER"):
        return int(schema.get("minimum", 1))
    if kind == "BOOLEAN":
        return True
    return f"Simulated text about {topic}."


# --- believable drafts for the built-in channels -----------------------------------------------
