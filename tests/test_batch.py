"""`calendar run --batch`: rounds of Batch API jobs at half the price, through the real SDK
against the fake's batch endpoints; partial failures, expired jobs, and kill -9 mid-wait."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
from conftest import TEST_KEY, Sleeps, killed
from google import genai
from google.genai import errors, types

from content_gen.cli import main
from content_gen.fake import FAIL, FakeGemini, Fault
from content_gen.llm.gemini import API_VERSION

TODAY = "2026-11-21"
CALENDAR = (
    "date,topic,channels\n"
    "2026-11-19,How small teams can adopt AI code review,\n"
    "2026-11-21,Writing a one-page project brief,linkedin;blog\n"
)


@pytest.fixture(autouse=True)
def _calendar() -> None:
    Path("cal.csv").write_text(CALENDAR)


def calendar_run(sleeps: Sleeps, *args: str, out: str = "out") -> int:
    argv = ["calendar", "run", "cal.csv", "--out", out, "--today", TODAY, *args]
    return main(argv, sleep=sleeps)


def pieces(out: str = "out") -> dict[str, str]:
    return {str(p.relative_to(out)): p.read_text() for p in sorted(Path(out).glob("*/*.md"))}


def batched(fake: FakeGemini) -> list[tuple[str, str]]:
    return [(r.model, r.prompt) for r in fake.requests if r.batch]


# --- the fake's batch endpoints, as the SDK calls them -------------------------------------------


def test_the_fake_speaks_the_batch_api_as_the_sdk_calls_it(fake: FakeGemini) -> None:
    client = genai.Client(
        api_key=TEST_KEY, http_options=types.HttpOptions(base_url=fake.url, api_version=API_VERSION)
    )
    src = [{"contents": f"Topic: AI\nplan {n}", "metadata": {"key": f"k{n}"}} for n in range(3)]
    fake.inject(Fault.http(503), Fault.blocked(), step="draft")
    job = client.batches.create(model="gemini-3.8-flash", src=src, config={"display_name": "x"})
    assert job.name.startswith("batches/") and job.state == types.JobState.JOB_STATE_PENDING
    assert client.batches.get(name=job.name).state == types.JobState.JOB_STATE_RUNNING
    done = client.batches.get(name=job.name)
    assert done.state == types.JobState.JOB_STATE_SUCCEEDED and done.done
    answers = {r.metadata["key"]: r for r in done.dest.inlined_responses}
    assert answers["k0"].error.code == 14  # a 503 becomes that request's error: partial failure
    assert answers["k1"].response.prompt_feedback.block_reason is not None
    assert answers["k2"].response.usage_metadata.candidates_token_count > 0
    assert [j.display_name for j in client.batches.list(config={"page_size": 1})] == ["x"]

    fake.batches.end_next("EXPIRED")
    expiring = client.batches.create(model="gemini-3.8-flash", src=src[:1])
    client.batches.get(name=expiring.name)
    assert client.batches.get(name=expiring.name).state == types.JobState.JOB_STATE_EXPIRED
    cancelled = client.batches.create(model="gemini-3.8-flash", src=src[:1])
    client.batches.cancel(name=cancelled.name)
    assert client.batches.get(name=cancelled.name).state == types.JobState.JOB_STATE_CANCELLED
    with pytest.raises(errors.ClientError, match="404"):
        client.batches.get(name="batches/nope")
    client.close()

    v1 = genai.Client(
        api_key=TEST_KEY, http_options=types.HttpOptions(base_url=fake.url, api_version="v1")
    )
    with pytest.raises(errors.ClientError, match="not found for API version v1"):
        v1.batches.create(model="gemini-3.8-flash", src=src[:1])
    v1.close()


# --- a calendar in rounds ------------------------------------------------------------------------


def test_a_batch_run_writes_what_an_online_run_writes_at_half_the_price(
    env: FakeGemini, sleeps: Sleeps, capsys
) -> None:
    env.scores("newsletter", FAIL)
    assert calendar_run(sleeps, out="online") == 0
    online = capsys.readouterr()
    env.scores("newsletter", FAIL)
    paid = len(env.requests)

    assert calendar_run(sleeps, "--batch", out="batch") == 0

    out, err = capsys.readouterr()
    assert pieces("batch") == pieces("online")
    new = env.requests[paid:]
    assert new and all(r.batch for r in new)  # nothing went out one by one
    assert len(new) == paid
    # Plans, then drafts, then judgements, then the newsletter's revision and its judgement.
    rounds = [line for line in err.splitlines() if "submitted" in line]
    assert [line.split(":")[0].strip() for line in rounds] == [
        "round 1",
        "round 2",
        "round 3",
        "round 4",
        "round 5",
    ]
    assert "Batch API: 5 rounds, 5 jobs, at half the price." in out

    def cost(folder: str) -> float:
        db = sqlite3.connect(f"{folder}/ledger.sqlite")
        return db.execute("SELECT sum(cost_usd) FROM work").fetchone()[0]

    assert cost("batch") == pytest.approx(cost("online") / 2)
    manifest = json.loads(next(Path("batch").glob("2026-11-19-*/run.json")).read_text())
    calls = [c for a in manifest["channels"]["newsletter"]["attempts"] for c in a["calls"]]
    assert len(calls) == 4 and all(c["batch_job"].startswith("batches/") for c in calls)
    assert "$" in online.out


def test_a_partial_failure_is_sent_again_and_a_blocked_prompt_fails_its_channel(
    env: FakeGemini, sleeps: Sleeps, capsys
) -> None:
    env.inject(Fault.http(503, "overloaded"), channel="linkedin", step="draft")
    env.inject(Fault.blocked(), channel="blog", step="draft")

    assert calendar_run(sleeps, "--batch") == 1

    out, err = capsys.readouterr()
    assert "3 of 5 results back, 1 to send again, 1 failed for good" in err
    db = sqlite3.connect("out/ledger.sqlite")
    status = dict(db.execute("SELECT topic || ' ' || channel, status FROM work"))
    failed = [k for k, v in status.items() if v == "failed"]
    # Whichever blog's draft the job answered first was blocked; the 503 was sent again.
    assert len(failed) == 1 and failed[0].endswith(" blog")
    assert all(v == "done" for k, v in status.items() if k not in failed)
    assert "blog failed: prompt blocked by the safety filter" in out
    drafts = Counter(r.channel for r in env.requests if r.step == "draft")
    assert drafts["linkedin"] == 3  # two entries, and the one sent again


def test_a_job_that_expires_is_sent_again_for_what_is_missing(env: FakeGemini, sleeps, capsys):
    env.batches.end_next("EXPIRED")
    assert calendar_run(sleeps, "--batch") == 0
    err = capsys.readouterr().err
    assert "expired, 0 of 2 results back, 2 to send again\n" in err
    assert len(pieces()) == 5
    plans = [r for r in env.requests if r.step == "plan"]
    assert len(plans) == 2  # the expired job answered nothing: nothing was paid twice


def test_responses_out_of_order_or_without_metadata_still_find_their_requests(
    env: FakeGemini, sleeps: Sleeps
) -> None:
    env.batches.shuffle = True
    assert calendar_run(sleeps, "--batch", out="shuffled") == 0
    env.batches.shuffle, env.batches.omit_metadata = False, True
    assert calendar_run(sleeps, "--batch", "--no-cache", out="bare") == 2  # the cache is needed
    assert calendar_run(sleeps, "--batch", out="bare") == 0
    assert pieces("shuffled").keys() == pieces("bare").keys() and len(pieces("bare")) == 5


def test_a_batch_run_twice_makes_no_call(env: FakeGemini, sleeps, capsys) -> None:
    assert calendar_run(sleeps, "--batch") == 0
    paid = len(env.requests)
    assert calendar_run(sleeps, "--batch") == 0
    assert len(env.requests) == paid


# --- killed mid-wait, then resumed ---------------------------------------------------------------

# The process dies (kill -9) at an exact point of its first job: right after the API named it
# and before the name was recorded, or while it waits for the job to finish.
_KILLED = """
import os, sys
from content_gen.llm import batches
from content_gen.schedule import jobs
where = os.environ["DIE"]
if where == "waiting":
    real = batches.BatchClient.status
    def status(self, *args, **kwargs):
        found = real(self, *args, **kwargs)
        if not found.ended:
            os._exit(137)
        return found
    batches.BatchClient.status = status
