"""What the commands tell a person: where things went, what failed, how to retry, in the
terminal's width, and the same way of naming a calendar in every calendar command."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from conftest import RUN_FILES, Sleeps, visible

from content_gen.cli import main
from content_gen.fake import FakeGemini, Fault

TOPIC = "How small teams can adopt AI code review"
README = Path(__file__).resolve().parent.parent / "README.md"
CI = Path(__file__).resolve().parent.parent / ".ci" / "run"


def generate(sleeps: Sleeps, *args: str) -> int:
    return main(["generate", TOPIC, "--out", "out", *args], sleep=sleeps)


# --- generate ----------------------------------------------------------------------------------


def test_json_names_the_run_directory_and_progress_still_goes_to_stderr(env, sleeps, capsys):
    assert generate(sleeps, "--channels", "linkedin", "--json") == 0
    first = json.loads(capsys.readouterr().out)
    assert generate(sleeps, "--channels", "linkedin", "--json") == 0
    out, err = capsys.readouterr()
    second = json.loads(out)

    assert Path(first["directory"]).is_dir() and (Path(first["directory"]) / "run.json").is_file()
    assert second["directory"] == first["directory"] + "-2"  # the rerun's new directory is named
    assert json.loads((Path(second["directory"]) / "run.json").read_text()) == second
    assert re.search(r"^  linkedin +passed +score", err, re.MULTILINE)


def test_when_every_channel_fails_nothing_is_said_to_be_saved(env: FakeGemini, sleeps, capsys):
    env.inject(*[Fault.http(400, "bad request")] * 3, step="draft")

    assert generate(sleeps, "--brief", "notes.md") == 2  # no brief yet: a usage error first
    Path("notes.md").write_text("Notes.")
    assert generate(sleeps, "--brief", "notes.md") == 1
    out = capsys.readouterr().out

    assert "Saved in" not in out
    assert "Nothing saved: no channel finished" in out
    retry = [line for line in out.splitlines() if line.startswith("Retry them with: ")]
    assert len(retry) == 1  # one command for all of them, not one per channel
    words = shlex.split(retry[0].removeprefix("Retry them with: "))
    (run_dir,) = visible(Path("out"))
    assert words == [
        "content-gen",
        "generate",
        TOPIC,
        "--channels",
        "linkedin,newsletter,blog",
        "--into",
        str(run_dir),
        "--brief",
        "notes.md",
    ]


def test_the_summary_counts_the_warnings_left_and_shows_the_first(
    env: FakeGemini, sleeps, capsys, monkeypatch
):
    short = "Hiring juniors is not charity. It is an investment in your team."
    env.inject(Fault.reply({"post": short, "hashtags": []}), channel="linkedin")

    assert generate(sleeps, "--channels", "linkedin,blog") == 0
    lines = capsys.readouterr().out.splitlines()

    assert re.match(r"channel +result .* warnings +file$", lines[1])
    assert re.match(r"linkedin +passed .* +2 +linkedin\.md$", lines[2])
    assert re.match(r"blog +passed .* +0 +blog\.md$", lines[3])
    [note] = [line for line in lines if line.startswith("- linkedin:")]
    assert note.startswith(
        "- linkedin: 2 warnings left, first: tells.contrast (not-X-but-Y contrast"
    )

    monkeypatch.setenv("COLUMNS", "60")
    env.inject(Fault.reply({"post": short, "hashtags": []}), channel="linkedin")
    assert generate(sleeps, "--channels", "linkedin") == 0
    [note] = [line for line in capsys.readouterr().out.splitlines() if line.startswith("- ")]
    assert len(note) == 60 and note.endswith("...")


def test_a_partial_run_says_what_was_saved_and_what_was_not(env: FakeGemini, sleeps, capsys):
    env.inject(Fault.http(400, "bad request"), channel="blog", step="draft")

    assert generate(sleeps) == 1
    out = capsys.readouterr().out

    assert "Saved linkedin.md, newsletter.md in out/" in out
    assert "not saved: blog." in out
    (run_dir,) = visible(Path("out"))
    assert f"Retry it with: content-gen generate '{TOPIC}' --channels blog --into {run_dir}" in out


def test_the_retry_command_redoes_just_the_failed_channels(env: FakeGemini, sleeps, capsys):
    env.inject(Fault.http(400, "bad request"), channel="blog", step="draft")
    assert generate(sleeps) == 1
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("Retry it with"))
    argv = shlex.split(line.removeprefix("Retry it with: "))[1:]

    plans = env.count(step="plan")
    assert main(argv, sleep=sleeps) == 0
    (run_dir,) = visible(Path("out"))  # the same run directory, not a new one
    assert sorted(p.name for p in run_dir.iterdir()) == list(RUN_FILES)
    assert env.count(step="plan") == plans  # its plan was reused: the pieces agree
    manifest = json.loads((run_dir / "run.json").read_text())
    assert manifest["status"] == "complete" and manifest["plan"]["reused"] is True


# --- calendar ----------------------------------------------------------------------------------

CALENDAR = "date,topic,channels\n2026-11-21,A topic,linkedin\n"


@pytest.mark.parametrize("action", ["check", "run", "status"])
@pytest.mark.parametrize("form", [["cal.csv"], ["--calendar", "cal.csv"]])
def test_every_calendar_command_takes_the_file_either_way(env, sleeps, capsys, action, form):
    Path("cal.csv").write_text(CALENDAR)
    extra = ["--out", "out"] if action != "check" else []
    code = main(["calendar", action, *form, *extra, "--today", "2026-11-21"], sleep=sleeps)
    assert code == 0, capsys.readouterr().err


def test_two_different_calendars_are_refused(capsys):
    code = main(["calendar", "check", "a.csv", "--calendar", "b.csv"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("content-gen: error: two calendars given")


def test_no_calendar_says_how_to_name_one(capsys):
    code = main(["calendar", "status"])
    assert code == 2
    assert capsys.readouterr().err.strip() == (
        "content-gen: error: name the calendar: content-gen calendar status FILE"
    )


def test_calendar_lines_fit_an_80_column_terminal(env, sleeps, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    long = "What we learned from running a four-day week for a whole year at a small agency"
    Path("cal.csv").write_text(
        f"date,topic,channels\n2026-11-20,{long},\n2026-11-21,{long} (part two),linkedin\n"
    )
    env.inject(
        *[Fault.http(500, "The model is overloaded. Please try again later.")] * 5, channel="blog"
    )

    assert (
        main(["calendar", "run", "cal.csv", "--out", "out", "--today", "2026-11-21"], sleep=sleeps)
        == 1
    )
    run_out, run_err = capsys.readouterr()
    assert main(["calendar", "status", "cal.csv", "--out", "out", "--today", "2026-11-21"]) == 0
    status_out, _ = capsys.readouterr()

    logged = re.compile(r"^\d\d:\d\d:\d\d (WARNING|INFO|DEBUG) ")  # log records are not cut
    lines = [*run_out.splitlines(), *run_err.splitlines(), *status_out.splitlines()]
    lines = [line for line in lines if not logged.match(line)]
    assert all(len(line) <= 80 for line in lines), "\n".join(x for x in lines if len(x) > 80)
    assert any("FAILED" in line for line in run_err.splitlines())  # cut, not dropped
    assert "overloaded" in run_out  # the reason is in full in the notes, wrapped


def test_without_a_terminal_nothing_is_cut(env, sleeps, capsys, monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    long = "x" * 150
    Path("cal.csv").write_text(f"date,topic,channels\n2026-11-21,{long},linkedin\n")
    assert (
        main(["calendar", "run", "cal.csv", "--out", "out", "--today", "2026-11-21"], sleep=sleeps)
        == 0
    )
    assert max(len(line) for line in capsys.readouterr().out.splitlines()) > 80


# --- the README's two commands ----------------------------------------------------------------


def _readme_commands() -> tuple[str, str]:
    """The indented commands under "Set up": the one that runs the tool, the one that tests."""
    text = README.read_text(encoding="utf-8")
    setup = text.split("## Set up", 1)[1].split("\n## ", 1)[0]
    commands = [line.strip() for line in setup.splitlines() if line.startswith("    python3 ")]
    run = next(c for c in commands if "content-gen generate" in c)
    test = next(c for c in commands if "pytest" in c)
    return run, test


def test_the_readme_commands_need_no_activated_virtualenv() -> None:
    for command in _readme_commands():
        steps = [step.strip() for step in command.split("&&")]
        assert steps[0] == "python3 -m venv .venv"
        # Every later step names the virtualenv's own programs, so a fresh terminal works.
        assert all(step.startswith(".venv/bin/") for step in steps[1:]), command
        assert "activate" not in command


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    _, test = _readme_commands()
    assert test in CI.read_text(encoding="utf-8").splitlines()
