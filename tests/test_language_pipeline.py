"""`--language` through `generate`: the prompts ask for it, a piece in another language or
mixing two is blocked and revised, and German from the fake passes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import TEST_KEY, Sleeps
from test_cli import assert_usage_error, run_cli

from content_gen.cli import main
from content_gen.fake import FakeGemini, Fault

TOPIC = "Wie kleine Teams KI-Code-Reviews einführen"
ALL = ("linkedin", "newsletter", "blog")


def generate(sleeps: Sleeps, *args: str) -> int:
    return main(["generate", TOPIC, "--out", "out", *args], sleep=sleeps)


def manifest() -> dict:
    import json
    from pathlib import Path

    (path,) = Path("out").glob("*/run.json")
    return json.loads(path.read_text(encoding="utf-8"))


def saved(channel: str) -> str:
    from pathlib import Path

    (path,) = Path("out").glob(f"*/{channel}.md")
    return path.read_text(encoding="utf-8")


@pytest.fixture
def english(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGemini]:
    """A model that answers in English whatever language the prompt asks for."""
    with FakeGemini(language="en") as fake:
        monkeypatch.setenv("GEMINI_API_KEY", TEST_KEY)
        monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", fake.url)
        yield fake


def test_english_answers_to_a_german_run_are_blocked_in_every_attempt(
    english: FakeGemini, sleeps: Sleeps, capsys
) -> None:
    assert generate(sleeps, "--language", "de") == 0  # saved, below the bar

    m = manifest()
    assert m["language"] == "de" and m["settings"]["language"] == "de"
    for channel in ALL:
        record = m["channels"][channel]
        assert record["passed"] is False and len(record["attempts"]) == 3
        for attempt in record["attempts"]:
            wrong = [v for v in attempt["rules"] if v["rule"] == "language.wrong"]
            assert wrong and wrong[0]["level"] == "block", (channel, attempt["rules"])
            assert wrong[0]["message"].startswith("the piece is in English (en), not German")
            assert attempt["judge"] is None
    assert english.count(step="judge") == 0
    reviser = next(r for r in english.requests if r.step == "revise").prompt
    assert "[block] the piece is in English (en), not German (de)" in reviser


def test_german_answers_pass_and_the_prompts_ask_for_german(
    env: FakeGemini, sleeps: Sleeps
) -> None:
    assert generate(sleeps, "--language", "de") == 0

    m = manifest()
    for channel in ALL:
        record = m["channels"][channel]
        assert record["passed"] is True, (channel, record["attempts"][-1]["rules"])
        rules = [v["rule"] for a in record["attempts"] for v in a["rules"]]
        assert not [r for r in rules if r.startswith("language.")]
    for step in ("plan", "draft", "judge"):
        prompt = next(r for r in env.requests if r.step == step).prompt
        assert "\nLanguage: German (de)" in prompt, step
    assert "Die meisten Teams fangen damit verkehrt herum an." in saved("linkedin")
    assert "Subject: Ein Plan für vier Wochen, ab Montag" in saved("newsletter")
    # The front matter's date stays ISO, whatever the language.
    assert "\ndate: 20" in saved("blog") and "-" in saved("blog").split("date: ")[1][:10]


def test_a_piece_mixing_languages_is_caught_and_revised(env: FakeGemini, sleeps: Sleeps) -> None:
    german = (
        "Die meisten Teams fangen mit zu großen Vorhaben an und verlieren dabei den Überblick "
        "über das, was wirklich hilft."
    )
    english = (
        "Start with one small workflow that the team repeats every single day, write down how "
        "long it takes today, and look at the numbers again every Friday for four weeks before "
        "you decide what to keep and what to drop from the process."
    )
    post = f"{german}\n\n{english}\n\n{german}"
    env.inject(Fault.reply({"post": post, "hashtags": ["Teams"]}), channel="linkedin", step="draft")

    assert generate(sleeps, "--language", "de", "--channels", "linkedin") == 0

    first, second = manifest()["channels"]["linkedin"]["attempts"]
    (mixed,) = [v for v in first["rules"] if v["rule"] == "language.mixed"]
    assert mixed["level"] == "block" and mixed["line"] == 3
    assert "in English" in mixed["message"]
    assert second["passed"] is True


def test_the_language_setting_and_its_errors(env: FakeGemini, monkeypatch, capsys) -> None:
    code, _, err = run_cli(["generate", TOPIC, "--language", "Deutsch"], capsys)
    assert_usage_error(code, err, "--language", "'Deutsch'", "BCP 47")
    monkeypatch.setenv("CONTENT_GEN_LANGUAGE", "tlh")
    code, _, err = run_cli(["generate", TOPIC], capsys)
    assert_usage_error(code, err, "CONTENT_GEN_LANGUAGE (from environment)", "'tlh'")
    assert env.requests == []


def test_the_retry_command_keeps_the_voice_and_the_language(
    env: FakeGemini, sleeps: Sleeps, capsys
) -> None:
    import shlex

    from test_voice_kit import make_kit

    make_kit()
    env.inject(Fault.http(400, "bad request"), channel="blog", step="draft")
    assert generate(sleeps, "--language", "de", "--voice", "brand") == 1
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("Retry it with"))
    argv = shlex.split(line.removeprefix("Retry it with: "))[1:]
    assert argv[-4:] == ["--voice", "brand", "--language", "de"]

    plans = env.count(step="plan")
    assert main(argv, sleep=sleeps) == 0
    assert env.count(step="plan") == plans  # the German plan is reused for German pieces
    assert manifest()["channels"]["blog"]["passed"] is True

    # The same run redone in English needs an English plan: its call to action ends every piece.
    argv[argv.index("de")] = "en"
    assert main(argv, sleep=sleeps) == 0
    assert env.count(step="plan") == plans + 1
