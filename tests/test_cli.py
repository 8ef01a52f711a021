"""Usage and configuration errors: one line, exit 2, before any API call or SDK import."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TEST_KEY, clean_env

from content_gen.cli import main
from content_gen.fake import FakeGemini
from content_gen.inputs import TOPIC_MAX_CHARS


def run_cli(argv: list[str], capsys) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse exits on its own errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def assert_usage_error(code: int, err: str, *needles: str) -> None:
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("content-gen: error: ")
    assert "Traceback" not in err
    for needle in needles:
        assert needle in lines[0]


@pytest.mark.parametrize(
    ("argv", "needles"),
    [
        (["generate", ""], ["the topic is empty"]),
        (["generate", "   \t "], ["the topic is empty"]),
        (["generate", "x" * (TOPIC_MAX_CHARS + 1)], [f"maximum is {TOPIC_MAX_CHARS}"]),
        (["generate", "AI", "--channels", "linkedin,tiktok"], ["unknown channel 'tiktok'"]),
        (["generate", "AI", "--max-revisions", "abc"], ["--max-revisions", "'abc'"]),
        (["generate", "AI", "--max-revisions", "11"], ["--max-revisions", "'11'"]),
        (["generate", "AI", "--model", "bad model!"], ["--model", "'bad model!'"]),
        (["generate", "AI", "--brief", "missing.md"], ["--brief missing.md", "No such file"]),
        (["generate", "AI"], ["GEMINI_API_KEY"]),
        (["generate"], ["TOPIC"]),
        (["generate", "AI", "--bogus"], ["--bogus"]),
        (["frobnicate"], ["frobnicate"]),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(argv, needles, capsys) -> None:
    code, _, err = run_cli(argv, capsys)
    assert_usage_error(code, err, *needles)
    assert not Path("output").exists()  # nothing was created


def test_no_command_prints_help_and_exits_2(capsys) -> None:
    code, _, err = run_cli([], capsys)
    assert code == 2 and "generate" in err


def test_invalid_environment_setting_names_variable_and_source(monkeypatch, capsys) -> None:
    monkeypatch.setenv("GEMINI_API_KEY", TEST_KEY)
    monkeypatch.setenv("CONTENT_GEN_REQUEST_TIMEOUT", "-5")
    code, _, err = run_cli(["generate", "AI"], capsys)
    assert_usage_error(code, err, "CONTENT_GEN_REQUEST_TIMEOUT (from environment)", "'-5'")


def test_invalid_dotenv_setting_names_variable_and_source(capsys) -> None:
    Path(".env").write_text(f"GEMINI_API_KEY={TEST_KEY}\nCONTENT_GEN_MAX_RETRIES=lots\n")
    code, _, err = run_cli(["generate", "AI"], capsys)
    assert_usage_error(code, err, "CONTENT_GEN_MAX_RETRIES (from .env)", "'lots'")
    assert TEST_KEY not in err


def test_unwritable_output_directory(monkeypatch, capsys) -> None:
    monkeypatch.setenv("GEMINI_API_KEY", TEST_KEY)
    Path("not-a-dir").write_text("a file where the output root should be")
    code, _, err = run_cli(["generate", "AI", "--out", "not-a-dir"], capsys)
    assert_usage_error(code, err, "cannot write to output directory not-a-dir", "--out")


def test_unreadable_brief(monkeypatch, capsys) -> None:
    Path("brief.md").write_bytes(b"\xff\xfe not utf-8 \x80")
    code, _, err = run_cli(["generate", "AI", "--brief", "brief.md"], capsys)
    assert_usage_error(code, err, "--brief brief.md is not UTF-8 text")


def test_broken_prompt_template_is_caught_before_any_call(monkeypatch, fake: FakeGemini, capsys):
    from content_gen.prompts import default_prompts_dir

    prompts = Path("my-prompts")
    for source in default_prompts_dir().rglob("*.md"):
        target = prompts / source.relative_to(default_prompts_dir())
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(source.read_text())
    (prompts / "blog" / "writer.md").write_text("Write about {{topic}} for {{reader}}.\n")
    monkeypatch.setenv("GEMINI_API_KEY", TEST_KEY)
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", fake.url)
    monkeypatch.setenv("CONTENT_GEN_PROMPTS_DIR", str(prompts))

    code, _, err = run_cli(["generate", "AI"], capsys)

    assert_usage_error(code, err, "blog/writer.md uses {{reader}}", "{{topic}}")
    assert fake.requests == []


def test_settings_precedence_flag_over_env_over_dotenv(env: FakeGemini, monkeypatch, capsys):
    Path(".env").write_text(
        "CONTENT_GEN_MODEL=model-from-dotenv\n"
        "CONTENT_GEN_JUDGE_MODEL=judge-from-dotenv\n"
        "CONTENT_GEN_MAX_REVISIONS=0\n"
    )
    monkeypatch.setenv("CONTENT_GEN_JUDGE_MODEL", "judge-from-env")
    monkeypatch.setenv("CONTENT_GEN_MODEL", "model-from-env")

    code = main(
        ["generate", "AI", "--channels", "linkedin", "--model", "model-from-flag", "--json"]
    )

    assert code == 0
    manifest = json.loads(capsys.readouterr().out)
    assert manifest["model"] == "model-from-flag"
    assert manifest["judge_model"] == "judge-from-env"
    assert manifest["settings"]["max_revisions"] == 0
    assert {(r.step, r.model) for r in env.requests} == {
        ("plan", "model-from-flag"),
        ("draft", "model-from-flag"),
        ("judge", "judge-from-env"),
    }


# --- the SDK stays off the paths that must be instant --------------------------------------

_PROBE = """
import json, sys
from content_gen.cli import main
codes = []
for argv in json.loads(sys.argv[1]):
    try:
        codes.append(main(argv))
    except SystemExit as exc:
        codes.append(exc.code)
