"""The benchmark scripts still run: once each, in their tiny smoke configurations (seconds)."""

from __future__ import annotations

import re
from pathlib import Path

from benching import BENCH, smoke, smoke_section

NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?(?: ms| s| MiB| KiB|x)?(?: \(.*\))?")
FIGURES = (
    "dollars per accepted three-piece set",
    "output tokens of revisions per accepted piece, edits vs rewrites",
    "all output tokens per accepted piece, edits vs rewrites",
    "--batch dollars / online dollars",
    "calls paid twice, calendar killed with kill -9 then resumed",
    "`--estimate` vs actual, online calendar, history",
    "`--estimate` vs actual, batch calendar, no history",
)
SECTIONS = {
    1: "Parallel efficiency",
    2: "Speed-up of parallel over --sequential",
    3: "Overhead",
    4: "Start-up",
    5: "Quality-loop cost",
    6: "Many topics (calendar runs)",
    7: "Peak memory (RSS)",
}


def measured(section: str) -> list[str]:
    """The `measured` column of the section's first table."""
    cells = []
    for line in section.splitlines():
        if line.startswith("| ") and not line.startswith("| figure"):
            cells.append(line.split(" | ")[1].strip())
        elif cells:
            break
    return cells


def test_smoke_run_writes_every_section_with_numbers(tmp_path: Path) -> None:
    report = smoke(BENCH / "bench.py", tmp_path / "results.md")
    assert re.search(r"^- Date: \d{4}-\d\d-\d\d", report, re.MULTILINE)
    assert re.search(r"^- Machine: \d+ cores", report, re.MULTILINE)
    assert "- Command: `python bench/bench.py --smoke --out " in report
    for number, title in SECTIONS.items():
        heading = f"\n### {number}. {title}\n"
        assert heading in report, heading
        section = report.split(heading, 1)[1].split("\n### ", 1)[0]
        cells = measured(section)
        if number in (6, 7):  # every figure of the calendar runs, not just some
            assert cells and all(NUMBER.fullmatch(c) for c in cells), (title, cells)
        else:
            assert cells and any(NUMBER.fullmatch(c) for c in cells), (title, cells)
    summary = report.split("\n### Summary\n", 1)[1].split("\n### ", 1)[0]
    assert re.search(r"\| (pass|\*\*miss\*\*) \|", summary)
    verdict = r"(pass|\*\*miss\*\*)"
    assert re.search(
        rf"^\| 6 \| achieved requests per minute / R.* \| [\d.]+ \| >= 0.9 \| {verdict} \|$",
        summary,
        re.M,
    )
    assert re.search(rf"^\| 6 \| 429s received \| \d+ \| 0 \| {verdict} \|$", summary, re.M)
    assert re.search(r"^\| 7 \| one `calendar run` process, 3 topics .* MiB \|", summary, re.M)


def test_smoke_run_writes_the_cost_section_with_every_figure(tmp_path: Path) -> None:
    section = smoke_section("cost", tmp_path)
    summary = section.split("### Summary", 1)[1].split("\n### ", 1)[0]
    for figure in FIGURES:
        (row,) = [line for line in summary.splitlines() if figure in line]
        measured = row.split(" | ")[1]
        assert re.fullmatch(r"[-+]?\$?[\d,.]+%?", measured), row
    assert re.search(r"\| calls paid twice.* \| 0 \| 0 \| pass \|", summary)
    assert re.search(
        r"\| --batch dollars / online dollars.* \| 0\.500 \| <= 0\.5 \| pass \|", summary
    )
