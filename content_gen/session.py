"""A session: everything runs share, assembled once from the settings at the edge.

One prompt library, one limiter, one stop flag and one Gemini client for the whole process,
whether it writes one topic (`generate`) or many (`calendar run`). With `offline=True` the
client talks to the built-in fake Gemini instead of Google.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from .channels import Channel, ChannelContext
from .config import Settings
from .llm import GeminiLLM
from .orchestrator import TopicResult, run_topic
from .prompts import PromptLibrary, default_prompts_dir
from .quality import QualityBar
from .ratelimit import Limiter, RateLimit
from .storage import RunDir
from .worker import ChannelResult, Job, Runtime, check_prompts

# Per-call latency of the offline simulator: enough to show the channels overlapping.
OFFLINE_LATENCY = {"linkedin": 0.25, "newsletter": 0.3, "blog": 0.2}


@dataclass
class Session:
    settings: Settings
    runtime: Runtime
    llm: GeminiLLM

    @classmethod
    @contextmanager
    def open(
        cls,
        settings: Settings,
        channels: Sequence[Channel],
        *,
        offline: bool = False,
        sleep: Callable[[float], object] | None = None,
    ) -> Iterator[Session]:
        """Check the prompts and the key, then build the shared pieces. No request is made."""
        prompts = PromptLibrary(settings.prompts_dir or default_prompts_dir())
        check_prompts(list(channels), prompts)
        stop = threading.Event()
        limiter = Limiter(RateLimit(settings.rpm, settings.max_concurrency), sleep=sleep, stop=stop)
        fake = None
        if offline:
            from .fake_gemini import FakeGemini

            # The simulated judge turns down the newsletter's first draft, to show a revision.
            fake = FakeGemini(latency=OFFLINE_LATENCY, judge_fail_first=("newsletter",)).start()
        try:
            llm = GeminiLLM(
                settings,
                limiter=limiter,
                stop=stop,
                sleep=sleep,
                api_key="offline-simulator" if fake else None,
                base_url=fake.url if fake else None,
            )
            runtime = Runtime(
                llm=llm,
                prompts=prompts,
                model=settings.model,
                judge_model=settings.judge_model,
                max_revisions=settings.max_revisions,
                bar=QualityBar(min_score=settings.pass_min, min_mean=settings.pass_mean),
                context=ChannelContext(
                    postal_address=settings.postal_address,
                    blog_min_words=settings.blog_min_words,
                    blog_max_words=settings.blog_max_words,
                ),
                stop=stop,
                simulated=offline,
                redact=llm.redact,
            )
            yield cls(settings, runtime, llm)
        finally:
            stop.set()
            if fake is not None:
                fake.stop()

    def run(
        self,
        job: Job,
        channels: Sequence[Channel],
        run_dir: RunDir,
        *,
        sequential: bool = False,
        inputs: dict[str, Any] | None = None,
        on_result: Callable[[ChannelResult], None] | None = None,
        keep_earlier: bool = False,
    ) -> TopicResult:
        """Write `channels` for one job; safe to call from several threads at once."""
        self.llm.connect()
        return run_topic(
            job,
            channels,
            run_dir,
            self.runtime,
            sequential=sequential,
            manifest_extra={"settings": self.settings.public(), "inputs": inputs or {}},
            on_result=on_result,
            keep_earlier=keep_earlier,
        )
