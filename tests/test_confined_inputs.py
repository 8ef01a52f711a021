"""Files a user or a shared calendar names: confined, bounded, regular, UTF-8; one-line errors.

A calendar row could once send any file to the API (`../../etc/passwd`, `/proc/self/environ`
with the key in it), hang on a FIFO or exhaust memory on /dev/zero.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import TEST_KEY, Sleeps

from content_gen.cli import main
from content_gen.config import load_settings
from content_gen.errors import PromptError, UsageError
from content_gen.fake import FakeGemini
from content_gen.files import read_text
from content_gen.prompts import PromptLibrary, default_prompts_dir
from content_gen.schedule.calendar import load_calendar


def calendar(rows: str, folder: Path = Path("cal")) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / "cal.csv"
    path.write_text("date,topic,brief\n" + rows, encoding="utf-8")
    return path


# --- a calendar's files stay inside its folder -------------------------------------------------


@pytest.mark.parametrize(
    "brief",
    [
        "../../../../etc/passwd",
        "/etc/passwd",
        "/proc/self/environ",
        "~/.ssh/id_rsa",
        "../secret.md",
    ],
)
def test_a_calendar_cannot_name_a_file_outside_its_folder(brief: str) -> None:
    Path("secret.md").write_text("not for the API")
    cal = load_calendar(calendar(f"2026-11-21,A topic,{brief}\n2026-11-22,Another,\n"))

    assert [e.topic for e in cal.entries] == ["Another"]  # the other rows still run
    (problem,) = cal.problems
    assert problem.line == 2
    if not brief.startswith("~"):
        assert "is outside" in problem.message and "--allow-outside-files" in problem.message


def test_a_link_out_of_the_folder_is_followed_and_refused() -> None:
    Path("secret.md").write_text("not for the API")
    Path("cal").mkdir()
    (Path("cal") / "notes.md").symlink_to(Path("secret.md").resolve())

    cal = load_calendar(calendar("2026-11-21,A topic,notes.md\n"), allow_outside=False)

    assert not cal.entries and "is outside" in cal.problems[0].message


def test_allow_outside_files_lets_a_trusted_calendar_reach_elsewhere() -> None:
    Path("shared-notes.md").write_text("Notes kept beside the calendar folder.")
    cal = load_calendar(calendar("2026-11-21,A topic,../shared-notes.md\n"), allow_outside=True)
    assert cal.entries[0].brief_text == "Notes kept beside the calendar folder."


def test_the_flag_reaches_the_calendar_commands(capsys) -> None:
    Path("shared-notes.md").write_text("Notes.")
    path = calendar("2026-11-21,A topic,../shared-notes.md\n")
    assert main(["calendar", "check", str(path)]) == 2  # its only row is refused
    assert main(["calendar", "check", str(path), "--allow-outside-files"]) == 0


# --- bounded reads of regular files only -------------------------------------------------------


def test_a_fifo_is_refused_without_hanging(capsys) -> None:
    os.mkfifo("brief.md")  # nobody writes to it: reading it would block forever
    code = main(["generate", "AI", "--brief", "brief.md"])
    err = capsys.readouterr().err.strip()
    assert (
        code == 2
        and err == "content-gen: error: --brief brief.md is a named pipe, not a regular file"
    )


def test_a_device_is_refused_without_reading_it() -> None:
    with pytest.raises(UsageError, match="/dev/zero is a device, not a regular file"):
        read_text(Path("/dev/zero"), label="brief", limit=1000)


def test_a_file_is_read_no_further_than_its_limit_plus_one() -> None:
    Path("big.md").write_bytes(b"x" * 5000)
    with pytest.raises(UsageError, match=r"big\.md is 5,000 bytes; the maximum is 4,096"):
        read_text(Path("big.md"), label="brief", limit=4096)
    # /proc files report no size: the bound is on what is read, not on what stat says.
    with pytest.raises(UsageError, match="is over 10 bytes; the maximum is 10"):
        read_text(Path("/proc/self/status"), label="brief", limit=10)


def test_a_directory_named_as_brief_is_one_line(capsys) -> None:
    Path("notes").mkdir()
    assert main(["generate", "AI", "--brief", "notes"]) == 2
    assert (
        capsys.readouterr().err.strip().endswith("--brief notes is a directory, not a regular file")
    )


def test_a_calendar_that_is_a_fifo_or_not_utf8(capsys) -> None:
    os.mkfifo("cal.csv")
    assert main(["calendar", "check", "cal.csv"]) == 2
    assert "cal.csv is a named pipe, not a regular file" in capsys.readouterr().err


def test_env_file_not_utf8_or_not_a_file_is_one_line(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_bytes(b"CONTENT_GEN_MODEL=caf\xe9\n")
    with pytest.raises(UsageError, match=r"settings file .*\.env is not UTF-8 text \(line 1\)"):
        load_settings(env_file=env)
    env.unlink()
    env.mkdir()
    with pytest.raises(UsageError, match=r"\.env is a directory, not a regular file"):
        load_settings(env_file=env)


def test_a_prompt_template_that_is_not_utf8(tmp_path: Path) -> None:
    root = tmp_path / "prompts"
    root.mkdir()
    (root / "judge.md").write_bytes(b"Judge \xff this")
    with pytest.raises(PromptError, match=r"prompt template .*judge.md is not UTF-8 text"):
        PromptLibrary(root).text("judge.md")
    assert PromptLibrary(default_prompts_dir()).text("judge.md")  # the bundled ones are fine


# --- text that cannot be used, found before any call -------------------------------------------


def test_a_topic_with_bytes_that_are_not_utf8_is_one_line(capsys) -> None:
    topic = b"caf\xe9 culture".decode("utf-8", "surrogateescape")  # as argv delivers it
    assert main(["generate", topic]) == 2
    assert "the topic is not valid UTF-8 text" in capsys.readouterr().err


def test_a_calendar_nested_thousands_deep_is_one_line(capsys) -> None:
    Path("cal.toml").write_text("x = " + "[" * 5000 + "]" * 5000 + "\n")
    assert main(["calendar", "check", "cal.toml"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("content-gen: error: ") and "Traceback" not in err


def test_an_unbalanced_quote_is_reported_not_swallowed(capsys) -> None:
    Path("cal.csv").write_text(
        "date,topic,channels\n"
        '2026-11-20,"How small teams adopt AI,linkedin\n'
        "2026-11-21,Writing a brief,blog\n"
        '2026-11-22,Four-day weeks",newsletter\n'
        "2026-11-23,Onboarding,linkedin\n"
    )
    cal = load_calendar(Path("cal.csv"))
    assert [e.topic for e in cal.entries] == ["Onboarding"]
    (problem,) = cal.problems
    assert problem.line == 2 and "a quote" in problem.message and "2 rows later" in problem.message


def test_a_quote_never_closed_is_an_error_not_a_last_cell() -> None:
    Path("cal.csv").write_text('date,topic\n2026-11-20,"How small teams adopt AI\n')
    with pytest.raises(UsageError, match=r"cal.csv:2: not valid CSV"):
        load_calendar(Path("cal.csv"))


def test_a_home_folder_in_settings_is_expanded(monkeypatch) -> None:
    monkeypatch.setenv("HOME", str(Path.cwd()))
    settings = load_settings(environ={"CONTENT_GEN_OUTPUT_DIR": "~/content"}, env_file=None)
    assert settings.output_dir == Path.cwd() / "content"
    assert not Path("~").exists()


def test_a_timeout_the_sdk_cannot_keep_is_refused() -> None:
    with pytest.raises(UsageError, match=r"CONTENT_GEN_REQUEST_TIMEOUT.*0\.0004"):
        load_settings(environ={"CONTENT_GEN_REQUEST_TIMEOUT": "0.0004"}, env_file=None)


def test_a_base_url_of_spaces_never_reaches_the_sdk(sleeps: Sleeps) -> None:
    from content_gen.llm.gemini import DEFAULT_BASE_URL
    from content_gen.pipeline.session import gemini_client

    settings = load_settings(
        environ={"GEMINI_API_KEY": TEST_KEY, "GOOGLE_GEMINI_BASE_URL": "   "}, env_file=None
    )
    assert settings.base_url is None
    llm = gemini_client(settings, __import__("threading").Event(), sleep=sleeps)
    client, _ = llm._sdk()  # type: ignore[attr-defined]
    # Passed explicitly, so the SDK never reads the variable (spaces and all) itself.
    assert client._api_client._http_options.base_url == DEFAULT_BASE_URL


# --- run directories stay in the output folder -------------------------------------------------


def test_a_run_directory_linked_out_of_the_output_folder_is_refused(sleeps, capsys) -> None:
    elsewhere = Path("elsewhere")
    elsewhere.mkdir()
    Path("out").mkdir()
    Path("cal.csv").write_text("date,topic,channels\n2026-11-21,A topic,linkedin\n")
    (Path("out") / "2026-11-21-a-topic").symlink_to(elsewhere.resolve())
    with FakeGemini() as fake:
        os.environ["GEMINI_API_KEY"], os.environ["GOOGLE_GEMINI_BASE_URL"] = TEST_KEY, fake.url
        try:
            argv = ["calendar", "run", "cal.csv", "--out", "out", "--today", "2026-11-21"]
            code = main(argv, sleep=sleeps)
        finally:
            del os.environ["GEMINI_API_KEY"], os.environ["GOOGLE_GEMINI_BASE_URL"]
        assert fake.count() == 0
    assert code == 1 and list(elsewhere.iterdir()) == []
    assert "outside the output folder" in capsys.readouterr().out
