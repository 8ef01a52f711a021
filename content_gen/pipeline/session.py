"""A session: everything runs share, assembled once from the settings at the edge.

One prompt library, one limiter, one stop flag and one LLM client for the whole process,
whether it writes one topic (`generate`), many (`calendar run`) or a benchmark's hundreds.
With `offline=True` the client talks to the built-in fake Gemini instead of Google; with
`llm=...` it uses any object that implements the LLM seam.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Interrupted, LLMError, RunHalted, UsageError
from ..llm.seam import CallRecord, Usage
from ..prompts import PromptLibrary
from ..storage import RunDir
from .orchestrator import run_topic
from .plan import PLAN_VARIABLES, make_plan
from .results import ChannelResult, Job, TopicResult
from .runtime import Runtime
from .worker import check_prompts

if TYPE_CHECKING:
    from ..channels.base import Channel
    from ..config import Settings
    from ..llm.limiter import Limiter
    from ..llm.seam import LLM

# Per-call latency of the offline simulator: enough to show the channels overlapping.
OFFLINE_LATENCY = {"linkedin": 0.25, "newsletter": 0.3, "blog": 0.2}
OFFLINE_KEY = "offline-simulator"


@dataclass(frozen=True)
class Session:
    settings: Settings
    runtime: Runtime

    @classmethod
    @contextmanager
    def open(
        cls,
        settings: Settings,
        channels: Sequence[Channel],
        *,
        offline: bool = False,
        sleep: Callable[[float], object] | None = None,
        llm: LLM | None = None,
    ) -> Iterator[Session]:
        """Check the prompts and the key, then build the shared pieces. No request is made."""
        prompts = PromptLibrary.for_settings(settings.prompts_dir)
        check_prompts(list(channels), prompts)
        prompts.check("plan.md", PLAN_VARIABLES)
        stop = threading.Event()
        fake = None
        try:
            if llm is None:
                if offline:
                    from ..fake import FakeGemini

                    # The simulated judge turns down the newsletter's first draft, to show a
                    # revision.
                    fake = FakeGemini(
                        latency=OFFLINE_LATENCY, judge_fail_first=("newsletter",)
                    ).start()
                llm = gemini_client(
                    settings, stop, sleep=sleep, fake_url=fake.url if fake else None
                )
            runtime = Runtime.build(settings, llm, stop=stop, simulated=offline, prompts=prompts)
            yield cls(settings, runtime)
        finally:
            stop.set()
            if fake is not None:
                fake.stop()

    def run(
        self,
        job: Job,
        channels: Sequence[Channel],
        *,
        resume: bool = False,
        sequential: bool = False,
        inputs: dict[str, Any] | None = None,
        on_result: Callable[[ChannelResult, Path], None] | None = None,
        into: Path | None = None,
    ) -> TopicResult:
        """Plan `job`, then write `channels` for it in its run directory; safe to call from
        several threads.

        With `resume`, the job's existing run directory is reused (or `into`, a run directory
        made before): its plan is reused, and the channels it already records, and this run
        does not redo, stay in its run.json (a resumed calendar entry, a retried channel).
        `on_result` gets each channel's result, and the run directory, as the channel ends.
        """
        resume = resume or into is not None
        run_dir = (
            RunDir(into)
            if into is not None
            else RunDir.create(self.settings.output_dir, job.day, job.topic, reuse=resume)
        )
        self.runtime.llm.connect()
        job, plan_record, plan_usage = self._plan(job, channels, run_dir)
        extra = {
            "settings": self.settings.public(),
            "inputs": inputs or {},
            "sources": [s.record() for s in job.sources],
            "research": job.research,
            "plan": plan_record,
            "language": job.language,
            # The kit's rules and, per channel, the samples its prompts show.
            "voice": job.voice.record([c.name for c in channels]) if job.voice else None,
        }
        return run_topic(
            job,
            channels,
            run_dir,
            self.runtime,
            sequential=sequential,
            manifest_extra=extra,
            on_result=None if on_result is None else lambda r: on_result(r, run_dir.path),
            keep_earlier=resume,
            extra_usage=plan_usage,
        )

    def _plan(
        self, job: Job, channels: Sequence[Channel], run_dir: RunDir
    ) -> tuple[Job, dict[str, Any], Usage]:
        """The job with its plan, what run.json records of it, and what the plan call cost.

        Without a plan (its call failed) the channels still write, from the brief and the
        sources, and the claims rule still checks them; a halt stops everything.
        """
        try:
            plan = make_plan(job, [c.label for c in channels], self.runtime, run_dir)
        except Interrupted:
            # Stopped (Ctrl-C, or another entry halted the run): the channels see it too.
            return job, {"error": "interrupted before the plan was made"}, Usage()
        except LLMError as exc:
            if isinstance(exc, RunHalted):
                self.runtime.halt.trip(exc)
            usage = exc.record.usage if isinstance(exc.record, CallRecord) else Usage()
            message = self.runtime.redact(str(exc))
            return job, {"error": message, "error_kind": exc.reason}, usage
        except OSError as exc:  # plan.json could not be written: the plan still holds
            raise UsageError(f"cannot write {run_dir.path}/plan.json: {exc.strerror}") from None
        usage = sum((c.usage for c in plan.calls), Usage())
        return replace(job, plan=plan), plan.record(), usage


def gemini_client(
    settings: Settings,
    stop: threading.Event,
    *,
    sleep: Callable[[float], object] | None = None,
    jitter: Callable[[], float] | None = None,
    fake_url: str | None = None,
    limiter: Limiter | None = None,
    clock: Callable[[], float] | None = None,
) -> LLM:
    """The Gemini client with the session's limiter; `fake_url` points it at the simulator."""
    from ..llm.gemini import GeminiLLM
    from ..llm.limiter import Limiter, RateLimit

    limiter = limiter or Limiter(
        RateLimit(settings.rpm, settings.max_concurrency), sleep=sleep, stop=stop
    )
    options: dict[str, Any] = {"jitter": jitter, "clock": clock}
    options = {name: value for name, value in options.items() if value is not None}
    return GeminiLLM(
        settings,
        limiter=limiter,
        stop=stop,
        sleep=sleep,
        api_key=OFFLINE_KEY if fake_url else None,
        base_url=fake_url,
        **options,
    )
