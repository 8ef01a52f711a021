"""The Gemini client: the production implementation of the LLM seam (`seam.py`).

It owns everything between "ask for this schema" and "here is a validated object": the shared
limiter, a deadline for each whole request (the SDK's timeout is per read), retries with
backoff that honour the server's retry delay (which the SDK ignores) up to a cap, a breaker for
storms of 429s, and turning odd replies and SDK errors into errors with a reason and a message
that says what to do. google-genai is imported only when the first request is made, so `--help`
and usage errors never pay for it.

The API version is pinned (`API_VERSION`) rather than left to the SDK, whose default moved
from v1beta to v1 in 3.0: v1beta carries every endpoint the tool uses (the Batch API among
them), and the fake Gemini refuses the other version so that a change is noticed.
"""

from __future__ import annotations

import copy
import json
import logging
import math
import random
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from ..errors import Interrupted, LLMError, ReplyError, UsageError
from ..redact import redactor
from . import replies, steps
from .api_errors import Classifier
from .budget import Budget, Reservation, prompt_tokens_at_most
from .cache import Entry, ResponseCache, request_key
from .limiter import Limiter
from .prices import Pricer, load_prices
from .seam import CallRecord, Citation, LLMReply, LLMRequest, Usage, reply_schema

if TYPE_CHECKING:
    from ..config import Settings

log = logging.getLogger("content_gen.llm")

API_VERSION = "v1beta"
#: Where requests go unless GOOGLE_GEMINI_BASE_URL says otherwise. Always passed to the SDK, so
#: that it never reads the variable itself (it would take one the tool ignores, such as spaces).
DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com/"


@dataclass
class _Try:
    """State of one logical call across its retries."""

    usage: Usage = field(default_factory=Usage)
    problems: list[str] = field(default_factory=list)
    tries: int = 0
    model_version: str | None = None
    citations: tuple[Citation, ...] = ()
    text: str = ""  # the validated reply, as the cache files it


