"""A piece's files are written while its judge is asked, and only the kept draft's survive."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from test_orchestrator import JOB, TOPIC, ScriptedLLM, judgement, runtime

from content_gen import channels
from content_gen.errors import Interrupted
from content_gen.fake import FAIL, PASS
from content_gen.llm.seam import LLMReply, LLMRequest
from content_gen.pipeline.orchestrator import run_topic
from content_gen.pipeline.worker import job_context, run_channel
from content_gen.storage import RunDir, Staged


@dataclass(frozen=True)
class WatchedDir(RunDir):
    """A run directory that says when files are staged, and can fail the first staging."""

    staged: threading.Event = field(default_factory=threading.Event)
    fail_first: list[bool] = field(default_factory=list)

    def stage_all(self, files: dict[str, str]) -> tuple[Staged, ...]:
        if self.fail_first:
            self.fail_first.pop()
            raise OSError(28, "No space left on device")
        staged = super().stage_all(files)
        self.staged.set()
        return staged


class JudgeSends(ScriptedLLM):
    """Sends each judge request (its meter says so), then notes whether the piece's files
    were staged before the judge answered."""

    def __init__(self, run_dir: WatchedDir) -> None:
        super().__init__()
        self.run_dir = run_dir
        self.staged_before_reply: list[bool] = []

    def generate(self, request: LLMRequest) -> LLMReply:
        if request.step == "judge":
            assert request.meter is not None
            request.meter.sent()
            self.staged_before_reply.append(self.run_dir.staged.wait(timeout=10))
            self.run_dir.staged.clear()
            request.meter.answered()
        return super().generate(request)


@pytest.fixture
def watched(tmp_path: Path) -> WatchedDir:
    made = RunDir.create(tmp_path, date(2026, 11, 21), TOPIC)
    return WatchedDir(made.path)


def leftovers(run_dir: RunDir) -> list[str]:
    return [p.name for p in run_dir.path.iterdir() if p.name.endswith(".tmp")]


def saved_text(run_dir: RunDir, name: str) -> str:
    return (run_dir.path / f"{name}.md").read_text(encoding="utf-8")


def rendered(name: str, draft: Any) -> str:
    channel = channels.get(name)
    return channel.files(draft, job_context(runtime(ScriptedLLM()), JOB))[channel.filename]


def test_the_files_are_written_while_the_judge_is_asked(watched: WatchedDir) -> None:
    llm = JudgeSends(watched)

    result = run_topic(JOB, [channels.get("blog")], watched, runtime(llm))

    assert llm.staged_before_reply == [True]
    blog = result.results["blog"]
    assert blog.passed and result.manifest["channels"]["blog"]["ok"]
    kept = next(a for a in blog.attempts if a.number == blog.best)
    assert saved_text(watched, "blog") == rendered("blog", kept.draft)
    assert leftovers(watched) == []


def test_a_revised_piece_keeps_the_revision_and_drops_the_first_drafts_files(
    watched: WatchedDir,
) -> None:
    llm = JudgeSends(watched).then("linkedin", "judge", judgement(FAIL), judgement(PASS))

    result = run_topic(JOB, [channels.get("linkedin")], watched, runtime(llm, max_revisions=1))

    linkedin = result.results["linkedin"]
    assert linkedin.best == 2 and llm.staged_before_reply == [True, True]
    assert saved_text(watched, "linkedin") == rendered("linkedin", linkedin.attempts[1].draft)
    assert leftovers(watched) == []


def test_when_an_earlier_draft_stays_best_its_files_are_the_ones_saved(
    watched: WatchedDir,
) -> None:
    better, worse = dict.fromkeys(FAIL, 3), dict.fromkeys(FAIL, 2)
    llm = JudgeSends(watched).then("linkedin", "judge", judgement(better), judgement(worse))

    result = run_topic(JOB, [channels.get("linkedin")], watched, runtime(llm, max_revisions=1))

    linkedin = result.results["linkedin"]
    assert len(linkedin.attempts) == 2 and linkedin.best == 1
    first, second = (a.draft for a in linkedin.attempts)
    assert rendered("linkedin", first) != rendered("linkedin", second)
    assert saved_text(watched, "linkedin") == rendered("linkedin", first)
    assert leftovers(watched) == []


def test_files_that_could_not_be_made_ahead_are_made_after_the_judge(
    watched: WatchedDir,
) -> None:
    watched.fail_first.append(True)  # the helper's staging fails; the worker's own does not

    result = run_topic(JOB, [channels.get("blog")], watched, runtime(ScriptedLLM()))

    blog = result.results["blog"]
    assert blog.passed and not watched.fail_first
    assert saved_text(watched, "blog") == rendered("blog", blog.attempts[0].draft)
    assert leftovers(watched) == []


def test_a_run_stopped_while_its_judge_is_asked_leaves_no_files(watched: WatchedDir) -> None:
    stop = threading.Event()

    class StoppedDuringJudge(JudgeSends):
        def generate(self, request: LLMRequest) -> LLMReply:
            if request.step == "judge":
                assert request.meter is not None
                request.meter.sent()
                assert self.run_dir.staged.wait(timeout=10)  # the files were made ahead...
                stop.set()
                raise Interrupted()  # ...and Ctrl-C came before the judge's reply
            return super().generate(request)

    llm = StoppedDuringJudge(watched)
    run = run_channel(channels.get("blog"), JOB, watched, runtime(llm, stop))

    assert run.result.status == "interrupted" and run.staged == ()
    assert leftovers(watched) == [] and not (watched.path / "blog.md").exists()
