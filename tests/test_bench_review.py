"""bench/review.py still runs: a small output folder, its list loaded once in Chromium."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from benching import smoke_section
from conftest import CHROMIUM


def test_smoke_run_writes_the_review_section(tmp_path: Path) -> None:
    if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    section = smoke_section("review", tmp_path, "--runs", "4", "--loads", "1", timeout=300)
    assert "list of 4 runs" in section
    assert "start-up: reading 4 run.json files" in section
