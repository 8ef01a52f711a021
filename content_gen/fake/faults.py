"""Faults the fake can be told to inject: HTTP errors, dropped or hung connections, and
replies the SDK accepts but the pipeline cannot use."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Fault:
    """One misbehaviour, used once, for the next matching request."""

    kind: str
    status: int = 0
    message: str = ""
    retry_delay: float | None = None
    retry_after: str | None = None
    seconds: float = 0.0
    data: Mapping[str, Any] | None = None

    @classmethod
    def reply(cls, data: Mapping[str, Any]) -> Fault:
        """A well-formed reply carrying `data` instead of the usual draft (e.g. a bad one)."""
        return cls("reply", data=data)

    @classmethod
    def http(
        cls,
        status: int,
        message: str = "",
        *,
        retry_delay: float | None = None,
        retry_after: str | None = None,
    ) -> Fault:
        return cls("status", status, message, retry_delay, retry_after)

    @classmethod
    def quota(cls, *, per: str = "minute", retry_delay: float | None = 7) -> Fault:
        """A 429 for a spent quota, as the API words it: per "minute" or per "day"."""
        return cls("quota", 429, per, retry_delay)

    @classmethod
    def bad_key(cls) -> Fault:
        """The key is rejected: 400 with ErrorInfo API_KEY_INVALID, as the API answers."""
        return cls("bad_key", 400)

    @classmethod
    def drip(cls, seconds: float, chunk: int = 16) -> Fault:
        """Send the reply a few bytes every `seconds`: every read succeeds, the whole is late."""
        return cls("drip", seconds=seconds, status=chunk)

    @classmethod
    def finish(cls, reason: str) -> Fault:
        """A candidate with no text that ended for `reason` (e.g. PROHIBITED_CONTENT)."""
        return cls("finish", message=reason)

    @classmethod
    def misquote(cls) -> Fault:
        """A plan whose first claim quotes its source with words the source does not have."""
        return cls("misquote")

    @classmethod
    def invent_figure(cls) -> Fault:
        """A draft with a statistic (73%) that no claim, brief or source gives."""
        return cls("invent")

    @classmethod
    def drop(cls) -> Fault:
        """Close the connection without answering."""
        return cls("drop")

    @classmethod
    def hang(cls, seconds: float) -> Fault:
        """Answer nothing for `seconds` (or until the server stops), then close."""
        return cls("hang", seconds=seconds)

    @classmethod
    def blocked(cls) -> Fault:
        """Prompt blocked by the safety filter: no candidates at all."""
        return cls("blocked")

    @classmethod
    def safety(cls) -> Fault:
        """A candidate whose finish reason is SAFETY and that carries no text."""
        return cls("safety")

    @classmethod
    def empty(cls) -> Fault:
        return cls("empty")

    @classmethod
    def max_tokens(cls) -> Fault:
        """JSON cut off part way, finish reason MAX_TOKENS."""
        return cls("max_tokens")

    @classmethod
    def malformed(cls) -> Fault:
        """Text that is not JSON at all."""
        return cls("malformed")

    @classmethod
    def off_schema(cls) -> Fault:
        """Valid JSON that misses the schema's required fields."""
        return cls("off_schema")

    @classmethod
    def not_json(cls) -> Fault:
        """A 200 whose body is an HTML page rather than JSON."""
        return cls("not_json")
