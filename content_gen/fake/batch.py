"""The fake's Batch API, as google-genai 3.6.1 calls it (see /work/staging/wire/SPEC.md §6).

    POST   /v1beta/models/{model}:batchGenerateContent   create: inline requests, an Operation
    GET    /v1beta/batches/{id}                          get: the Operation, its state
    POST   /v1beta/batches/{id}:cancel                   cancel: {}
    GET    /v1beta/batches?pageSize=&pageToken=          list: {"operations": [...]}
    DELETE /v1beta/batches/{id}                          delete: {}

A job moves on each time it is looked at: PENDING when created, RUNNING at the first get,
then done after `polls` gets. Done, its inline responses sit in both `metadata.output` and
`response`, each with the request's `metadata` echoed, as the real API sends them; counts are
strings. A job can be told to fail or expire, to leave the metadata out or to answer out of
order, and its requests take the fake's injected faults: a content fault changes a reply, a
status becomes that request's error (a partial failure), a blocked prompt comes back blocked.
"""

from __future__ import annotations

import json
import random
import threading
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from . import replies
from .answers import compose
from .wire import CONTENT, altered

if TYPE_CHECKING:
    from .server import FakeGemini

_TYPE = "type.googleapis.com/google.ai.generativelanguage.v1main."
#: HTTP statuses as the google.rpc codes a batch's per-request errors carry.
_RPC = {400: 3, 403: 7, 404: 5, 429: 8, 500: 13, 503: 14, 504: 4}
ENDED = ("SUCCEEDED", "FAILED", "CANCELLED", "EXPIRED")


@dataclass
class Job:
    name: str
    model: str
    display_name: str | None
    requests: list[dict[str, Any]]
    created: str
    state: str = "PENDING"
    looked: int = 0
    outcome: str = "SUCCEEDED"  # how it ends: SUCCEEDED, FAILED or EXPIRED
    output: list[dict[str, Any]] | None = None
    updated: str = ""