print(json.dumps({"codes": codes, "sdk": "google.genai" in sys.modules}))
"""


def test_help_and_usage_errors_never_import_the_sdk(tmp_path: Path) -> None:
    cases = [
        ["--help"],
        ["generate", "--help"],
        ["generate", ""],
        ["generate", "AI", "--channels", "fax"],
        ["generate", "AI", "--max-revisions", "-1"],
        ["generate", "AI"],  # no key
        ["calendar", "--help"],
        ["calendar", "run", "--help"],
        ["calendar", "run", "--calendar", "missing.csv"],
        ["calendar", "run", "--calendar", "cal.csv", "--max-topics", "0"],
        ["calendar", "run", "--calendar", "cal.csv"],  # no key
        ["calendar", "check", "cal.csv"],
        ["check", "--help"],
        ["check"],
        ["check", "cal.csv", "--channel", "fax"],
        ["check", "linkedin.md"],  # the rules run, and need pydantic only
    ]
    (tmp_path / "cal.csv").write_text("date,topic\n2026-11-21,AI\n")
    (tmp_path / "linkedin.md").write_text("A short post about hiring.\n")
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(cases)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=clean_env(),
        timeout=60,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"codes": [0, 0, 2, 2, 2, 2, 0, 0, 2, 2, 2, 0, 0, 2, 2, 0], "sdk": False}
    assert "Traceback" not in done.stderr


def test_module_entry_point_runs(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "content_gen", "generate", ""],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=clean_env(),
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "content-gen: error: the topic is empty; say what to write about, e.g. "
        'content-gen generate "How small teams can adopt AI code review"'
    )


def test_help_and_calendar_check_load_neither_pydantic_nor_the_sdk(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "from content_gen.cli import main\n"
        "for argv in (['calendar', 'check', 'cal.csv'], ['calendar', 'check', '--calendar', "
        "'cal.csv']):\n"
        "    main(argv)\n"
        "heavy = ('pydantic', 'google.genai', 'jinja2', 'markdown_it')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    (tmp_path / "cal.csv").write_text("date,topic,channels\n2026-11-21,AI,linkedin;blog\n")
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=clean_env(),
        timeout=60,
    )
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stderr
