"""What the real API says, and what it means for the run: waits that end, quotas and keys that
stop everything at once, deadlines for whole replies, secrets in every form kept out."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from conftest import TEST_KEY, Sleeps, make_runtime, visible

from content_gen import channels
from content_gen.cli import main
from content_gen.fake import FakeGemini, Fault
from content_gen.llm.api_errors import BREAKER
from content_gen.pipeline.orchestrator import run_topic
from content_gen.pipeline.results import Job
from content_gen.storage import RunDir

TOPIC = "How small teams can adopt AI code review"


def generate(sleeps: Sleeps, *args: str) -> int:
    return main(["generate", TOPIC, "--out", "out", *args], sleep=sleeps)


def manifest() -> dict:
    (run_dir,) = visible(Path("out"))
    return json.loads((run_dir / "run.json").read_text())


# --- waits that end ------------------------------------------------------------------------------


def test_a_retry_delay_longer_than_the_cap_fails_that_request_at_once(env, sleeps, capsys):
    env.inject(Fault.quota(per="minute", retry_delay=3600), channel="blog", step="draft")

    assert generate(sleeps) == 1

    blog = manifest()["channels"]["blog"]
    assert blog["error_kind"] == "rate_limited"
    assert (
        "the quota resets in 1h 0m, longer than CONTENT_GEN_MAX_WAIT allows: 120s"
        in (blog["error"])
    )
    assert sleeps.waits == [] and env.count(channel="blog") == 1  # no hour-long sleep


def test_waits_never_exceed_the_cap(env, sleeps, monkeypatch):
    monkeypatch.setenv("CONTENT_GEN_MAX_WAIT", "30")
    env.inject(*[Fault.http(503)] * 4, channel="blog", step="draft")
    env.inject(Fault.quota(per="minute", retry_delay=25), channel="linkedin", step="draft")

    assert generate(sleeps) == 0

    assert max(sleeps.waits) <= 30 and 25.0 in sleeps.waits


# --- facts about the whole run: stop every channel, one message, work left pending ------------


@pytest.mark.parametrize(
    ("fault", "needle"),
    [
        (Fault.quota(per="day", retry_delay=43200), "it resets in 12h 0m"),
        (Fault.bad_key(), "API_KEY_INVALID"),
        (Fault.http(403, "Consumer has been suspended."), "403 PERMISSION_DENIED"),
    ],
)
def test_a_fact_about_the_run_stops_every_channel_with_one_message(
    env, sleeps, capsys, fault, needle
):
    env.inject(*[fault] * 3, step="draft")  # whichever channel asks first is told

    assert generate(sleeps) == 1

    out, err = capsys.readouterr()
    # The plan, then no more than each channel's first request: no retries, nothing further.
    assert env.count(step="draft") <= 3 and env.count(step="judge") == 0
    assert sleeps.waits == []
    m = manifest()
    assert m["status"] == "stopped"
    assert {c["status"] for c in m["channels"].values()} == {"stopped"}
    (stopped,) = [line for line in out.splitlines() if line.startswith("Stopped: ")]
    assert needle in stopped
    assert "stopped" not in err  # no progress line per stopped channel: the one line says it


def test_a_bad_key_in_a_calendar_run_stops_every_entry_and_leaves_them_pending(sleeps, capsys):
    rows = "".join(f"2026-11-{day},Topic number {day},\n" for day in range(10, 22))
    Path("cal.csv").write_text("date,topic,channels\n" + rows)
    with FakeGemini(valid_keys=("the-right-key",)) as fake:
        argv = ["calendar", "run", "cal.csv", "--out", "out", "--today", "2026-11-21"]
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("GEMINI_API_KEY", TEST_KEY)
            mp.setenv("GOOGLE_GEMINI_BASE_URL", fake.url)
            assert main(argv, sleep=sleeps) == 1
        # At most the first request of each channel of the entries already started.
        assert fake.count() <= 6

    out, err = capsys.readouterr()
    assert len(out.splitlines()) + len(err.splitlines()) < 20  # not 79 lines
    assert sum(line.startswith("Stopped: ") for line in out.splitlines()) == 1
    db = sqlite3.connect("out/ledger.sqlite")
    statuses = {row[0] for row in db.execute("SELECT status FROM work")}
    assert statuses <= {"pending"}  # nothing failed, nothing claimed: the next run does it all


def test_a_storm_of_429s_trips_the_breaker(env, sleeps, capsys):
    env.inject(*[Fault.quota(per="minute", retry_delay=1)] * 100)

    assert generate(sleeps) == 1

    assert env.count() <= BREAKER + 2  # not the 15 of every channel's retries, or 120
    assert "refused 12 requests in a row" in capsys.readouterr().out


# --- deadlines for the whole reply -----------------------------------------------------------


class Clock:
    """A monotonic clock that moves only when told: the fake moves it as it drips."""

    def __init__(self) -> None:
        self.now = 1000.0
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds


def test_a_dripping_reply_times_out_at_its_deadline(sleeps, tmp_path):
    clock = Clock()
    # Each piece of the reply arrives "1.5 s" after the last: no read waits long enough to
    # trip a 2 s per-read timeout, but the whole reply is far later than 2 s.
    with FakeGemini(on_drip=lambda: clock.advance(1.5)) as fake:
        fake.inject(Fault.drip(0), channel="blog", step="draft")
        rt = make_runtime(fake, sleeps, request_timeout=2, clock=clock)
        job = Job(TOPIC)
        result = run_topic(job, channels.parse("blog"), RunDir.create(tmp_path, job.day, TOPIC), rt)

    blog = result.results["blog"]
    draft = blog.attempts[0].calls[0]
    # Cut off at the deadline and asked again, not held for the whole drip.
    assert blog.passed and draft.problems == ("timeout",) and draft.tries == 2
    assert fake.count(channel="blog", step="draft") == 2


# --- the real API's replies, recorded as sent ------------------------------------------------


def test_thoughts_cached_tokens_and_the_model_that_answered_are_recorded(sleeps, monkeypatch):
    with FakeGemini(cached_tokens=40) as fake:
        monkeypatch.setenv("GEMINI_API_KEY", TEST_KEY)
        monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", fake.url)
        assert generate(sleeps, "--channels", "linkedin") == 0

    linkedin = manifest()["channels"]["linkedin"]
    call = linkedin["attempts"][0]["calls"][0]
    assert call["model_version"] == "gemini-3.8-flash-001"
    assert call["tokens"]["thought_tokens"] > 0  # thoughts come before the answer, billed
    assert call["tokens"]["cached_tokens"] == 40
    assert linkedin["usage"]["cached_tokens"] == 80  # the draft's and the judge's


def test_the_fake_refuses_an_api_version_the_tool_does_not_use(fake: FakeGemini) -> None:
    from google import genai
    from google.genai import errors, types

    client = genai.Client(
        api_key=TEST_KEY, http_options=types.HttpOptions(base_url=fake.url, api_version="v1")
    )
    with pytest.raises(errors.ClientError, match="not found for API version v1"):
        client.models.generate_content(model="gemini-3.8-flash", contents="Topic: AI")


# --- secrets in every form -------------------------------------------------------------------


@pytest.mark.parametrize(
    "echo",
    [TEST_KEY, quote(TEST_KEY, safe=""), quote_plus(TEST_KEY), TEST_KEY[:12], TEST_KEY[:20]],
    ids=["exact", "url-encoded", "plus-encoded", "prefix-12", "prefix-20"],
)
def test_a_server_echoing_the_key_in_any_form_leaks_nothing(env, sleeps, capsys, echo):
    messages = [Fault.http(500, f"backend rejected key={echo} at the proxy")] * 5
    env.inject(*messages, channel="blog")
    Path("cal.csv").write_text(f"date,topic,channels\n2026-11-21,{TOPIC},blog\n")

    assert generate(sleeps, "-vv") == 1
    argv = ["calendar", "run", "cal.csv", "--out", "cal-out", "--today", "2026-11-21", "-v"]
    env.inject(*messages, channel="blog")
    assert main(argv, sleep=sleeps) == 1

    out, err = capsys.readouterr()
    written = [p.read_text() for p in Path("out").rglob("*.json")]
    written += [
        str(row) for row in sqlite3.connect("cal-out/ledger.sqlite").execute("SELECT * FROM work")
    ]
    for text in [out, err, *written]:
        assert TEST_KEY[:8] not in text
        assert quote(TEST_KEY, safe="")[:8] not in text
    assert "[redacted]" in err


def test_terminal_escapes_in_a_topic_are_not_echoed(env, sleeps, capsys):
    topic = "Launch week \x1b[31mred\x1b[0m\x07 recap"
    assert main(["generate", topic, "--out", "out", "--channels", "linkedin"], sleep=sleeps) == 0
    out, err = capsys.readouterr()
    assert "\x1b" not in out + err and "\x07" not in out + err
    assert "Launch week [31mred[0m recap" in err


def test_a_servers_escape_sequences_are_not_echoed_either(env, sleeps, capsys):
    env.inject(*[Fault.http(500, "overloaded \x1b[2J\x1b[H\x07 try later")] * 5, channel="blog")
    assert main(["generate", TOPIC, "--out", "out", "--channels", "blog"], sleep=sleeps) == 1
    out, err = capsys.readouterr()
    assert "\x1b" not in out + err and "overloaded [2J[H try later" in err
