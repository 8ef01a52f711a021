"""Fault injection: every kind of trouble the API gives, through the real SDK.

Each test injects a fault into the blog's calls only and checks three things: how the blog
ended, how many requests the fake saw for it, and that LinkedIn and the newsletter were
untouched (two calls each, both saved).
"""

from __future__ import annotations

import itertools
import threading
from datetime import date
from pathlib import Path

import pytest
from conftest import Sleeps, make_runtime

from content_gen import channels
from content_gen.fake import FakeGemini, Fault
from content_gen.llm.limiter import Limiter, RateLimit
from content_gen.pipeline.orchestrator import TopicResult, run_topic
from content_gen.pipeline.results import ChannelResult, Job
from content_gen.storage import RunDir

RETRIES = 4  # the default CONTENT_GEN_MAX_RETRIES: 5 requests in all


def run_all(
    rt, tmp_path: Path, order: list[str] | None = None, sequential: bool = False
) -> TopicResult:
    job = Job("How small teams can adopt AI code review", day=date(2026, 11, 21))
    run_dir = RunDir.create(tmp_path / "out", job.day, job.topic)

    def finished(result: ChannelResult) -> None:
        if order is not None:
            order.append(result.channel)

    return run_topic(
        job, channels.parse(None), run_dir, rt, on_result=finished, sequential=sequential
    )


def assert_others_untouched(result: TopicResult, fake: FakeGemini) -> None:
    for name in ("linkedin", "newsletter"):
        assert result.results[name].passed, result.results[name].error
        assert fake.count(channel=name) == 2
        assert (result.run_dir.path / f"{name}.md").is_file()


def blog_calls(result: TopicResult) -> list[dict]:
    return [c.as_dict() for a in result.results["blog"].attempts for c in a.calls]


# --- transient faults: retried, then the channel succeeds --------------------------------------


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        (Fault.http(500), "server_error"),
        (Fault.http(502), "server_error"),
        (Fault.http(503), "server_error"),
        (Fault.http(504), "server_error"),
        (Fault.drop(), "network"),
        (Fault.safety(), "blocked"),
        (Fault.empty(), "empty"),
        (Fault.max_tokens(), "max_tokens"),
        (Fault.malformed(), "invalid_reply"),
        (Fault.off_schema(), "invalid_reply"),
        (Fault.not_json(), "invalid_reply"),
    ],
)
def test_one_bad_reply_is_retried(fake, runtime, sleeps: Sleeps, tmp_path, fault, reason):
    fake.inject(fault, channel="blog", step="draft")

    result = run_all(runtime(), tmp_path)

    blog = result.results["blog"]
    assert blog.passed and blog.file == "blog.md"
    assert fake.count(channel="blog") == 3  # failed draft, draft, judge
    draft = blog_calls(result)[0]
    assert draft["tries"] == 2 and draft["problems"] == [reason]
    assert len(sleeps.waits) == 1
    assert_others_untouched(result, fake)


def test_429_waits_at_least_the_servers_retry_delay(fake, runtime, sleeps, tmp_path):
    fake.inject(Fault.http(429, retry_delay=7), channel="blog", step="judge")

    result = run_all(runtime(), tmp_path)

    assert result.results["blog"].passed
    assert fake.count(channel="blog", step="judge") == 2
    assert sleeps.waits == [7.0]  # backoff alone would have waited 1 s
    assert blog_calls(result)[1]["problems"] == ["rate_limited"]
    assert_others_untouched(result, fake)


def test_429_honours_retry_after_header(fake, runtime, sleeps, tmp_path):
    fake.inject(Fault.http(429, retry_after="12"), channel="blog")

    result = run_all(runtime(), tmp_path)

    assert result.results["blog"].passed
    assert sleeps.waits == [12.0]
    assert_others_untouched(result, fake)


def test_backoff_grows_exponentially_with_jitter(fake, runtime, sleeps, tmp_path):
    fake.inject(*[Fault.http(503)] * 3, channel="blog", step="draft")

    result = run_all(runtime(), tmp_path)

    assert result.results["blog"].passed
    # jitter is fixed at 0.5 in tests: half-way between base/2 and base
    assert sleeps.waits == [0.75, 1.5, 3.0]
    assert fake.count(channel="blog") == 5


def test_hung_request_times_out_and_does_not_hold_up_the_others(fake, runtime, tmp_path):
    fake.inject(Fault.hang(600), channel="blog", step="draft")
    order: list[str] = []

    # Long enough that no answered request comes near it on a loaded machine.
    result = run_all(runtime(request_timeout=1), tmp_path, order)

    blog = result.results["blog"]
    assert blog.passed
    assert blog_calls(result)[0]["problems"] == ["timeout"]
    assert blog.seconds < 60  # one timeout, not the hang
    assert fake.count(channel="blog") == 3
    assert order[-1] == "blog"  # the others finished while the blog was stuck
    assert_others_untouched(result, fake)


# --- persistent faults: the channel fails with a named reason; the others are saved -------------


