"""The calendar file: CSV and TOML parsed into entries, every bad row named by its line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from content_gen.cli import main
from content_gen.errors import UsageError
from content_gen.inputs import TOPIC_MAX_CHARS
from content_gen.schedule.calendar import Entry, load_calendar

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def write(name: str, text: str, encoding: str = "utf-8") -> Path:
    path = Path(name)
    path.write_text(text, encoding=encoding)
    return path


def problems(path: Path) -> list[tuple[int, str]]:
    return [(p.line, p.message) for p in load_calendar(path).problems]


def test_spreadsheet_csv_becomes_entries(tmp_path: Path) -> None:
    Path("notes").mkdir()
    Path("notes/review.md").write_text("Median review time fell from 9 to 2 hours.\n")
    # As Excel's "CSV UTF-8" writes it: a byte-order mark, CRLF, capitalised headers.
    path = write(
        "cal.csv",
        "\ufeffDate,Topic,Channels,Brief,Audience\r\n"
        "2026-11-20,How small teams adopt AI code review,LinkedIn; blog,notes/review.md,CTOs\r\n"
        "2026-11-27,  Four-day   weeks ,,,\r\n",
        encoding="utf-8",
    )

    calendar = load_calendar(path)

    assert calendar.problems == () and calendar.notes == ()
    first, second = calendar.entries
    assert first == Entry(
        line=2,
        day=date(2026, 11, 20),
        topic="How small teams adopt AI code review",
        channels=("linkedin", "blog"),
        brief=Path("notes/review.md"),
        brief_text="Median review time fell from 9 to 2 hours.\n",
        audience="CTOs",
    )
    assert first.key == "2026-11-20 How small teams adopt AI code review"
    assert first.directory == "2026-11-20-how-small-teams-adopt-ai-code-review"
    assert second.topic == "Four-day weeks"  # whitespace collapsed, as generate does
    assert second.channels == ("linkedin", "newsletter", "blog")  # empty means all
    assert second.brief is None and second.audience is None


def test_brief_is_found_next_to_the_calendar_not_the_working_directory() -> None:
    Path("plans/notes").mkdir(parents=True)
    Path("plans/notes/a.md").write_text("Key point.")
    path = write("plans/cal.csv", "date,topic,brief\n2026-11-20,A topic,notes/a.md\n")

    (entry,) = load_calendar(path).entries

    assert entry.brief == Path("plans/notes/a.md") and entry.brief_text == "Key point."


def test_each_bad_row_is_reported_with_its_line_and_the_good_rows_stay() -> None:
    Path("bad-brief.md").write_bytes(b"\xff\xfe\x80 not utf-8")
    path = write(
        "cal.csv",
        "date,topic,channels,brief\n"  # 1
        "2026-11-20,A good topic,,\n"  # 2
        "21/11/2026,Date in the wrong order,,\n"  # 3
        '2026-11-22,"A topic on\n'  # 4: a quoted cell over two lines
        'two lines",,\n'  # 5
        "2026-02-30,No such day,,\n"  # 6
        "2026-11-23,,,\n"  # 7
        f"2026-11-24,{'x' * (TOPIC_MAX_CHARS + 1)},,\n"  # 8
        "2026-11-25,Fax season,linkedin;fax,\n"  # 9
        "2026-11-26,Missing notes,,nowhere.md\n"  # 10
        "2026-11-27,Unreadable notes,,bad-brief.md\n"  # 11
        "2026-11-28,Ten, eleven and twelve,,\n"  # 12: unquoted comma
        "\n"  # 13
        ",,,\n"  # 14: an empty spreadsheet row
        "2026-11-20,A good topic,blog,\n"  # 15: the same entry as line 2
        "2026-11-20,A good topic!,,\n"  # 16: a different topic, the same directory
        "2026-11-29,Last good topic,,\n",  # 17
    )

    calendar = load_calendar(path)

    assert [(e.line, e.topic) for e in calendar.entries] == [
        (2, "A good topic"),
        (4, "A topic on two lines"),
        (17, "Last good topic"),
    ]
    found = problems(path)
    assert [line for line, _ in found] == [3, 6, 7, 8, 9, 10, 11, 12, 15, 16]
    expected = {
        3: "the date '21/11/2026' is not in YYYY-MM-DD form",
        6: "the date '2026-02-30' does not exist",
        7: "the topic is empty",
        8: f"the topic is {TOPIC_MAX_CHARS + 1} characters; the maximum is {TOPIC_MAX_CHARS}",
        9: "unknown channel 'fax'; choose from linkedin, newsletter, blog",
        10: "cannot read brief nowhere.md: No such file or directory",
        11: "brief bad-brief.md is not UTF-8 text",
        12: "5 cells but the header has 4 columns (is there an unquoted comma",
        15: "the same date and topic as line 2",
        16: "would write to the same directory as line 2 (2026-11-20-a-good-topic/)",
    }
    for line, message in found:
        assert message.startswith(expected[line]), (line, message)


def test_an_id_column_names_entries_so_dates_and_topics_can_change() -> None:
    path = write(
        "cal.csv",
        "id,date,topic\n"
        "launch,2026-11-20,Launch week\n"
        "launch,2026-12-01,Launch week again\n"
        ",2026-12-02,No id\n",
    )

    calendar = load_calendar(path)

    assert [e.key for e in calendar.entries] == ["id:launch", "2026-12-02 No id"]
    assert problems(path) == [(3, "the same id as line 2; each entry must differ")]


def test_semicolon_csv_as_some_locales_export_it() -> None:
    path = write("cal.csv", "date;topic;channels\n2026-11-20;A topic;linkedin,blog\n")

    (entry,) = load_calendar(path).entries

    assert entry.topic == "A topic" and entry.channels == ("linkedin", "blog")


def test_unused_columns_are_noted_not_fatal() -> None:
    path = write("cal.csv", "date,topic,owner,\n2026-11-20,A topic,ann,\n")

    calendar = load_calendar(path)

    assert len(calendar.entries) == 1
    assert calendar.notes == (
        "cal.csv:1: column 'owner' is not used "
        "(the columns are date, topic, channels, brief, sources, audience, id, cta_url, voice, "
        "language)",
    )


def test_toml_entries_with_native_dates_lists_and_line_numbers() -> None:
    path = write(
        "cal.toml",
        "# plan\n"  # 1
        "[[entry]]\n"  # 2
        "date = 2026-11-20\n"
        'topic = "A topic"\n'
        'channels = ["blog", "linkedin"]\n'
        'owner = "ann"\n'
        "\n"
        "[[entry]]\n"  # 8
        'date = "2026-11-21"\n'
        "topic = 42\n"
        "\n"
        "[[entry]]\n"  # 12
        "date = 2026-11-22T09:00:00\n"
        'topic = "Has a time"\n'
        "\n"
        "[[entry]]\n"  # 16
        'date = "2026-11-23"\n'
        'topic = "Channels as text"\n'
        'channels = "newsletter;blog"\n',
    )

    calendar = load_calendar(path)

    assert [(e.line, e.day, e.topic, e.channels) for e in calendar.entries] == [
        (2, date(2026, 11, 20), "A topic", ("blog", "linkedin")),
        (16, date(2026, 11, 23), "Channels as text", ("newsletter", "blog")),
    ]
    assert problems(path) == [
        (8, "topic must be text, not a number"),
        (12, "the date 2026-11-22T09:00:00 has a time; give just the day (YYYY-MM-DD)"),
    ]
    assert calendar.notes == (
        "cal.toml: key 'owner' in [[entry]] is not used "
        "(the keys are date, topic, channels, brief, sources, audience, id, cta_url, voice, "
        "language)",
    )


def test_the_example_calendars_are_valid_and_say_the_same() -> None:
    csv = load_calendar(EXAMPLES / "content_calendar.csv")
    toml = load_calendar(EXAMPLES / "content_calendar.toml")

    assert csv.problems == toml.problems == () and csv.notes == toml.notes == ()
    assert len(csv.entries) >= 3

    def essence(e: Entry) -> tuple:
        return (e.key, e.channels, e.brief_text, e.audience)

    assert [essence(e) for e in csv.entries] == [essence(e) for e in toml.entries]
    assert any(e.brief_text for e in csv.entries)  # the example shows a brief file


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.csv", None, "cannot read calendar missing.csv: No such file or directory"),
        (
            "latin1.csv",
            b"date,topic\n2026-11-20,Caf\xe9\n",
            "not UTF-8 text (line 2); export it as CSV UTF-8",
        ),
        ("empty.csv", b"\n\n", "is empty; it needs a header row such as date,topic"),
        ("header.csv", b"date,topic\n", "calendar header.csv has no entries"),
        (
            "notopic.csv",
            b"date,title\n2026-11-20,A\n",
            "notopic.csv:1: the header row has no 'topic'",
        ),
        ("twice.csv", b"date,topic,Topic\n", "twice.csv:1: the header row has two 'topic' columns"),
        ("broken.toml", b"[[entry]\n", "calendar broken.toml is not valid TOML"),
        ("tables.toml", b'[[entries]]\ndate = 2026-11-20\ntopic = "A"\n', "no [[entry]] tables"),
    ],
)
def test_a_file_that_cannot_be_used_is_one_error(name: str, content: bytes | None, message: str):
    if content is not None:
        Path(name).write_bytes(content)

    with pytest.raises(UsageError) as caught:
        load_calendar(Path(name))

    assert message in str(caught.value)


# --- calendar check --------------------------------------------------------------------------


def test_check_reports_a_valid_calendar(capsys) -> None:
    write("cal.csv", "date,topic\n2026-11-20,First\n2026-11-21,Second\n2026-12-01,Third\n")

    code = main(["calendar", "check", "cal.csv", "--today", "2026-11-21"])

    out, err = capsys.readouterr()
    assert code == 0 and err == ""
    assert out == "cal.csv: 3 entries valid. 2 due by 2026-11-21, 1 later (next on 2026-12-01).\n"


def test_check_names_each_bad_line_and_exits_1(capsys) -> None:
    write("cal.csv", "date,topic\n2026-11-20,First\n2026-13-01,Bad month\n2026-11-22,\n")

    code = main(["calendar", "check", "cal.csv", "--today", "2026-11-21"])

    out, err = capsys.readouterr()
    assert code == 1
    assert err.splitlines() == [
        "content-gen: cal.csv:3: the date '2026-13-01' does not exist",
        "content-gen: cal.csv:4: the topic is empty",
    ]
    assert out.startswith("cal.csv: 1 entry valid; 2 rows with problems.")


def test_check_exits_2_when_no_row_is_valid(capsys) -> None:
    write("cal.csv", "date,topic\nsoon,First\n")

    code = main(["calendar", "check", "cal.csv"])

    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.splitlines() == [
        "content-gen: cal.csv:2: the date 'soon' is not in YYYY-MM-DD form; format the date "
        "column as 2026-11-21",
        "content-gen: error: calendar cal.csv has no valid entries; fix the rows above",
    ]
