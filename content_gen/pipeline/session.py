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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..errors import Deferred, Interrupted, LLMError, RunHalted, UsageError
from ..llm.budget import Budget, Cap
from ..llm.cache import DIRECTORY as CACHE_DIRECTORY
from ..llm.cache import ResponseCache
from ..llm.prices import Pricer, load_prices
from ..llm.seam import CallRecord, Usage, reply_schema
from ..llm.steps import STEP_SETTINGS
from ..prompts import PromptLibrary
from ..storage import RunDir
from .orchestrator import run_topic
from .plan import PLAN_VARIABLES, make_plan
from .results import INTERRUPTED_MESSAGE, ChannelResult, Job, TopicResult
from .runtime import Runtime
from .worker import check_prompts

if TYPE_CHECKING:
    from ..channels.base import Channel
    from ..config import Settings
    from ..llm.gemini import GeminiLLM
    from ..llm.limiter import Limiter
    from ..llm.seam import LLM

# Per-call latency of the offline simulator: enough to show the channels overlapping.
OFFLINE_LATENCY = {"linkedin": 0.25, "newsletter": 0.3, "blog": 0.2}
OFFLINE_KEY = "offline-simulator"
#: Whether a run takes replies from the response cache: resumed work does ("reuse"), a new
#: run asks afresh and files what it gets ("fresh"), --no-cache neither reads nor files ("off").
CachePolicy = Literal["reuse", "fresh", "off"]


@dataclass(frozen=True)
class Session:
    settings: Settings
    runtime: Runtime
    pricer: Pricer = field(default_factory=lambda: Pricer(load_prices()))
    budget: Budget = field(default_factory=Budget)
    cache: ResponseCache | None = None
    #: Warnings about the settings, for the user: models without a price, clamped thinking.
    notes: tuple[str, ...] = ()

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
        cache: CachePolicy = "fresh",
    ) -> Iterator[Session]:
        """Check the prompts, the key and the prices, then build the shared pieces. No request
        is made."""
        prompts = PromptLibrary.for_settings(settings.prompts_dir)
        check_prompts(list(channels), prompts)
        prompts.check("plan.md", PLAN_VARIABLES)
        prepare(channels)
        pricer = Pricer(load_prices(settings.prices_file))
        notes = costs_notes(settings, pricer)
        stop = threading.Event()
        budget = Budget(stop=stop)
        if settings.max_cost is not None:
            require_prices(settings, pricer, "--max-cost")
            budget.add(run_cap(settings.max_cost))
        responses = (
            None
            if cache == "off"
            else ResponseCache(
                settings.output_dir / CACHE_DIRECTORY,
                settings.cache_max_mb * 1_000_000,
                read=cache == "reuse",
            )
        )
        fake = None
        built: GeminiLLM | None = None
        try:
            if llm is None:
                if offline:
                    from ..fake import FakeGemini

                    # The simulated judge turns down the newsletter's first draft, to show a
                    # revision.
                    fake = FakeGemini(
                        latency=OFFLINE_LATENCY, judge_fail_first=("newsletter",)
                    ).start()
                llm = built = gemini_client(
                    settings,
                    stop,
                    sleep=sleep,
                    fake_url=fake.url if fake else None,
                    pricer=pricer,
                    budget=budget,
                    cache=responses,
                )
            runtime = Runtime.build(settings, llm, stop=stop, simulated=offline, prompts=prompts)
            yield cls(settings, runtime, pricer, budget, responses, notes)
        finally:
            stop.set()
            if built is not None:
                built.close()  # its connections: a client someone else passed in is theirs
            if fake is not None:
                fake.stop()

    def require_prices(self, cap: str) -> None:
        require_prices(self.settings, self.pricer, cap)

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
        except LLMError as exc:
            if isinstance(exc, RunHalted):
                self.runtime.halt.trip(exc)
            usage = exc.record.usage if isinstance(exc.record, CallRecord) else Usage()
            message = self.runtime.redact(str(exc))
            return job, {"error": message, "error_kind": exc.reason}, usage
        except Deferred:
            raise  # a batch run: the channels wait for the plan, and its caller knows
        except Interrupted:
            # Stopped (Ctrl-C, or another entry halted the run) before the plan came back: the
            # channels see the stop flag and end as interrupted, not as failed.
            return job, {"error": INTERRUPTED_MESSAGE, "error_kind": "interrupted"}, Usage()
        except OSError as exc:  # plan.json could not be written: the plan still holds
            raise UsageError(f"cannot write {run_dir.path}/plan.json: {exc.strerror}") from None
        usage = sum((c.usage for c in plan.calls), Usage())
        return replace(job, plan=plan), plan.record(), usage


def prepare(channels: Sequence[Channel]) -> None:
    """Load the rule files and make the reply schemas now, once per process, before any
    request: a rule file with a mistake stops the run before it pays for a draft, and no
    channel's first request waits for either (they take milliseconds)."""
    from ..quality.judge import Judgement, VoiceJudgement
    from ..quality.rules import default_phrases_file, load_phrases
    from ..quality.tells import default_tells_file, load_tells
    from .plan import Plan

    try:
        load_tells(default_tells_file())
        load_phrases(default_phrases_file())
    except (OSError, ValueError) as exc:
        raise UsageError(f"the built-in rules cannot be read: {exc}") from None
    for model in (Plan, Judgement, VoiceJudgement, *(c.schema for c in channels)):
        reply_schema(model)


def models_used(settings: Settings) -> dict[str, str]:
    return {"CONTENT_GEN_MODEL": settings.model, "CONTENT_GEN_JUDGE_MODEL": settings.judge_model}


def require_prices(settings: Settings, pricer: Pricer, cap: str) -> None:
    """A cap needs every model's price: one whose price is unknown could spend anything."""
    for setting, model in models_used(settings).items():
        if pricer.table.lookup(model) is None:
            raise UsageError(
                f"{cap} needs the price of {model} ({setting}), which {pricer.table.origin} "
                "does not have: add it to a file named by CONTENT_GEN_PRICES_FILE"
            )


def costs_notes(settings: Settings, pricer: Pricer) -> tuple[str, ...]:
    """What the user should know before the run about its prices and thinking."""
    notes = pricer.table.notes(models_used(settings))
    notes += [t.note for step in STEP_SETTINGS if (t := settings.thinking(step)).note]
    return tuple(dict.fromkeys(notes))


def run_cap(dollars: float) -> Cap:
    return Cap(
        f"--max-cost {dollars:g}",
        dollars,
        advice="finished work is kept; run again with a higher --max-cost to finish the rest "
        "(replies already paid for are reused)",
    )


def gemini_client(
    settings: Settings,
    stop: threading.Event,
    *,
    sleep: Callable[[float], object] | None = None,
    jitter: Callable[[], float] | None = None,
    fake_url: str | None = None,
    limiter: Limiter | None = None,
    clock: Callable[[], float] | None = None,
    pricer: Pricer | None = None,
    budget: Budget | None = None,
    cache: ResponseCache | None = None,
) -> GeminiLLM:
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
        pricer=pricer,
        budget=budget,
        cache=cache,
        endpoint=OFFLINE_KEY if fake_url else None,
        **options,
    )
