"""bench/rules.py still runs: `content-gen check --json` over a few corpus files of each kind."""

from __future__ import annotations

import re
from pathlib import Path

from benching import smoke_section

FIGURES = (
    "real texts blocked (false blocks), all real",
    "real texts blocked, stored real texts only",
    "slop blocked",
    "most frequent warning on real texts",
    "most frequent warning within one channel, all real",
    "most frequent warning within one channel, stored real texts only",
    "files checked per minute",
)


def test_smoke_run_writes_the_rules_section(tmp_path: Path) -> None:
    section = smoke_section("rules", tmp_path)
    assert "- Manifest hashes: all stored files match" in section
    measured = r"[\d,]+(?: of \d+ \([\d.]+%\))?"
    for figure in FIGURES:
        row = rf"^\| {re.escape(figure)}.* \| {measured} \| .+ \| (pass|\*\*miss\*\*) \|$"
        assert re.search(row, section, re.M), figure
    for heading in (
        "False blocks on real texts, per channel",
        "Warning rate per rule on real texts",
        "Kinds of tell per text",
        "Slop blocked, per channel",
    ):
        assert f"\n### {heading}\n" in section
    assert re.search(r"^\| blog \| real \(stored\) \| 2 \| ", section, re.M)