else:
    def update(self, display_name, *, state, name=None):
        os._exit(137)
    jobs.JobLog.update = update
from content_gen.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("where", ["waiting", "unnamed"])
def test_a_batch_run_killed_mid_job_picks_the_same_job_up(
    env: FakeGemini, sleeps: Sleeps, capsys, where: str
) -> None:
    argv = ["calendar", "run", "cal.csv", "--out", "out", "--today", TODAY, "--batch"]
    killed(_KILLED, argv, env, DIE=where)
    assert len(env.batches.jobs) == 1  # the plans' job, submitted, never collected

    assert main(argv, sleep=sleeps) == 0

    err = capsys.readouterr().err
    job = next(iter(env.batches.jobs))  # the killed run's
    assert f"round 1: picking up {job} (2 requests)" in err.splitlines()[1]
    assert len(pieces()) == 5
    asked = batched(env)
    assert len(asked) == len(set(asked))  # no request paid twice
    rows = sqlite3.connect("out/ledger.sqlite").execute("SELECT open FROM batch_jobs").fetchall()
    assert rows and all(open_ == 0 for (open_,) in rows)


def test_a_cap_holds_in_batch_runs_too(env: FakeGemini, sleeps: Sleeps, capsys) -> None:
    # A draft's worst case at the batch price is about $0.03: a few fit, then one would not.
    assert calendar_run(sleeps, "--batch", "--max-cost", "0.033") == 1
    out = capsys.readouterr().out
    (stopped,) = [line for line in out.splitlines() if line.startswith("Stopped: ")]
    assert "could take this run past --max-cost 0.033" in stopped
    spent = sqlite3.connect("out/ledger.sqlite").execute("SELECT sum(usd) FROM spend").fetchone()
    assert 0 < spent[0] <= 0.033