class GeminiLLM:
    """The real client: one shared `genai.Client`, built on first use and kept alive."""

    def __init__(
        self,
        settings: Settings,
        *,
        limiter: Limiter,
        stop: threading.Event,
        sleep: Callable[[float], object] | None = None,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = random.random,
        api_key: str | None = None,
        base_url: str | None = None,
        pricer: Pricer | None = None,
        budget: Budget | None = None,
        cache: ResponseCache | None = None,
        endpoint: str | None = None,
    ) -> None:
        self._settings = settings
        self._api_key = api_key or (
            settings.api_key.get_secret_value() if settings.api_key else None
        )
        if not self._api_key:
            raise UsageError(
                "no API key: set GEMINI_API_KEY in the environment or in .env "
                "(get one at https://aistudio.google.com/apikey), or try --offline"
            )
        self._base_url = base_url or settings.base_url or DEFAULT_BASE_URL
        self._limiter = limiter
        self._stop = stop
        self._sleep = sleep or stop.wait  # a wait that Ctrl-C (the stop flag) cuts short
        self._clock = clock
        self._jitter = jitter
        self._client: Any = None
        self._client_lock = threading.Lock()
        self.redact = redactor(self._api_key)
        self.errors = Classifier(settings, self.redact)
        self.pricer = pricer or Pricer(load_prices(settings.prices_file))
        self.budget = budget or Budget()
        self.cache = cache
        #: Where replies come from, for the cache key: a reply from the simulator is not one
        #: from Google.
        self.endpoint = endpoint or self._base_url

    def connect(self) -> None:
        """Do the once-per-process work now rather than in the first request: see `_sdk`."""
        self._sdk()

    def close(self) -> None:
        """Let go of the client's connections (a session ends); a later call opens new ones."""
        with self._client_lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()

    @property
    def settings(self) -> Settings:
        return self._settings

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def client(self) -> Any:
        """The shared `genai.Client` (the Batch API goes through it too)."""
        return self._sdk()[0]

    # -- the seam ---------------------------------------------------------------------------

    def generate(self, request: LLMRequest) -> LLMReply:
        key = request_key(self.describe(request))
        if self.cache is not None:
            entry = self.cache.get(key)
            hit = entry.reply(request) if entry is not None else None
            if hit is not None:
                log.info(
                    "%s attempt %d: from the response cache (no request, no cost)",
                    request.step,
                    request.attempt,
                    extra={"channel": request.log_tag or request.channel},
                )
                return hit
        state = _Try()
        started = self._clock()
        retrying = Retrying(
            stop=stop_after_attempt(self._settings.max_retries + 1),
            retry=retry_if_exception(lambda exc: isinstance(exc, LLMError) and exc.retryable),
            wait=self._backoff,
            sleep=self._sleep_or_stop,
            before_sleep=lambda rs: self._log_retry(request, state, rs),
            reraise=True,
        )
        try:
            value = retrying(self._try_once, request, state)
        except LLMError as exc:
            exc.record = self._record(request, state, started)
            raise
        record = self._record(request, state, started)
        if self.cache is not None:
            entry = Entry(state.text, record.usage, state.model_version, state.citations)
            self.cache.put(key, entry)
        return LLMReply(value, record, state.citations)

    def describe(self, request: LLMRequest) -> dict[str, Any]:
        """Everything that shapes the reply to `request` (never the key): its cache key."""
        return {
            "model": request.model,
            "prompt": request.prompt,
            "schema": reply_schema(request.schema),
            "thinking": self._settings.thinking(request.step).config,
            "max_output_tokens": steps.max_output_tokens(request.step),
            "search": request.search,
            "api_version": API_VERSION,
            "endpoint": self.endpoint,
        }

    def config(self, request: LLMRequest) -> Any:
        """The request's GenerateContentConfig: its schema, thinking, output limit and tools."""
        _, types = self._sdk()
        thinking = self._settings.thinking(request.step).config
        return types.GenerateContentConfig(
            response_mime_type="application/json",
            response_schema=self._schema(request.schema),
            tools=[types.Tool(google_search=types.GoogleSearch())] if request.search else None,
            max_output_tokens=steps.max_output_tokens(request.step),
            thinking_config=types.ThinkingConfig(**thinking) if thinking else None,
        )

    def worst_case(self, request: LLMRequest, *, batch: bool = False) -> float:
        """The most `request` can cost: what a cap reserves before it is sent."""
        schema = json.dumps(reply_schema(request.schema))
        prompt = prompt_tokens_at_most(request.prompt, schema)
        output = steps.max_output_tokens(request.step)
        return self.pricer.worst_case(request.model, prompt, output, batch=batch) or 0.0

    def reserve(self, request: LLMRequest, *, batch: bool = False) -> Reservation:
        """Hold `request`'s worst case against the run's caps, or raise BudgetSpent."""
        what = f"{request.log_tag or request.channel} {request.step}"
        return self.budget.reserve(self.worst_case(request, batch=batch), what)

    def _record(self, request: LLMRequest, state: _Try, started: float) -> CallRecord:
        return CallRecord(
            request.step,
            request.model,
            state.tries,
            self._clock() - started,
            state.usage,
            tuple(state.problems),
            state.model_version,
        )

    # -- one request ------------------------------------------------------------------------

    def _try_once(self, request: LLMRequest, state: _Try) -> BaseModel:
        client, _ = self._sdk()
        config = self.config(request)
        reservation = self.reserve(request)
        try:
            response, sent, waited = self._send(client, request, config, state)
        except BaseException:
            self.budget.release(reservation)
            raise
        self.errors.answered()
        usage = self.pricer.charge(request.model, replies.usage(response))
        self.budget.settle(reservation, usage)
        state.usage += usage
        state.model_version = replies.model_version(response) or state.model_version
        try:
            value = replies.validate(response, request.schema)
        except ReplyError as error:
            state.problems.append(error.reason)
            self._log_try(request, state.tries, error.reason, sent, waited)
            raise
        self._log_try(request, state.tries, "ok", sent, waited)
        state.citations = replies.citations(response)
        state.text = value.model_dump_json()
        return value

    def _send(
        self, client: Any, request: LLMRequest, config: Any, state: _Try
    ) -> tuple[Any, float, float]:
        """One request, in a limiter slot: the response, when it was sent, how long it queued."""
        with self._limiter.slot() as waited:
            state.tries += 1
            state.usage += Usage(calls=1)  # a request sent, whether or not a reply comes back
            if request.meter is not None:
                request.meter.sent()
            sent = self._clock()
            try:
                response = client.models.generate_content(
                    model=request.model, contents=request.prompt, config=config
                )
            except Exception as exc:
                error = self.errors.classify(exc, request)
                state.problems.append(error.reason)
                self._log_try(request, state.tries, error.reason, sent, waited)
                raise error from None
            finally:
                if request.meter is not None:
                    request.meter.answered()
        return response, sent, waited

    def _sdk(self) -> tuple[Any, Any]:
        with self._client_lock:
            if self._client is None:
                from google import genai
                from google.genai import types

                from .deadline import Deadline

                # A finish reason newer than the SDK is read as-is (and not retried, see
                # replies.py); the SDK's warning about it would only clutter the terminal.
                warnings.filterwarnings(
                    "ignore", r".* is not a valid \w+$", UserWarning, r"google\.genai\."
                )

                timeout = self._settings.request_timeout
                options = types.HttpOptions(
                    base_url=self._base_url,
                    api_version=API_VERSION,
                    # Per read, in whole milliseconds; the deadline bounds the whole request.
                    timeout=math.ceil(timeout * 1000),
                    client_args={"event_hooks": Deadline(timeout, self._clock).hooks()},
                )
                self._client = genai.Client(api_key=self._api_key, http_options=options)
                self._types = types
                _build_deferred_models(types)
            return self._client, self._types

    def _schema(self, model: type[BaseModel]) -> dict[str, Any]:
        """The reply model's JSON schema, generated once per model rather than per request.

        Given the class, the SDK regenerates this schema on every request (~2 ms of CPU while
        the other workers wait for the GIL, bench/results.md); given the dict, it sends the
        same request body. It edits the dict in place, so every request gets its own copy.
        """
        return copy.deepcopy(reply_schema(model))

    # -- waiting ----------------------------------------------------------------------------

    def _backoff(self, state: RetryCallState) -> float:
        """Doubling from 1 s (capped at 32 s), the upper half jittered, never shorter than what
        the server asked for and never longer than CONTENT_GEN_MAX_WAIT."""
        exc = state.outcome.exception() if state.outcome else None
        base = min(1.0 * 2 ** (state.attempt_number - 1), 32.0)
        wait = base / 2 + base / 2 * self._jitter()
        hint = getattr(exc, "retry_after", None)
        return min(max(wait, hint) if hint else wait, self._settings.max_wait)

    def _sleep_or_stop(self, seconds: float) -> None:
        self._sleep(seconds)
        if self._stop.is_set():
            raise Interrupted()

    # -- logging ----------------------------------------------------------------------------

    def _log_try(
        self, request: LLMRequest, number: int, outcome: str, sent: float, waited: float
    ) -> None:
        log.info(
            "%s attempt %d try %d: %s in %.2fs (queued %.2fs, model %s)",
            request.step,
            request.attempt,
            number,
            outcome,
            self._clock() - sent,
            waited,
            request.model,
            extra={"channel": request.log_tag or request.channel},
        )

    def _log_retry(self, request: LLMRequest, state: _Try, rs: RetryCallState) -> None:
        exc = rs.outcome.exception() if rs.outcome else None
        wait = rs.next_action.sleep if rs.next_action else 0.0
        log.warning(
            "%s attempt %d: %s; retrying in %.1fs (%d/%d)",
            request.step,
            request.attempt,
            self.redact(str(exc)),
            wait,
            state.tries,
            self._settings.max_retries,
            extra={"channel": request.log_tag or request.channel},
        )


def _build_deferred_models(types: Any) -> None:
    """Build the pydantic models google-genai defers until first use (about 0.1 s).

    Left to the first request, that time would be counted as its channel's API time
    (bench/results.md); done here, once, it is part of setting up the client.
    """
    for model in (
        types.GenerateContentConfig,
        types.HttpOptions,
        types.Schema,
        types.GenerateContentResponse,
        types.GenerateContentResponsePromptFeedback,
        types.GenerateContentResponseUsageMetadata,
        types.Candidate,
        types.Content,
        types.Part,
    ):
        model.model_rebuild()
