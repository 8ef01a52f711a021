"""The cost benchmark still runs, in its two-topic smoke configuration (a few seconds), and
writes every figure the issue asks for into its own section."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from conftest import clean_env

COST = Path(__file__).resolve().parent.parent / "bench" / "cost.py"
FIGURES = (
    "dollars per accepted three-piece set",
    "output tokens of revisions per accepted piece, edits vs rewrites",
    "all output tokens per accepted piece, edits vs rewrites",
    "--batch dollars / online dollars",
    "calls paid twice, calendar killed with kill -9 then resumed",
    "`--estimate` vs actual, online calendar, history",
    "`--estimate` vs actual, batch calendar, no history",
)


def test_smoke_run_writes_the_cost_section_with_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "results.md"
    out.write_text(
        "# content-gen benchmarks\n\n<!-- section: speed -->\nkept\n<!-- /section: speed -->\n"
    )
    proc = subprocess.run(
        [sys.executable, str(COST), "--smoke", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        env=clean_env(),
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr

    report = out.read_text(encoding="utf-8")
    assert "<!-- section: speed -->\nkept\n" in report  # the other script's figures stay
    section = report.split("<!-- section: cost -->", 1)[1].split("<!-- /section: cost -->")[0]
    summary = section.split("### Summary", 1)[1].split("\n### ", 1)[0]
    for figure in FIGURES:
        (row,) = [line for line in summary.splitlines() if figure in line]
        measured = row.split(" | ")[1]
        assert re.fullmatch(r"[-+]?\$?[\d,.]+%?", measured), row
    assert re.search(r"\| calls paid twice.* \| 0 \| 0 \| pass \|", summary)
    assert re.search(
        r"\| --batch dollars / online dollars.* \| 0\.500 \| <= 0\.5 \| pass \|", summary
    )
