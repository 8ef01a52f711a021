"""The LLM seam during a batch run: answers from what this run's Batch API jobs brought,
and defers every other request to the next job.

A request it cannot answer yet is noted and refused with `Deferred`: the work that asked stops
there and is taken up again once the job that carries the request is back (see
schedule/batch.py). Replies a run that died left behind, in jobs it had recorded, come from
the response cache even when this run would not read it (--force): they are this work's.
"""

from __future__ import annotations

import threading

from ..errors import Deferred, LLMError
from .cache import request_key
from .gemini import GeminiLLM
from .seam import LLMReply, LLMRequest


class BatchLLM:
    """The LLM seam during a batch run: this run's batch replies, else the next job."""

    def __init__(self, gemini: GeminiLLM) -> None:
        self.gemini = gemini
        self._lock = threading.Lock()
        self.paid: dict[str, LLMReply] = {}  # replies this run's jobs brought, with their cost
        self.failed: dict[str, LLMError] = {}  # requests that will not be answered
        self.pending: dict[str, LLMRequest] = {}  # asked in this pass, not answered yet
        self.resumed: set[str] = set()  # keys of jobs a dead run left: their replies are ours

    def connect(self) -> None:
        self.gemini.connect()

    def key(self, request: LLMRequest) -> str:
        return request_key(self.gemini.describe(request))

    def generate(self, request: LLMRequest) -> LLMReply:
        key = self.key(request)
        with self._lock:
            if key in self.paid:
                return self.paid[key]
            if key in self.failed:
                raise self.failed[key]
        cache = self.gemini.cache
        if cache is not None:
            filed = cache.get(key, force=key in self.resumed)
            hit = filed.reply(request) if filed is not None else None
            if hit is not None:
                return hit
        with self._lock:
            self.pending.setdefault(key, request)
        raise Deferred()

    def take_pending(self) -> dict[str, LLMRequest]:
        with self._lock:
            pending, self.pending = self.pending, {}
        return pending
