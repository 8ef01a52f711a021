"""The Gemini client: the production implementation of the LLM seam (`seam.py`).

It owns everything between "ask for this schema" and "here is a validated
object": the shared limiter, the per-request timeout, retries with backoff (honouring the
server's retry delay, which the SDK ignores), and turning odd replies and SDK errors into
errors with a reason and a message that says what to do. google-genai is imported only
when the first request is made, so `--help` and usage errors never pay for it.
"""

from __future__ import annotations

import copy
import logging
import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt

from ..errors import (
    Interrupted,
    LLMError,
    PermanentAPIError,
    ReplyError,
    TransientAPIError,
    UsageError,
)
from ..redact import redactor
from .limiter import Limiter
from .seam import CallRecord, LLMReply, LLMRequest, Usage

if TYPE_CHECKING:
    from ..config import Settings

log = logging.getLogger("content_gen.llm")

# Finish reasons that mean the reply was withheld for policy reasons.
_BLOCKED = {"SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY"}
_TRANSIENT_STATUS = {408, 429, 500, 502, 503, 504}


@dataclass
class _Try:
    """State of one logical call across its retries."""

    usage: Usage = field(default_factory=Usage)
    problems: list[str] = field(default_factory=list)
    tries: int = 0


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
        self._base_url = base_url or settings.base_url
        self._limiter = limiter
        self._stop = stop
        self._sleep = sleep or stop.wait  # a wait that Ctrl-C (the stop flag) cuts short
        self._clock = clock
        self._jitter = jitter
        self._client: Any = None
        self._client_lock = threading.Lock()
        self._schemas: dict[type[BaseModel], dict[str, Any]] = {}
        self.redact = redactor(self._api_key)

    def connect(self) -> None:
        """Do the once-per-process work now rather than in the first request: see `_sdk`."""
        self._sdk()

    # -- the seam ---------------------------------------------------------------------------

    def generate(self, request: LLMRequest) -> LLMReply:
        state = _Try()
        started = self._clock()
        retrying = Retrying(
            stop=stop_after_attempt(self._settings.max_retries + 1),
            retry=retry_if_exception_type((TransientAPIError, ReplyError)),
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
        return LLMReply(value, self._record(request, state, started))

    def _record(self, request: LLMRequest, state: _Try, started: float) -> CallRecord:
        return CallRecord(
            request.step,
            request.model,
            state.tries,
            self._clock() - started,
            state.usage,
            tuple(state.problems),
        )

    # -- one request ------------------------------------------------------------------------

    def _try_once(self, request: LLMRequest, state: _Try) -> BaseModel:
        client, types = self._sdk()
        config = types.GenerateContentConfig(
            response_mime_type="application/json",
            response_schema=self._schema(request.schema),
        )
        with self._limiter.slot() as waited:
            state.tries += 1
            state.usage += Usage(calls=1)  # a request sent, whether or not a reply comes back
            sent = self._clock()
            try:
                response = client.models.generate_content(
                    model=request.model, contents=request.prompt, config=config
                )
            except Exception as exc:
                error = self._classify(exc, request)
                state.problems.append(error.reason)
                self._log_try(request, state.tries, error.reason, sent, waited)
                raise error from None
        usage = _usage(response)
        state.usage += usage
        try:
            value = _validate(response, request.schema)
        except ReplyError as error:
            state.problems.append(error.reason)
            self._log_try(request, state.tries, error.reason, sent, waited)
            raise
        self._log_try(request, state.tries, "ok", sent, waited)
        return value

    def _sdk(self) -> tuple[Any, Any]:
        with self._client_lock:
            if self._client is None:
                from google import genai
                from google.genai import types

                # The SDK has no timeout by default and takes it in milliseconds.
                options: dict[str, Any] = {"timeout": int(self._settings.request_timeout * 1000)}
                if self._base_url:
                    options["base_url"] = self._base_url
                self._client = genai.Client(
                    api_key=self._api_key, http_options=types.HttpOptions(**options)
                )
                self._types = types
                _build_deferred_models(types)
            return self._client, self._types

    def _schema(self, model: type[BaseModel]) -> dict[str, Any]:
        """The reply model's JSON schema, generated once per model rather than per request.

        Given the class, the SDK regenerates this schema on every request (~2 ms of CPU while
        the other workers wait for the GIL, bench/results.md); given the dict, it sends the
        same request body. It edits the dict in place, so every request gets its own copy.
        """
        schema = self._schemas.get(model)
        if schema is None:
            schema = self._schemas[model] = model.model_json_schema()
        return copy.deepcopy(schema)

    # -- errors -----------------------------------------------------------------------------

    def _classify(self, exc: Exception, request: LLMRequest) -> LLMError:
        """Map whatever the SDK or its HTTP stack raised onto our hierarchy."""
        from google.genai import errors as genai_errors

        if isinstance(exc, genai_errors.APIError):
            return self._api_error(exc, request)
        name = type(exc).__name__
        module = type(exc).__module__.split(".")[0]
        if module in {"httpx", "httpx2", "httpcore"}:
            if "Timeout" in name:
                return TransientAPIError(
                    f"no reply within {self._settings.request_timeout:g}s "
                    "(CONTENT_GEN_REQUEST_TIMEOUT)",
                    reason="timeout",
                )
            return TransientAPIError(
                f"connection problem ({name}): {self.redact(str(exc)) or 'connection dropped'}",
                reason="network",
            )
        if isinstance(exc, ValueError) and "JSON" in type(exc).__name__ + str(exc):
            return ReplyError(
                "the API answered with something that is not JSON", reason="invalid_reply"
            )
        raise exc

    def _api_error(self, exc: Any, request: LLMRequest) -> LLMError:
        code = int(getattr(exc, "code", 0) or 0)
        status = getattr(exc, "status", None) or ""
        detail = self.redact(str(getattr(exc, "message", "") or "")).strip()
        where = f"{code} {status}".strip()
        if code in _TRANSIENT_STATUS or code >= 500:
            reason = "rate_limited" if code == 429 else "server_error"
            return TransientAPIError(
                f"{where}: {detail or 'the API is busy'}",
                reason=reason,
                retry_after=_retry_after(exc) if code == 429 else None,
            )
        if code == 404:
            return PermanentAPIError(
                f"model not found: {request.model}; set {request.model_setting} to a model "
                "your key can use",
                reason="model_not_found",
            )
        if code in (401, 403) or "api key" in detail.lower():
            return PermanentAPIError(
                f"API key not valid or not allowed ({where}): {detail}; check GEMINI_API_KEY",
                reason="auth",
            )
        return PermanentAPIError(f"request refused ({where}): {detail}", reason="bad_request")

    # -- waiting ----------------------------------------------------------------------------

    def _backoff(self, state: RetryCallState) -> float:
        """Doubling from 1 s (capped at 32 s), the upper half jittered, never shorter than what
        the server asked for."""
        exc = state.outcome.exception() if state.outcome else None
        base = min(1.0 * 2 ** (state.attempt_number - 1), 32.0)
        wait = base / 2 + base / 2 * self._jitter()
        hint = getattr(exc, "retry_after", None)
        return max(wait, hint) if hint else wait

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


def _usage(response: Any) -> Usage:
    """The reply's tokens; the request itself was counted when it was sent."""
    meta = getattr(response, "usage_metadata", None)
    if meta is None:
        return Usage()
    prompt = meta.prompt_token_count or 0
    output = (meta.candidates_token_count or 0) + (meta.thoughts_token_count or 0)
    return Usage(0, prompt, output, meta.total_token_count or prompt + output)


def _validate(response: Any, schema: type[BaseModel]) -> BaseModel:
    """The reply as a `schema` instance, or a ReplyError that names why it cannot be one."""
    feedback = getattr(response, "prompt_feedback", None)
    if feedback is not None and feedback.block_reason is not None:
        reason = _enum_name(feedback.block_reason)
        raise ReplyError(f"prompt blocked by the safety filter ({reason})", reason="blocked")
    candidates = response.candidates or []
    if not candidates:
        raise ReplyError("the reply was empty (no candidates)", reason="empty")
    finish = _enum_name(candidates[0].finish_reason)
    if finish == "MAX_TOKENS":
        raise ReplyError("reply cut at the token limit (MAX_TOKENS)", reason="max_tokens")
    if finish in _BLOCKED:
        raise ReplyError(f"reply blocked by the safety filter ({finish})", reason="blocked")
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


def _enum_name(value: Any) -> str:
    if value is None:
        return ""
    return str(getattr(value, "name", value)).upper()


_DELAY = re.compile(r"^\s*(\d+(?:\.\d+)?)s\s*$")


def _retry_after(exc: Any) -> float | None:
    """Seconds to wait from a 429: the body's RetryInfo.retryDelay, else Retry-After."""
    details = getattr(exc, "details", None)
    error = details.get("error", {}) if isinstance(details, dict) else {}
    for item in error.get("details", []) if isinstance(error, dict) else []:
        if isinstance(item, dict) and str(item.get("@type", "")).endswith("google.rpc.RetryInfo"):
            match = _DELAY.match(str(item.get("retryDelay", "")))
            if match:
                return float(match.group(1))
    response = getattr(exc, "response", None)
    header = getattr(response, "headers", {}).get("retry-after") if response is not None else None
    if header:
        try:
            return max(float(header), 0.0)
        except ValueError:
            try:
                when = parsedate_to_datetime(header)
                return max(when.timestamp() - time.time(), 0.0)
            except (TypeError, ValueError):
                return None
    return None
