"""A fake Gemini API on 127.0.0.1: the endpoint behind --offline, the tests and the benchmarks.

It speaks the real wire format (`POST /v1*/models/{model}:generateContent`), so the real
google-genai SDK talks to it unchanged, and it tells requests apart from their bodies alone
(`routing.py`). It answers with schema-shaped JSON: believable drafts for the built-in
channels (`prose.py`; built from the schema for any other channel) and judgements whose scores
can be scripted. Faults and latency can be injected per channel and step; every request is
logged (never the API key) so tests can count calls.

    with FakeGemini(latency={"blog": 0.5}) as fake:
        fake.inject(Fault.http(503), channel="blog")    # blog's next call gets a 503
        fake.scores("linkedin", FAIL, PASS)             # first judgement fails, then passes
        ... point the SDK at fake.url ...
        assert fake.count(channel="blog") == 3

Run it on its own with `python -m content_gen.fake --port 8765`.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from ..llm.gemini import API_VERSION
from . import planning, replies
from .answers import compose, searches
from .batch import Batches
from .faults import Fault
from .replies import FAIL, PASS, error_body
from .routing import Route, Router
from .wire import Wire


@dataclass(frozen=True)
class Seen:
    """One request as the server saw it."""

    channel: str
    step: str
    attempt: int
    model: str
    outcome: str  # "ok", a status code such as "503", or a fault kind
    at: float
    prompt: str
    has_key: bool
    #: The request's header names (never their values: one of them carries the key).
    header_names: tuple[str, ...] = ()
    #: The batch job it came in, if it came in one.
    batch: str | None = None


@dataclass
class _Script:
    faults: dict[tuple[str | None, str | None], deque[Fault]] = field(default_factory=dict)
    scores: dict[str, deque[Mapping[str, int]]] = field(default_factory=dict)


class FakeGemini:
    """A threaded fake of the Gemini generateContent endpoint."""

    def __init__(
        self,
        *,
        latency: float | Mapping[str, float] = 0.0,
        judge_fail_rate: float = 0.0,
        judge_fail_first: tuple[str, ...] = (),
        rpm_limit: int | None = None,
        missing_models: tuple[str, ...] = (),
        valid_keys: tuple[str, ...] | None = None,
        seed: int = 0,
        clock: Callable[[], float] = time.monotonic,
        port: int = 0,
        on_drip: Callable[[], object] | None = None,
        cached_tokens: int = 0,
        language: str | None = None,
    ) -> None:
        self.latency = latency
        self.judge_fail_rate = judge_fail_rate
        self.judge_fail_first = judge_fail_first
        self.rpm_limit = rpm_limit
        self.missing_models = missing_models
        self.valid_keys = valid_keys
        #: Called after each piece of a dripping reply; tests move their clock on here.
        self.on_drip = on_drip
        #: Reported as cachedContentTokenCount (of the prompt tokens) in every reply.
        self.cached_tokens = cached_tokens
        #: Answer in this language (en or de) whatever the prompt asks for: a model that
        #: ignores --language. None: the language the prompt asks for.
        self.language = language
        self.requests: list[Seen] = []
        self._clock = clock
        self.seed = seed
        self._script = _Script()
        self._lock = threading.Lock()
        self._released = threading.Event()
        self._accepted: deque[float] = deque()
        self._router = Router()
        #: The Batch API's jobs, and how the next ones behave.
        self.batches = Batches(self)
        self._port = port
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> FakeGemini:
        handler = type("Handler", (_Handler,), {"fake": self, "released": self._released})
        server = ThreadingHTTPServer(("127.0.0.1", self._port), handler, bind_and_activate=False)
        server.request_queue_size = 256  # the default 5 drops bursts of parallel calls
        server.daemon_threads = True
        server.allow_reuse_address = True
        server.server_bind()
        server.server_activate()
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-gemini",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._released.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeGemini:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the fake first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # -- scripting --------------------------------------------------------------------------

    def inject(self, *faults: Fault, channel: str | None = None, step: str | None = None) -> None:
        """Queue faults (or canned replies) for the next requests of a channel and/or step."""
        with self._lock:
            self._script.faults.setdefault((channel, step), deque()).extend(faults)

    def scores(self, channel: str, *score_sets: Mapping[str, int]) -> None:
        """Queue the judge's scores for a channel's next judgements (then PASS)."""
        with self._lock:
            self._script.scores.setdefault(channel, deque()).extend(score_sets)

    def count(
        self, channel: str | None = None, step: str | None = None, outcome: str | None = None
    ) -> int:
        with self._lock:
            return sum(
                1
                for r in self.requests
                if (channel is None or r.channel == channel)
                and (step is None or r.step == step)
                and (outcome is None or r.outcome == outcome)
            )

    # -- answering --------------------------------------------------------------------------

    def _next_fault(self, channel: str, step: str) -> Fault | None:
        with self._lock:
            for key in ((channel, step), (channel, None), (None, step), (None, None)):
                queue = self._script.faults.get(key)
                if queue:
                    return queue.popleft()
        return None

    def _over_quota(self) -> float | None:
        """Seconds until a slot frees up if this request would exceed rpm_limit, else None."""
        if not self.rpm_limit:
            return None
        with self._lock:
            now = self._clock()
            while self._accepted and self._accepted[0] <= now - 60:
                self._accepted.popleft()
            if len(self._accepted) >= self.rpm_limit:
                return max(self._accepted[0] + 60 - now, 0.0)
            self._accepted.append(now)
            return None

    def _latency(self, channel: str) -> float:
        if isinstance(self.latency, Mapping):
            return float(self.latency.get(channel, 0.0))
        return float(self.latency)

    def _judge_scores(self, channel: str, attempt: int, topic: str = "") -> Mapping[str, int]:
        with self._lock:
            queue = self._script.scores.get(channel)
            if queue:
                return queue.popleft()
            first = attempt == 1
            if first and channel in self.judge_fail_first:
                return FAIL
            if first and self.judge_fail_rate and self._draw(channel, topic) < self.judge_fail_rate:
                return FAIL
        return PASS

    def _draw(self, channel: str, topic: str) -> float:
        """The same number in [0, 1) for the same piece, whatever order the requests come in:
        runs compared with each other (rewrite and edits, online and batch) see one judge."""
        digest = hashlib.sha256(f"{self.seed}|{channel}|{topic}".encode()).digest()
        return int.from_bytes(digest[:8], "big") / 2**64

    def _log(self, seen: Seen) -> None:
        with self._lock:
            self.requests.append(seen)

    def _log_batch(
        self, route: Route, model: str, prompt: str, fault: Fault | None, job: str
    ) -> None:
        self._log(
            Seen(
                route.channel,
                route.step,
                route.attempt,
                model,
                _outcome(fault),
                self._clock(),
                prompt,
                has_key=True,
                batch=job,
            )
        )

    def cache_usage(self, usage: Any) -> None:
        """Report `cached_tokens` of a reply's prompt as served from the API's cache."""
        if self.cached_tokens and isinstance(usage, dict):
            prompt = usage.get("promptTokenCount", 0)
            usage["cachedContentTokenCount"] = min(self.cached_tokens, prompt)


class _Handler(Wire):
    fake: FakeGemini

    def tick(self) -> None:
        if self.fake.on_drip is not None:
            self.fake.on_drip()

    def _send_json(
        self, status: int, data: dict[str, Any], headers: Mapping[str, str] | None = None
    ) -> None:
        self.fake.cache_usage(data.get("usageMetadata"))
        super()._send_json(status, data, headers)

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read fake.requests
        pass

    def do_GET(self) -> None:
        self._batch("GET", {})

    def do_DELETE(self) -> None:
        self._batch("DELETE", {})

    def _batch(self, method: str, body: dict[str, Any]) -> None:
        """The Batch API's endpoints (batch.py), behind the same version and key checks."""
        path, _, query = self.path.partition("?")
        version = path.split("/")[1] if path.count("/") >= 2 else ""
        key = self.headers.get("x-goog-api-key")
        if not key or (self.fake.valid_keys is not None and key not in self.fake.valid_keys):
            self._send_json(400, replies.bad_key_body())
        elif version != API_VERSION:
            self._send_json(404, replies.not_found("batches", version))
        else:
            status, reply = self.fake.batches.handle(method, path, dict(parse_qsl(query)), body)
            self._send_json(status, reply)

    def do_POST(self) -> None:
        fake = self.fake
        # A latency runs from the request's arrival to the reply, as a real server's does: the
        # time the fake takes to read and route a request is inside it, not added to it.
        arrived = time.monotonic()
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        if ":batchGenerateContent" in self.path or ":cancel" in self.path:
            self._batch("POST", json.loads(raw or b"{}"))
            return
        match = re.search(r"^/([^/]+)/models/([^/:]+):generateContent$", self.path.split("?")[0])
        if match is None:
            self._send_json(404, error_body(404, f"no such method: {self.path}", "NOT_FOUND"))
            return
        version, self.model = match.groups()
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            self._send_json(
                400, error_body(400, "Invalid JSON payload received.", "INVALID_ARGUMENT")
            )
            return
        model = self.model
        prompt = replies.prompt_text(body)
        topic = replies.field(prompt, "Topic") or ""
        route = fake._router.route(replies.schema_of(body), prompt, topic)
        key = self.headers.get("x-goog-api-key")

        def log(outcome: str) -> None:
            fake._log(
                Seen(
                    route.channel,
                    route.step,
                    route.attempt,
                    model,
                    outcome,
                    fake._clock(),
                    prompt,
                    has_key=bool(key),
                    header_names=tuple(name.lower() for name in self.headers),
                )
            )

        if not key or (fake.valid_keys is not None and key not in fake.valid_keys):
            log("400")
            self._send_json(400, replies.bad_key_body())
            return
        if version != API_VERSION or model in fake.missing_models:
            log("404")
            self._send_json(404, replies.not_found(model, version))
            return
        wait = fake._over_quota()
        if wait is not None:
            log("429")
            self._send_json(429, replies.quota_body(model, replies.PER_MINUTE, wait))
            return

        delay = fake._latency(route.channel)
        if delay:
            time.sleep(max(0.0, arrived + delay - time.monotonic()))
        fault = fake._next_fault(route.channel, route.step)
        log(_outcome(fault))
        answer = compose(fake, body, route, prompt, topic)
        if fault is None:
            grounded = route.step == "plan" and searches(body)
            self._send_reply(
                answer, prompt, grounding=planning.grounding(answer) if grounded else None
            )
        else:
            self._send_fault(fault, answer, prompt)


def _outcome(fault: Fault | None) -> str:
    if fault is None or fault.kind in ("reply", "misquote", "invent"):
        return "ok"
    return str(fault.status) if fault.kind == "status" else fault.kind
