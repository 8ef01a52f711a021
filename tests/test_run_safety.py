"""Secrets stay secret, -v shows every request, and Ctrl-C stops cleanly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from conftest import TEST_KEY, Sleeps, clean_env, visible

from content_gen.cli import main
from content_gen.fake import FakeGemini, Fault

TOPIC = "How small teams can adopt AI code review"


def test_api_key_never_appears_in_output_logs_or_files(env: FakeGemini, sleeps: Sleeps, capsys):
    # An error text that quotes the key back, as some proxies and SDK errors do.
    env.inject(Fault.http(400, f"API key not valid: {TEST_KEY}"), channel="blog")
    env.inject(Fault.http(503, f"overloaded for key {TEST_KEY}"), channel="linkedin")

    code = main(["generate", TOPIC, "--out", "out", "-vv"], sleep=sleeps)

    assert code == 1
    assert all(r.has_key for r in env.requests)  # the key was really in use
    printed = capsys.readouterr()
    lines = (printed.out + printed.err).splitlines()
    assert lines and not [line for line in lines if TEST_KEY in line]
    assert any("[redacted]" in line for line in lines)
    files = [p for p in Path("out").rglob("*") if p.is_file()]
    pieces = {p.name for p in files if ".cache" not in p.parts}
    assert pieces == {
        "linkedin.md",
        *("newsletter.html", "newsletter.md", "newsletter.txt"),
        "plan.json",
        "run.json",
    }
    for path in files:
        assert TEST_KEY not in path.read_text(), path


def test_verbose_logs_each_request_tagged_with_its_channel(env: FakeGemini, sleeps, capsys):
    env.inject(Fault.http(503), channel="blog", step="draft")

    assert main(["generate", TOPIC, "--out", "out", "-v"], sleep=sleeps) == 0

    err = capsys.readouterr().err.splitlines()
    requests = [line for line in err if " try " in line]
    assert len(requests) == len(env.requests) == 8  # the plan, 2 x 3 channels, one retry
    assert any("[blog] draft attempt 1 try 1: server_error" in line for line in err)
    assert any(
        "[blog] draft attempt 1: 503 UNAVAILABLE" in line and "retrying in" in line for line in err
    )
    assert any("[blog] draft attempt 1 try 2: ok" in line for line in err)
    for channel in ("linkedin", "newsletter"):
        assert any(f"[{channel}] judge attempt 1 try 1: ok" in line for line in err)


def test_quiet_by_default(env: FakeGemini, sleeps: Sleeps, capsys):
    assert main(["generate", TOPIC, "--out", "out"], sleep=sleeps) == 0
    err = capsys.readouterr().err
    assert " try " not in err


def _start(fake: FakeGemini, tmp_path: Path) -> subprocess.Popen[str]:
    env = clean_env() | {
        "GEMINI_API_KEY": TEST_KEY,
        "GOOGLE_GEMINI_BASE_URL": fake.url,
        "NO_PROXY": "127.0.0.1",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "content_gen", "generate", TOPIC, "--out", "out"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_progress(proc: subprocess.Popen[str], channels: set[str]) -> None:
    """Read the progress lines until the given channels have reported (no sleeping)."""
    assert proc.stderr is not None
    seen: set[str] = set()
    while seen != channels:
        line = proc.stderr.readline()
        assert line, "the run ended early"
        seen |= {c for c in channels if line.startswith(f"  {c} ")}


def test_ctrl_c_stops_fast_keeps_finished_channels_and_records_it(tmp_path: Path):
    with FakeGemini() as fake:
        # The blog's request hangs until the fake stops: a run that waited for it would not
        # end inside communicate()'s timeout, which is all the "fast" this test relies on.
        fake.inject(Fault.hang(3600), channel="blog", step="draft")
        proc = _start(fake, tmp_path)
        _wait_for_progress(proc, {"linkedin", "newsletter"})

        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        code = proc.returncode

    assert code == 130
    (run_dir,) = visible(tmp_path / "out")
    names = sorted(p.name for p in run_dir.iterdir())
    assert names == [
        "linkedin.md",
        *("newsletter.html", "newsletter.md", "newsletter.txt"),
        "plan.json",
        "run.json",
    ]
    manifest = json.loads((run_dir / "run.json").read_text())
    assert manifest["status"] == "interrupted"
    assert manifest["channels"]["blog"]["status"] == "interrupted"
    assert manifest["channels"]["blog"]["ok"] is False
    assert manifest["channels"]["linkedin"]["ok"] is True
    assert "Traceback" not in err and "Interrupted: finished channels were kept" in out
    assert fake.count(channel="blog") == 1  # no new request after Ctrl-C


def test_sigterm_is_handled_like_ctrl_c(tmp_path: Path):
    with FakeGemini() as fake:
        fake.inject(Fault.hang(3600), channel="blog", step="draft")
        proc = _start(fake, tmp_path)
        _wait_for_progress(proc, {"linkedin", "newsletter"})
        os.kill(proc.pid, signal.SIGTERM)
        proc.communicate(timeout=60)
        code = proc.returncode

    assert code == 130
    (run_dir,) = visible(tmp_path / "out")
    assert json.loads((run_dir / "run.json").read_text())["status"] == "interrupted"
