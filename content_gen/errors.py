"""The errors content-gen raises on purpose, each with a message that says what to do next.

ContentGenError
├── UsageError            bad input or configuration; caught before any API call (exit 2)
│   ├── PromptError       a prompt template is missing or uses an unknown variable
│   └── FormatError       a file is not in its channel's format (`check`)
├── LLMError              a model call failed for good; fails one channel, never the run
│   ├── PermanentAPIError 400/401/403/404: retrying cannot help
│   ├── TransientAPIError 429/5xx, timeouts, dropped connections: retried, then raised
│   └── ReplyError        the reply came back but is unusable (blocked, empty, cut, off-schema)
└── Interrupted           the run was stopped (Ctrl-C) before this piece of work finished
"""

from __future__ import annotations


class ContentGenError(Exception):
    """Base class: the message is written for the person running the tool."""


class UsageError(ContentGenError):
    """Bad input or configuration, found before any API call."""


class PromptError(UsageError):
    """A prompt template cannot be loaded or rendered."""


class FormatError(UsageError):
    """A file handed to `check` is not in the format its channel writes."""


class LLMError(ContentGenError):
    """A model call failed after every retry it was allowed."""

    #: Short machine-readable reason recorded in run.json (e.g. "rate_limited", "safety").
    reason: str = "api_error"
    #: The CallRecord of the failed call (tries, tokens spent), set by the client.
    record: object | None = None

    def __init__(self, message: str, *, reason: str | None = None) -> None:
        super().__init__(message)
        if reason is not None:
            self.reason = reason


class PermanentAPIError(LLMError):
    """The API refused the request in a way that retrying cannot fix."""


class TransientAPIError(LLMError):
    """A failure that may pass on its own (rate limit, server error, network)."""

    def __init__(
        self, message: str, *, reason: str | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message, reason=reason)
        #: Seconds the server asked us to wait before trying again, if it said.
        self.retry_after = retry_after


class ReplyError(LLMError):
    """The model answered, but the answer cannot be used; asking again may help."""


class Interrupted(ContentGenError):
    """The run was stopped before this work finished."""

    def __init__(self, message: str = "interrupted") -> None:
        super().__init__(message)
