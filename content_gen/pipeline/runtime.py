"""What every worker of a run shares, built once from the settings and read-only afterwards."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..channels.base import ChannelContext
from ..errors import RunHalted
from ..prompts import PromptLibrary
from ..quality.judge import QualityBar
from ..redact import Redact, redactor

if TYPE_CHECKING:
    from ..config import Settings
    from ..llm.seam import LLM


class Halt:
    """The first fact that stopped the whole run (a spent daily quota, a rejected key).

    Tripping it sets the stop flag, so every channel and calendar entry ends at once.
    """

    def __init__(self, stop: threading.Event) -> None:
        self._stop = stop
        self._lock = threading.Lock()
        self.error: RunHalted | None = None

    def trip(self, error: RunHalted) -> None:
        with self._lock:
            if self.error is None:
                self.error = error
        self._stop.set()


@dataclass(frozen=True)
class Runtime:
    llm: LLM
    prompts: PromptLibrary
    model: str
    judge_model: str
    max_revisions: int
    bar: QualityBar
    context: ChannelContext
    stop: threading.Event = field(default_factory=threading.Event)
    clock: Callable[[], float] = time.monotonic
    simulated: bool = False
    redact: Redact = field(default_factory=redactor)
    #: How revisions come back: "edits", "rewrite" or "auto" (edits for longer pieces).
    revise: str = "auto"
    #: One per stop flag, made with it: whoever halts the run sets that flag.
    halt: Halt = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "halt", Halt(self.stop))

    @classmethod
    def build(
        cls,
        settings: Settings,
        llm: LLM,
        *,
        stop: threading.Event | None = None,
        simulated: bool = False,
        clock: Callable[[], float] = time.monotonic,
        prompts: PromptLibrary | None = None,
    ) -> Runtime:
        """The one way a Runtime is assembled: by the session, the tests and the benchmarks."""
        return cls(
            llm=llm,
            prompts=prompts or PromptLibrary.for_settings(settings.prompts_dir),
            model=settings.model,
            judge_model=settings.judge_model,
            max_revisions=settings.max_revisions,
            bar=QualityBar(min_score=settings.pass_min, min_mean=settings.pass_mean),
            context=ChannelContext.of(settings),
            stop=stop or threading.Event(),
            clock=clock,
            simulated=simulated,
            redact=redactor(*settings.secrets()),
            revise=settings.revise,
        )
