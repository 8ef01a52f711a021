"""The orchestrator and the quality loop, with a scripted fake at the project's LLM seam."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from content_gen import channels
from content_gen.channels import ChannelContext
from content_gen.config import Settings
from content_gen.errors import ReplyError, TransientAPIError
from content_gen.fake import FAIL, PASS
from content_gen.fake.edits import current_draft, edits_between
from content_gen.fake.prose import blog as _blog
from content_gen.fake.prose import linkedin as _linkedin
from content_gen.llm.seam import CallRecord, LLMReply, LLMRequest, Usage
from content_gen.pipeline.orchestrator import run_topic
from content_gen.pipeline.plan import Plan
from content_gen.pipeline.results import Job
from content_gen.pipeline.runtime import Runtime
from content_gen.pipeline.session import Session
from content_gen.pipeline.worker import run_channel
from content_gen.quality.judge import Judgement
from content_gen.storage import RunDir

TOPIC = "How small teams can adopt AI code review"


def judgement(scores: dict[str, int]) -> Judgement:
    return Judgement.model_validate(
        {
            k: {"evidence": ["quote"], "critique": "so-so", "score": v, "fix": f"fix {k}"}
            for k, v in scores.items()
        }
    )


class ScriptedLLM:
    """Replies from a per-(channel, step) script; anything unscripted gets a good answer."""

    def __init__(self) -> None:
        self.script: dict[tuple[str, str], deque[Any]] = {}
        self.requests: list[LLMRequest] = []
        self.connected = False
        self._lock = threading.Lock()

    def connect(self) -> None:
        self.connected = True

    def then(self, channel: str, step: str, *replies: Any) -> ScriptedLLM:
        self.script.setdefault((channel, step), deque()).extend(replies)
        return self

    def generate(self, request: LLMRequest) -> LLMReply:
        with self._lock:
            self.requests.append(request)
            queue = self.script.get((request.channel, request.step))
            reply = queue.popleft() if queue else None
        if isinstance(reply, Exception):
            raise reply
        if reply is None and request.step == "plan":
            reply = Plan(
                angle="One angle.", key_points=["A point."], claims=[], call_to_action="Act."
            )
        if reply is None and request.schema.__name__.endswith("Edits"):  # a revision as edits
            revised = _default_draft(request.channel, True).model_dump()
            edits = edits_between(current_draft(request.prompt) or {}, revised)
            reply = request.schema.model_validate(edits)
        if reply is None:
            reply = (
                judgement(PASS)
                if request.step == "judge"
                else _default_draft(request.channel, request.step == "revise")
            )
        record = CallRecord(request.step, request.model, 1, 0.01, Usage(1, 10, 5, 15))
        return LLMReply(reply, record)


def _default_draft(channel: str, revised: bool) -> Any:
    data = {"linkedin": _linkedin, "blog": _blog}[channel](TOPIC, None, revised)
    return channels.get(channel).schema.model_validate(data)


def runtime(llm: ScriptedLLM, stop: threading.Event | None = None, **settings: Any) -> Runtime:
    """A Runtime around the scripted LLM, built the one way the session builds it."""
    options = {"model": "writer-model", "judge_model": "judge-model"} | settings
    return Runtime.build(Settings(**options), llm, stop=stop)


@pytest.fixture
def run_dir(tmp_path: Path) -> RunDir:
    return RunDir.create(tmp_path, date(2026, 11, 21), TOPIC)


JOB = Job(TOPIC, day=date(2026, 11, 21))


def test_revision_gets_the_violations_and_only_the_weak_criteria(run_dir: RunDir) -> None:
    llm = ScriptedLLM().then("linkedin", "judge", judgement(FAIL), judgement(PASS))

    result = run_channel(channels.get("linkedin"), JOB, run_dir, runtime(llm)).result

    assert result.passed and result.best == 2
    revise = next(r for r in llm.requests if r.step == "revise")
    assert "specificity (2/5): fix specificity" in revise.prompt
    assert "hook (3/5): fix hook" in revise.prompt
    assert "relevance" not in revise.prompt.split("Problems to fix:")[1].split("Fix exactly")[0]
    assert revise.model == "writer-model" and revise.attempt == 2
    judges = [r for r in llm.requests if r.step == "judge"]
    assert {r.model for r in judges} == {"judge-model"}
    assert all(r.model_setting == "CONTENT_GEN_JUDGE_MODEL" for r in judges)


def test_a_judge_parse_failure_is_never_a_score(run_dir: RunDir) -> None:
    llm = ScriptedLLM().then(
        "linkedin", "judge", ReplyError("reply did not match", reason="invalid_reply")
    )

    result = run_channel(channels.get("linkedin"), JOB, run_dir, runtime(llm)).result

    assert result.status == "failed" and result.score is None
    assert result.error_kind == "invalid_reply"
    assert result.attempts[0].judgement is None and result.attempts[0].judge_error


def test_zero_revisions_means_one_attempt(run_dir: RunDir) -> None:
    llm = ScriptedLLM().then("blog", "judge", judgement(FAIL))

    result = run_channel(channels.get("blog"), JOB, run_dir, runtime(llm, max_revisions=0)).result

    assert result.status == "below_bar" and len(result.attempts) == 1
    assert [r.step for r in llm.requests] == ["draft", "judge"]


def test_stop_flag_means_no_new_requests_and_no_file(run_dir: RunDir) -> None:
    stop = threading.Event()
    stop.set()
    llm = ScriptedLLM()

    result = run_channel(channels.get("blog"), JOB, run_dir, runtime(llm, stop=stop)).result

    assert result.status == "interrupted" and llm.requests == []
    assert not (run_dir.path / "blog.md").exists()


def test_a_crashing_channel_cannot_touch_the_others(run_dir: RunDir) -> None:
    def explode(draft: Any, ctx: ChannelContext) -> str:
        raise RuntimeError("renderer bug")

    broken = replace(channels.get("blog"), render=explode)
    llm = ScriptedLLM()

    result = run_topic(JOB, [channels.get("linkedin"), broken], run_dir, runtime(llm))

    assert result.results["linkedin"].passed
    blog = result.results["blog"]
    assert blog.status == "failed" and blog.error_kind == "internal_error"
    assert "renderer bug" in blog.error
    assert result.manifest["status"] == "partial"
    assert (run_dir.path / "linkedin.md").is_file()


def test_keep_earlier_merges_a_redone_channel_into_run_json(run_dir: RunDir) -> None:
    llm = ScriptedLLM().then("blog", "draft", *[TransientAPIError("503", reason="server_error")])
    first = run_topic(JOB, [channels.get("linkedin"), channels.get("blog")], run_dir, runtime(llm))
    assert first.manifest["status"] == "partial"

    second = run_topic(
        JOB, [channels.get("blog")], run_dir, runtime(ScriptedLLM()), keep_earlier=True
    )

    manifest = run_dir.read_manifest()
    assert manifest == second.manifest
    assert manifest["status"] == "complete"
    assert manifest["channels"]["linkedin"] == first.manifest["channels"]["linkedin"]
    assert manifest["channels"]["blog"]["ok"] is True


def test_without_keep_earlier_the_manifest_lists_only_this_run(run_dir: RunDir) -> None:
    run_topic(JOB, [channels.get("linkedin")], run_dir, runtime(ScriptedLLM()))
    second = run_topic(JOB, [channels.get("blog")], run_dir, runtime(ScriptedLLM()))
    assert list(second.manifest["channels"]) == ["blog"]


def test_a_session_runs_on_any_object_that_implements_the_seam(tmp_path: Path) -> None:
    llm = ScriptedLLM().then("blog", "judge", judgement(FAIL))
    settings = Settings(output_dir=tmp_path / "out")  # no API key: none is needed
    wanted = [channels.get("linkedin"), channels.get("blog")]

    with Session.open(settings, wanted, llm=llm) as session:
        result = session.run(JOB, wanted)

    assert llm.connected and result.ok
    assert [r.step for r in llm.requests if r.channel == "blog"] == [
        "draft",
        "judge",
        "revise",
        "judge",
    ]
    assert sorted(p.name for p in result.run_dir.path.iterdir()) == [
        "blog.md",
        "linkedin.md",
        "plan.json",
        "run.json",
    ]
