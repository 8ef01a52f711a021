"""The page's live rules are `content-gen check`'s, and a send-back fails or holds back safely."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import TEST_KEY, Sleeps
from reviewing import api, finished, request, serve, write_run

from content_gen import channels
from content_gen.channels import ChannelContext
from content_gen.cli import main
from content_gen.config import Settings
from content_gen.fake import PASS, FakeGemini
from content_gen.llm.seam import CallRecord, LLMReply, LLMRequest, Usage
from content_gen.quality.judge import Judgement
from content_gen.review.actions import Desk
from content_gen.review.model import Folder
from content_gen.review.routes import App
from content_gen.review.sendback import Reviser
from content_gen.review.server import ReviewServer
from content_gen.storage import RunDir, file_sha256


@pytest.fixture
def run(env: FakeGemini, sleeps: Sleeps) -> Path:
    return write_run(sleeps)


def seen(run: Path, channel: str = "linkedin") -> str:
    return file_sha256(run / f"{channel}.md") or ""


def send_back(server: ReviewServer, run: Path, note: str = "Shorter, please") -> dict[str, Any]:
    path = f"api/run/{run.name}/linkedin/send-back"
    status, job = api(server, path, {"seen": seen(run), "note": note})
    assert status == 202, job
    return job


def test_live_rules_are_the_ones_content_gen_check_reports(
    run: Path, env: FakeGemini, sleeps: Sleeps, capsys
) -> None:
    text = (run / "linkedin.md").read_text() + "\n[Your Name] \u2014 leverage it \u2014 now.\n"
    Path("edited.linkedin.md").write_text(text, encoding="utf-8")
    capsys.readouterr()
    main(["check", "edited.linkedin.md", "--json"])
    (checked,) = json.loads(capsys.readouterr().out)["files"]

    server = serve(run.parent, env, sleeps)
    try:
        status, live = api(server, "api/check", {"channel": "linkedin", "text": text})
    finally:
        server.close()
    assert status == 200
    assert live["warnings"] == checked["violations"] and checked["violations"]
    assert {"placeholder"} <= {v["rule"] for v in live["warnings"]}
    assert "[Your Name]" in live["html"] and live["problem"] is None


def test_a_file_its_parser_cannot_read_is_shown_with_the_reason(
    run: Path, env: FakeGemini, sleeps: Sleeps
) -> None:
    server = serve(run.parent, env, sleeps)
    try:
        status, live = api(server, "api/check", {"channel": "newsletter", "text": "no subject"})
        assert status == 200 and live["warnings"] == []
        assert "Subject:" in live["problem"] and "no subject" in live["html"]
        (run / "newsletter.md").write_text("<b>not a newsletter</b>\n")
        status, body = request(server, f"/{server.token}/run/{run.name}/newsletter")
        assert status == 200 and b"cannot read this file" in body
        assert b"&lt;b&gt;not a newsletter&lt;/b&gt;" in body
    finally:
        server.close()


def test_without_a_key_a_send_back_fails_in_one_line_and_changes_no_file(
    run: Path, env: FakeGemini, sleeps: Sleeps
) -> None:
    before = (run / "linkedin.md").read_text()
    app = App(Folder(run.parent), Desk(), Reviser(Settings(), sleep=sleeps), ChannelContext())
    server = ReviewServer(app).start()
    try:
        job = finished(server, send_back(server, run))
    finally:
        server.close()
    assert job["state"] == "failed" and job["message"].startswith("no API key: set GEMINI_API_KEY")
    assert "\n" not in job["message"]
    assert (run / "linkedin.md").read_text() == before
    record = json.loads((run / "run.json").read_text())["channels"]["linkedin"]
    assert record["review"]["state"] == "sent_back" and len(record["attempts"]) == 1


class Scripted:
    """An LLM whose revision is `draft`, judged PASS; `during` runs as the revision is made."""

    def __init__(self, draft: dict[str, Any], during: Callable[[], object] = lambda: None):
        self.draft, self.during = draft, during
        self.requests: list[LLMRequest] = []

    def connect(self) -> None:
        pass

    def generate(self, request: LLMRequest) -> LLMReply:
        self.requests.append(request)
        if request.step == "judge":
            value: Any = Judgement.model_validate(
                {
                    k: {"evidence": ["q"], "critique": "c", "score": v, "fix": ""}
                    for k, v in PASS.items()
                }
            )
        else:
            self.during()
            value = channels.get(request.channel).schema.model_validate(self.draft)
        record = CallRecord(request.step, request.model, 1, 0.01, Usage(1, 10, 5, 15))
        return LLMReply(value, record)


@pytest.fixture
def scripted(run: Path, sleeps: Sleeps) -> Iterator[Callable[[Scripted], ReviewServer]]:
    servers: list[ReviewServer] = []

    def start(llm: Scripted) -> ReviewServer:
        # Scripted revisions come back whole, so they are asked for whole (not as edits).
        settings = Settings(api_key=TEST_KEY, revise="rewrite")
        app = App(Folder(run.parent), Desk(), Reviser(settings, llm=llm), ChannelContext())
        servers.append(ReviewServer(app).start())
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def test_a_revision_a_rule_blocks_is_recorded_but_not_put_in_place(run: Path, scripted) -> None:
    before = (run / "linkedin.md").read_text()
    llm = Scripted({"post": "Signed, [Your Name]. **Bold** move.", "hashtags": []})
    server = scripted(llm)

    job = finished(server, send_back(server, run, "Sign it"))

    assert job["state"] == "failed" and "blocking rule" in job["message"]
    assert (run / "linkedin.md").read_text() == before
    record = json.loads((run / "run.json").read_text())["channels"]["linkedin"]
    assert len(record["attempts"]) == 2 and record["attempts"][-1]["blocked"]
    assert record["attempts"][-1]["note"] == "Sign it" and record["best_attempt"] == 1
    assert [r.step for r in llm.requests] == ["revise"]  # the judge only when no rule blocks
    assert "the reviewer asks: Sign it" in llm.requests[0].prompt
    assert record["usage"]["calls"] == 3  # the draft, its judgement, and this revision


def test_a_piece_edited_while_its_revision_runs_keeps_the_edit(run: Path, scripted) -> None:
    edit = "A person's version, saved in another tab.\n"

    def edit_meanwhile() -> None:
        Desk().save(RunDir(run), "linkedin", seen(run), edit)

    good = {"post": "The first step is smaller than most teams think.", "hashtags": ["Teams"]}
    server = scripted(Scripted(good, during=edit_meanwhile))

    job = finished(server, send_back(server, run))

    assert "changed while the revision ran" in job["message"]
    assert (run / "linkedin.md").read_text() == edit
    record = json.loads((run / "run.json").read_text())["channels"]["linkedin"]
    assert record["sha256"] == seen(run) and len(record["attempts"]) == 2
    assert not list(run.glob(".*.tmp"))


def test_one_send_back_of_a_piece_at_a_time(run: Path, scripted) -> None:
    good = {"post": "The first step is smaller than most teams think.", "hashtags": []}
    started: list[bool] = []
    server = scripted(Scripted(good, during=lambda: (started.append(True), time.sleep(0.5))))
    first = send_back(server, run)
    while not started:
        time.sleep(0.01)
    status, answer = api(
        server, f"api/run/{run.name}/linkedin/send-back", {"seen": seen(run), "note": "Again"}
    )
    assert status == 409 and "already running" in answer["error"]
    assert finished(server, first)["state"] == "done"
