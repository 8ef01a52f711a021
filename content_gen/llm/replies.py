"""Reading a reply: its usage as billed, and its text as a schema instance or a ReplyError.

Only what can change is retried. A prompt the safety filter blocked (`promptFeedback`) gets the
same verdict every time, and so does a finish reason about the request or the account; a reply
cut at the token limit, an empty one or text off the schema may come out right next time.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import ReplyError, RunHalted
from .seam import Citation, Usage

#: Finish reasons after which asking again can give a usable reply.
RETRYABLE = {"MAX_TOKENS", "SAFETY", "RECITATION", "MALFORMED_RESPONSE", "OTHER"}
#: The reply's text is the answer (a missing reason is read the same way).
FINISHED = {"STOP", "", "FINISH_REASON_UNSPECIFIED"}
#: The account itself is limited: every call will end like this one.
ACCOUNT = {"PUP_LIMITED_DISABLED"}


def usage(response: Any) -> Usage:
    """The reply's tokens as the API bills them; the request was counted when it was sent."""
    meta = getattr(response, "usage_metadata", None)
    if meta is None:
        return Usage()
    prompt = meta.prompt_token_count or 0
    thoughts = meta.thoughts_token_count or 0
    output = (meta.candidates_token_count or 0) + thoughts  # thinking is billed as output
    return Usage(
        0,
        prompt,
        output,
        meta.total_token_count or prompt + output,
        cached_tokens=meta.cached_content_token_count or 0,
        thought_tokens=thoughts,
    )


def model_version(response: Any) -> str | None:
    """The model that really answered: a silently routed model shows up here."""
    return getattr(response, "model_version", None) or None


def citations(response: Any) -> tuple[Citation, ...]:
    """The pages a grounded reply cites, each with the reply's text that the page supports."""
    candidates = getattr(response, "candidates", None) or []
    meta = getattr(candidates[0], "grounding_metadata", None) if candidates else None
    chunks = (getattr(meta, "grounding_chunks", None) or []) if meta else []
    supports = (getattr(meta, "grounding_supports", None) or []) if meta else []
    texts: dict[int, list[str]] = {}
    for support in supports:
        segment = getattr(support, "segment", None)
        text = getattr(segment, "text", None) if segment else None
        for index in getattr(support, "grounding_chunk_indices", None) or []:
            if text:
                texts.setdefault(index, []).append(text)
    found = []
    for index, chunk in enumerate(chunks):
        web = getattr(chunk, "web", None)
        if web is None or not getattr(web, "uri", None):
            continue
        found.append(Citation(web.title or web.uri, web.uri, "\n".join(texts.get(index, []))))
    return tuple(found)


def validate(response: Any, schema: type[BaseModel]) -> BaseModel:
    """The reply as a `schema` instance, or a ReplyError that says why and if asking helps."""
    feedback = getattr(response, "prompt_feedback", None)
    if feedback is not None and feedback.block_reason is not None:
        reason = _name(feedback.block_reason)
        raise ReplyError(
            f"prompt blocked by the safety filter ({reason}); the same prompt gets the same "
            "answer, so change the topic or brief",
            reason="blocked",
            retryable=False,
        )
    candidates = response.candidates or []
    if not candidates:
        raise ReplyError("the reply was empty (no candidates)", reason="empty")
    finish = _name(candidates[0].finish_reason)
    if finish in ACCOUNT:
        raise RunHalted(
            f"the API stopped serving this account ({finish}); see Google AI Studio",
            reason="account",
        )
    if finish not in FINISHED:
        raise ReplyError(
            _MESSAGES.get(finish, "the reply stopped early (finish reason {finish})").format(
                finish=finish
            ),
            reason=_REASONS.get(finish, "stopped"),
            retryable=finish in RETRYABLE,
        )
    text = response.text
    if not text or not text.strip():
        raise ReplyError(f"the reply was empty (finish reason {finish or 'none'})", reason="empty")
    try:
        return schema.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "reply"
        raise ReplyError(
            f"reply did not match the {schema.__name__} schema ({where}: {first['msg']})",
            reason="invalid_reply",
        ) from None


_MESSAGES = {
    "MAX_TOKENS": "reply cut at the token limit (MAX_TOKENS)",
    "SAFETY": "reply blocked by the safety filter (SAFETY)",
    "RECITATION": "reply blocked as recitation of a source (RECITATION)",
    "BLOCKLIST": "reply blocked by a term blocklist (BLOCKLIST)",
    "PROHIBITED_CONTENT": "reply blocked as prohibited content (PROHIBITED_CONTENT)",
    "SPII": "reply blocked for personal information (SPII)",
}
_REASONS = {
    "MAX_TOKENS": "max_tokens",
    "SAFETY": "blocked",
    "RECITATION": "blocked",
    "BLOCKLIST": "blocked",
    "PROHIBITED_CONTENT": "blocked",
    "SPII": "blocked",
}


def _name(value: Any) -> str:
    if value is None:
        return ""
    return str(getattr(value, "name", value)).upper()
