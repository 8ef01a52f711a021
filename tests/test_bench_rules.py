"""bench/rules.py still runs: `content-gen check --json` over a few corpus files of each kind."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import run_python

BENCH = Path(__file__).resolve().parent.parent / "bench" / "rules.py"
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
    out = tmp_path / "results.md"
    out.write_text("<!-- section: speed -->\nkept\n<!-- /section: speed -->\n")
    done = run_python(str(BENCH), "--smoke", "--out", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr

    report = out.read_text(encoding="utf-8")
    assert "<!-- section: speed -->\nkept\n<!-- /section: speed -->" in report
    section = report.split("<!-- section: rules -->", 1)[1].split("<!-- /section: rules -->")[0]
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
