"""Review state lives with the content: run.json first, the ledger for calendar entries, and a
calendar run keeps what a person approved or edited unless --force says otherwise."""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import Sleeps, run_together
from reviewing import api, finished, serve

from content_gen.cli import main
from content_gen.fake import FakeGemini
from content_gen.review.actions import Conflict, Desk
from content_gen.review.state import APPROVED, EDITED, NEW, before_approval, moved, state_of
from content_gen.storage import RunDir, file_sha256

TODAY = "2026-11-21"
TOPIC = "How small teams can adopt AI code review"
CALENDAR = f"date,topic,channels\n2026-11-19,{TOPIC},linkedin;blog\n"
LEDGER = Path("out/ledger.sqlite")


def calendar(sleeps: Sleeps, *args: str) -> int:
    argv = ["calendar", "run", "cal.csv", "--out", "out", "--today", TODAY, *args]
    return main(argv, sleep=sleeps)


def the_run() -> RunDir:
    (path,) = Path("out").glob("2026-11-19-*")
    return RunDir(path)


def seen(run: RunDir, channel: str) -> str:
    digest = file_sha256(run.path / f"{channel}.md")
    assert digest is not None
    return digest


def drafts(fake: FakeGemini, since: int = 0) -> Counter[str]:
    return Counter(r.channel for r in fake.requests[since:] if r.step == "draft")


def ledger_review(channel: str) -> Any:
    db = sqlite3.connect(LEDGER)
    try:
        return db.execute("SELECT review FROM work WHERE channel = ?", (channel,)).fetchone()[0]
    finally:
        db.close()


@pytest.fixture
def written(env: FakeGemini, sleeps: Sleeps) -> RunDir:
    """The calendar's one entry, written for real (through the fake) and recorded."""
    Path("cal.csv").write_text(CALENDAR, encoding="utf-8")
    assert calendar(sleeps) == 0
    return the_run()


def test_states_move_and_an_unapproved_piece_goes_back_to_what_it_was() -> None:
    record: dict[str, Any] = {"ok": True, "file": "blog.md"}
    assert state_of(record) == NEW
    edited = moved(record, EDITED, kept="history/blog.1.md")
    approved = moved(edited, APPROVED)
    assert state_of(approved) == APPROVED
    assert [h["state"] for h in approved["review"]["history"]] == [EDITED, APPROVED]
    assert approved["review"]["history"][0]["kept"] == "history/blog.1.md"
    assert before_approval(approved) == EDITED
    assert before_approval(moved(record, APPROVED)) == NEW
    assert state_of({"review": {"state": "bogus"}}) == NEW  # a hand-edited run.json


def test_approve_and_edit_are_in_run_json_and_the_ledger(written: RunDir, sleeps: Sleeps, capsys):
    desk = Desk(LEDGER)
    desk.approve(written, "linkedin", seen(written, "linkedin"))
    before = (written.path / "blog.md").read_text()
    change = desk.save(written, "blog", seen(written, "blog"), before + "\nOne more line.\n")

    manifest = written.read_manifest()
    assert manifest is not None
    assert state_of(manifest["channels"]["linkedin"]) == APPROVED
    blog = manifest["channels"]["blog"]
    assert state_of(blog) == EDITED and blog["sha256"] == change.sha256 == seen(written, "blog")
    kept = blog["review"]["history"][-1]["kept"]
    assert (written.path / kept).read_text() == before  # the generated version is kept
    assert written.saved("blog") is not None  # still adopted: its SHA-256 was updated
    assert (ledger_review("linkedin"), ledger_review("blog")) == (APPROVED, EDITED)

    capsys.readouterr()
    argv = ["calendar", "status", "cal.csv", "--out", "out", "--today", TODAY]
    assert main([*argv, "--json"]) == 0
    (entry,) = json.loads(capsys.readouterr().out)["entries"]
    assert {c["channel"]: c["review"] for c in entry["channels"]} == {
        "linkedin": APPROVED,
        "blog": EDITED,
    }
    assert main(argv) == 0
    table = capsys.readouterr().out
    assert re.search(r"linkedin\s+done, approved", table) and re.search(
        r"blog\s+done, edited", table
    )


def test_an_action_on_a_version_the_page_did_not_show_is_refused(written: RunDir) -> None:
    desk = Desk()
    old = seen(written, "blog")
    desk.save(written, "blog", old, "# Changed in another tab\n")
    with pytest.raises(Conflict):
        desk.approve(written, "blog", old)
    with pytest.raises(Conflict):
        desk.save(written, "blog", old, "# And again\n")
    assert (written.path / "blog.md").read_text() == "# Changed in another tab\n"


def test_two_tabs_at_once_leave_one_consistent_file_and_run_json(written: RunDir) -> None:
    desk = Desk(LEDGER)
    start = seen(written, "blog")
    outcomes: list[str] = []

    def tab(n: int) -> None:
        try:
            if n % 2:
                desk.approve(written, "blog", start)
            else:
                desk.save(written, "blog", start, f"# Tab {n}'s edit\n")
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")

    run_together(6, tab)

    record = (written.read_manifest() or {})["channels"]["blog"]
    assert record["sha256"] == seen(written, "blog")  # run.json names the file on disk
    assert outcomes.count("ok") >= 1
    text = (written.path / "blog.md").read_text()
    edits = [h for h in record["review"]["history"] if h["state"] == EDITED]
    assert len(edits) <= 1 and (not edits or text.startswith("# Tab "))
    assert not [p for p in written.path.rglob(".*.tmp")]


