"""End to end: `content-gen generate` through the real SDK against the fake Gemini."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import RUN_FILES, TEST_KEY, Sleeps, visible

from content_gen.cli import main
from content_gen.fake import FAIL, PASS, FakeGemini, Fault
from content_gen.fake.planning import CALL_TO_ACTION

TOPIC = "How small teams can adopt AI code review"
RUN_DIR_GLOB = "*-how-small-teams-can-adopt-ai-code-review"


def generate(sleeps: Sleeps, *args: str) -> int:
    return main(["generate", TOPIC, "--out", "out", *args], sleep=sleeps)


def run_dir(root: str = "out") -> Path:
    (path,) = Path(root).glob(RUN_DIR_GLOB)
    return path


def manifest(path: Path | None = None) -> dict[str, Any]:
    return json.loads(((path or run_dir()) / "run.json").read_text())


def test_all_three_channels_end_to_end(env: FakeGemini, sleeps: Sleeps, capsys) -> None:
    assert generate(sleeps) == 0

    out = run_dir()
    assert sorted(p.name for p in out.iterdir()) == list(RUN_FILES)
    linkedin = (out / "linkedin.md").read_text()
    assert linkedin.startswith("Most teams start this the wrong way round.")
    assert linkedin.rstrip().endswith("#SmallTeams #Productivity #Leadership")
    assert "**" not in linkedin and "SIMULATED" not in linkedin
    newsletter = (out / "newsletter.md").read_text()
    assert newsletter.startswith("Subject: A four-week plan you can start on Monday\nPreheader: ")
    assert "Unsubscribe" in newsletter and CALL_TO_ACTION in newsletter  # the plan's, in all
    assert CALL_TO_ACTION in linkedin and CALL_TO_ACTION in (out / "blog.md").read_text()
    blog = (out / "blog.md").read_text()
    assert blog.startswith('---\ntitle: "How small teams can adopt AI code review"\nslug: ')
    # The theme renders the title from the front matter: no H1 repeats it (CONTENT_GEN_BLOG_H1).
    assert "\n# " not in blog and "\n## " in blog

    m = manifest(out)
    assert m["topic"] == TOPIC
    assert m["status"] == "complete" and m["simulated"] is False
    assert m["model"] == "gemini-3.8-flash" and m["judge_model"] == "gemini-3.6-flash"
    assert m["settings"]["max_revisions"] == 2 and "api_key" not in m["settings"]
    assert m["created_at"] and m["duration_s"] > 0
    assert list(m["channels"]) == ["linkedin", "newsletter", "blog"]
    for name, channel in m["channels"].items():
        assert channel["ok"] is True and channel["passed"] is True
        assert channel["file"] == f"{name}.md" and channel["error"] is None
        assert channel["score"] == 4.429
        (attempt,) = channel["attempts"]
        assert attempt["judge"]["scores"] == PASS
        assert [c["step"] for c in attempt["calls"]] == ["draft", "judge"]
        assert attempt["tokens"]["total_tokens"] > 0 and attempt["seconds"] >= 0
        assert channel["usage"]["calls"] == 2
    # One plan, then each channel's draft and judgement.
    assert m["plan"]["call_to_action"] == CALL_TO_ACTION and m["plan"]["claims"] == []
    assert m["usage"]["calls"] == 7 == len(env.requests) and env.requests[0].step == "plan"
    assert TEST_KEY not in (out / "run.json").read_text()

    # One shared client: every request carried the key and named its channel and step.
    assert all(r.has_key for r in env.requests)
    assert sorted((r.channel, r.step) for r in env.requests) == sorted(
        [("plan", "plan")]
        + [(c, s) for c in ("linkedin", "newsletter", "blog") for s in ("draft", "judge")]
    )
    printed = capsys.readouterr()
    assert "3 passed, 0 below the bar, 0 failed" in printed.out
    for name in ("linkedin", "newsletter", "blog"):
        assert f"  {name}" in printed.err  # reported as it finished


def test_failing_channel_does_not_touch_the_others(env: FakeGemini, sleeps: Sleeps, capsys):
    env.inject(*[Fault.http(500)] * 5, channel="newsletter")  # 1 try + 4 retries, all 500

    assert generate(sleeps) == 1

    out = run_dir()
    assert (out / "linkedin.md").is_file() and (out / "blog.md").is_file()
    assert not (out / "newsletter.md").exists()
    m = manifest(out)
    assert m["status"] == "partial"
    failed = m["channels"]["newsletter"]
    assert failed["ok"] is False and failed["file"] is None
    assert failed["error"].startswith("500 INTERNAL") and "\n" not in failed["error"]
    assert failed["error_kind"] == "server_error"
    assert failed["attempts"][0]["calls"][0]["tries"] == 5
    assert failed["usage"]["calls"] == 5  # requests sent, though none was answered
    assert env.count(channel="newsletter") == 5
    for other in ("linkedin", "blog"):
        assert m["channels"][other]["ok"] is True
        assert env.count(channel=other) == 2  # draft + judge, no retries
    assert "newsletter failed: 500 INTERNAL" in capsys.readouterr().out
    # Exponential backoff with jitter, through the injected sleep: half to all of 1, 2, 4, 8 s.
    assert len(sleeps.waits) == 4
    for wait, base in zip(sleeps.waits, (1, 2, 4, 8), strict=True):
        assert base / 2 <= wait <= base


def test_judge_fails_first_draft_then_revision_passes(env: FakeGemini, sleeps: Sleeps):
    env.scores("linkedin", FAIL, PASS)

    assert generate(sleeps, "--channels", "linkedin") == 0

    channel = manifest()["channels"]["linkedin"]
    assert channel["passed"] is True and channel["best_attempt"] == 2
    assert [a["kind"] for a in channel["attempts"]] == ["draft", "revision"]
    assert [a["judge"]["mean"] for a in channel["attempts"]] == [3.429, 4.429]
    assert [r.step for r in env.requests] == ["plan", "draft", "judge", "revise", "judge"]
    revise_prompt = env.requests[3].prompt
    assert "specificity (2/5): Add one worked example" in revise_prompt
    assert "factual care" not in revise_prompt  # a passing criterion is left alone
    assert (run_dir() / "linkedin.md").read_text().startswith("The first step is smaller")


def test_the_reviser_hears_no_warnings(env: FakeGemini, sleeps: Sleeps):
    # A short post with a long hook: two warnings, nothing blocking, and a weak judgement.
    hook = "After eleven years of hiring engineers for startups, " * 3
    env.inject(Fault.reply({"post": f"{hook}done.", "hashtags": []}), channel="linkedin")
    env.scores("linkedin", FAIL, PASS)

    assert generate(sleeps, "--channels", "linkedin") == 0

    first = manifest()["channels"]["linkedin"]["attempts"][0]
    assert {v["rule"] for v in first["rules"]} >= {"linkedin.length", "linkedin.hook"}
    problems = env.requests[3].prompt.split("Problems to fix:")[1].split("Fix exactly")[0]
    assert "[editor] specificity (2/5)" in problems
    assert "[warn]" not in problems and "characters" not in problems


def test_best_attempt_is_kept_not_the_last(env: FakeGemini, sleeps: Sleeps, capsys):
    worse = FAIL | {"specificity": 1, "hook": 2}
    env.scores("linkedin", FAIL, worse)

    assert generate(sleeps, "--channels", "linkedin") == 0

    channel = manifest()["channels"]["linkedin"]
    assert channel["passed"] is False and channel["ok"] is True
    assert channel["best_attempt"] == 1 and channel["score"] == 3.429
    assert channel["stop_reason"] == "no_gain"  # the revision lost ground: stop early
    assert env.count(step="revise") == 1
    assert (run_dir() / "linkedin.md").read_text().startswith("Most teams start")
    out = capsys.readouterr().out
    assert "linkedin: did not meet the quality bar in 2 attempts; the best one was saved" in out


def test_bar_never_met_saves_best_attempt_after_the_revision_budget(env, sleeps: Sleeps):
    # Each revision gains a third of a point: enough to keep going, never enough to pass.
    env.scores("blog", FAIL | {"hook": 1}, FAIL, FAIL | {"specificity": 4})

    assert generate(sleeps, "--channels", "blog", "--max-revisions", "2") == 0

    channel = manifest()["channels"]["blog"]
    assert channel["passed"] is False and channel["stop_reason"] == "max_revisions"
    assert len(channel["attempts"]) == 3 and channel["best_attempt"] == 3
    assert env.count(step="judge") == 3


def test_malformed_json_reply_is_reasked(env: FakeGemini, sleeps: Sleeps):
    env.inject(Fault.malformed(), channel="blog", step="draft")
    env.inject(Fault.off_schema(), channel="blog", step="judge")

    assert generate(sleeps, "--channels", "blog") == 0

    channel = manifest()["channels"]["blog"]
    assert channel["passed"] is True
    draft, judge = channel["attempts"][0]["calls"]
    assert draft["tries"] == 2 and draft["problems"] == ["invalid_reply"]
    assert judge["tries"] == 2 and judge["problems"] == ["invalid_reply"]
    assert channel["attempts"][0]["judge"]["scores"] == PASS  # never a default score
    assert env.count(channel="blog") == 4


def test_unparseable_judge_fails_the_channel_without_inventing_a_score(env, sleeps, capsys):
    env.inject(*[Fault.malformed()] * 5, channel="linkedin", step="judge")

    assert generate(sleeps, "--channels", "linkedin,blog") == 1

    channel = manifest()["channels"]["linkedin"]
    assert channel["ok"] is False and channel["score"] is None
    assert channel["attempts"][0]["judge"] is None
    assert "did not match the Judgement schema" in channel["attempts"][0]["judge_error"]
    # The unjudged draft is not thrown away.
    assert channel["file"] == "linkedin.md" and (run_dir() / "linkedin.md").is_file()
    assert "the best draft so far was saved, unapproved" in channel["error"]
    assert manifest()["channels"]["blog"]["ok"] is True
    assert env.count(channel="linkedin", step="judge") == 5


def test_a_judged_draft_saved_unapproved_keeps_its_score(env: FakeGemini, sleeps: Sleeps):
    failing = {
        name: {"evidence": ["-"], "critique": "-", "score": score, "fix": "-"}
        for name, score in FAIL.items()
    }
    # The first draft is judged and fails; its revision cannot be judged at all.
    env.inject(Fault.reply(failing), *[Fault.malformed()] * 5, channel="linkedin", step="judge")

    assert generate(sleeps, "--channels", "linkedin") == 1

    channel = manifest()["channels"]["linkedin"]
    assert channel["ok"] is False and channel["file"] == "linkedin.md"
    assert channel["best_attempt"] == 1 and channel["score"] == 3.429


def test_blocking_rule_skips_the_judge_and_feeds_the_reviser(env: FakeGemini, sleeps: Sleeps):
    html_issue = {
        "subject": "A four-week plan you can start on Monday",
        "preheader": "Three small teams share what worked, what did not, and why.",
        "body": "<p>Hi there,</p><p>Here is the plan.</p>",
        "call_to_action": "Reply with the workflow you will test.",
        "footer": "Unsubscribe at any time.",
    }
    env.inject(Fault.reply(html_issue), channel="newsletter", step="draft")

    assert generate(sleeps, "--channels", "newsletter") == 0

    first, second = manifest()["channels"]["newsletter"]["attempts"]
    assert first["blocked"] is True and first["judge"] is None
    assert [v["rule"] for v in first["rules"] if v["level"] == "block"] == ["newsletter.html"]
    assert second["blocked"] is False and second["passed"] is True
    assert [r.step for r in env.requests] == ["plan", "draft", "revise", "judge"]
    assert '[block] body contains HTML ("<p>")' in env.requests[2].prompt
    assert "<p>Hi there,</p>" in env.requests[2].prompt  # the reviser sees the draft


def test_postal_address_setting_reaches_writer_and_rules(env, sleeps, monkeypatch):
    address = "Acme Ltd, 1 Main Street, Springfield"
    monkeypatch.setenv("CONTENT_GEN_POSTAL_ADDRESS", address)

    assert generate(sleeps, "--channels", "newsletter") == 0

    assert f"Postal address: {address}" in env.requests[1].prompt  # after the plan
    assert address in (run_dir() / "newsletter.md").read_text()
    assert manifest()["channels"]["newsletter"]["attempts"][0]["rules"] == []


def test_sequential_gives_the_same_result(env: FakeGemini, sleeps: Sleeps):
    assert generate(sleeps, "--sequential") == 0

    m = manifest()
    assert all(c["passed"] for c in m["channels"].values())
    # One at a time: each channel's calls finish before the next channel starts.
    order = [r.channel for r in env.requests]
    assert order == sorted(order, key=order.index)
    assert order[0] == "plan" and len(set(order)) == 4


def test_json_prints_the_manifest(env: FakeGemini, sleeps: Sleeps, capsys):
    assert generate(sleeps, "--json", "--channels", "linkedin") == 0

    printed = json.loads(capsys.readouterr().out)
    assert printed == manifest()
    assert printed["channels"]["linkedin"]["ok"] is True


def test_same_topic_same_day_gets_a_new_directory(env: FakeGemini, sleeps: Sleeps):
    assert generate(sleeps, "--channels", "linkedin") == 0
    assert generate(sleeps, "--channels", "linkedin") == 0

    dirs = sorted(p.name for p in visible(Path("out")))
    assert len(dirs) == 2 and dirs[1] == dirs[0] + "-2"


def test_offline_needs_no_key_and_marks_everything_simulated(sleeps: Sleeps, capsys):
    assert main(["generate", TOPIC, "--out", "out", "--offline"], sleep=sleeps) == 0

    out = run_dir()
    m = manifest(out)
    assert m["simulated"] is True and m["status"] == "complete"
    for name in ("linkedin", "newsletter", "blog"):
        assert "SIMULATED" in (out / f"{name}.md").read_text()
    assert (out / "blog.md").read_text().startswith("---\ntitle:")  # front matter stays first
    # The simulated judge turns down the newsletter's first draft, to show the loop.
    assert len(m["channels"]["newsletter"]["attempts"]) == 2
    assert "offline: simulated Gemini" in capsys.readouterr().err
    # No draft of the demo is held back by a rule, and none invents a story.
    for name, channel in m["channels"].items():
        assert all(not a["blocked"] for a in channel["attempts"]), name
        text = (out / f"{name}.md").read_text()
        for invented in ("We asked", "team lead", "that followed this plan", "we learned"):
            assert invented not in text, (name, invented)


@pytest.mark.parametrize("channels", ["blog", "linkedin,newsletter"])
def test_channel_subset(env: FakeGemini, sleeps: Sleeps, channels: str):
    assert generate(sleeps, "--channels", channels) == 0

    assert list(manifest()["channels"]) == channels.split(",")
    # The plan is made for one channel too, so a rerun of one agrees with the others.
    assert {r.channel for r in env.requests} == {"plan", *channels.split(",")}


@pytest.mark.parametrize(
    "topic",
    [
        "../../etc/passwd",
        "🚀🔥 launch week",
        "مرحبا بالعالم: كيف تبني فريقًا",
        "Café déjà vu / naïve\\résumé",
        "x" * 300,
    ],
)
def test_any_topic_text_works_and_stays_inside_out(env: FakeGemini, sleeps: Sleeps, topic):
    assert main(["generate", topic, "--out", "out", "--channels", "linkedin"], sleep=sleeps) == 0

    (path,) = visible(Path("out"))
    assert path.resolve().parent == Path("out").resolve()
    assert len(path.name) <= len("2026-11-21-") + 60
    m = json.loads((path / "run.json").read_text())
    assert m["topic"] == topic and m["channels"]["linkedin"]["ok"] is True
    assert f"Topic: {topic}" in env.requests[0].prompt


def test_a_fourth_channel_is_one_spec_and_its_prompt_files(env, sleeps, monkeypatch):
    import shutil

    from pydantic import BaseModel

    from content_gen import channels
    from content_gen.prompts import default_prompts_dir

    class Thread(BaseModel):
        """A thread of short posts."""

        posts: list[str]

    thread = channels.Channel(
        name="thread",
        label="social media thread",
        schema=Thread,
        rules=lambda draft, ctx: [],
        prose=lambda draft: "\n\n".join(draft.posts),
        render=lambda draft, ctx: "\n\n---\n\n".join(draft.posts) + "\n",
    )
    monkeypatch.setattr(channels, "_registered", {})  # undone after the test
    channels.register(thread)
    prompts = Path("prompts")
    shutil.copytree(default_prompts_dir(), prompts)
    (prompts / "thread").mkdir()
    for step in ("writer", "reviser", "criteria"):
        (prompts / "thread" / f"{step}.md").write_text(f"{step} a thread.\nTopic: {{{{topic}}}}\n")
    monkeypatch.setenv("CONTENT_GEN_PROMPTS_DIR", str(prompts))

    assert generate(sleeps, "--channels", "thread,linkedin") == 0

    assert (run_dir() / "thread.md").read_text() == f"Simulated text about {TOPIC}.\n"
    assert manifest()["channels"]["thread"]["passed"] is True
    assert env.count(channel="thread") == 2


def test_requests_carry_nothing_only_a_test_needs(env: FakeGemini, sleeps: Sleeps):
    # The fake tells steps and channels apart from the request body, as the real API sees it.
    env.scores("newsletter", FAIL, PASS)
    assert generate(sleeps) == 0

    names = {name for r in env.requests for name in r.header_names}
    assert not [n for n in names if n.startswith("x-content-gen")]
    assert {"x-goog-api-key", "content-type"} <= names
    steps = [(r.channel, r.step, r.attempt) for r in env.requests if r.channel == "newsletter"]
    assert steps == [
        ("newsletter", "draft", 1),
        ("newsletter", "judge", 1),
        ("newsletter", "revise", 2),
        ("newsletter", "judge", 2),
    ]
