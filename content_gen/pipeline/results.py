"""What a run produces, as data: the job, each attempt, each channel's result, the topic's.

Results are frozen and built through one constructor per kind (saved, failed, interrupted), so
a result with neither a file nor an error, or one changed after its checks ran, cannot exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ..errors import LLMError, SourceError, UsageError
from ..llm.seam import CallRecord, Usage
from ..quality.claims import Evidence
from ..quality.judge import Judgement, judgement_dict, mean_score, rank
from ..quality.rules import Violation, blocking, warnings

if TYPE_CHECKING:
    from pydantic import BaseModel

    from ..redact import Redact
    from ..sources import Source
    from ..storage import RunDir
    from ..voice.kit import VoiceKit
    from .plan import TopicPlan


class Status(StrEnum):
    """How a channel ended. PASSED and BELOW_BAR saved a piece; the others did not finish.

    FAILED is the channel's own failure. INTERRUPTED (Ctrl-C, SIGTERM) and STOPPED (the whole
    run halted: a spent daily quota, a rejected key) are not: the next run simply does it.
    """

    PASSED = "passed"
    BELOW_BAR = "below_bar"
    FAILED = "failed"
    INTERRUPTED = "interrupted"
    STOPPED = "stopped"


INTERRUPTED_MESSAGE = "interrupted before this channel finished"


@dataclass(frozen=True)
class Job:
    """One topic to write about, with what the pieces must draw on."""

    topic: str
    brief: str = ""
    audience: str = ""
    day: date = field(default_factory=date.today)
    #: Names the topic in log lines when several run at once (calendar runs).
    tag: str = ""
    sources: tuple[Source, ...] = ()
    #: Let the plan search the web (--research).
    research: bool = False
    #: The verified plan, once it is made (Session.run makes it before the channels).
    plan: TopicPlan | None = None
    #: Where the call to action links to, if not CONTENT_GEN_CTA_URL (a calendar's cta_url).
    cta_url: str | None = None
    #: The voice kit the pieces are written in (--voice, or the calendar's voice column).
    voice: VoiceKit | None = None
    #: The language the pieces are written in, a BCP 47 tag; None: English, unchecked.
    language: str | None = None

    def log_tag(self, channel: str) -> str:
        return f"{self.tag} {channel}" if self.tag else channel

    @cached_property
    def evidence(self) -> Evidence:
        """What the pieces may state as fact: the plan's claims, the brief, the sources."""
        research = self.plan.research if self.plan else ()
        texts = [self.topic, self.brief, *(s.text for s in (*self.sources, *research))]
        return Evidence.of(texts, self.plan.claims if self.plan else ())

    @property
    def references(self) -> tuple[tuple[str, str, str], ...]:
        """(id, title, origin) of every source, for the pieces that cite them."""
        research = self.plan.research if self.plan else ()
        return tuple((s.id, s.title, s.origin) for s in (*self.sources, *research))


@dataclass(frozen=True)
class Attempt:
    """One draft or revision: its rule results, its judgement and the calls it took."""

    number: int
    draft: BaseModel | None = None
    violations: tuple[Violation, ...] = ()
    judgement: Judgement | None = None
    judge_error: str | None = None
    passed: bool = False
    calls: tuple[CallRecord, ...] = ()
    seconds: float = 0.0
    #: The draft as its file would hold it: the review page diffs each attempt against the
    #: last, and `content-gen learn` compares an edit with it.
    text: str | None = None
    #: How a revision came back: as edits or rewritten, and why edits fell back, if they did.
    revision: dict[str, object] | None = None

    @property
    def blocked(self) -> bool:
        return bool(blocking(self.violations))

    @property
    def usage(self) -> Usage:
        return sum((c.usage for c in self.calls), Usage())

    @property
    def rank(self) -> tuple[bool, int, float]:
        return rank(self.blocked, self.judgement)

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "kind": "draft" if self.number == 1 else "revision",
            "revision": self.revision,
            "rules": [v.as_dict() for v in self.violations],
            "blocked": self.blocked,
            "judge": judgement_dict(self.judgement),
            "judge_error": self.judge_error,
            "passed": self.passed,
            "tokens": self.usage.as_dict(),
            "seconds": round(self.seconds, 3),
            "calls": [c.as_dict() for c in self.calls],
            "text": self.text,
        }


