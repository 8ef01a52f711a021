"""What the bench scripts share: the CLI as a user runs it, a clean environment, report bits.

Each script writes its own section of bench/results.md (`sections.py`); these helpers keep the
sections alike (tables, the code they were measured on) without one script importing another.
"""

from __future__ import annotations

import os
import platform
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str = "") -> str:
    """A markdown table; `align` has one letter per column, "r" for right-aligned."""
    marks = ["---:" if (align[i : i + 1] == "r") else "---" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(marks) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def run_lines(script: str) -> list[str]:
    """When, where, on which code and with which command a section was measured."""
    return [
        f"- Date: {datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"- Machine: {platform.platform()}, Python {platform.python_version()}",
        f"- Code: {git_describe()}",
        f"- Command: `{shlex.join(['python', script, *sys.argv[1:]])}`",
    ]


def shown_path(path: Path) -> str:
    """A path as a report shows it: relative to the repository when it is inside."""
    return str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


def hashes_line(bad: Sequence[str]) -> str:
    """The report line saying whether the corpus files are still the ones its manifest names."""
    verdict = "all stored files match" if not bad else f"**{len(bad)} differ**: {', '.join(bad)}"
    return f"- Manifest hashes: {verdict}"


def report_path(out: Path | None, smoke: bool, name: str) -> Path:
    """Where a script writes: --out, else a temporary file for --smoke (so a smoke run never
    touches the committed figures), else bench/results.md."""
    if out is not None:
        return out
    if smoke:
        return Path(tempfile.gettempdir()) / f"content-gen-{name}-smoke.md"
    return ROOT / "bench" / "results.md"


def child_env(base_url: str | None = None) -> dict[str, str]:
    """This environment minus every content-gen and Gemini setting, aimed at the fake.

    PYTHONDONTWRITEBYTECODE is dropped too: with it, an editable install recompiles
    content_gen from source in every process, which no ordinary installation does.
    """
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("CONTENT_GEN_")
        and k
        not in (
            "GEMINI_API_KEY",
            "GOOGLE_API_KEY",
            "GOOGLE_GEMINI_BASE_URL",
            "PYTHONDONTWRITEBYTECODE",
        )
    }
    env["NO_PROXY"] = ",".join(filter(None, ["127.0.0.1,localhost", env.get("NO_PROXY")]))
    if base_url:
        env["GEMINI_API_KEY"] = "bench-not-a-key"
        env["GOOGLE_GEMINI_BASE_URL"] = base_url
    return env


def cli_command() -> list[str]:
    """The console script installed beside this interpreter, as a user would run it."""
    script = Path(sys.executable).with_name("content-gen")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "content_gen"]


def git_describe() -> str:
    try:
        out = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"commit {out.stdout.strip()}"


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"
