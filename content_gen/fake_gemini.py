"""A fake Gemini API on 127.0.0.1: the endpoint behind --offline, the tests and the benchmarks.

It speaks the real wire format (`POST /v1*/models/{model}:generateContent`), so the real
google-genai SDK talks to it unchanged. It answers with schema-shaped JSON: believable
drafts for the built-in channels (built from the schema for any other channel) and
judgements whose scores can be scripted. Faults and latency can be injected per channel
and step; every request is logged (never the API key) so tests can count calls.

    with FakeGemini(latency={"blog": 0.5}) as fake:
        fake.inject(Fault.http(503), channel="blog")    # blog's next call gets a 503
        fake.scores("linkedin", FAIL, PASS)             # first judgement fails, then passes
        ... point the SDK at fake.url ...
        assert fake.count(channel="blog") == 3

Run it on its own with `python -m content_gen.fake_gemini --port 8765`.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# Judge score sets. PASS clears the default bar (every criterion >= 3, mean >= 4, factual 5).
PASS = {
    "relevance": 5,
    "hook": 4,
    "clarity": 5,
    "specificity": 4,
    "call_to_action": 4,
    "factual_care": 5,
}
FAIL = {
    "relevance": 4,
    "hook": 3,
    "clarity": 4,
    "specificity": 2,
    "call_to_action": 3,
    "factual_care": 5,
}
_FIXES = {
    "relevance": "Tie the opening back to the topic in the first two sentences.",
    "hook": "Open with the concrete problem the reader has this week.",
    "clarity": "Split the longest paragraph and lead each one with its point.",
    "specificity": "Add one worked example with real numbers from a team of five.",
    "call_to_action": "End with one next step the reader can take today.",
    "factual_care": "Remove the statistic that has no source.",
}


@dataclass(frozen=True)
class Fault:
    """One misbehaviour, used once, for the next matching request."""

    kind: str
    status: int = 0
    message: str = ""
    retry_delay: float | None = None
    retry_after: str | None = None
    seconds: float = 0.0
    data: Mapping[str, Any] | None = None

    @classmethod
    def reply(cls, data: Mapping[str, Any]) -> Fault:
        """A well-formed reply carrying `data` instead of the usual draft (e.g. a bad one)."""
        return cls("reply", data=data)

    @classmethod
    def http(
        cls,
        status: int,
        message: str = "",
        *,
        retry_delay: float | None = None,
        retry_after: str | None = None,
    ) -> Fault:
        return cls("status", status, message, retry_delay, retry_after)

    @classmethod
    def drop(cls) -> Fault:
        """Close the connection without answering."""
        return cls("drop")

    @classmethod
    def hang(cls, seconds: float) -> Fault:
        """Answer nothing for `seconds` (or until the server stops), then close."""
        return cls("hang", seconds=seconds)

    @classmethod
    def blocked(cls) -> Fault:
        """Prompt blocked by the safety filter: no candidates at all."""
        return cls("blocked")

    @classmethod
    def safety(cls) -> Fault:
        """A candidate whose finish reason is SAFETY and that carries no text."""
        return cls("safety")

    @classmethod
    def empty(cls) -> Fault:
        return cls("empty")

    @classmethod
    def max_tokens(cls) -> Fault:
        """JSON cut off part way, finish reason MAX_TOKENS."""
        return cls("max_tokens")

    @classmethod
    def malformed(cls) -> Fault:
        """Text that is not JSON at all."""
        return cls("malformed")

    @classmethod
    def off_schema(cls) -> Fault:
        """Valid JSON that misses the schema's required fields."""
        return cls("off_schema")

    @classmethod
    def not_json(cls) -> Fault:
        """A 200 whose body is an HTML page rather than JSON."""
        return cls("not_json")


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
    ) -> None:
        self.latency = latency
        self.judge_fail_rate = judge_fail_rate
        self.judge_fail_first = judge_fail_first
        self.rpm_limit = rpm_limit
        self.missing_models = missing_models
        self.valid_keys = valid_keys
        self.requests: list[Seen] = []
        self._clock = clock
        self._random = random.Random(seed)
        self._script = _Script()
        self._lock = threading.Lock()
        self._released = threading.Event()
        self._accepted: deque[float] = deque()
        self._port = port
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> FakeGemini:
        handler = type("Handler", (_Handler,), {"fake": self})
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

    def _judge_scores(self, channel: str, attempt: int) -> Mapping[str, int]:
        with self._lock:
            queue = self._script.scores.get(channel)
            if queue:
                return queue.popleft()
            first = attempt == 1
            if first and channel in self.judge_fail_first:
                return FAIL
            if first and self.judge_fail_rate and self._random.random() < self.judge_fail_rate:
                return FAIL
        return PASS

    def _log(self, seen: Seen) -> None:
        with self._lock:
            self.requests.append(seen)


