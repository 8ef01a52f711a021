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
#: How well the fake finds a piece matches a voice kit, unless a test scripts it.
VOICE_MATCH = 4
# Fixes a careful judge gives with no brief: they never ask for facts the brief does not hold.
_FIXES = {
    "voice_match": "Write as the samples do: shorter sentences, and 'we' for the company.",
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


RPC = "type.googleapis.com/google.rpc."
RATE_LIMITS_URL = "https://ai.google.dev/gemini-api/docs/rate-limits"
PER_MINUTE = "GenerateRequestsPerMinutePerProjectPerModel-FreeTier"
PER_DAY = "GenerateRequestsPerDayPerProjectPerModel-FreeTier"


def error_body(
    code: int,
    message: str,
    status: str,
    *,
    retry_delay: float | None = None,
    details: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """An error as the API sends it: `{"error": {code, message, status, details}}`."""
    error: dict[str, Any] = {"code": code, "message": message, "status": status}
    items = list(details or [])
    if retry_delay is not None:
        items.append({"@type": RPC + "RetryInfo", "retryDelay": f"{retry_delay:g}s"})
    if items:
        error["details"] = items
    return {"error": error}


def quota_body(model: str, quota_id: str, retry_delay: float | None) -> dict[str, Any]:
    """A 429 as the API sends it: which quota (QuotaFailure), where to read about it, when."""
    per = "day" if "PerDay" in quota_id else "minute"
    violation = {
        "quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
        "quotaId": quota_id,
        "quotaDimensions": {"location": "global", "model": model},
        "quotaValue": "250" if per == "day" else "10",
    }
    return error_body(
        429,
        f"You exceeded your current quota, please check your plan and billing details. "
        f"* Quota exceeded for metric: {violation['quotaMetric']}, limit: "
        f"{violation['quotaValue']}, model: {model}",
        "RESOURCE_EXHAUSTED",
        retry_delay=retry_delay,
        details=[
            {"@type": RPC + "QuotaFailure", "violations": [violation]},
            {
                "@type": RPC + "Help",
                "links": [
                    {"description": "Learn more about Gemini API quotas", "url": RATE_LIMITS_URL}
                ],
            },
        ],
    )


def not_found(model: str, version: str) -> dict[str, Any]:
    """The real API's words for a model or version it does not serve: the fix may be the
    version, not the model."""
    return error_body(
        404,
        f"models/{model} is not found for API version {version}, or is not supported for "
        "generateContent. Call ListModels to see the list of available models and their "
        "supported methods.",
        "NOT_FOUND",
    )


def bad_key_body() -> dict[str, Any]:
    """A rejected key: 400 INVALID_ARGUMENT with ErrorInfo reason API_KEY_INVALID."""
    return error_body(
        400,
        "API key not valid. Please pass a valid API key.",
        "INVALID_ARGUMENT",
        details=[
            {
                "@type": RPC + "ErrorInfo",
                "reason": "API_KEY_INVALID",
                "domain": "googleapis.com",
                "metadata": {"service": "generativelanguage.googleapis.com"},
            },
            {
                "@type": RPC + "LocalizedMessage",
                "locale": "en-US",
                "message": "API key not valid. Please pass a valid API key.",
            },
        ],
    )


def tokens(text: str) -> int:
    return len(text) // 4 + 1


def usage_meta(prompt: str, text: str) -> dict[str, int]:
    prompt_tokens, output_tokens = tokens(prompt), tokens(text) if text else 0
    return {
        "promptTokenCount": prompt_tokens,
        "candidatesTokenCount": output_tokens,
        "thoughtsTokenCount": THOUGHT_TOKENS if text else 0,
        "totalTokenCount": prompt_tokens + output_tokens + (THOUGHT_TOKENS if text else 0),
    }


#: What the fake "thinks" before each answer: Gemini 2.5 and 3 think by default, and the
#: thought tokens are billed as output.
THOUGHT = "Planning the reply: check the schema's fields, then write each one."
THOUGHT_TOKENS = tokens(THOUGHT)


def response(text: str, prompt: str, finish: str, model: str = "") -> dict[str, Any]:
    """A reply as the API sends it, a thought part before the answer."""
    parts = [{"text": THOUGHT, "thought": True}, {"text": text}] if text else [{"text": text}]
    return {
        "candidates": [
            {
                "content": {"role": "model", "parts": parts},
                "finishReason": finish,
                "index": 0,
            }
        ],
        "usageMetadata": usage_meta(prompt, text),
        "modelVersion": f"{model}-001" if model else "fake-gemini",
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


def judgement(scores: Mapping[str, int], schema: Mapping[str, Any]) -> dict[str, Any]:
    """A judgement of the schema's criteria, each in its order: evidence, critique, score, fix.

    A criterion the scripted scores leave out (voice_match, asked for with a voice kit) gets
    VOICE_MATCH."""
    names = list(schema.get("properties") or scores)
    out = {}
    for name in names:
        score = scores.get(name, VOICE_MATCH)
        out[name] = {
            "evidence": ["The opening paragraph.", "The closing request."],
            "critique": _CRITIQUE[score],
            "score": score,
            "fix": "" if score == 5 else _FIXES[name],
        }
    return out


def language(prompt: str) -> str:
    """The language a prompt asks for, from its "Language: German (de)" line: en by default."""
    found = re.match(r"[^(]*\(([A-Za-z]{2,3})(?:-[A-Za-z0-9]+)*\)", field(prompt, "Language") or "")
    return found.group(1).lower() if found else "en"


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