@dataclass(frozen=True)
class ChannelResult:
    """Either saved (with its file) or not finished (with its error); never neither.

    A FAILED result may still carry a file: the loop broke after a draft existed, and the
    best draft so far was saved, unapproved.
    """

    channel: str
    status: Status
    file: str | None = None
    error: str | None = None
    error_kind: str | None = None
    attempts: tuple[Attempt, ...] = ()
    best: int | None = None  # number of the attempt that was saved
    # The saved attempt's mean judge score: a field, not read from `attempts` on demand, so
    # that a result can let go of its judgements and still report it.
    score: float | None = None
    stop_reason: str | None = None
    seconds: float = 0.0
    #: The saved file's SHA-256: a later run adopts the file only if it is still this one.
    sha256: str | None = None
    #: The piece's other files, rendered from the same draft (Channel.extras): (name, SHA-256).
    extra_files: tuple[tuple[str, str], ...] = ()
    #: The plan's claims (C1, C2, ...) the saved piece uses.
    claims_used: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.ok and self.file is None:
            raise ValueError("a saved channel result needs its file")
        if not self.ok and self.error is None:
            raise ValueError("a channel result that did not finish needs its error")

    @classmethod
    def saved(
        cls,
        channel: str,
        file: str,
        attempts: tuple[Attempt, ...],
        best: Attempt,
        *,
        stop_reason: str,
        seconds: float,
    ) -> ChannelResult:
        return cls(
            channel,
            Status.PASSED if best.passed else Status.BELOW_BAR,
            file=file,
            attempts=attempts,
            best=best.number,
            score=mean_score(best.judgement),
            stop_reason=stop_reason,
            seconds=seconds,
        )

    @classmethod
    def failed(
        cls,
        channel: str,
        error: BaseException,
        redact: Redact,
        *,
        attempts: tuple[Attempt, ...] = (),
        seconds: float = 0.0,
        kept: tuple[str, Attempt] | None = None,
    ) -> ChannelResult:
        """A channel that failed with `error`; `kept` is (file, attempt) if a draft was saved."""
        kind, message = describe(error)
        if kept is not None:
            message += " (the best draft so far was saved, unapproved)"
        return cls(
            channel,
            Status.FAILED,
            file=kept[0] if kept else None,
            error=redact(message),
            error_kind=kind,
            attempts=attempts,
            best=kept[1].number if kept else None,
            score=mean_score(kept[1].judgement) if kept else None,
            seconds=seconds,
        )

    @classmethod
    def interrupted(
        cls, channel: str, attempts: tuple[Attempt, ...] = (), seconds: float = 0.0
    ) -> ChannelResult:
        """A channel the run stopped (Ctrl-C, SIGTERM) before it finished."""
        return cls(
            channel,
            Status.INTERRUPTED,
            error=INTERRUPTED_MESSAGE,
            error_kind="interrupted",
            attempts=attempts,
            seconds=seconds,
        )

    @classmethod
    def stopped(
        cls,
        channel: str,
        halt: LLMError,
        attempts: tuple[Attempt, ...] = (),
        seconds: float = 0.0,
    ) -> ChannelResult:
        """A channel the run halted before it finished, for a reason about the whole run."""
        return cls(
            channel,
            Status.STOPPED,
            error=str(halt),
            error_kind=halt.reason,
            attempts=attempts,
            seconds=seconds,
        )

    @property
    def ok(self) -> bool:
        return self.status in (Status.PASSED, Status.BELOW_BAR)

    @property
    def passed(self) -> bool:
        return self.status == Status.PASSED

    @property
    def usage(self) -> Usage:
        return sum((a.usage for a in self.attempts), Usage())

    @property
    def warnings(self) -> list[Violation]:
        """The warnings the saved piece still has, in the order the rules report them."""
        saved = next((a for a in self.attempts if a.number == self.best), None)
        return warnings(saved.violations) if saved is not None else []

    def summary(self) -> ChannelResult:
        """The result without drafts, texts and judgements: what a long run keeps for its
        summary."""
        attempts = tuple(replace(a, draft=None, judgement=None, text=None) for a in self.attempts)
        return replace(self, attempts=attempts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "status": str(self.status),
            "file": self.file,
            "sha256": self.sha256,
            "extra_files": dict(self.extra_files),
            "claims_used": list(self.claims_used),
            "error": self.error,
            "error_kind": self.error_kind,
            "passed": self.passed,
            "score": self.score,
            "best_attempt": self.best,
            "stop_reason": self.stop_reason,
            "seconds": round(self.seconds, 3),
            "usage": self.usage.as_dict(),
            "attempts": [a.as_dict() for a in self.attempts],
        }


def describe(error: BaseException) -> tuple[str, str]:
    """An error as (kind, one-line message) for run.json, the ledger and the summary."""
    if isinstance(error, LLMError):
        return error.reason, str(error)
    if isinstance(error, OSError):
        where = f"{error.filename}: " if error.filename else ""
        return "write_error", f"could not save {where}{error.strerror or error}"
    if isinstance(error, SourceError):
        return "source_error", str(error)
    if isinstance(error, UsageError):
        return "write_error", str(error)
    # A bug, not an API problem: the traceback is for -vv, the user gets one line.
    return "internal_error", f"unexpected {type(error).__name__}: {error}"


@dataclass(frozen=True)
class TopicResult:
    """Every channel of one topic, in the order they were asked for."""

    job: Job
    run_dir: RunDir
    results: dict[str, ChannelResult]
    seconds: float
    interrupted: bool
    manifest: dict[str, Any]
    #: Why run.json could not be written, if it could not (the pieces were still saved).
    manifest_error: str | None = None
    #: What was paid before the channels: the plan call.
    plan_usage: Usage = field(default_factory=Usage)

    @property
    def ok(self) -> bool:
        return (
            not self.interrupted
            and self.manifest_error is None
            and all(r.ok for r in self.results.values())
        )

    @property
    def failed(self) -> list[str]:
        return [name for name, r in self.results.items() if not r.ok]

    @property
    def usage(self) -> Usage:
        return sum((r.usage for r in self.results.values()), self.plan_usage)

    @property
    def conflicts(self) -> list[dict[str, str]]:
        return list(self.manifest.get("consistency") or [])