def test_a_real_run_keeps_approved_and_edited_pieces_an_offline_trial_wrote(
    env: FakeGemini, sleeps: Sleeps
) -> None:
    Path("cal.csv").write_text(
        CALENDAR.replace("linkedin;blog", "linkedin;newsletter;blog"), encoding="utf-8"
    )
    assert calendar(sleeps, "--offline") == 0
    run = the_run()
    desk = Desk(LEDGER)
    desk.approve(run, "linkedin", seen(run, "linkedin"))
    desk.save(run, "blog", seen(run, "blog"), "# A person's own blog post\n")
    since = len(env.requests)

    assert calendar(sleeps) == 0  # a real run: what the simulator wrote is rewritten...

    assert drafts(env, since) == Counter({"newsletter": 1})  # ...except what a person made
    assert (run.path / "blog.md").read_text() == "# A person's own blog post\n"
    manifest = run.read_manifest() or {}
    assert state_of(manifest["channels"]["linkedin"]) == APPROVED
    assert state_of(manifest["channels"]["blog"]) == EDITED


def test_force_rewrites_an_approved_piece_and_a_deleted_ledger_keeps_it(
    written: RunDir, env: FakeGemini, sleeps: Sleeps
) -> None:
    Desk(LEDGER).approve(written, "linkedin", seen(written, "linkedin"))
    LEDGER.unlink()
    since = len(env.requests)

    assert calendar(sleeps) == 0  # the ledger is gone: the disk says both are done
    assert drafts(env, since) == Counter()
    assert ledger_review("linkedin") == APPROVED and ledger_review("blog") is None

    assert calendar(sleeps, "--force") == 0
    assert drafts(env, since) == Counter({"linkedin": 1, "blog": 1})
    manifest = written.read_manifest() or {}
    assert state_of(manifest["channels"]["linkedin"]) == NEW  # a new piece, not yet reviewed
    assert ledger_review("linkedin") is None


def test_a_calendar_run_keeps_what_the_page_writes_while_it_runs(
    written: RunDir, env: FakeGemini, sleeps: Sleeps
) -> None:
    """The page approves linkedin while a run writes blog: neither loses the other's change."""
    manifest = written.read_manifest() or {}
    manifest["channels"]["blog"]["sha256"] = "0" * 64  # as if its file had been replaced
    written.write_manifest(manifest)
    env.latency = 0.3  # slow enough to act while the run waits for its blog
    since = len(env.requests)
    done: list[int] = []
    # Asked afresh (not from the response cache), so the run really waits for its blog.
    runner = threading.Thread(target=lambda: done.append(calendar(sleeps, "--no-cache")))
    runner.start()
    deadline = time.monotonic() + 10
    while len(env.requests) == since and time.monotonic() < deadline:
        time.sleep(0.01)  # not one request answered yet: the run has read run.json
    Desk(LEDGER).approve(written, "linkedin", seen(written, "linkedin"))
    runner.join(20)

    assert done == [0] and drafts(env, since) == Counter({"blog": 1})
    after = written.read_manifest() or {}
    assert state_of(after["channels"]["linkedin"]) == APPROVED
    assert after["channels"]["blog"]["sha256"] == seen(written, "blog")


def test_what_a_send_back_pays_is_on_the_entry_and_the_month(
    written: RunDir, env: FakeGemini, sleeps: Sleeps
) -> None:
    db = sqlite3.connect(LEDGER)
    before = db.execute("SELECT cost_usd, calls FROM work WHERE channel = 'blog'").fetchone()
    (spent_before,) = db.execute("SELECT coalesce(sum(usd), 0) FROM spend").fetchone()
    db.close()

    server = serve(Path("out"), env, sleeps, ledger=LEDGER)
    try:
        path = f"api/run/{written.path.name}/blog/send-back"
        status, job = api(server, path, {"seen": seen(written, "blog"), "note": "Shorter"})
        assert status == 202, job
        job = finished(server, job)
    finally:
        server.close()
    assert job["state"] == "done", job

    manifest = written.read_manifest()
    assert manifest is not None
    paid = manifest["channels"]["blog"]["attempts"][-1]["tokens"]
    assert paid["calls"] == 2 and paid["cost_usd"] > 0  # a revision and its judgement
    db = sqlite3.connect(LEDGER)
    cost, calls = db.execute("SELECT cost_usd, calls FROM work WHERE channel = 'blog'").fetchone()
    (spent,) = db.execute("SELECT sum(usd) FROM spend").fetchone()
    db.close()
    assert calls == before[1] + 2
    assert cost == pytest.approx(before[0] + paid["cost_usd"], abs=1e-6)  # run.json rounds
    assert spent == pytest.approx(spent_before + paid["cost_usd"], abs=1e-6)
