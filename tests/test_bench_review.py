"""bench/review.py still runs: a small output folder, its list loaded once in Chromium."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import CHROMIUM, run_python

BENCH = Path(__file__).resolve().parent.parent / "bench" / "review.py"


def test_smoke_run_writes_the_review_section(tmp_path: Path) -> None:
    if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    out = tmp_path / "results.md"
    out.write_text("<!-- section: speed -->\nkept\n<!-- /section: speed -->\n")
    done = run_python(
        str(BENCH), "--runs", "4", "--loads", "1", "--out", str(out), cwd=tmp_path, timeout=300
    )
    assert done.returncode == 0, done.stderr

    report = out.read_text(encoding="utf-8")
    assert "<!-- section: speed -->\nkept\n<!-- /section: speed -->" in report
    section = report.split("<!-- section: review -->", 1)[1].split("<!-- /section: review -->")[0]
    assert "list of 4 runs" in section
    assert "start-up: reading 4 run.json files" in section
