"""What the Gemini API's errors mean for the run, read from the bodies it really sends.

A 429 comes in kinds (`QuotaFailure.violations[].quotaId`): a per-minute quota passes in
seconds and is waited for, a per-day quota is spent for hours and stops the whole run. A
rejected key (`ErrorInfo.reason == API_KEY_INVALID`, a 400) or a refused one (401/403) is
also a fact about the run, not about one channel. The server's own words are kept in every
message (a 404 may say the API version is wrong, not the model), with the key blanked out.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from ..errors import LLMError, PermanentAPIError, ReplyError, RunHalted, TransientAPIError
from .seam import LLMRequest

if TYPE_CHECKING:
    from ..config import Settings

_TRANSIENT_STATUS = {408, 429, 500, 502, 503, 504}
#: Refusals (429) in a row, across every channel, after which the run stops instead of queueing
#: more requests a storm would refuse too.
BREAKER = 12
_DELAY = re.compile(r"^\s*(\d+(?:\.\d+)?)s\s*$")
MODELS_URL = "https://ai.google.dev/gemini-api/docs/models"


class Classifier:
    """Whatever the SDK or its HTTP stack raised, as one of ours; and a breaker that stops the
    run after a storm of 429s, counted across every channel."""

    def __init__(self, settings: Settings, redact: Callable[[str], str]) -> None:
        self._settings = settings
        self._redact = redact
        self._refused = 0  # 429s in a row
        self._lock = threading.Lock()

    def classify(self, exc: Exception, request: LLMRequest) -> LLMError:
        from google.genai import errors as genai_errors

        if isinstance(exc, genai_errors.APIError):
            error = classify_api_error(
                exc, request, max_wait=self._settings.max_wait, redact=self._redact
            )
            return self._refusal(error.reason == "rate_limited") or error
        name = type(exc).__name__
        module = type(exc).__module__.split(".")[0]
        if module in {"httpx", "httpx2", "httpcore"}:
            if "Timeout" in name:
                return TransientAPIError(
                    f"no complete reply within {self._settings.request_timeout:g}s "
                    "(CONTENT_GEN_REQUEST_TIMEOUT)",
                    reason="timeout",
                )
            return TransientAPIError(
                f"connection problem ({name}): {self._redact(str(exc)) or 'connection dropped'}",
                reason="network",
            )
        if isinstance(exc, ValueError) and "JSON" in type(exc).__name__ + str(exc):
            return ReplyError(
                "the API answered with something that is not JSON", reason="invalid_reply"
            )
        raise exc

    def answered(self) -> None:
        """A reply came back: the run of refusals, if there was one, is over."""
        self._refusal(False)

    def _refusal(self, refused: bool) -> RunHalted | None:
        """Count 429s in a row; past the breaker, the run stops rather than queue more."""
        with self._lock:
            self._refused = self._refused + 1 if refused else 0
            tripped = self._refused >= BREAKER
        if not tripped:
            return None
        return RunHalted(
            f"the API refused {BREAKER} requests in a row (429 RESOURCE_EXHAUSTED); the quota "
            "is spent for now. Finished work is kept; run again later, or lower CONTENT_GEN_RPM",
            reason="rate_limited",
        )


def classify_api_error(
    exc: Any, request: LLMRequest, *, max_wait: float, redact: Callable[[str], str]
) -> LLMError:
    """A `google.genai.errors.APIError` as one of ours, with a message that says what to do."""
    code = int(getattr(exc, "code", 0) or 0)
    status = getattr(exc, "status", None) or ""
    detail = redact(" ".join(str(getattr(exc, "message", "") or "").split())).rstrip(".")
    where = f"{code} {status}".strip()
    details = _details(exc)
    reasons = {str(d.get("reason", "")) for d in details if _is(d, "ErrorInfo")}

    if "API_KEY_INVALID" in reasons:
        return RunHalted(
            f"the API rejected the key ({where}, API_KEY_INVALID): {detail}; set GEMINI_API_KEY "
            "to a valid key (https://aistudio.google.com/apikey)",
            reason="auth",
        )
    if code in (401, 403):
        return RunHalted(
            f"the API refused the key ({where}): {detail}; check GEMINI_API_KEY and that the "
            "Generative Language API is enabled for its project",
            reason="auth",
        )
    if code == 429:
        return _quota(exc, where, detail, details, request, max_wait)
    if code in _TRANSIENT_STATUS or code >= 500:
        return TransientAPIError(f"{where}: {detail or 'the API is busy'}", reason="server_error")
    if code == 404:
        return PermanentAPIError(
            f"{where} for model {request.model}: {detail or 'not found'}; set "
            f"{request.model_setting} to a model your key can use ({MODELS_URL})",
            reason="model_not_found",
        )
    return PermanentAPIError(f"request refused ({where}): {detail}", reason="bad_request")


def _quota(
    exc: Any,
    where: str,
    detail: str,
    details: list[dict[str, Any]],
    request: LLMRequest,
    max_wait: float,
) -> LLMError:
    delay = retry_after(exc)
    quotas = [
        str(v.get("quotaId", ""))
        for d in details
        if _is(d, "QuotaFailure")
        for v in d.get("violations") or []
        if isinstance(v, dict)
    ]
    daily = [q for q in quotas if "PerDay" in q]
    if daily or "limit: 0" in detail:
        when = f"it resets in {human(delay)}" if delay else "it resets once a day"
        what = (
            f"the daily quota ({daily[0]})"
            if daily
            else "this model's quota (limit: 0, no free tier)"
        )
        return RunHalted(
            f"{what} for {request.model} is spent: {when}. Finished work is kept; run again "
            f"then, or set {request.model_setting} to another model",
            reason="quota_exhausted",
        )
    message = f"{where}: {detail or 'too many requests'}"
    if delay is not None and delay > max_wait:
        return TransientAPIError(
            f"{message} (the quota resets in {human(delay)}, longer than CONTENT_GEN_MAX_WAIT "
            f"allows: {max_wait:g}s)",
            reason="rate_limited",
            retryable=False,
        )
    return TransientAPIError(message, reason="rate_limited", retry_after=delay)


def retry_after(exc: Any) -> float | None:
    """Seconds to wait from a 429: the body's RetryInfo.retryDelay, else Retry-After."""
    for item in _details(exc):
        if _is(item, "RetryInfo"):
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


def human(seconds: float | None) -> str:
    """43200 -> '12h 0m', 90 -> '1m 30s', 7 -> '7s'."""
    if seconds is None:
        return "an unknown time"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes}m"
    return f"{minutes}m {secs}s" if minutes else f"{secs}s"


def _details(exc: Any) -> list[dict[str, Any]]:
    body = getattr(exc, "details", None)
    error = body.get("error", {}) if isinstance(body, dict) else {}
    items = error.get("details", []) if isinstance(error, dict) else []
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def _is(item: dict[str, Any], kind: str) -> bool:
    return str(item.get("@type", "")).endswith(f"google.rpc.{kind}")
