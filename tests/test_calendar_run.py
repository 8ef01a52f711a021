"""`content-gen calendar run` and `status` end to end, through the real SDK and the fake Gemini."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import RUN_FILES, TEST_KEY, Sleeps, clean_env, run_together, visible

from content_gen.cli import main
from content_gen.config import Settings
from content_gen.fake import FakeGemini, Fault
from content_gen.pipeline.session import Session
from content_gen.schedule.calendar import load_calendar
from content_gen.schedule.ledger import Ledger
from content_gen.schedule.runner import run_calendar
from content_gen.schedule.work import Owner

TODAY = "2026-11-21"
ALL = ("linkedin", "newsletter", "blog")
# Two entries due (one from earlier in the week, one today) and one next week.
CALENDAR = (
    "date,topic,channels\n"
    "2026-11-19,How small teams can adopt AI code review,\n"
    "2026-11-21,Writing a one-page project brief,linkedin;blog\n"
    "2026-11-28,What a four-day week taught us,\n"
)
FIRST, SECOND, LATER = (
    "How small teams can adopt AI code review",
    "Writing a one-page project brief",
    "What a four-day week taught us",
)


def write_calendar(text: str = CALENDAR, name: str = "cal.csv") -> Path:
    path = Path(name)
    path.write_text(text, encoding="utf-8")
    return path


def calendar_run(sleeps: Sleeps, *args: str) -> int:
    argv = ["calendar", "run", "--calendar", "cal.csv", "--out", "out", "--today", TODAY]
    return main([*argv, *args], sleep=sleeps)


def ledger_rows(path: Path = Path("out/ledger.sqlite")) -> dict[tuple[str, str], dict[str, Any]]:
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    rows = {(r["topic"], r["channel"]): dict(r) for r in db.execute("SELECT * FROM work")}
    db.close()
    return rows


def drafts(fake: FakeGemini, since: int = 0) -> Counter[tuple[str, str]]:
    """First drafts requested, by (topic, channel): each piece of work is one draft."""
    return Counter(
        (_topic(r.prompt), r.channel) for r in fake.requests[since:] if r.step == "draft"
    )


def _topic(prompt: str) -> str:
    match = re.search(r"^Topic: (.+)$", prompt, re.MULTILINE)
    assert match, prompt
    return match.group(1)


def run_dir(day: str, slug: str) -> Path:
    (path,) = Path("out").glob(f"{day}-{slug}*")
    return path


def status_json(capsys, *args: str) -> dict[str, Any]:
    capsys.readouterr()
    argv = ["calendar", "status", "--calendar", "cal.csv", "--out", "out", "--today", TODAY]
    assert main([*argv, "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def states(report: dict[str, Any]) -> dict[tuple[str, str], str]:
    return {
        (e["topic"], c["channel"]): c["state"] for e in report["entries"] for c in e["channels"]
    }


# --- what is due gets written, once ------------------------------------------------------------


def test_due_entries_are_written_and_future_ones_wait(env: FakeGemini, sleeps: Sleeps, capsys):
    write_calendar()

    assert calendar_run(sleeps) == 0

    assert drafts(env) == Counter(
        {(FIRST, c): 1 for c in ALL} | {(SECOND, c): 1 for c in ("linkedin", "blog")}
    )
    assert sorted(p.name for p in visible(Path("out"))) == [
        "2026-11-19-how-small-teams-can-adopt-ai-code-review",
        "2026-11-21-writing-a-one-page-project-brief",
        "ledger.sqlite",
    ]
    first = run_dir("2026-11-19", "how-small-teams")
    assert sorted(p.name for p in first.iterdir()) == list(RUN_FILES)
    manifest = json.loads((first / "run.json").read_text())
    assert manifest["status"] == "complete" and manifest["topic"] == FIRST
    assert manifest["inputs"]["entry"] == f"2026-11-19 {FIRST}"
    # Written for the entry's date, not the day the run happened to catch up.
    assert "\ndate: 2026-11-19\n" in (first / "blog.md").read_text()
    assert all(r.has_key for r in env.requests)

    rows = ledger_rows()
    assert set(rows) == {(FIRST, c) for c in ALL} | {(SECOND, "linkedin"), (SECOND, "blog")}
    for row in rows.values():
        assert row["status"] == "done" and row["result"] == "passed" and row["tries"] == 1
        assert row["score"] == 4.429 and row["attempts"] == 1 and row["calls"] in (2, 3)
        assert row["total_tokens"] > 0 and row["error"] is None
        assert row["started_at"] <= row["finished_at"]
        assert Path(row["file"]).is_file() and row["owner_pid"] is None
    # Each entry's plan is one call, booked on the first channel's row: nothing paid is lost.
    assert sum(row["calls"] for row in rows.values()) == 12 == len(env.requests)
    out, err = capsys.readouterr()
    assert "5 passed, 0 below the bar, 0 failed; 12 API calls" in out
    assert "2 of 2 entries due by 2026-11-21 complete; 1 not yet due (next on 2026-11-28)." in out
    progress = [line for line in err.splitlines() if " passed " in line]
    assert len(progress) == 5
    assert all(line.startswith('  2026-11-19 "How small') for line in progress if "-11-19" in line)


def test_a_second_run_makes_no_requests(env: FakeGemini, sleeps: Sleeps, capsys):
    write_calendar()
    assert calendar_run(sleeps) == 0
    before, rows = len(env.requests), ledger_rows()
    capsys.readouterr()

    assert calendar_run(sleeps) == 0

    assert len(env.requests) == before
    assert ledger_rows() == rows
    out = capsys.readouterr().out
    assert out.startswith("Nothing to write: 2 of 2 entries due by 2026-11-21 complete;")
    assert not list(Path("out").glob("*-2"))


def test_a_failed_channel_stays_pending_and_the_next_run_redoes_only_it(env, sleeps, capsys):
    write_calendar()
    env.inject(*[Fault.http(500)] * 5, channel="newsletter")  # 1 try + 4 retries, all 500

    assert calendar_run(sleeps) == 1

    failed = ledger_rows()[(FIRST, "newsletter")]
    assert failed["status"] == "failed" and failed["error_kind"] == "server_error"
    assert failed["error"].startswith("500 INTERNAL") and failed["tries"] == 1
    assert failed["calls"] == 5  # every request sent counts, answered or not
    out = capsys.readouterr().out
    assert f'- 2026-11-19 "{FIRST}" newsletter failed: 500 INTERNAL: fake 500; the next run ' in out
    report = status_json(capsys)
    assert states(report)[(FIRST, "newsletter")] == "failed"
    assert states(report)[(FIRST, "blog")] == "done"
    before = len(env.requests)

    assert calendar_run(sleeps) == 0

    # The fake's log: the second run asked for the newsletter of that entry and nothing else.
    assert {(_topic(r.prompt), r.channel) for r in env.requests[before:]} == {(FIRST, "newsletter")}
    assert [r.step for r in env.requests[before:]] == ["draft", "judge"]
    redone = ledger_rows()[(FIRST, "newsletter")]
    assert redone["status"] == "done" and redone["tries"] == 2 and redone["error"] is None
    assert redone["calls"] == 5 + 2 and redone["total_tokens"] > 0  # summed over both tries
    first = run_dir("2026-11-19", "how-small-teams")  # the same directory, not a -2
    manifest = json.loads((first / "run.json").read_text())
    assert manifest["status"] == "complete"
    assert all(manifest["channels"][c]["ok"] for c in ALL)  # earlier channels kept
    assert (first / "newsletter.md").is_file()


def test_force_rewrites_done_channels_of_due_entries(env: FakeGemini, sleeps: Sleeps):
    write_calendar()
    assert calendar_run(sleeps) == 0
    before = len(env.requests)

    assert calendar_run(sleeps, "--force") == 0

    assert drafts(env, since=before) == drafts(env, since=0) - drafts(env, since=before)
    assert all(row["tries"] == 2 for row in ledger_rows().values())
    assert not list(Path("out").glob("*-2"))


def test_a_real_run_rewrites_what_an_offline_trial_wrote(env: FakeGemini, sleeps: Sleeps):
    write_calendar("date,topic,channels\n2026-11-21,A trial topic,linkedin\n")
    assert calendar_run(sleeps, "--offline") == 0
    piece = run_dir(TODAY, "a-trial-topic") / "linkedin.md"
    assert "SIMULATED" in piece.read_text() and env.requests == []
    assert calendar_run(sleeps, "--offline") == 0  # done, as far as trials go

    assert calendar_run(sleeps) == 0

    assert drafts(env) == Counter({("A trial topic", "linkedin"): 1})
    assert "SIMULATED" not in piece.read_text()
    assert ledger_rows()[("A trial topic", "linkedin")]["simulated"] == 0


def test_brief_and_audience_reach_the_prompts(env: FakeGemini, sleeps: Sleeps):
    Path("notes.md").write_text("Median review time fell from 9 hours to 2.\n")
    write_calendar(
        "date,topic,channels,brief,audience\n"
        "2026-11-21,Reviews,linkedin,notes.md,CTOs of small startups\n"
    )

    assert calendar_run(sleeps) == 0

    prompt = env.requests[0].prompt
    assert "Median review time fell from 9 hours to 2." in prompt
    assert "for CTOs of small startups" in prompt


def test_invalid_rows_are_reported_and_the_valid_ones_still_run(env, sleeps, capsys):
    write_calendar(
        "date,topic,channels\n"
        "2026-11-21,A good topic,linkedin\n"
        "2026-11-31,A bad date,linkedin\n"
        "2026-11-21,A bad channel,tiktok\n"
    )

    assert calendar_run(sleeps) == 1

    assert drafts(env) == Counter({("A good topic", "linkedin"): 1})
    out, err = capsys.readouterr()
    assert "content-gen: cal.csv:3: the date '2026-11-31' does not exist" in err
    assert "content-gen: cal.csv:4: unknown channel 'tiktok'" in err
    assert "2 rows of cal.csv skipped" in out


# --- throughput --------------------------------------------------------------------------------


class GaugedFake(FakeGemini):
    """Counts the requests being answered at once, holding each until `together` are in
    flight (or all `total` have started), so the overlap does not depend on timing."""

    def __init__(self, together: int, total: int, **options: Any) -> None:
        super().__init__(**options)
        self.together, self.total = together, total
        self.in_flight = self.peak = self.started = 0
        self._gauge = threading.Condition()

    def _latency(self, channel: str) -> float:  # called as a request starts being answered
        with self._gauge:
            self.in_flight += 1
            self.started += 1
            self.peak = max(self.peak, self.in_flight)
            self._gauge.notify_all()
            self._gauge.wait_for(
                lambda: self.in_flight >= self.together or self.started >= self.total, timeout=10
            )
        return super()._latency(channel)

    def _log(self, seen: Any) -> None:  # called once it is answered
        with self._gauge:
            self.in_flight -= 1
        super()._log(seen)


@pytest.mark.parametrize(("max_topics", "concurrency", "peak"), [(3, 8, 3), (3, 1, 1)])
def test_entries_run_side_by_side_within_the_shared_limits(
    monkeypatch, sleeps: Sleeps, max_topics: int, concurrency: int, peak: int
):
    rows = "".join(f"2026-11-{day},Topic number {day},linkedin\n" for day in range(11, 15))
    write_calendar("date,topic,channels\n" + rows)
    with GaugedFake(together=peak, total=4) as fake:
        monkeypatch.setenv("GEMINI_API_KEY", TEST_KEY)
        monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", fake.url)
        monkeypatch.setenv("CONTENT_GEN_MAX_CONCURRENCY", str(concurrency))

        assert calendar_run(sleeps, "--max-topics", str(max_topics)) == 0

    assert fake.peak == peak  # one channel per entry: requests at once == entries at once
    assert len(drafts(fake)) == 4


def test_a_run_holds_no_drafts_or_judgements_until_it_ends(env, tmp_path: Path, sleeps: Sleeps):
    # A back-log of hundreds of entries held every piece in memory (bench/results.md, item 7);
    # the summary reads only the status, score, attempts, usage and time.
    calendar = load_calendar(write_calendar())
    settings = Settings(api_key=TEST_KEY, base_url=env.url, output_dir=tmp_path / "out")
    with (
        Session.open(settings, [], sleep=sleeps) as session,
        Ledger.open(tmp_path / "out" / "ledger.sqlite") as ledger,
    ):
        run = run_calendar(calendar, session, ledger, today=date(2026, 11, 21), max_topics=2)

    assert len(run.results) == 5 and run.ok
    for _, result in run.results:
        assert result.score == 4.429 and result.usage.calls == 2 and len(result.attempts) == 1
        assert all(a.draft is None and a.judgement is None for a in result.attempts)


# --- safety: overlapping runs, kill -9, SIGTERM ------------------------------------------------


class MeetingFake(FakeGemini):
    """Holds the first request until a second one arrives: both runs are at work at once."""

    def __init__(self) -> None:
        super().__init__()
        self._arrivals = 0
        self._met = threading.Event()
        self._count = threading.Lock()

    def _latency(self, channel: str) -> float:
        with self._count:
            self._arrivals += 1
            first = self._arrivals == 1
        if first:
            self._met.wait(10)
        else:
            self._met.set()
        return super()._latency(channel)


def test_two_runs_at_once_never_write_the_same_channel_twice(tmp_path: Path, sleeps: Sleeps):
    rows = "".join(f"2026-11-{day},Topic number {day},linkedin;blog\n" for day in range(11, 17))
    calendar = load_calendar(write_calendar("date,topic,channels\n" + rows))
    outcomes = []
    with MeetingFake() as fake:
        settings = Settings(api_key=TEST_KEY, base_url=fake.url, output_dir=tmp_path / "out")

        def one_run(n: int) -> None:
            # Each its own session and ledger connection, as two processes would have.
            with (
                Session.open(settings, [], sleep=sleeps) as session,
                Ledger.open(tmp_path / "out" / "ledger.sqlite", sleep=sleeps) as ledger,
            ):
                outcomes.append(
                    run_calendar(
                        calendar,
                        session,
                        ledger,
                        today=date(2026, 11, 21),
                        max_topics=1,
                    )
                )

        run_together(2, one_run)

    assert drafts(fake) == Counter(
        {(f"Topic number {d}", c): 1 for d in range(11, 17) for c in ("linkedin", "blog")}
    )
    a, b = ({(e.key, r.channel) for e, r in run.results} for run in outcomes)
    assert a and b and not a & b  # both worked, on different entries
    assert all(run.ok for run in outcomes)
    assert all(row["status"] == "done" and row["tries"] == 1 for row in ledger_rows().values())


def test_a_channel_another_live_run_is_writing_is_left_to_it(env, sleeps: Sleeps, capsys):
    write_calendar("date,topic,channels\n2026-11-21,A topic,linkedin;blog\n")
    (entry,) = load_calendar(Path("cal.csv")).entries
    with Ledger.open(Path("out/ledger.sqlite")) as ledger:  # a run in another terminal
        other = Owner("other-run", os.getpid(), "other-host")
        assert ledger.claim(other, entry, ["blog"]) == ["blog"]

    assert calendar_run(sleeps) == 0

    assert drafts(env) == Counter({("A topic", "linkedin"): 1})
    out = capsys.readouterr().out
    assert '- 2026-11-21 "A topic" blog: another run is writing it; left to that run.' in out
    assert ledger_rows()[("A topic", "blog")]["owner_run"] == "other-run"


@contextmanager
def _running(fake: FakeGemini, tmp_path: Path, *args: str) -> Iterator[subprocess.Popen[str]]:
    """`content-gen calendar run` in its own process, against the fake in this one."""
    env = clean_env() | {
        "GEMINI_API_KEY": TEST_KEY,
        "GOOGLE_GEMINI_BASE_URL": fake.url,
        "NO_PROXY": "127.0.0.1",
    }
    argv = ["calendar", "run", "--calendar", "cal.csv", "--out", "out", "--today", TODAY]
    proc = subprocess.Popen(
        [sys.executable, "-m", "content_gen", *argv, *args],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    watchdog = threading.Timer(20, proc.kill)  # a broken test fails instead of hanging
    watchdog.start()
    try:
        yield proc
    finally:
        watchdog.cancel()
        proc.kill()
        proc.communicate()


def _wait_for_progress(proc: subprocess.Popen[str], count: int) -> None:
    """Read progress lines until `count` channels have finished (no sleeping)."""
    assert proc.stderr is not None
    finished = 0
    while finished < count:
        line = proc.stderr.readline()
        assert line, "the run ended early"
        finished += bool(re.match(r'  \d{4}-\d\d-\d\d ".+"\s+\w+\s+passed ', line))


def _hung_topic(fake: FakeGemini) -> str:
    (hung,) = [r for r in fake.requests if r.outcome == "hang"]
    return _topic(hung.prompt)


def _stop_mid_run(fake: FakeGemini, tmp_path: Path, how: signal.Signals) -> tuple[int, str]:
    """Start a run whose first blog draft hangs, stop it once the rest is done; its exit code
    and output."""
    fake.inject(Fault.hang(30), channel="blog", step="draft")
    with _running(fake, tmp_path, "--max-topics", "2") as proc:
        _wait_for_progress(proc, 4)  # every channel but the hung blog
        proc.send_signal(how)
        out, _ = proc.communicate(timeout=10)
    return proc.returncode, out


# What the fake's pieces end with: a file that ends so was written whole.
LAST_WORDS = {
    "linkedin": "#SmallTeams #Productivity #Leadership\n",
    "newsletter": "Unsubscribe at any time.\n",
    "blog": "time it this week, and share what you find.\n",
}


def test_a_run_killed_with_sigkill_is_finished_by_the_next_without_redoing_anything(
    tmp_path: Path, monkeypatch, sleeps: Sleeps, capsys
):
    write_calendar()
    with FakeGemini() as fake:
        code, _ = _stop_mid_run(fake, tmp_path, signal.SIGKILL)
        assert code == -signal.SIGKILL
        hung = _hung_topic(fake)
        assert ledger_rows()[(hung, "blog")]["status"] == "running"  # as the kill left it
        monkeypatch.setenv("GEMINI_API_KEY", TEST_KEY)
        monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", fake.url)
        # Its owner is gone, so the claim counts as pending, not as being written.
        assert states(status_json(capsys))[(hung, "blog")] == "pending"
        before = len(fake.requests)

        assert calendar_run(sleeps) == 0

    assert {(_topic(r.prompt), r.channel) for r in fake.requests[before:]} == {(hung, "blog")}
    assert drafts(fake) == Counter(
        {(FIRST, c): 1 for c in ALL}
        | {(SECOND, c): 1 for c in ("linkedin", "blog")}
        | {(hung, "blog"): 2}  # the hung draft and its redo
    )
    rows = ledger_rows()
    assert len(rows) == 5 and all(row["status"] == "done" for row in rows.values())
    assert {k: row["tries"] for k, row in rows.items() if row["tries"] != 1} == {(hung, "blog"): 2}
    for (_, channel), row in rows.items():
        assert Path(row["file"]).read_text().endswith(LAST_WORDS[channel]), row["file"]
    assert not list(Path("out").glob("*-2")) and not list(Path("out").rglob("*.tmp"))
    for directory in Path("out").glob("2026-*"):
        manifest = json.loads((directory / "run.json").read_text())
        assert manifest["status"] == "complete", directory


def test_sigterm_gives_back_the_claims_so_the_next_run_redoes_them(
    tmp_path: Path, monkeypatch, sleeps: Sleeps
):
    write_calendar()
    with FakeGemini() as fake:
        code, out = _stop_mid_run(fake, tmp_path, signal.SIGTERM)
        assert code == 130
        assert "Interrupted: finished channels are recorded" in out
        hung = _hung_topic(fake)
        released = ledger_rows()[(hung, "blog")]
        assert released["status"] == "pending" and released["owner_pid"] is None
        assert released["result"] == "interrupted"
        monkeypatch.setenv("GEMINI_API_KEY", TEST_KEY)
        monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", fake.url)
        before = len(fake.requests)

        assert calendar_run(sleeps) == 0

    assert {(_topic(r.prompt), r.channel) for r in fake.requests[before:]} == {(hung, "blog")}
    assert all(row["status"] == "done" for row in ledger_rows().values())


# --- status ------------------------------------------------------------------------------------


def test_status_before_any_run_shows_everything_to_do_and_creates_nothing(capsys):
    write_calendar()

    report = status_json(capsys)

    assert states(report) == {(FIRST, c): "pending" for c in ALL} | {
        (SECOND, "linkedin"): "pending",
        (SECOND, "blog"): "pending",
    } | {(LATER, c): "not_due" for c in ALL}
    assert not Path("out").exists()


def test_status_shows_each_channel_with_scores_tokens_and_reasons(env, sleeps, capsys):
    write_calendar()
    env.inject(*[Fault.http(503, "model overloaded")] * 5, channel="newsletter")
    calendar_run(sleeps)
    capsys.readouterr()

    code = main(["calendar", "status", "--calendar", "cal.csv", "--out", "out", "--today", TODAY])

    out = capsys.readouterr().out
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["date", "topic", "channel", "state", "score", "tokens", "cost"]
    assert re.search(
        r"^2026-11-19 +\"How small teams.*\" +linkedin +done +4\.43 +[\d,]+ +\$0\.\d{4}$",
        out,
        re.M,
    )
    assert re.search(
        r"newsletter +failed: 503 UNAVAILABLE: model overloaded +- +0 +\$0\.0000$", out, re.M
    )
    assert re.search(
        r"^2026-11-28 +\"What a four-day.*\" +linkedin +not yet due +- +- +-$", out, re.M
    )
    assert "3 entries: 1 complete, 1 with a failed channel, 1 not yet due" in out
    report = status_json(capsys)
    (blog,) = [c for e in report["entries"] for c in e["channels"] if c["state"] == "failed"]
    assert blog["error"] == "503 UNAVAILABLE: model overloaded" and blog["tries"] == 1


def test_run_json_reports_the_run_and_where_everything_stands(env, sleeps, capsys):
    write_calendar()

    assert calendar_run(sleeps, "--json") == 0

    out, err = capsys.readouterr()
    report = json.loads(out)
    assert err == ""  # no progress lines in --json mode
    assert report["today"] == TODAY and report["problems"] == []
    assert len(report["run"]["results"]) == 5
    # Two plans, then the five channels' drafts and judgements.
    assert report["run"]["usage"]["calls"] == 12 == len(env.requests)
    assert states(report)[(LATER, "blog")] == "not_due"


# --- usage errors: one line, exit 2, before any request ----------------------------------------


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["--max-topics", "0"], ["--max-topics", "from 1 to 16, not '0'"]),
        (["--max-topics", "lots"], ["--max-topics", "not 'lots'"]),
        (["--today", "tomorrow"], ["--today", "'tomorrow' is not in YYYY-MM-DD form"]),
        (["--ledger", "ledger.txt"], ["ledger.txt is not an SQLite file"]),
        (["--out", "a-file"], ["cannot write to output directory a-file"]),
        (["--calendar", "missing.csv"], ["cannot read calendar missing.csv"]),
    ],
)
def test_bad_options_are_one_line_and_exit_2(env, sleeps, capsys, args, needles):
    write_calendar()
    Path("ledger.txt").write_text("not a ledger" * 100)
    Path("a-file").write_text("a file where the output root should be")
    argv = ["calendar", "run", "--out", "out", "--today", TODAY]
    if "--calendar" not in args:
        argv += ["--calendar", "cal.csv"]
    try:
        code = main([*argv, *args], sleep=sleeps)
    except SystemExit as exc:  # argparse exits on its own errors
        code = int(exc.code or 0)
    err = capsys.readouterr().err
    assert code == 2
    (line,) = err.strip().splitlines()
    assert line.startswith("content-gen: error: ")
    for needle in needles:
        assert needle in line
    assert env.requests == []


def test_no_api_key_is_caught_before_anything_is_created(sleeps, capsys):
    write_calendar()

    assert calendar_run(sleeps) == 2

    assert "GEMINI_API_KEY" in capsys.readouterr().err
    assert not Path("out").exists()  # neither the output directory nor the ledger


def test_the_next_run_removes_what_a_killed_writer_left_half_written(env, sleeps: Sleeps):
    write_calendar("date,topic,channels\n2026-11-21,A topic,linkedin\n")
    directory = Path("out/2026-11-21-a-topic")
    directory.mkdir(parents=True)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    orphan = directory / f".blog.md.{dead.pid}.0123456789ab.tmp"
    live = directory / f".run.json.{os.getpid()}.0123456789ab.tmp"  # a writer still at work
    orphan.write_text("half a blog po")
    live.write_text('{"half": ')

    assert calendar_run(sleeps) == 0

    assert not orphan.exists() and live.exists()


def test_verbose_log_lines_name_the_entry_as_well_as_the_channel(env, sleeps, capsys):
    write_calendar()
    env.inject(Fault.http(503), channel="blog", step="draft")

    assert calendar_run(sleeps, "-v") == 0

    err = capsys.readouterr().err.splitlines()
    retries = [line for line in err if "retrying in" in line]
    assert len(retries) == 1
    # Two entries were due: the line says which one's blog was retried.
    assert re.search(r'\[2026-11-\d\d "[^"]+" blog\] draft attempt 1: 503', retries[0])
    tries = [line for line in err if " try " in line]
    assert tries and all(re.search(r'\[2026-11-\d\d "[^"]+" \w+\]', line) for line in tries)


def test_a_claim_whose_run_dies_during_this_one_is_taken_over(
    env, sleeps: Sleeps, capsys, monkeypatch
):
    write_calendar(
        "date,topic,channels\n2026-11-20,First topic,linkedin\n2026-11-21,A topic,blog\n"
    )
    entries = load_calendar(Path("cal.csv")).entries
    with Ledger.open(Path("out/ledger.sqlite")) as ledger:  # a run in another terminal, alive
        assert ledger.claim(Owner("other-run", os.getpid(), "this-host"), entries[1], ["blog"])
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()

    def the_other_run_is_killed(entry, result) -> None:
        # While this run writes its first entry, the other is killed with -9: its claim stays.
        db = sqlite3.connect("out/ledger.sqlite")
        with db:
            db.execute(
                "UPDATE work SET owner_pid = ?, owner_host = ? WHERE owner_run = 'other-run'",
                (gone.pid, socket.gethostname()),
            )
        db.close()

    import content_gen.cli.calendar as calendar_cli

    monkeypatch.setattr(calendar_cli, "_progress", lambda cal: the_other_run_is_killed)
    assert calendar_run(sleeps, "--max-topics", "1") == 0

    assert drafts(env) == Counter({("First topic", "linkedin"): 1, ("A topic", "blog"): 1})
    assert ledger_rows()[("A topic", "blog")]["status"] == "done"
    assert "another run is writing it" not in capsys.readouterr().out
