"""The Gemini Batch API through google-genai: create a job of inline requests, look at it, find
it by name, cancel it; and read what came back, request by request.

Each inline request is built exactly as `generate` builds it (the same config), so its reply is
the reply to the same question and is filed in the response cache under the same key; the key
travels as the request's `metadata`. The SDK maps the job's state and its inline responses but
drops `batchStats` and a failed job's reason (SPEC.md §6), and responses may come back out of
order or without their metadata: they are matched by metadata, else by position when the
counts agree, and anything else counts as not answered.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from ..errors import Interrupted, LLMError, PermanentAPIError, TransientAPIError
from .seam import LLMRequest

if TYPE_CHECKING:
    from .gemini import GeminiLLM

log = logging.getLogger("content_gen.batch")

#: Job states after which nothing more will come.
ENDED = ("SUCCEEDED", "FAILED", "CANCELLED", "EXPIRED")
#: google.rpc codes of a per-request error that may pass if the request is sent again.
RETRYABLE_CODES = {4, 8, 10, 13, 14}  # deadline, exhausted, aborted, internal, unavailable


@dataclass(frozen=True)
class Answer:
    """What one request of a job came back with: a response, or an error."""

    key: str
    response: Any = None
    error: LLMError | None = None


@dataclass(frozen=True)
class JobStatus:
    name: str
    state: str  # PENDING, RUNNING, SUCCEEDED, ... (without JOB_STATE_)
    answers: tuple[Answer, ...] = ()

    @property
    def ended(self) -> bool:
        return self.state in ENDED


class BatchClient:
    """Batch jobs on the shared client, with the run's retries for each look at a job."""

    def __init__(self, llm: GeminiLLM, sleep: Callable[[float], object]) -> None:
        self._llm = llm
        self._sleep = sleep

    def create(
        self, model: str, requests: Sequence[tuple[str, LLMRequest]], display_name: str
    ) -> str:
        """Submit `requests` (cache key, request) as one job; its name."""
        src = [
            {"contents": r.prompt, "config": self._llm.config(r), "metadata": {"key": key}}
            for key, r in requests
        ]
        # A submission cut off (a timeout, a dropped connection) may have reached the API all
        # the same: look for it by its display name before sending it again, not to pay twice.
        job = self._call(
            lambda client: client.batches.create(
                model=model, src=src, config={"display_name": display_name}
            ),
            "submit a batch job",
            model,
            already=lambda: self.find(display_name, model),
        )
        return job if isinstance(job, str) else str(job.name)

    def status(self, name: str, keys: Sequence[str], model: str) -> JobStatus:
        """The job's state and, once it has them, its answers for `keys`."""
        job = self._call(lambda client: client.batches.get(name=name), f"look at {name}", model)
        state = _state(job.state)
        inlined = list(getattr(job.dest, "inlined_responses", None) or []) if job.dest else []
        return JobStatus(name, state, tuple(_answers(inlined, keys)))

    def find(self, display_name: str, model: str) -> str | None:
        """The job submitted under `display_name`, if the API has one (a run killed between
        submitting a job and recording its name)."""
        jobs = self._call(lambda client: list(client.batches.list()), "list batch jobs", model)
        for job in jobs:
            if job.display_name == display_name:
                return str(job.name)
        return None

    def _call(
        self,
        call: Callable[[Any], Any],
        what: str,
        model: str,
        already: Callable[[], Any] | None = None,
    ) -> Any:
        """One SDK call, retried like a request: transient errors wait and try again (unless
        `already` finds, after a cut-off, that the call did what it was asked)."""
        client = self._llm.client()
        settings = self._llm.settings
        for attempt in range(settings.max_retries + 1):
            try:
                return call(client)
            except Exception as exc:
                # Named as the job's model, so a 404 says which model and setting to change.
                job = LLMRequest(model, what, BaseModel, "batch", "batch")
                error = self._llm.errors.classify(exc, job)
                if not error.retryable or attempt == settings.max_retries:
                    raise error from None
                wait = min(2.0**attempt, settings.max_wait)
                log.warning("could not %s (%s); trying again in %.0fs", what, error, wait)
                self._sleep(wait)
                if self._llm.stopped:
                    raise Interrupted() from None
                done = already() if already is not None and error.reason != "server_error" else None
                if done is not None:
                    return done
        raise AssertionError("unreachable")


def _state(state: Any) -> str:
    name = str(getattr(state, "name", state) or "")
    return name.removeprefix("JOB_STATE_").removeprefix("BATCH_STATE_")


def _answers(inlined: list[Any], keys: Sequence[str]) -> list[Answer]:
    """Each response matched to its request: by metadata, else by position if counts agree."""
    found: list[Answer] = []
    by_key = {str((r.metadata or {}).get("key")): r for r in inlined if r.metadata}
    if len(by_key) < len(inlined) and len(inlined) == len(keys) and not by_key:
        log.warning("a batch job's responses carry no metadata: matched by position")
        by_key = dict(zip(keys, inlined, strict=True))
    for key in keys:
        got = by_key.get(key)
        if got is None:
            continue  # not answered: sent again next round
        if got.error is not None:
            code = int(getattr(got.error, "code", 0) or 0)
            message = f"the Batch API failed this request ({code}: {got.error.message})"
            error: LLMError = (
                TransientAPIError(message, reason="batch_error")
                if code in RETRYABLE_CODES
                else PermanentAPIError(message, reason="batch_error")
            )
            found.append(Answer(key, error=error))
        else:
            found.append(Answer(key, response=got.response))
    return found
