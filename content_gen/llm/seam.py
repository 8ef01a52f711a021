"""The LLM seam: what the pipeline asks of a model, and what it gets back.

Anything with `connect()` and `generate(request)` can write and judge: the Gemini client in
production, a scripted object in the tests. Usage and call records are plain data, so a
failed call's cost is still counted.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, fields
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from pydantic import BaseModel


@dataclass(frozen=True)
class Usage:
    """Requests sent, tokens billed and what they cost. Counts add up: `a + b` is both together.

    A reply from a model the price table does not know adds to `unpriced`, not to the dollars:
    its cost is unknown, and so is any sum it is part of (`cost` is None), never zero.
    """

    calls: int = 0
    prompt_tokens: int = 0  # includes the cached ones
    output_tokens: int = 0  # candidates + thoughts: both are billed as output
    total_tokens: int = 0
    cached_tokens: int = 0  # of prompt_tokens, served from the API's cache (billed less)
    thought_tokens: int = 0  # of output_tokens, spent thinking
    cost_usd: float = 0.0  # of the priced replies
    unpriced: int = 0  # replies whose model has no price
    cache_hits: int = 0  # replies served from the response cache: no request, no cost

    def __add__(self, other: Usage) -> Usage:
        # Field by field: `astuple` deep-copies both sides, and a run adds hundreds of these.
        return Usage(*(getattr(self, n) + getattr(other, n) for n in _USAGE_FIELDS))

    @property
    def cost(self) -> float | None:
        """US dollars, or None when some reply's price is unknown."""
        return None if self.unpriced else self.cost_usd

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = asdict(self)
        data["cost_usd"] = None if self.unpriced else round(self.cost_usd, 6)
        data["unpriced_calls"] = data.pop("unpriced")
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Usage:
        """The usage `as_dict` wrote (run.json, a cache entry); what it lacks counts as none."""
        known = {**data, "unpriced": data.get("unpriced_calls")}
        counts = {f.name: int(known.get(f.name) or 0) for f in fields(cls) if f.name != "cost_usd"}
        return cls(**counts, cost_usd=float(data.get("cost_usd") or 0.0))


_USAGE_FIELDS = tuple(f.name for f in fields(Usage))


@dataclass(frozen=True)
class LLMRequest:
    model: str
    prompt: str
    schema: type[BaseModel]
    channel: str
    step: str  # "draft", "revise" or "judge"
    attempt: int = 1
    #: Which setting names this model, so a 404 can say what to change.
    model_setting: str = "CONTENT_GEN_MODEL"
    #: How log lines name the request's channel (and topic, when several run at once).
    log_tag: str = ""
    #: Told of each request as it goes out and comes back, so that one cut short still counts.
    meter: Meter | None = None
    #: Let the model search the web (Google Search grounding); what it cites comes back.
    search: bool = False


@cache
def reply_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The reply model's JSON schema, made once per process rather than once per request
    (pydantic takes milliseconds over it). Shared: read it, copy it before changing it."""
    return model.model_json_schema()


class Meter:
    """Counts a channel's requests as they are sent and answered, across threads.

    A request still in flight when the run is stopped (Ctrl-C) was sent and may be billed; the
    meter is how the run's record counts it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sent = self._answered = 0

    def sent(self) -> None:
        with self._lock:
            self._sent += 1

    def answered(self) -> None:
        with self._lock:
            self._answered += 1

    @property
    def in_flight(self) -> int:
        with self._lock:
            return self._sent - self._answered


@dataclass(frozen=True)
class CallRecord:
    """One logical call as the quality loop sees it, however many tries it took."""

    step: str
    model: str
    tries: int
    seconds: float
    usage: Usage
    problems: tuple[str, ...] = ()
    #: The model version the API says answered (it may route a name to another model).
    model_version: str | None = None
    #: Served from the response cache: no request was sent, nothing was paid.
    cached: bool = False
    #: Answered through the Batch API (at its price), in this job.
    batch_job: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "model": self.model,
            "model_version": self.model_version,
            "tries": self.tries,
            "seconds": round(self.seconds, 3),
            "tokens": self.usage.as_dict(),
            "cost_usd": self.usage.as_dict()["cost_usd"],
            "cached": self.cached,
            "batch_job": self.batch_job,
            "problems": list(self.problems),
        }


@dataclass(frozen=True)
class Citation:
    """A web page a grounded reply cites, with the reply's text that the page supports."""

    title: str
    uri: str
    text: str


@dataclass(frozen=True)
class LLMReply:
    value: BaseModel
    record: CallRecord
    citations: tuple[Citation, ...] = ()


class LLM(Protocol):
    """Turns a request into a validated reply, or raises LLMError / Interrupted.

    A failed call's LLMError carries `record` (a CallRecord) so its cost is still counted.
    """

    def connect(self) -> None:
        """Do the once-per-process set-up now, so the first request does not pay for it."""

    def generate(self, request: LLMRequest) -> LLMReply: ...
