"""The calendar's voice and language columns: checked per row, confined to the calendar's
folder, and each entry written in its own kit and language."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import Sleeps
from test_voice_kit import make_kit

from content_gen.cli import main
from content_gen.fake import FakeGemini
from content_gen.schedule.calendar import load_calendar

CALENDAR = (
    "date,topic,channels,voice,language\n"
    "2026-11-19,How small teams can adopt AI code review,linkedin,brand,\n"
    "2026-11-20,Wie kleine Teams KI-Code-Reviews einführen,linkedin,,de\n"
)


def write(text: str = CALENDAR, folder: Path = Path("cal")) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / "cal.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_rows_name_their_kit_and_language() -> None:
    make_kit(Path("cal/brand"))
    calendar = load_calendar(write())
    first, second = calendar.entries
    assert first.kit is not None and first.kit.words.rule_ids() == [
        "voice.banned",
        "voice.preferred",
        "voice.name",
    ]
    assert first.language is None
    assert (second.kit, second.language) == (None, "de")
    assert calendar.problems == ()


def test_a_bad_kit_or_tag_is_the_rows_problem_and_the_other_rows_stay() -> None:
    make_kit(Path("cal/brand"), words="[[banned]]\nwords = ['x']\nlevel = 'never'\n")
    rows = CALENDAR + "2026-11-21,A third topic,,,Deutsch\n2026-11-22,A fourth topic,,,\n"
    calendar = load_calendar(write(rows))
    assert [e.topic for e in calendar.entries] == [
        "Wie kleine Teams KI-Code-Reviews einführen",
        "A fourth topic",
    ]
    first, second = calendar.problems
    assert first.line == 2 and first.message.startswith("cal/brand/words.toml:3: level must be")
    assert second.line == 4 and second.message.startswith("language 'Deutsch': expected a BCP 47")


def test_a_kit_outside_the_calendars_folder_is_refused_unless_allowed() -> None:
    make_kit(Path("elsewhere"))
    rows = "date,topic,voice\n2026-11-19,A topic,../elsewhere\n"
    (problem,) = load_calendar(write(rows)).problems
    assert "is outside" in problem.message and "--allow-outside-files" in problem.message
    (entry,) = load_calendar(write(rows), allow_outside=True).entries
    assert entry.kit is not None


def test_a_sample_linked_from_outside_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "id_rsa"
    secret.write_text("-----BEGIN KEY-----", encoding="utf-8")
    kit = make_kit(Path("cal/brand"))
    (kit / "samples" / "linkedin" / "key.md").symlink_to(secret)
    (problem,) = load_calendar(write()).problems
    assert problem.line == 2 and "is outside" in problem.message


def test_calendar_run_writes_each_entry_in_its_kit_and_language(
    env: FakeGemini, sleeps: Sleeps, capsys
) -> None:
    make_kit(Path("cal/brand"))
    write()
    argv = ["calendar", "run", "cal/cal.csv", "--out", "out", "--today", "2026-11-21"]
    assert main(argv, sleep=sleeps) == 0

    english = json.loads(next(Path("out").glob("2026-11-19-*/run.json")).read_text())
    german = json.loads(next(Path("out").glob("2026-11-20-*/run.json")).read_text())
    assert english["voice"]["rules"] == ["voice.banned", "voice.preferred", "voice.name"]
    assert english["language"] is None
    scores = english["channels"]["linkedin"]["attempts"][-1]["judge"]["scores"]
    assert "voice_match" in scores
    assert german["voice"] is None and german["language"] == "de"
    assert german["channels"]["linkedin"]["passed"] is True
    prompts = [r.prompt for r in env.requests if r.step == "draft"]
    assert sum("Language: German (de)" in p for p in prompts) == 1


def test_calendar_run_voice_and_language_flags_are_the_default_for_rows(
    env: FakeGemini, sleeps: Sleeps, capsys
) -> None:
    make_kit(Path("brand"))
    write("date,topic,channels\n2026-11-19,How small teams can adopt AI code review,linkedin\n")
    argv = ["calendar", "run", "cal/cal.csv", "--out", "out", "--today", "2026-11-21"]
    assert main([*argv, "--voice", "brand", "--language", "en"], sleep=sleeps) == 0
    m = json.loads(next(Path("out").glob("*/run.json")).read_text())
    assert m["voice"]["directory"] == "brand" and m["language"] == "en"