@pytest.mark.parametrize(
    ("fault", "kind", "message"),
    [
        (Fault.http(503), "server_error", "503 UNAVAILABLE"),
        (Fault.safety(), "blocked", "reply blocked by the safety filter (SAFETY)"),
        (Fault.empty(), "empty", "the reply was empty"),
        (Fault.max_tokens(), "max_tokens", "reply cut at the token limit (MAX_TOKENS)"),
        (Fault.malformed(), "invalid_reply", "reply did not match the BlogPost schema"),
        (Fault.drop(), "network", "connection problem"),
    ],
)
def test_persistent_fault_fails_only_that_channel(fake, runtime, tmp_path, fault, kind, message):
    fake.inject(*[fault] * (RETRIES + 1), channel="blog")

    result = run_all(runtime(), tmp_path)

    blog = result.results["blog"]
    assert not blog.ok and blog.file is None
    assert blog.error_kind == kind and message in blog.error
    assert fake.count(channel="blog") == RETRIES + 1
    assert not (result.run_dir.path / "blog.md").exists()
    assert result.failed == ["blog"]
    manifest = result.manifest["channels"]["blog"]
    assert manifest["error"] == blog.error and manifest["error_kind"] == kind
    assert_others_untouched(result, fake)


def test_retry_budget_is_a_setting(fake, runtime, tmp_path):
    fake.inject(*[Fault.http(500)] * 10, channel="blog")

    result = run_all(runtime(max_retries=1), tmp_path)

    assert result.results["blog"].error_kind == "server_error"
    assert fake.count(channel="blog") == 2
    assert_others_untouched(result, fake)


# --- permanent faults: no retry, a message that says what to fix ------------------------------


@pytest.mark.parametrize(
    ("fault", "kind", "message"),
    [
        (Fault.http(400, "Invalid JSON payload received."), "bad_request", "request refused"),
        # Only ErrorInfo API_KEY_INVALID means a rejected key, not the words of a message.
        (Fault.http(400, "The API key field is not allowed here."), "bad_request", "refused"),
        # Retrying cannot change what the filter says of the same prompt, or these reasons.
        (Fault.blocked(), "blocked", "prompt blocked by the safety filter (SAFETY)"),
        (Fault.finish("PROHIBITED_CONTENT"), "blocked", "(PROHIBITED_CONTENT)"),
        (Fault.finish("LANGUAGE"), "stopped", "finish reason LANGUAGE"),
        (Fault.finish("A_REASON_FROM_THE_FUTURE"), "stopped", "A_REASON_FROM_THE_FUTURE"),
    ],
)
def test_permanent_error_fails_at_once(fake, runtime, sleeps, tmp_path, fault, kind, message):
    fake.inject(fault, channel="blog")

    result = run_all(runtime(), tmp_path)

    blog = result.results["blog"]
    assert blog.error_kind == kind and message in blog.error
    assert fake.count(channel="blog") == 1 and sleeps.waits == []
    assert_others_untouched(result, fake)


def test_unknown_model_names_the_setting_to_change(sleeps, tmp_path):
    with FakeGemini(missing_models=("gemini-0-retired",)) as fake:
        rt = make_runtime(fake, sleeps, judge_model="gemini-0-retired")
        result = run_all(rt, tmp_path)

    for name, channel in result.results.items():
        assert channel.error_kind == "model_not_found", name
        assert "404 NOT_FOUND for model gemini-0-retired" in channel.error
        # The server's own words stay: the fix may be the API version, not the model.
        assert "is not found for API version v1beta" in channel.error
        assert "set CONTENT_GEN_JUDGE_MODEL to a model your key can use" in channel.error
        # the unjudged draft is still kept
        assert channel.file == f"{name}.md"
    assert fake.count(step="judge") == 3 and fake.count(step="draft") == 3


class VirtualClock:
    """Shared by the limiter and the fake server: sleeping moves time on instead of waiting."""

    def __init__(self) -> None:
        self.now = 0.0
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds


def test_rate_limiter_keeps_a_run_inside_the_servers_quota(tmp_path):
    # One request at a time, so virtual time is exact: each sleep moves the shared clock.
    clock = VirtualClock()
    with FakeGemini(rpm_limit=3, clock=clock) as fake:
        limiter = Limiter(RateLimit(rpm=3, concurrency=1), clock=clock, sleep=clock.sleep)
        rt = make_runtime(fake, Sleeps(), limiter=limiter)
        result = run_all(rt, tmp_path, sequential=True)

    assert result.ok
    assert fake.count(outcome="429") == 0 and fake.count() == 6
    starts = [r.at for r in fake.requests]
    # 61 s (a minute and the limiter's one-second margin) / 3 rpm
    assert [b - a for a, b in itertools.pairwise(starts)] == pytest.approx([61 / 3] * 5)


def test_without_the_limiter_the_same_run_is_rate_limited(sleeps, tmp_path):
    clock = VirtualClock()
    with FakeGemini(rpm_limit=3, clock=clock) as fake:
        result = run_all(make_runtime(fake, sleeps), tmp_path, sequential=True)

    # Time never moves (the recorded sleeps do not advance it), so past the quota every
    # retry is refused too, each after waiting the server's retryDelay.
    # LinkedIn's two calls and the newsletter's draft fit the quota of 3; the rest bounce.
    assert fake.count(outcome="ok") == 3
    assert fake.count(outcome="429") == 10
    assert sleeps.waits == [60.0] * 8
    assert result.failed == ["newsletter", "blog"]
    assert result.results["blog"].error_kind == "rate_limited"
