"""Send back: one revision of a saved piece with a person's note, then the judge, in a job.

The page needs no API key until a piece is sent back: the session (its prompts checked, its
client and limiter built) is opened the first time one is, and kept until the page stops,
which sets its stop flag so a revision still running ends at its next request.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import replace
from typing import TYPE_CHECKING

from .. import channels as registry
from ..errors import UsageError
from ..pipeline.revise import job_of, revise_saved
from .actions import Conflict, Desk, Gone
from .jobs import DONE, FAILED, Job

if TYPE_CHECKING:
    from ..config import Settings
    from ..llm.seam import LLM, LLMRequest
    from ..pipeline.session import Session
    from ..storage import RunDir
    from .model import Piece

#: The job's steps, as the page's progress bar counts them.
STEPS = {"revise": (0, "Revising with your note"), "judge": (1, "The judge is reading it")}
SAVING, TOTAL = 2, 3


class Reviser:
    def __init__(
        self,
        settings: Settings,
        *,
        offline: bool = False,
        sleep: Callable[[float], object] | None = None,
        llm: LLM | None = None,
    ) -> None:
        self.settings = settings
        self._offline, self._sleep, self._llm = offline, sleep, llm
        self._stack = ExitStack()
        self._session: Session | None = None
        self._lock = threading.Lock()
        self._closed = False

    def session(self) -> Session:
        """The session, opened on first use; UsageError (no key, a broken prompt) if it cannot."""
        from ..pipeline.session import Session

        with self._lock:
            if self._closed:
                raise UsageError("the review page is stopping")
            if self._session is None:
                opened = Session.open(
                    self.settings,
                    registry.load(registry.names()),
                    offline=self._offline,
                    sleep=self._sleep,
                    llm=self._llm,
                )
                self._session = self._stack.enter_context(opened)
                self._session.runtime.llm.connect()
            return self._session

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._stack.close()

    def run(self, job: Job, desk: Desk, run_dir: RunDir, piece: Piece, note: str) -> None:
        """The job's work: revise, judge, record; its outcome is in `job`, never raised."""
        job.update(total=TOTAL, message="Starting")
        try:
            session = self.session()
            spec = registry.get(piece.channel)
        except UsageError as exc:  # no key, a broken prompt
            job.update(state=FAILED, message=str(exc))
            return
        # The piece is read, and its files made again, with the settings its run recorded.
        rt = replace(session.runtime, context=session.runtime.context.for_run(piece.manifest))

        def heard(request: LLMRequest) -> None:
            step, message = STEPS.get(request.step, (0, request.step))
            job.update(step=step, message=message)

        numbers = [int(a.get("number") or 0) for a in piece.attempts]
        revision = revise_saved(
            spec,
            job_of(run_dir, piece.manifest, self.settings.audience),
            run_dir,
            rt,
            piece.files,
            note,
            max(numbers, default=0) + 1,
            on_call=heard,
        )
        job.update(step=SAVING, message="Saving")
        try:
            change = desk.revised(run_dir, piece.channel, piece.sha256, note, revision)
        except (Conflict, Gone, OSError) as exc:
            revision.discard()
            job.update(state=FAILED, message=f"could not record the revision: {exc}")
            return
        attempt = revision.attempt
        notes = [*([revision.error] if revision.error else []), *change.notes]
        result = {
            "attempt": attempt.number,
            "score": attempt.as_dict()["judge"]["mean"] if attempt.judgement else None,
            "passed": attempt.passed,
            "sha256": change.sha256,
            "notes": notes,
        }
        replaced = change.sha256 != piece.sha256
        message = (
            f"Attempt {attempt.number} is in place"
            + (f", score {result['score']:.2f}" if result["score"] is not None else "")
            if replaced
            else f"Attempt {attempt.number} was recorded; the piece is unchanged"
        )
        job.update(
            state=DONE if revision.error is None else FAILED,
            step=TOTAL,
            message=message + (f": {'; '.join(notes)}" if notes else ""),
            result=result,
        )
