"""How the fake answers on the wire: replies, the API's error bodies, and injected faults."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler
from typing import Any

from . import replies
from .faults import Fault
from .replies import error_body

_STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


#: Faults that change what a reply says, not how it arrives: a batch job's replies can carry them.
CONTENT = ("reply", "misquote", "invent", "off_schema")


def altered(fault: Fault, answer: dict[str, Any]) -> dict[str, Any]:
    """The reply's data as a content fault changes it."""
    if fault.kind == "reply":
        return dict(fault.data or {})
    if fault.kind == "off_schema":
        return {"unexpected": "shape"}
    if fault.kind == "misquote":
        claims = [dict(c) for c in answer.get("claims", [])]
        if claims:  # the model "remembers" its source a little better than it was
            claims[0]["quote"] = claims[0]["quote"].rstrip(".") + ", and doubled revenue."
        return answer | {"claims": claims}
    field = max((k for k, v in answer.items() if isinstance(v, str)), key=lambda k: len(answer[k]))
    return answer | {field: answer[field] + "\n\nIn our survey, 73% of teams agreed."}


class Wire(BaseHTTPRequestHandler):
    """Sending: the request handler's half that knows the API's formats, not the fake's state."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; without this, Nagle's algorithm and
    # delayed ACKs add ~40 ms to every reply.
    disable_nagle_algorithm = True
    #: The model the request named, echoed in modelVersion as the real API does.
    model = ""
    #: Set when the server stops: hung and dripping replies end then.
    released: threading.Event

    def tick(self) -> None:
        """Called after each piece of a dripping reply (a test's clock moves on here)."""

    def _send_reply(
        self,
        data: dict[str, Any],
        prompt: str,
        finish: str = "STOP",
        text: str | None = None,
        grounding: dict[str, Any] | None = None,
    ) -> None:
        text = json.dumps(data, ensure_ascii=False) if text is None else text
        reply = replies.response(text, prompt, finish, self.model)
        if grounding is not None:
            reply["candidates"][0]["groundingMetadata"] = grounding
        self._send_json(200, reply)

    def _send_fault(self, fault: Fault, answer: dict[str, Any], prompt: str) -> None:
        if fault.kind == "status":
            headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
            status_name = _STATUS_NAMES.get(fault.status, "UNKNOWN")
            self._send_json(
                fault.status,
                error_body(
                    fault.status,
                    fault.message or f"fake {fault.status}",
                    status_name,
                    retry_delay=fault.retry_delay,
                ),
                headers,
            )
        elif fault.kind == "quota":
            quota = replies.PER_DAY if fault.message == "day" else replies.PER_MINUTE
            self._send_json(429, replies.quota_body(self.model, quota, fault.retry_delay))
        elif fault.kind == "bad_key":
            self._send_json(400, replies.bad_key_body())
        elif fault.kind == "drip":
            self._drip(replies.response(json.dumps(answer), prompt, "STOP", self.model), fault)
        elif fault.kind in CONTENT:
            self._send_reply(altered(fault, answer), prompt)
        elif fault.kind == "finish":
            self._send_json(
                200,
                {
                    "candidates": [{"finishReason": fault.message, "index": 0}],
                    "usageMetadata": replies.usage_meta(prompt, ""),
                    "modelVersion": f"{self.model}-001",
                },
            )
        elif fault.kind == "drop":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
        elif fault.kind == "hang":
            self.released.wait(fault.seconds)
            self.close_connection = True
        elif fault.kind == "blocked":
            self._send_json(
                200,
                {
                    "promptFeedback": {"blockReason": "SAFETY"},
                    "usageMetadata": {
                        "promptTokenCount": replies.tokens(prompt),
                        "totalTokenCount": replies.tokens(prompt),
                    },
                },
            )
        elif fault.kind == "safety":
            self._send_json(
                200,
                {
                    "candidates": [{"finishReason": "SAFETY", "index": 0}],
                    "usageMetadata": replies.usage_meta(prompt, ""),
                },
            )
        elif fault.kind == "empty":
            self._send_json(
                200, {"candidates": [], "usageMetadata": replies.usage_meta(prompt, "")}
            )
        elif fault.kind == "max_tokens":
            full = json.dumps(answer)
            self._send_reply({}, prompt, "MAX_TOKENS", full[: len(full) // 2])
        elif fault.kind == "malformed":
            self._send_reply({}, prompt, text="Sure! Here is your content: not JSON")
        elif fault.kind == "not_json":
            self._send_raw(200, b"<html><body>502 Bad Gateway</body></html>", "text/html")
        else:
            raise ValueError(f"unknown fault {fault.kind!r}")

    def _send_json(
        self, status: int, data: dict[str, Any], headers: Mapping[str, str] | None = None
    ) -> None:
        self._send_raw(status, json.dumps(data).encode(), "application/json", headers)

    def _send_raw(
        self,
        status: int,
        payload: bytes,
        content_type: str,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", f"{content_type}; charset=UTF-8")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (timeout); nothing to do

    def _drip(self, data: dict[str, Any], fault: Fault) -> None:
        """The whole reply, `fault.status` bytes at a time, one piece every `fault.seconds`."""
        payload = json.dumps(data).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            for start in range(0, len(payload), fault.status):
                self.wfile.write(payload[start : start + fault.status])
                self.wfile.flush()
                self.tick()
                if self.released.wait(fault.seconds):
                    break
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up: its deadline passed
        self.close_connection = True
