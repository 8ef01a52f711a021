"""The LLM seam: what the pipeline asks of a model, and what it gets back.

Anything with `connect()` and `generate(request)` can write and judge: the Gemini client in
production, a scripted object in the tests. Usage and call records are plain data, so a
failed call's cost is still counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from pydantic import BaseModel


@dataclass(frozen=True)
class Usage:
    calls: int = 0
    prompt_tokens: int = 0
    output_tokens: int = 0  # candidates + thoughts: both are billed as output
    total_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.calls + other.calls,
            self.prompt_tokens + other.prompt_tokens,
            self.output_tokens + other.output_tokens,
            self.total_tokens + other.total_tokens,
        )

    def as_dict(self) -> dict[str, int]:
        return {
            "calls": self.calls,
            "prompt_tokens": self.prompt_tokens,
            "output_tokens": self.output_tokens,
            "total_tokens": self.total_tokens,
        }


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


@dataclass(frozen=True)
class CallRecord:
    """One logical call as the quality loop sees it, however many tries it took."""

    step: str
    model: str
    tries: int
    seconds: float
    usage: Usage
    problems: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "model": self.model,
            "tries": self.tries,
            "seconds": round(self.seconds, 3),
            "tokens": self.usage.as_dict(),
            "problems": list(self.problems),
        }


@dataclass(frozen=True)
class LLMReply:
    value: BaseModel
    record: CallRecord


class LLM(Protocol):
    """Turns a request into a validated reply, or raises LLMError / Interrupted.

    A failed call's LLMError carries `record` (a CallRecord) so its cost is still counted.
    """

    def connect(self) -> None:
        """Do the once-per-process set-up now, so the first request does not pay for it."""

    def generate(self, request: LLMRequest) -> LLMReply: ...
