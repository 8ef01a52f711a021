"""--estimate: the calls and dollars before a run, without calling the API, and how close it
comes once earlier runs show what replies really take."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Sleeps

from content_gen.cli import main
from content_gen.fake import FAIL, FakeGemini

TOPIC = "How small teams can adopt AI code review"
OTHER = "Writing a one-page project brief people actually read"


def estimate(capsys, *argv: str) -> dict:
    assert main([*argv, "--estimate", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_an_estimate_calls_nothing_and_needs_no_key(fake: FakeGemini, capsys) -> None:
    assert main(["generate", TOPIC, "--out", "out", "--estimate"]) == 0

    out = capsys.readouterr().out
    assert fake.requests == [] and not Path("out").exists()
    assert "(no API call made)" in out and "How it was worked out:" in out
    assert "- prompts: the templates filled in" in out
    assert "Expected: 10 calls, $0." in out  # a plan, then 3 of draft, judge, half a revision
    (total,) = [line for line in out.splitlines() if line.startswith("total")]
    assert total.split()[1:3] == ["10", "7-19"]


def test_the_estimate_range_holds_the_run_and_history_brings_it_close(
    env: FakeGemini, sleeps: Sleeps, capsys
) -> None:
    for topic in ("Topic one for the history", "Topic two for the history"):
        env.scores("newsletter", FAIL)
        assert main(["generate", topic, "--out", "out"], sleep=sleeps) == 0
    capsys.readouterr()

    guess = estimate(capsys, "generate", OTHER, "--out", "out")["estimate"]
    env.scores("newsletter", FAIL)
    assert main(["generate", OTHER, "--out", "out", "--json"], sleep=sleeps) == 0
    actual = json.loads(capsys.readouterr().out)["usage"]

    cost = guess["cost_usd"]
    assert cost["least"] <= actual["cost_usd"] <= cost["most"]
    assert guess["calls"]["least"] <= actual["calls"] <= guess["calls"]["most"]
    assert abs(cost["expected"] - actual["cost_usd"]) / actual["cost_usd"] < 0.3


def test_a_calendar_estimate_counts_only_the_work_left(env: FakeGemini, sleeps, capsys):
    Path("cal.csv").write_text(
        f"date,topic,channels\n2026-11-20,{TOPIC},\n2026-11-21,{OTHER},blog\n"
    )
    argv = ["calendar", "run", "cal.csv", "--out", "out", "--today", "2026-11-21"]

    before = estimate(capsys, *argv)
    assert before["topics"] == 2 and before["estimate"]["calls"]["least"] == 2 + 3 * 2 + 2
    assert env.requests == [] and not Path("out/ledger.sqlite").exists()
    assert estimate(capsys, *argv, "--batch")["estimate"]["cost_usd"]["expected"] == pytest.approx(
        before["estimate"]["cost_usd"]["expected"] / 2, rel=1e-3
    )

    assert main(argv, sleep=sleeps) == 0
    capsys.readouterr()
    after = estimate(capsys, *argv)
    assert after["topics"] == 0 and after["estimate"]["calls"]["most"] == 0
    assert "December" in after["notes"][0] or "spent" in after["notes"][0]
