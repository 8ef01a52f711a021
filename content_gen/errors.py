"""The errors content-gen raises on purpose, each with a message that says what to do next.

ContentGenError
├── UsageError            bad input or configuration; caught before any API call (exit 2)
│   ├── PromptError       a prompt template is missing or uses an unknown variable
│   ├── SourceError       a source file or page cannot be read (nothing was paid for it)
│   └── FormatError       a file is not in its channel's format (`check`)
├── LLMError              a model call failed for good; fails one channel
│   ├── PermanentAPIError 400/403/404: retrying cannot help
│   ├── TransientAPIError 429/5xx, timeouts, dropped connections: retried, then raised
│   ├── ReplyError        the reply came back but is unusable (blocked, empty, cut, off-schema)
│   └── RunHalted         a fact about the whole run (a spent daily quota, a rejected key, a
│                         storm of 429s): every channel stops and the work waits for next run
└── Interrupted           the run was stopped (Ctrl-C) before this piece of work finished
    └── Deferred          the reply will come from a Batch API job: this work waits for it
"""

from __future__ import annotations


class ContentGenError(Exception):
    """Base class: the message is written for the person running the tool."""


class UsageError(ContentGenError):
    """Bad input or configuration, found before any API call."""


class PromptError(UsageError):
    """A prompt template cannot be loaded or rendered."""


class SourceError(UsageError):
    """A source (a file or a web page the pieces are written from) cannot be read."""


class FormatError(UsageError):
    """A file handed to `check` is not in the format its channel writes."""


class LLMError(ContentGenError):
    """A model call failed after every retry it was allowed."""

    #: Short machine-readable reason recorded in run.json (e.g. "rate_limited", "safety").
    reason: str = "api_error"
    #: The CallRecord of the failed call (tries, tokens spent), set by the client.
    record: object | None = None
    #: Whether asking again may give another outcome.
    retryable: bool = False

    def __init__(self, message: str, *, reason: str | None = None) -> None:
        super().__init__(message)
        if reason is not None:
            self.reason = reason


class PermanentAPIError(LLMError):
    """The API refused the request in a way that retrying cannot fix."""


class TransientAPIError(LLMError):
    """A failure that may pass on its own (rate limit, server error, network)."""

    def __init__(
        self,
        message: str,
        *,
        reason: str | None = None,
        retry_after: float | None = None,
        retryable: bool = True,
    ) -> None:
        super().__init__(message, reason=reason)
        #: Seconds the server asked us to wait before trying again, if it said.
        self.retry_after = retry_after
        self.retryable = retryable


class ReplyError(LLMError):
    """The model answered, but the answer cannot be used.

    `retryable` says whether asking again can change the answer: a reply cut at the token limit
    or text off the schema may come out differently; a prompt the safety filter blocked gets
    the same verdict every time.
    """

    def __init__(self, message: str, *, reason: str | None = None, retryable: bool = True) -> None:
        super().__init__(message, reason=reason)
        self.retryable = retryable


class RunHalted(LLMError):
    """Every further call would fail the same way: stop the run, keep what is done.

    The message says what happened and when to try again; the work left waits for the next run.
    """


class Interrupted(ContentGenError):
    """The run was stopped before this work finished."""

    def __init__(self, message: str = "interrupted") -> None:
        super().__init__(message)


class Deferred(Interrupted):
    """The request went into the next Batch API job: the work that asked it waits for the reply
    and takes it up again from there (schedule/batch.py)."""

    def __init__(self) -> None:
        super().__init__("waiting for a batch job")
