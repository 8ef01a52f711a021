"""A voice kit through `generate`: rules that block and revise, the writer and judge prompts,
voice_match in the judgement, run.json's record, and bad kits stopped before any API call."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Sleeps
from test_cli import assert_usage_error, run_cli
from test_pipeline import generate, manifest, run_dir
from test_voice_kit import make_kit

from content_gen.fake import PASS, FakeGemini, Fault

SAMPLE = (
    "Subject: What we cut from our release notes\n\n"
    "We stopped writing release notes nobody read. Here is what we send instead."
)


def issue(body: str, cta: str) -> dict[str, str]:
    return {
        "subject": "A four-week plan you can start on Monday",
        "preheader": "One daily workflow, two numbers to watch, and a Friday check-in",
        "body": body,
        "call_to_action": cta,
        "footer": "You are receiving this because you subscribed. Unsubscribe at any time.",
    }


BAD = issue(
    "Hi there,\n\nA game-changing habit: one e-mail a week that links each Github change to "
    "its review.\n\nStart with one team and keep it short.",
    "Reply to this e-mail with the workflow you will test this week.",
)
GOOD = issue(
    "Hi there,\n\nA small habit: one email a week that links each GitHub change to its "
    "review.\n\nStart with one team and keep it short.",
    "Reply to this email with the workflow you will test this week.",
)


@pytest.fixture
def kit() -> Path:
    return make_kit(
        Path("brand"),
        style="# How we write\n\nShort sentences. We, not I.\n",
        samples={"newsletter/release-notes.md": SAMPLE},
    )


def test_a_banned_word_blocks_and_the_revision_with_the_kits_terms_is_saved(
    env: FakeGemini, sleeps: Sleeps, kit: Path
) -> None:
    env.inject(Fault.reply(BAD), channel="newsletter", step="draft")
    env.inject(Fault.reply(GOOD), channel="newsletter", step="revise")

    assert generate(sleeps, "--channels", "newsletter", "--voice", "brand") == 0

    first, second = manifest()["channels"]["newsletter"]["attempts"]
    blocking = {v["rule"]: v for v in first["rules"] if v["level"] == "block"}
    assert set(blocking) == {"voice.banned", "voice.preferred", "voice.name"}
    assert blocking["voice.banned"]["line"] == 6  # located in the saved file's lines
    assert first["judge"] is None and second["passed"] is True
    revise = next(r for r in env.requests if r.step == "revise").prompt
    assert '"e-mail" (write "email") x2' in revise and '"Github" (write "GitHub")' in revise

    saved = (run_dir() / "newsletter.md").read_text()
    assert "one email a week" in saved and "GitHub change" in saved
    assert "e-mail" not in saved and "game-changing" not in saved


def test_run_json_shows_the_rules_the_samples_and_the_voice_match_score(
    env: FakeGemini, sleeps: Sleeps, kit: Path
) -> None:
    env.scores("newsletter", PASS | {"voice_match": 5})

    assert generate(sleeps, "--channels", "newsletter,blog", "--voice", "brand") == 0

    m = manifest()
    assert m["voice"]["directory"] == "brand" and m["voice"]["style_guide"] == "style.md"
    assert m["voice"]["rules"] == ["voice.banned", "voice.preferred", "voice.name"]
    assert m["voice"]["words"]["preferred"][0]["use"] == "email"
    for channel in ("newsletter", "blog"):  # the blog has no samples of its own: it borrows
        used = m["voice"]["samples"][channel]["used"]
        assert [s["file"] for s in used] == ["samples/newsletter/release-notes.md"]
    newsletter = m["channels"]["newsletter"]["attempts"][0]["judge"]
    assert newsletter["scores"]["voice_match"] == 5
    assert newsletter["evidence"]["voice_match"] and "voice_match" not in newsletter["fixes"]
    assert m["channels"]["blog"]["attempts"][0]["judge"]["scores"]["voice_match"] == 4


def test_a_low_voice_match_keeps_a_piece_below_the_bar(
    env: FakeGemini, sleeps: Sleeps, kit: Path
) -> None:
    env.scores("newsletter", *[PASS | {"voice_match": 2}] * 3)

    assert generate(sleeps, "--channels", "newsletter", "--voice", "brand") == 0

    channel = manifest()["channels"]["newsletter"]
    assert channel["passed"] is False
    revise = next(r for r in env.requests if r.step == "revise").prompt
    assert "voice match (2/5): Write as the samples do" in revise


def test_the_writer_gets_the_guide_the_words_and_samples_marked_as_voice_not_content(
    env: FakeGemini, sleeps: Sleeps, kit: Path
) -> None:
    assert generate(sleeps, "--channels", "newsletter", "--voice", "brand") == 0

    writer = next(r for r in env.requests if r.step == "draft").prompt
    assert "Short sentences. We, not I." in writer
    assert '- Write "email", never "e-mail".' in writer
    assert "Sample 1 (one of our email newsletters, samples/newsletter/release-notes.md)" in writer
    assert "examples of voice, not of content: do not reuse their facts" in writer
    judge = next(r for r in env.requests if r.step == "judge").prompt
    assert "- voice_match: how well the piece matches our voice" in judge
    assert SAMPLE in judge
    plan = next(r for r in env.requests if r.step == "plan").prompt
    assert "Short sentences. We, not I." in plan


def test_without_a_kit_the_prompts_and_the_judgement_are_as_before(
    env: FakeGemini, sleeps: Sleeps
) -> None:
    assert generate(sleeps, "--channels", "linkedin") == 0

    m = manifest()
    assert m["voice"] is None and m["language"] is None
    assert m["channels"]["linkedin"]["attempts"][0]["judge"]["scores"] == PASS
    writer = next(r for r in env.requests if r.step == "draft").prompt
    assert "Our voice" not in writer and "voice_match" not in writer
    assert "Language: English\n" in writer


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda: None, "voice kit brand does not exist"),
        (
            lambda: make_kit(words="[[banned]\nwords = ['x']\n"),
            "brand/words.toml:1: not valid TOML",
        ),
        (
            lambda: make_kit(words="[[banned]]\npatterns = ['(oops']\n"),
            "brand/words.toml:2: pattern '(oops' does not compile",
        ),
        (
            lambda: (make_kit() / "samples" / "linkedin" / "x.md").write_bytes(b"\xff\xfe"),
            "brand/samples/linkedin/x.md:1: not UTF-8 text",
        ),
    ],
)
def test_a_bad_kit_is_one_line_before_any_api_call(
    env: FakeGemini, capsys, make, expected: str
) -> None:
    make()
    code, _, err = run_cli(["generate", "A topic", "--out", "out", "--voice", "brand"], capsys)
    assert_usage_error(code, err, expected)
    assert env.requests == [] and not Path("out").exists()