@dataclass
class Batches:
    """The fake's batch jobs, and how the next ones behave."""

    fake: FakeGemini
    #: Gets a job takes to finish after it starts running.
    polls: int = 1
    #: Leave each response's metadata out, or answer in another order, as reports say the real
    #: backend sometimes does.
    omit_metadata: bool = False
    shuffle: bool = False
    jobs: dict[str, Job] = field(default_factory=dict)
    _outcomes: deque[str] = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def end_next(self, *outcomes: str) -> None:
        """How the next jobs end: "FAILED" or "EXPIRED" (then SUCCEEDED)."""
        with self._lock:
            self._outcomes.extend(outcomes)

    def handle(
        self, method: str, path: str, query: dict[str, str], body: dict[str, Any]
    ) -> tuple[int, dict[str, Any]]:
        """(status, reply) for a batch request whose version and key are already checked."""
        rest = path.split("/", 2)[2]  # after "/v1beta/"
        if method == "POST" and rest.endswith(":batchGenerateContent"):
            model = rest.removeprefix("models/").removesuffix(":batchGenerateContent")
            return 200, self._operation(self._create(model, body))
        if method == "GET" and rest == "batches":
            return 200, self._list(int(query.get("pageSize") or 50), query.get("pageToken"))
        job_id = rest.removeprefix("batches/").removesuffix(":cancel")
        with self._lock:
            job = self.jobs.get(f"batches/{job_id}")
        if job is None or not rest.startswith("batches/"):
            return 404, replies.error_body(404, "Requested entity was not found.", "NOT_FOUND")
        if method == "POST" and rest.endswith(":cancel"):
            with self._lock:
                if job.state not in ENDED:
                    job.state, job.updated = "CANCELLED", _now()
            return 200, {}
        if method == "DELETE":
            with self._lock:
                self.jobs.pop(job.name, None)
            return 200, {}
        self._advance(job)
        return 200, self._operation(job)

    def _create(self, model: str, body: dict[str, Any]) -> Job:
        batch = body.get("batch") or {}
        inline = ((batch.get("inputConfig") or {}).get("requests") or {}).get("requests") or []
        now = _now()
        with self._lock:
            outcome = self._outcomes.popleft() if self._outcomes else "SUCCEEDED"
            job = Job(
                f"batches/{uuid.uuid4().hex[:24]}",
                model,
                batch.get("displayName"),
                list(inline),
                now,
                outcome=outcome,
                updated=now,
            )
            self.jobs[job.name] = job
        return job

    def _advance(self, job: Job) -> None:
        """A look at the job moves it on: PENDING, RUNNING, then done."""
        with self._lock:
            if job.state in ENDED:
                return
            job.looked += 1
            if job.looked <= self.polls:
                job.state = "RUNNING"
                job.updated = _now()
                return
            job.state = job.outcome
        if job.outcome == "SUCCEEDED":
            output = [self._answer(job, item) for item in job.requests]
            if self.shuffle:
                random.Random(job.name).shuffle(output)
            job.output = output
        job.updated = _now()

    def _answer(self, job: Job, item: dict[str, Any]) -> dict[str, Any]:
        """One inline request's response (or error), through the fake's usual answers."""
        body = item.get("request") or {}
        fake = self.fake
        prompt = replies.prompt_text(body)
        topic = replies.field(prompt, "Topic") or ""
        route = fake._router.route(replies.schema_of(body), prompt, topic)
        fault = fake._next_fault(route.channel, route.step)
        fake._log_batch(route, job.model, prompt, fault, job.name)
        answer = compose(fake, body, route, prompt, topic)
        out: dict[str, Any]
        if fault is None or fault.kind in CONTENT:
            data = answer if fault is None else altered(fault, answer)
            out = {"response": replies.response(json.dumps(data), prompt, "STOP", job.model)}
        elif fault.kind == "blocked":
            usage = {"promptTokenCount": replies.tokens(prompt)}
            blocked = {"promptFeedback": {"blockReason": "SAFETY"}, "usageMetadata": usage}
            out = {"response": blocked}
        else:
            code = _RPC.get(fault.status, 13)
            out = {"error": {"code": code, "message": fault.message or f"fake error {code}"}}
        if "response" in out:
            fake.cache_usage(out["response"].get("usageMetadata"))
        if item.get("metadata") is not None and not self.omit_metadata:
            out["metadata"] = item["metadata"]
        return out

    def _operation(self, job: Job) -> dict[str, Any]:
        with self._lock:
            state, output = job.state, job.output
        stats = {"requestCount": str(len(job.requests))}
        if output is None:
            stats["pendingRequestCount"] = str(len(job.requests))
        else:
            failed = sum(1 for o in output if "error" in o)
            stats |= {
                "successfulRequestCount": str(len(output) - failed),
                "failedRequestCount": str(failed),
            }
        meta: dict[str, Any] = {
            "@type": _TYPE + "GenerateContentBatch",
            "model": f"models/{job.model}",
            "createTime": job.created,
            "updateTime": job.updated,
            "batchStats": stats,
            "state": f"BATCH_STATE_{state}",
            "name": job.name,
        }
        if job.display_name is not None:
            meta["displayName"] = job.display_name
        operation: dict[str, Any] = {"name": job.name, "metadata": meta}
        if state in ENDED:
            meta["endTime"] = job.updated
            operation["done"] = True
        if output is not None:
            inline = {"inlinedResponses": {"inlinedResponses": output}}
            meta["output"] = inline
            operation["response"] = {"@type": _TYPE + "GenerateContentBatchOutput", **inline}
        elif state in ("FAILED", "EXPIRED"):
            operation["error"] = {"code": 4 if state == "EXPIRED" else 13, "message": state}
        return operation

    def _list(self, size: int, token: str | None) -> dict[str, Any]:
        with self._lock:
            names = sorted(self.jobs, key=lambda n: self.jobs[n].created)
        start = int(token or 0)
        page = names[start : start + size]
        reply: dict[str, Any] = {"operations": [self._operation(self.jobs[n]) for n in page]}
        if start + size < len(names):
            reply["nextPageToken"] = str(start + size)
        return reply


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
