"""The files on disk are the truth; the ledger and run.json record them.

A kill between a piece's rename and the ledger's commit, a deleted or foreign ledger, a full
disk: none of them may make a run pay twice, overwrite a finished piece, or end in a traceback.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import pytest
from conftest import RUN_FILES, TEST_KEY, Sleeps, clean_env, visible

from content_gen.cli import main
from content_gen.fake import FakeGemini, Fault
from content_gen.schedule import ledger as ledger_module
from content_gen.storage import RunDir

TODAY = "2026-11-21"
CALENDAR = (
    "date,topic,channels\n"
    "2026-11-20,How small teams can adopt AI code review,linkedin;blog\n"
    "2026-11-21,Writing a one-page project brief,linkedin\n"
)


@pytest.fixture(autouse=True)
def _calendar() -> None:
    Path("cal.csv").write_text(CALENDAR)


def calendar_run(sleeps: Sleeps, *args: str) -> int:
    argv = ["calendar", "run", "cal.csv", "--out", "out", "--today", TODAY, *args]
    return main(argv, sleep=sleeps)


def drafts(fake: FakeGemini) -> Counter[str]:
    return Counter(r.channel for r in fake.requests if r.step == "draft")


def pieces() -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in Path("out").rglob("*.md")}


def rows() -> list[sqlite3.Row]:
    db = sqlite3.connect("out/ledger.sqlite")
    db.row_factory = sqlite3.Row
    return db.execute("SELECT * FROM work ORDER BY entry_key, channel").fetchall()


# --- killed between saving a piece and recording it --------------------------------------------

# The run dies (kill -9) at the exact point after a piece is in place and in run.json, and
# before the ledger's transaction commits: the window that once cost a rewrite of the piece.
_DIE_AT_THE_LEDGER = """
import os, sys
from content_gen.schedule import ledger
ledger.Ledger.finish = lambda *args, **kwargs: os._exit(137)
from content_gen.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_piece_saved_but_never_recorded_is_adopted_not_rewritten(env: FakeGemini, sleeps):
    env_vars = clean_env() | {"GEMINI_API_KEY": TEST_KEY, "GOOGLE_GEMINI_BASE_URL": env.url}
    argv = ["calendar", "run", "cal.csv", "--out", "out", "--today", TODAY, "--max-topics", "1"]
    done = subprocess.run(
        [sys.executable, "-c", _DIE_AT_THE_LEDGER, *argv],
        env=env_vars,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 137
    saved = pieces()
    assert len(saved) == 1  # the first piece to finish, in place: then the process died
    paid = len(env.requests)

    assert calendar_run(sleeps) == 0

    assert pieces().items() >= saved.items()  # not rewritten: the same bytes
    assert len(pieces()) == 3
    # Nothing the killed run had back is paid again: the saved piece is adopted, and the
    # replies it had for the others come from the response cache. Only a request still in
    # flight when it died (the blog's, at most one) never came back, so it is asked again.
    asked = {(r.model, r.prompt) for r in env.requests[:paid]}
    assert len([r for r in env.requests[paid:] if (r.model, r.prompt) in asked]) <= 1
    assert all(row["status"] == "done" for row in rows())
    (adopted,) = [r for r in rows() if r["file"] == str(next(iter(saved)).resolve())]
    assert adopted["calls"] == 2  # what the killed run paid for it is on the books


def test_a_deleted_ledger_rewrites_nothing(env: FakeGemini, sleeps, capsys):
    assert calendar_run(sleeps) == 0
    saved, paid = pieces(), len(env.requests)
    for suffix in ("", "-wal", "-shm"):
        Path(f"out/ledger.sqlite{suffix}").unlink(missing_ok=True)

    assert calendar_run(sleeps) == 0

    assert len(env.requests) == paid and pieces() == saved
    assert len(rows()) == 3 and all(row["status"] == "done" for row in rows())
    assert "already saved on disk" in capsys.readouterr().out


def test_a_ledger_that_cannot_record_leaves_the_piece_for_the_next_run(
    env, sleeps, monkeypatch, capsys
):
    real = ledger_module.Ledger.finish

    def locked(self, *args, **kwargs):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(ledger_module.Ledger, "finish", locked)
    assert calendar_run(sleeps) == 1
    out = capsys.readouterr().out
    assert "the ledger could not record it (database is locked)" in out
    saved, paid = pieces(), len(env.requests)
    assert len(saved) == 3

    monkeypatch.setattr(ledger_module.Ledger, "finish", real)
    assert calendar_run(sleeps) == 0
    assert len(env.requests) == paid and pieces() == saved


def test_status_and_the_next_run_check_that_done_files_exist(env, sleeps, capsys):
    assert calendar_run(sleeps) == 0
    (blog,) = Path("out").rglob("blog.md")
    blog.unlink()
    capsys.readouterr()

    assert main(["calendar", "status", "cal.csv", "--out", "out", "--today", TODAY]) == 0
    status = capsys.readouterr().out
    assert "missing: its file is gone; the next run writes it again" in status
    assert "1 complete" in status
    before = drafts(env)

    paid = len(env.requests)
    assert calendar_run(sleeps) == 0
    assert blog.is_file()  # written again, from the replies already paid for
    assert len(env.requests) == paid

    assert calendar_run(sleeps, "--force", "--no-cache") == 0  # or asked afresh, on purpose
    assert drafts(env) - before == Counter({"blog": 1, "linkedin": 2})


def test_a_replaced_piece_is_not_counted_as_done(env, sleeps, capsys):
    assert calendar_run(sleeps) == 0
    (post,) = [p for p in Path("out").rglob("linkedin.md") if "brief" in str(p)]
    post.write_text("Someone else's text, written over the saved piece.\n")
    record = RunDir(post.parent).read_manifest()
    assert record is not None and RunDir(post.parent).saved("linkedin", record) is None
    capsys.readouterr()

    main(["calendar", "status", "cal.csv", "--out", "out", "--today", TODAY, "--json"])
    report = json.loads(capsys.readouterr().out)
    states = {
        (e["topic"], c["channel"]): c["state"] for e in report["entries"] for c in e["channels"]
    }
    assert states[("Writing a one-page project brief", "linkedin")] == "missing"


# --- ledgers that are not ours -----------------------------------------------------------------


def test_a_foreign_write_ahead_log_is_refused_before_anything_is_written(env, sleeps, capsys):
    assert calendar_run(sleeps) == 0
    ours = Path("out/ledger.sqlite").read_bytes()
    # Another ledger with records still in its log, its log copied beside ours (a synced folder).
    Path("other").mkdir()
    shutil.copy("cal.csv", "other/cal.csv")
    assert (
        main(["calendar", "run", "other/cal.csv", "--out", "other", "--today", TODAY], sleep=sleeps)
        == 0
    )
    other = sqlite3.connect("other/ledger.sqlite")
    other.execute("PRAGMA wal_autocheckpoint = 0")
    other.execute("UPDATE work SET status = 'done', file = '/elsewhere/x.md'")
    other.commit()
    shutil.copy("other/ledger.sqlite-wal", "out/ledger.sqlite-wal")
    other.close()
    capsys.readouterr()

    assert calendar_run(sleeps) == 2
    err = capsys.readouterr().err
    assert "is not ledger.sqlite's own write-ahead log" in err
    assert Path("out/ledger.sqlite").read_bytes() == ours
    assert main(["calendar", "status", "cal.csv", "--out", "out"]) == 2  # status too


def test_a_damaged_ledger_is_one_line(env, sleeps, capsys):
    assert calendar_run(sleeps) == 0
    path = Path("out/ledger.sqlite")
    data = bytearray(path.read_bytes())
    data[4096 + 8 : 4096 + 64] = b"\xff" * 56  # scribble over the second page
    path.write_bytes(bytes(data))
    capsys.readouterr()

    for argv in (
        ["calendar", "run", "cal.csv", "--out", "out", "--today", TODAY],
        ["calendar", "status", "cal.csv", "--out", "out"],
    ):
        assert main(argv, sleep=sleeps) == 2
        err = capsys.readouterr().err.strip()
        assert err.startswith("content-gen: error: ledger out/ledger.sqlite is damaged")
        assert "\n" not in err


def test_claims_of_a_dead_run_are_taken_over(env, sleeps):
    assert calendar_run(sleeps, "--max-topics", "1") == 0
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    pid = int(dead.stdout)
    db = sqlite3.connect("out/ledger.sqlite")
    with db:
        db.execute(
            "UPDATE work SET status = 'running', owner_run = 'dead', owner_pid = ?, "
            "owner_host = ?, lease_until = 1e12 WHERE channel = 'blog'",
            (pid, os.uname().nodename),
        )
    (blog,) = Path("out").rglob("blog.md")
    blog.unlink()  # it was being rewritten when the run died
    before = drafts(env)

    assert calendar_run(sleeps, "--no-cache") == 0

    assert drafts(env) - before == Counter({"blog": 1})
    assert all(row["status"] == "done" for row in rows())


# --- generate: killed writers, full disks ------------------------------------------------------


def test_generate_cleans_what_a_killed_generate_left_half_written(env, sleeps):
    old = Path("out/2026-11-01-an-old-run")
    old.mkdir(parents=True)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    leftover = old / f".blog.md.{int(dead.stdout)}.0123456789ab.tmp"
    leftover.write_text("half a blog post")
    mine = old / f".blog.md.{os.getpid()}.0123456789ab.tmp"  # a live writer's: left alone
    mine.write_text("being written")

    assert main(["generate", "AI", "--out", "out", "--channels", "linkedin"], sleep=sleeps) == 0

    assert not leftover.exists() and mine.exists()


def test_a_full_disk_while_writing_run_json_is_one_line_and_keeps_the_pieces(
    env, sleeps, monkeypatch, capsys
):
    def full(self, manifest):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(RunDir, "write_manifest", full)
    code = main(["generate", "AI", "--out", "out"], sleep=sleeps)
    err = capsys.readouterr().err

    assert code == 1 and "Traceback" not in err
    assert "content-gen: error: could not write" in err and "No space left on device" in err
    (run_dir,) = visible(Path("out"))
    names = sorted(p.name for p in run_dir.iterdir())
    assert names == [n for n in RUN_FILES if n != "run.json"]


# --- an interrupted channel keeps what it paid for ---------------------------------------------


class WatchedFake(FakeGemini):
    """Says when the blog's judgement has been asked for (and is hanging)."""

    def __init__(self) -> None:
        super().__init__()
        self.judging = threading.Event()

    def _log(self, seen) -> None:
        super()._log(seen)
        if (seen.channel, seen.step) == ("blog", "judge"):
            self.judging.set()


def test_ctrl_c_keeps_a_channels_finished_calls_in_run_json(sleeps, tmp_path):
    from conftest import make_runtime

    from content_gen import channels
    from content_gen.pipeline.orchestrator import run_topic
    from content_gen.pipeline.results import Job

    with WatchedFake() as fake:
        fake.inject(Fault.hang(600), channel="blog", step="judge")  # drafted, stuck judging

        def ctrl_c_once_the_blog_is_judging(result) -> None:
            if result.channel == "newsletter":
                assert fake.judging.wait(10)
                raise KeyboardInterrupt

        job = Job("A topic")
        run_dir = RunDir.create(tmp_path / "x", job.day, job.topic)
        wanted = [channels.get(n) for n in ("linkedin", "newsletter", "blog")]
        result = run_topic(
            job,
            wanted,
            run_dir,
            make_runtime(fake, sleeps),
            on_result=ctrl_c_once_the_blog_is_judging,
        )

    blog = result.manifest["channels"]["blog"]
    assert result.interrupted and blog["status"] == "interrupted"
    (attempt,) = blog["attempts"]
    steps = [c["step"] for c in attempt["calls"]]
    assert steps == ["draft", "unanswered"]  # the finished draft, the judgement in flight
    assert blog["usage"]["calls"] == 2 and blog["usage"]["total_tokens"] > 0
    assert result.manifest["usage"]["calls"] == 6  # 2 + 2 + 2: every request sent is counted