class _Handler(BaseHTTPRequestHandler):
    fake: FakeGemini
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; without this, Nagle's algorithm and
    # delayed ACKs add ~40 ms to every reply.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read fake.requests
        pass

    def do_POST(self) -> None:
        fake = self.fake
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        match = re.search(r"/models/([^/:]+):generateContent$", self.path.split("?")[0])
        if match is None:
            self._send_json(404, _error(404, f"no such method: {self.path}", "NOT_FOUND"))
            return
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            self._send_json(400, _error(400, "Invalid JSON payload received.", "INVALID_ARGUMENT"))
            return
        model = match.group(1)
        channel = self.headers.get("x-content-gen-channel", "")
        step = self.headers.get("x-content-gen-step", "")
        attempt = int(self.headers.get("x-content-gen-attempt") or 1)
        prompt = _prompt_text(body)
        key = self.headers.get("x-goog-api-key")
        seen = dict(
            channel=channel,
            step=step,
            attempt=attempt,
            model=model,
            prompt=prompt,
            has_key=bool(key),
        )

        def log(outcome: str) -> None:
            fake._log(Seen(outcome=outcome, at=fake._clock(), **seen))

        if not key or (fake.valid_keys is not None and key not in fake.valid_keys):
            log("400")
            self._send_json(
                400,
                _error(400, "API key not valid. Please pass a valid API key.", "INVALID_ARGUMENT"),
            )
            return
        if model in fake.missing_models:
            log("404")
            self._send_json(
                404, _error(404, f"models/{model} is not found for API version v1", "NOT_FOUND")
            )
            return
        wait = fake._over_quota()
        if wait is not None:
            log("429")
            self._send_json(
                429,
                _error(
                    429,
                    "Resource has been exhausted (e.g. check quota).",
                    "RESOURCE_EXHAUSTED",
                    retry_delay=wait,
                ),
            )
            return

        delay = fake._latency(channel)
        if delay:
            time.sleep(delay)
        fault = fake._next_fault(channel, step)
        log(_outcome(fault))
        if fault is None:
            self._send_reply(self._answer(body, channel, step, attempt, prompt), body, prompt)
        else:
            self._send_fault(fault, body, channel, step, attempt, prompt)

    # -- normal replies ---------------------------------------------------------------------

    def _answer(
        self, body: dict[str, Any], channel: str, step: str, attempt: int, prompt: str
    ) -> dict[str, Any]:
        schema = _schema(body)
        topic = _field(prompt, "Topic") or "the topic"
        if step == "judge" or (schema.get("title") == "Judgement"):
            return _judgement(self.fake._judge_scores(channel, attempt))
        writer = _WRITERS.get(channel)
        if writer is not None:
            return writer(topic, _field(prompt, "Postal address"), step == "revise")
        return _from_schema(schema, topic)

    def _send_reply(
        self,
        data: dict[str, Any],
        body: dict[str, Any],
        prompt: str,
        finish: str = "STOP",
        text: str | None = None,
    ) -> None:
        text = json.dumps(data, ensure_ascii=False) if text is None else text
        self._send_json(200, _response(text, prompt, finish))

    def _send_fault(
        self, fault: Fault, body: dict[str, Any], channel: str, step: str, attempt: int, prompt: str
    ) -> None:
        if fault.kind == "status":
            headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
            status_name = {
                429: "RESOURCE_EXHAUSTED",
                500: "INTERNAL",
                503: "UNAVAILABLE",
                400: "INVALID_ARGUMENT",
                403: "PERMISSION_DENIED",
                404: "NOT_FOUND",
            }.get(fault.status, "UNKNOWN")
            self._send_json(
                fault.status,
                _error(
                    fault.status,
                    fault.message or f"fake {fault.status}",
                    status_name,
                    retry_delay=fault.retry_delay,
                ),
                headers,
            )
        elif fault.kind == "drop":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
        elif fault.kind == "hang":
            self.fake._released.wait(fault.seconds)
            self.close_connection = True
        elif fault.kind == "blocked":
            self._send_json(
                200,
                {
                    "promptFeedback": {"blockReason": "SAFETY"},
                    "usageMetadata": {
                        "promptTokenCount": _tokens(prompt),
                        "totalTokenCount": _tokens(prompt),
                    },
                },
            )
        elif fault.kind == "safety":
            self._send_json(
                200,
                {
                    "candidates": [{"finishReason": "SAFETY", "index": 0}],
                    "usageMetadata": _usage_meta(prompt, ""),
                },
            )
        elif fault.kind == "empty":
            self._send_json(200, {"candidates": [], "usageMetadata": _usage_meta(prompt, "")})
        elif fault.kind == "max_tokens":
            full = json.dumps(self._answer(body, channel, step, attempt, prompt))
            self._send_reply({}, body, prompt, "MAX_TOKENS", full[: len(full) // 2])
        elif fault.kind == "malformed":
            self._send_reply({}, body, prompt, text="Sure! Here is your content: not JSON")
        elif fault.kind == "reply":
            self._send_reply(dict(fault.data or {}), body, prompt)
        elif fault.kind == "off_schema":
            self._send_reply({"unexpected": "shape"}, body, prompt)
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


def _outcome(fault: Fault | None) -> str:
    if fault is None or fault.kind == "reply":
        return "ok"
    return str(fault.status) if fault.kind == "status" else fault.kind


def _error(
    code: int, message: str, status: str, *, retry_delay: float | None = None
) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message, "status": status}
    if retry_delay is not None:
        error["details"] = [
            {
                "@type": "type.googleapis.com/google.rpc.RetryInfo",
                "retryDelay": f"{retry_delay:g}s",
            }
        ]
    return {"error": error}


def _tokens(text: str) -> int:
    return len(text) // 4 + 1


def _usage_meta(prompt: str, text: str) -> dict[str, int]:
    prompt_tokens, output_tokens = _tokens(prompt), _tokens(text) if text else 0
    return {
        "promptTokenCount": prompt_tokens,
        "candidatesTokenCount": output_tokens,
        "thoughtsTokenCount": 0,
        "totalTokenCount": prompt_tokens + output_tokens,
    }


def _response(text: str, prompt: str, finish: str) -> dict[str, Any]:
    return {
        "candidates": [
            {
                "content": {"role": "model", "parts": [{"text": text}]},
                "finishReason": finish,
                "index": 0,
            }
        ],
        "usageMetadata": _usage_meta(prompt, text),
        "modelVersion": "fake-gemini",
        "responseId": f"fake-{time.monotonic_ns()}",
    }


def _prompt_text(body: dict[str, Any]) -> str:
    parts = [
        part.get("text", "")
        for content in body.get("contents", [])
        for part in content.get("parts", [])
    ]
    return "\n".join(parts)


def _schema(body: dict[str, Any]) -> dict[str, Any]:
    config = body.get("generationConfig") or body.get("generation_config") or {}
    for key in ("responseSchema", "response_schema", "responseJsonSchema", "response_json_schema"):
        if isinstance(config.get(key), dict):
            return config[key]
    return {}


def _field(prompt: str, label: str) -> str | None:
    match = re.search(rf"^{label}:[ \t]*(.+?)\s*$", prompt, re.MULTILINE)
    value = match.group(1) if match else None
    return None if value in (None, "(none)") else value


def _judgement(scores: Mapping[str, int]) -> dict[str, Any]:
    return {
        name: {
            "score": score,
            "evidence": "The opening paragraph and the closing request.",
            "fix": "" if score == 5 else _FIXES[name],
        }
        for name, score in scores.items()
    }


def _from_schema(schema: Mapping[str, Any], topic: str) -> Any:
    """A value of the schema's shape, for channels this fake has no hand-written draft for."""
    kind = str(schema.get("type", "OBJECT")).upper()
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "OBJECT":
        return {
            name: _from_schema(sub, topic) for name, sub in (schema.get("properties") or {}).items()
        }
    if kind == "ARRAY":
        return [_from_schema(schema.get("items") or {"type": "STRING"}, topic)]
    if kind in ("INTEGER", "NUMBER"):
        return int(schema.get("minimum", 1))
    if kind == "BOOLEAN":
        return True
    return f"Simulated text about {topic}."


# --- believable drafts for the built-in channels -----------------------------------------------


def _mid_sentence(topic: str) -> str:
    """'How teams ...' -> 'how teams ...', but leave 'AI in ...' alone."""
    topic = topic.strip().rstrip("?.!")
    if len(topic) > 1 and topic[0].isupper() and not topic[1].isupper():
        topic = topic[0].lower() + topic[1:]
    return topic


def _linkedin(topic: str, address: str | None, revised: bool) -> dict[str, Any]:
    opener = (
        "Most teams start this the wrong way round."
        if not revised
        else "We tried this twice before it worked."
    )
    post = "\n\n".join(
        [
            opener,
            f"This week I kept coming back to one question: {_mid_sentence(topic)}?",
            "Here is what we learned from doing it with a team of five, over four weeks.",
            "1. Start with one small, boring workflow. Pick something the team repeats every "
            "day, so you get feedback fast.",
            "2. Write down what good looks like before you change anything. Two or three "
            "numbers are enough.",
            "3. Review the results every Friday for fifteen minutes. Keep what helped, drop "
            "what did not.",
            "The surprise was how little tooling mattered. The habit of checking the numbers "
            "did most of the work.",
            "What is the one workflow you would try this on first?",
        ]
    )
    return {"post": post, "hashtags": ["SmallTeams", "Productivity", "Leadership"]}


def _newsletter(topic: str, address: str | None, revised: bool) -> dict[str, Any]:
    subject = "A four-week plan you can start on Monday"
    body = "\n\n".join(
        [
            "Hi there,",
            f"This issue is about one question readers keep sending us: {_mid_sentence(topic)}?",
            "We asked three small teams how they approached it. Their answers were more "
            "practical than we expected.",
            "## What worked",
            "- They picked one workflow that happens every day, not a grand project.\n"
            "- They wrote down two numbers to watch before changing anything.\n"
            "- They met for fifteen minutes every Friday to decide what to keep.",
            "## What did not",
            "Buying tools first. Every team that started with a purchase spent the first month "
            "on setup instead of learning.",
            "One team lead put it simply: the plan mattered less than the weekly check-in."
            + (" We added a worked example below." if revised else ""),
            "## A small experiment for this week",
            "Choose one task your team repeats daily. Time it on Monday. Change one thing on "
            "Tuesday. Time it again on Friday and share what you saw.",
        ]
    )
    footer = "You are receiving this because you subscribed. Unsubscribe at any time."
    if address:
        footer += f"\n{address}"
    return {
        "subject": subject,
        "preheader": "Three small teams share what worked, what did not, and why.",
        "body": body,
        "call_to_action": "Reply to this email with the workflow you will test this week.",
        "footer": footer,
    }


_BLOG_SECTIONS = {
    "Why this matters now": [
        "Small teams feel every hour they lose.",
        "A change that saves ten minutes a day gives back a full week each year.",
        "Large companies can absorb a slow start, but a team of five cannot.",
        "That is why the first experiment has to be small and cheap.",
        "It should also be easy to undo if the results are poor.",
        "Most failed attempts share one cause: they tried to change too much at once.",
        "The teams that succeed pick a narrow target and measure it honestly.",
        "They treat the first month as a learning exercise, not a rollout.",
        "This framing takes pressure off everyone involved.",
        "People are more willing to try something new when failure is cheap.",
        "It also makes the results easier to explain to the rest of the company.",
        "Time is not the only cost of a clumsy start.",
        "A bad first experience makes people wary of the next idea too.",
        "A small, careful trial protects the team's goodwill.",
        "It also gives you real numbers to show anyone who asks why.",
    ],
    "Where to start": [
        "Start by listing the tasks your team repeats every single day.",
        "Pick the one that annoys people most and happens most often.",
        "Write down how long it takes today, and how often it goes wrong.",
        "Those two numbers are your baseline.",
        "Without them, you will not know whether anything improved.",
        "Next, agree on what success would look like after four weeks.",
        "Keep the goal modest, such as cutting the time by a fifth.",
        "Share the plan with the whole team before you begin.",
        "Ask who wants to try it first, and let volunteers lead.",
        "Volunteers give better feedback than people who were told to take part.",
        "Finally, set a date for the first review and put it in the calendar.",
        "Keep the first trial to one team and one task.",
        "Resist the urge to add a second task halfway through.",
        "Write the plan on a single page that anyone can read in two minutes.",
        "Link that page from wherever the team already works.",
    ],
    "A four-week plan": [
        "In week one, run the new approach on a handful of real tasks.",
        "Keep notes on what felt faster and what felt awkward.",
        "Do not fix problems yet, just write them down.",
        "In week two, fix the two most common problems from your notes.",
        "Then run the same tasks again and compare the numbers.",
        "In week three, widen the trial to the rest of the team.",
        "New people will find problems the volunteers stopped noticing.",
        "Collect their notes in the same place as before.",
        "In week four, hold a short review and decide what to keep.",
        "Be willing to stop if the numbers did not move.",
        "A clear no is a useful result, because it frees time for the next idea.",
        "Keep each weekly review to fifteen minutes.",
        "Start with the numbers, then read the notes aloud.",
        "Agree on one change for the coming week and write it down.",
        "Assign an owner for that change before the meeting ends.",
    ],
    "What to measure": [
        "Measure time spent on the task, from start to finish.",
        "Measure how often the task has to be redone.",
        "Ask the team a simple question each Friday: did this help this week?",
        "Keep the answers short, a number from one to five is enough.",
        "Plot the numbers on one page so everyone can see the trend.",
        "Look for steady improvement rather than one great day.",
        "If one person carries all the gains, find out what they do differently.",
        "Share that practice with the others before drawing conclusions.",
        "Numbers will not tell the whole story, so keep the notes as well.",
        "The notes explain why a number moved, which matters for the next step.",
        "Together they make the final decision much easier.",
        "Resist measuring everything at once.",
        "Three numbers that people trust beat ten that nobody reads.",
        "Check that the numbers are easy to collect by hand.",
        "If collecting them takes longer than the task, simplify.",
    ],
    "Common mistakes to avoid": [
        "The first mistake is buying tools before you understand the problem.",
        "Tools bought early tend to shape the process around themselves.",
        "The second mistake is skipping the baseline measurement.",
        "Without it, every discussion becomes a matter of opinion.",
        "The third mistake is running the trial during a crunch.",
        "People under deadline pressure fall back on old habits.",
        "The fourth mistake is hiding poor results.",
        "A failed trial that is shared openly builds more trust than a quiet success.",
        "The last mistake is never deciding.",
        "Trials that drift on without a verdict wear people out.",
        "Set the end date at the start and keep to it.",
        "Another mistake is letting one enthusiast run everything alone.",
        "When that person is away, the trial quietly stops.",
        "Pair the enthusiast with a sceptic from the start.",
        "The sceptic's questions will make the final decision stronger.",
    ],
    "Bringing the rest of the team along": [
        "People support what they helped to shape.",
        "Invite the whole team to the first and last review.",
        "Show the baseline numbers before you show any results.",
        "Explain what you tried, what you measured and what you saw.",
        "Be honest about the parts that did not work.",
        "Ask each person which part they would keep and which they would drop.",
        "Write the answers down where everyone can see them.",
        "Then agree on the next small trial together.",
        "This rhythm matters more than any single result.",
        "Teams that review their work every week keep improving long after the first trial.",
        "Teams that stop reviewing drift back to old habits within a month.",
        "Protect the weekly review, even when the calendar is full.",
        "Fifteen minutes is a small price for a team that keeps learning.",
        "Over a year, those small reviews add up to a different way of working.",
    ],
}


def _blog(topic: str, address: str | None, revised: bool) -> dict[str, Any]:
    core = topic.strip().rstrip("?.!")
    title = core if len(core) >= 30 else f"{core}: a practical guide"
    if len(title) > 60:
        title = title[:57].rsplit(" ", 1)[0]
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60].strip("-") or "post"
    meta = (
        f"A practical four-week plan for small teams: {_mid_sentence(topic)}. What to measure, "
        "what to avoid, and how to decide."
    )
    if len(meta) > 160:
        meta = meta[:157].rsplit(" ", 1)[0] + "..."
    while len(meta) < 120:
        meta += " Simple steps."
    paragraphs = [
        f"# {title}",
        f"This guide is about one practical question: {_mid_sentence(topic)}.",
        "It is written for small teams with little time and no spare budget. "
        "Each section ends with something you can do this week.",
    ]
    for heading, lines in _BLOG_SECTIONS.items():
        paragraphs.append(f"## {heading}")
        for i in range(0, len(lines), 4):
            paragraphs.append(" ".join(lines[i : i + 4]))
    paragraphs += [
        "## Your next step",
        "Pick one daily task today and write down how long it takes. "
        "That single number is the start of your first trial. "
        "Share it with your team on Friday and agree on the first change to test.",
    ]
    if revised:
        paragraphs.insert(
            3,
            "A team of five that followed this plan cut a daily task from "
            "forty minutes to twenty-five in four weeks.",
        )
    article = "\n\n".join(paragraphs)
    return {"title": title, "slug": slug, "meta_description": meta, "article": article}


_WRITERS: dict[str, Callable[[str, str | None, bool], dict[str, Any]]] = {
    "linkedin": _linkedin,
    "newsletter": _newsletter,
    "blog": _blog,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m content_gen.fake_gemini",
        description="Serve a fake Gemini API on 127.0.0.1 for trying content-gen without a key.",
    )
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per call")
    parser.add_argument("--judge-fail-rate", type=float, default=0.0)
    parser.add_argument("--rpm-limit", type=int, default=None)
    args = parser.parse_args(argv)
    fake = FakeGemini(
        latency=args.latency,
        judge_fail_rate=args.judge_fail_rate,
        rpm_limit=args.rpm_limit,
        port=args.port,
    ).start()
    print(f"fake Gemini listening on {fake.url}; set GOOGLE_GEMINI_BASE_URL={fake.url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
