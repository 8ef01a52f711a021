"""`content-gen check`: exit codes, lines and JSON, channels from names, generated files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import visible
from test_cli import assert_usage_error, run_cli

from content_gen.cli import check as check_command
from content_gen.cli import main
from content_gen.fake import PASS, FakeGemini, Fault

TOPIC = "How small teams can adopt AI code review"

CLEAN_POST = (
    "We cut our onboarding time from 14 days to 3. Here is what changed.\n\n"
    "New customers waited two weeks for a working account, and every team blamed another "
    "for it. So we mapped each step on a whiteboard: 23 of them, and only four needed an "
    "engineer.\n\n"
    "We replaced the kickoff call with a six-minute video, let customers import their own "
    "data from a template, and let support set up accounts without filing a ticket.\n\n"
    "After one quarter the median time to a working account was three days.\n\n"
    "Which hand-off in your process does nobody own?\n\n"
    "#CustomerSuccess #SaaS"
)
# slop/linkedin/li-slop-04 and -01 in bench/corpus (synthetic).
SLOP_POST = (
    "The best engineers I know ask one question before they write code.\n\n"
    "The result? Fewer rewrites.\n\n"
    "Agree? \u267b\ufe0f Repost to help someone in your network.\n\n"
    "Tag someone who always asks the right question."
)
ISSUE = (
    "Subject: Three pricing pages we rebuilt this month\n"
    "Preheader: What changed, what we measured, and the one test worth copying\n\n"
    "Most pricing pages are written once and left alone for years.\n\n"
    "We moved the annual plan to the top and replaced the feature lists with outcomes.\n\n"
    "Reply with the page you would fix first.\n\n"
    "---\n\n"
    "You are getting this because you signed up. Unsubscribe at any time.\n"
)


def write(name: str, text: str | bytes) -> Path:
    path = Path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


class TestExitCodes:
    def test_0_when_nothing_blocks_and_warnings_are_printed(self, capsys) -> None:
        write("linkedin.md", CLEAN_POST)
        code, out, err = run_cli(["check", "linkedin.md"], capsys)
        assert (code, out, err) == (0, "1 file: 0 blocked, 1 passed, 0 warnings\n", "")

    def test_0_with_a_warning_shows_it_with_its_place(self, capsys) -> None:
        write("short.linkedin.md", "A short post about hiring, and nothing else.\n")
        code, out, _ = run_cli(["check", "short.linkedin.md"], capsys)
        assert code == 0
        assert out.splitlines() == [
            "short.linkedin.md: warn linkedin.length: 44 characters; aim for 500-2,000",
            "1 file: 0 blocked, 1 passed, 1 warning",
        ]

    def test_1_when_a_rule_blocks(self, capsys) -> None:
        write("slop.linkedin.md", SLOP_POST)
        code, out, _ = run_cli(["check", "slop.linkedin.md"], capsys)
        assert code == 1
        lines = out.splitlines()
        assert lines[0].startswith("slop.linkedin.md:5:1: block tells.engagement_bait: ")
        assert "slop.linkedin.md:3:1: warn tells.question_answer: " in out
        assert lines[-1] == "1 file: 1 blocked, 0 passed, 2 warnings"

    @pytest.mark.parametrize(
        ("name", "content", "reason"),
        [
            ("missing.linkedin.md", None, "cannot read the file: No such file or directory"),
            ("latin1.linkedin.md", "caf\xe9".encode("latin-1"), "the file is not UTF-8 text"),
            ("folder.blog.md", "dir", "the file is a directory, not a regular file"),
            ("notes.txt", "hello", "cannot tell its channel from the name"),
            ("issue.newsletter.md", "Hello,\n\nBody.\n", 'not a newsletter file: no "Subject:"'),
            ("essay.blog.md", "# An essay\n\nBody.\n", "not a blog file: no front matter"),
        ],
    )
    def test_2_when_a_file_cannot_be_used(self, capsys, name, content, reason) -> None:
        if content == "dir":
            Path(name).mkdir()
        elif content is not None:
            write(name, content)
        code, out, err = run_cli(["check", name], capsys)
        assert code == 2
        assert out.splitlines()[0].startswith(f"{name}: error: {reason}")
        assert (
            out.splitlines()[-1]
            == "1 file: 0 blocked, 0 passed, 0 warnings, 1 could not be checked"
        )
        assert "Traceback" not in out + err

    def test_2_for_a_fifo_and_dev_zero_without_hanging(self, capsys) -> None:
        if not hasattr(os, "mkfifo") or not Path("/dev/zero").exists():
            pytest.skip("needs a POSIX system")
        os.mkfifo("pipe.linkedin.md")
        code, out, _ = run_cli(
            ["check", "pipe.linkedin.md", "/dev/zero", "--channel", "blog"], capsys
        )
        assert code == 2
        assert out.splitlines()[:2] == [
            "pipe.linkedin.md: error: the file is a named pipe, not a regular file",
            "/dev/zero: error: the file is a device, not a regular file",
        ]

    def test_2_for_a_file_over_the_size_limit(self, capsys, monkeypatch) -> None:
        monkeypatch.setattr(check_command, "MAX_FILE_BYTES", 100)
        write("big.linkedin.md", "x" * 101)
        code, out, _ = run_cli(["check", "big.linkedin.md"], capsys)
        assert code == 2
        assert "big.linkedin.md: error: the file is 101 bytes; the maximum is 100" in out

    def test_an_unusable_file_outranks_a_blocked_one_and_the_rest_are_still_checked(
        self, capsys
    ) -> None:
        write("slop.linkedin.md", SLOP_POST)
        write("ok.newsletter.md", ISSUE)
        code, out, _ = run_cli(
            ["check", "slop.linkedin.md", "gone.blog.md", "ok.newsletter.md"], capsys
        )
        assert code == 2
        assert "slop.linkedin.md:5:1: block" in out
        assert out.splitlines()[-1] == (
            "3 files: 1 blocked, 1 passed, 2 warnings, 1 could not be checked"
        )

    def test_unknown_channel_is_a_usage_error(self, capsys) -> None:
        write("a.md", "text")
        code, _, err = run_cli(["check", "a.md", "--channel", "tiktok"], capsys)
        assert_usage_error(code, err, "unknown channel 'tiktok'")

    def test_no_file_is_a_usage_error(self, capsys) -> None:
        code, _, err = run_cli(["check"], capsys)
        assert_usage_error(code, err, "FILE")


class TestChannels:
    def test_channel_flag_reads_any_name(self, capsys) -> None:
        write("draft.md", SLOP_POST)
        code, out, _ = run_cli(["check", "draft.md", "--channel", "LinkedIn"], capsys)
        assert code == 1
        assert "draft.md:5:1: block tells.engagement_bait" in out

    def test_channel_flag_overrides_the_name(self, capsys) -> None:
        write("linkedin.md", ISSUE)
        code, _, _ = run_cli(["check", "linkedin.md", "--channel", "newsletter"], capsys)
        assert code == 0

    @pytest.mark.parametrize("name", ["newsletter.md", "2026-01-05.newsletter.md"])
    def test_the_name_says_the_channel(self, capsys, name: str) -> None:
        write(f"out/{name}", ISSUE)
        code, out, _ = run_cli(["check", f"out/{name}"], capsys)
        assert code == 0, out


class TestJson:
    def test_the_same_results_as_data(self, capsys) -> None:
        write("slop.linkedin.md", SLOP_POST)
        write("ok.newsletter.md", ISSUE)
        write("bad.blog.md", "no front matter")
        code, out, _ = run_cli(
            ["check", "slop.linkedin.md", "ok.newsletter.md", "bad.blog.md", "--json"], capsys
        )
        assert code == 2
        data = json.loads(out)
        slop, ok, bad = data["files"]
        assert slop["status"] == "blocked" and slop["channel"] == "linkedin"
        assert (slop["blocking"], slop["warnings"]) == (1, 2)
        first = slop["violations"][0]
        assert first["rule"] == "tells.engagement_bait" and first["level"] == "block"
        assert (first["line"], first["column"]) == (5, 1)
        assert first["excerpt"].startswith("Agree?")
        assert ok == {
            "file": "ok.newsletter.md",
            "channel": "newsletter",
            "status": "passed",
            "error": None,
            "blocking": 0,
            "warnings": 0,
            "violations": [],
        }
        assert bad["status"] == "error" and "no front matter" in bad["error"]
        assert data["summary"] == {
            "files": 3,
            "passed": 1,
            "blocked": 1,
            "errors": 1,
            "warnings": 2,
            "exit_code": 2,
        }


class TestGeneratedFiles:
    """What `generate` saved and marked passed is never blocked by `check`."""

    def saved(self, capsys) -> tuple[Path, dict]:
        [run] = visible(Path("out"))
        manifest = json.loads((run / "run.json").read_text())
        capsys.readouterr()
        return run, manifest

    def test_generate_against_the_fake_then_check(self, env: FakeGemini, capsys) -> None:
        assert main(["generate", TOPIC, "--out", "out"], sleep=lambda s: None) == 0
        run, manifest = self.saved(capsys)
        assert all(c["passed"] for c in manifest["channels"].values())
        files = [str(run / c["file"]) for c in manifest["channels"].values()]
        code, out, _ = run_cli(["check", *files], capsys)
        assert code == 0, out
        assert out.splitlines()[-1].startswith("3 files: 0 blocked, 3 passed")

    def test_check_finds_what_the_loop_recorded_in_the_same_places(
        self, env: FakeGemini, capsys
    ) -> None:
        env.inject(Fault.reply({"post": SLOP_POST, "hashtags": ["Hiring"]}), channel="linkedin")
        env.scores("linkedin", PASS)
        code = main(
            ["generate", TOPIC, "--out", "out", "--channels", "linkedin", "--max-revisions", "0"],
            sleep=lambda s: None,
        )
        assert code == 0
        run, manifest = self.saved(capsys)
        [attempt] = manifest["channels"]["linkedin"]["attempts"]
        recorded = sorted((v["rule"], v.get("line"), v.get("column")) for v in attempt["rules"])
        assert ("tells.engagement_bait", 5, 1) in recorded
        code, out, _ = run_cli(["check", str(run / "linkedin.md"), "--json"], capsys)
        assert code == 1
        [result] = json.loads(out)["files"]
        found = sorted((v["rule"], v.get("line"), v.get("column")) for v in result["violations"])
        assert found == recorded

    def test_offline_files_with_the_simulated_note(self, capsys) -> None:
        assert main(["generate", TOPIC, "--out", "out", "--offline"], sleep=lambda s: None) == 0
        run, manifest = self.saved(capsys)
        assert manifest["simulated"] is True
        assert "SIMULATED:" in (run / "blog.md").read_text()
        code, out, _ = run_cli(["check", *map(str, sorted(run.glob("*.md"))), "--json"], capsys)
        assert code == 0
        data = json.loads(out)
        assert [f["status"] for f in data["files"]] == ["passed"] * 3
        # What check reports is what the loop recorded for the saved attempt.
        for result in data["files"]:
            channel = manifest["channels"][result["channel"]]
            saved = channel["attempts"][channel["best_attempt"] - 1]
            assert sorted(v["rule"] for v in result["violations"]) == sorted(
                v["rule"] for v in saved["rules"]
            )
