"""Caps: --max-cost for a run and a monthly budget for calendar runs. A call that could cross
a cap is never sent; finished work is kept, the stop names the cap and what was spent."""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from conftest import Sleeps, run_together

from content_gen.cli import main
from content_gen.errors import Interrupted
from content_gen.fake import FakeGemini
from content_gen.llm.budget import Budget, BudgetSpent, Cap
from content_gen.llm.seam import Usage
from content_gen.schedule.spending import Month

TOPIC = "How small teams can adopt AI code review"
TODAY = "2026-11-21"


# --- the budget itself -------------------------------------------------------------------------


def test_a_call_that_would_cross_the_cap_on_its_own_is_refused() -> None:
    budget = Budget((Cap("--max-cost 0.10", 0.10),))
    held = budget.reserve(0.06, "blog draft")
    budget.settle(held, Usage(cost_usd=0.05))
    with pytest.raises(BudgetSpent, match=r"blog revise, up to \$0\.0600.*\$0\.0500 of \$0\.1000"):
        budget.reserve(0.06, "blog revise")
    assert budget.reserve(0.05, "linkedin judge") is not None  # exactly to the cap is fine


def test_a_call_waits_while_calls_in_flight_hold_the_room_it_needs() -> None:
    budget = Budget((Cap("--max-cost 0.10", 0.10),))
    first = budget.reserve(0.06, "blog draft")
    assert budget.try_reserve(0.06, "linkedin draft") is None  # fits, but not beside the first
    got: list[object] = []
    waiting = threading.Thread(target=lambda: got.append(budget.reserve(0.06, "linkedin draft")))
    waiting.start()
    budget.settle(first, Usage(cost_usd=0.002))  # it cost far less than its worst case
    waiting.join(5)
    assert got and budget.spent == pytest.approx(0.002)


def test_a_stopped_run_does_not_wait_for_room() -> None:
    stop = threading.Event()
    budget = Budget((Cap("--max-cost 0.10", 0.10),), stop=stop)
    budget.reserve(0.06, "blog draft")
    stop.set()
    with pytest.raises(Interrupted):
        budget.reserve(0.06, "linkedin draft")


def test_many_threads_never_spend_past_the_cap() -> None:
    budget = Budget((Cap("--max-cost 1", 1.0),))
    spent: list[float] = []

    def work(n: int) -> None:
        for _ in range(10):
            try:
                held = budget.reserve(0.05, f"call {n}")
            except BudgetSpent:
                return
            budget.settle(held, Usage(cost_usd=0.04))
            spent.append(0.04)

    run_together(8, work)
    assert budget.spent == pytest.approx(sum(spent)) and budget.spent <= 1.0
    assert budget.spent > 0.9  # and it used what it could


def test_a_month_resets_on_the_first_of_the_next() -> None:
    december = Month.of(datetime(2026, 12, 31, 23, 59, tzinfo=UTC))
    assert (december.key, december.name, december.resets) == (
        "2026-12",
        "December 2026",
        date(2027, 1, 1),
    )


# --- --max-cost --------------------------------------------------------------------------------


def manifest() -> dict:
    (path,) = Path("out").glob("*/run.json")
    return json.loads(path.read_text())


def test_a_cap_stops_the_run_before_the_call_that_would_cross_it(
    env: FakeGemini, sleeps: Sleeps, capsys
) -> None:
    # What the run costs before the blog's draft, measured by a run without a cap; the cap
    # leaves room for the blog draft's output limit but not for its prompt as well.
    assert main(["generate", TOPIC, "--out", "probe", "--sequential"], sleep=sleeps) == 0
    (probe,) = Path("probe").glob("*/run.json")
    before_blog = json.loads(probe.read_text())["usage"]["cost_usd"] - sum(
        a["tokens"]["cost_usd"]
        for a in json.loads(probe.read_text())["channels"]["blog"]["attempts"]
    )
    cap = f"{before_blog + 16384 * 3.75 / 1e6 + 0.0002:.6f}"
    capsys.readouterr()
    argv = ["generate", TOPIC, "--out", "out", "--sequential", "--max-cost", cap]

    assert main(argv, sleep=sleeps) == 1

    out = capsys.readouterr().out
    (stopped,) = [line for line in out.splitlines() if line.startswith("Stopped: ")]
    assert "the next call (blog draft, up to $0.06" in stopped
    assert f"could take this run past --max-cost {float(cap):g}: $0.0" in stopped
    assert env.count(channel="blog", step="draft") == 1  # the probe's: this run sent none
    m = manifest()
    assert m["status"] == "stopped" and m["usage"]["cost_usd"] <= float(cap)
    assert m["channels"]["blog"]["status"] == "stopped"
    assert m["channels"]["blog"]["error_kind"] == "budget"
    run_dir = Path(m["directory"])
    assert {p.name for p in run_dir.glob("*.md")} == {"linkedin.md", "newsletter.md"}

    # Raised, the same run finishes: it pays only for what it had not had.
    paid = len(env.requests)
    again = ["generate", TOPIC, "--out", "out", "--into", str(run_dir), "--max-cost", "1"]
    assert main(again, sleep=sleeps) == 0
    assert {r.channel for r in env.requests[paid:]} == {"blog"}


def test_a_cap_in_parallel_lets_calls_wait_for_room_rather_than_stop(env, sleeps) -> None:
    # Three drafts at once reserve more than the cap, though they cost a tenth of it.
    assert main(["generate", TOPIC, "--out", "out", "--max-cost", "0.15"], sleep=sleeps) == 0
    assert manifest()["usage"]["cost_usd"] < 0.15


def test_a_cap_needs_a_price_for_every_model(env, sleeps, capsys) -> None:
    argv = ["generate", TOPIC, "--out", "out", "--max-cost", "1", "--model", "gemini-9-pro"]
    assert main(argv, sleep=sleeps) == 2
    err = capsys.readouterr().err
    assert "--max-cost needs the price of gemini-9-pro (CONTENT_GEN_MODEL)" in err
    assert env.requests == []


@pytest.mark.parametrize("value", ["-1", "a lot"])
def test_a_bad_cap_is_a_usage_error(env, sleeps, capsys, value: str) -> None:
    assert main(["generate", TOPIC, "--max-cost", value], sleep=sleeps) == 2
    assert "invalid setting --max-cost" in capsys.readouterr().err


# --- the monthly budget ------------------------------------------------------------------------

CALENDAR = "".join(f"2026-11-{day},Topic number {day},linkedin\n" for day in range(10, 16))


def calendar(sleeps: Sleeps, *args: str) -> int:
    Path("cal.csv").write_text("date,topic,channels\n" + CALENDAR)
    argv = ["calendar", "run", "cal.csv", "--out", "out", "--today", TODAY, "--max-topics", "1"]
    return main([*argv, *args], sleep=sleeps)


def spend_rows() -> list[sqlite3.Row]:
    db = sqlite3.connect("out/ledger.sqlite")
    db.row_factory = sqlite3.Row
    return db.execute("SELECT * FROM spend").fetchall()


def test_every_paid_call_is_on_the_books_as_it_is_paid(env, sleeps) -> None:
    assert calendar(sleeps) == 0
    rows = spend_rows()
    assert len(rows) == len(env.requests) == 18  # a plan, a draft and a judgement each
    month = datetime.now(UTC).strftime("%Y-%m")
    assert {r["month"] for r in rows} == {month}
    db = sqlite3.connect("out/ledger.sqlite")
    (per_entry,) = db.execute("SELECT sum(cost_usd) FROM work").fetchone()
    assert per_entry == pytest.approx(sum(r["usd"] for r in rows))


def test_an_offline_calendar_run_spends_nothing_of_the_month(
    sleeps: Sleeps, capsys, monkeypatch
) -> None:
    monkeypatch.setenv("CONTENT_GEN_MONTHLY_BUDGET", "0.01")
    assert calendar(sleeps, "--offline") == 0  # a simulated month's worth, past the budget

    assert spend_rows() == []
    capsys.readouterr()
    assert main(["calendar", "status", "cal.csv", "--out", "out", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["this_month"]["spent_usd"] == 0
    assert main(["calendar", "status", "cal.csv", "--out", "out", "--today", TODAY]) == 0
    assert "and $0.0000 spent on them so far" in capsys.readouterr().out


def test_a_monthly_budget_stops_taking_entries_and_says_when_it_resets(
    env: FakeGemini, sleeps: Sleeps, capsys, monkeypatch
) -> None:
    monkeypatch.setenv("CONTENT_GEN_MONTHLY_BUDGET", "0.07")

    assert calendar(sleeps) == 1

    out = capsys.readouterr().out
    (stopped,) = [line for line in out.splitlines() if line.startswith("Stopped: ")]
    month = Month.of(datetime.now(UTC))
    assert f"could take {month.name} past the monthly budget (CONTENT_GEN_MONTHLY_BUDGET=0.07)" in (
        stopped
    )
    assert f"it resets on {month.resets.isoformat()} (UTC)" in stopped
    spent = sum(r["usd"] for r in spend_rows())
    assert 0 < spent <= 0.07
    done = [line for line in out.splitlines() if "passed" in line]
    assert 0 < len(done) < 6  # some entries were written, the rest wait

    # Spent: the next run sends nothing, and the status says where the month stands.
    paid = len(env.requests)
    db = sqlite3.connect("out/ledger.sqlite")
    with db:
        db.execute(
            "INSERT INTO spend (at, month, run_id, usd, calls) VALUES ('x', ?, 'other', 1, 1)",
            (month.key,),
        )
    assert calendar(sleeps) == 1
    assert len(env.requests) == paid
    out = capsys.readouterr().out
    assert (
        f"Stopped: the monthly budget (CONTENT_GEN_MONTHLY_BUDGET=0.07) is spent for {month.name}"
        in (out)
    )
    assert main(["calendar", "status", "cal.csv", "--out", "out", "--today", TODAY]) == 0
    status = capsys.readouterr().out
    assert f"{month.name}: $1.0" in status and "of a $0.0700 budget, $0.0000 left" in status
    assert main(["calendar", "status", "cal.csv", "--out", "out", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["this_month"]["budget_usd"] == 0.07
    assert report["this_month"]["spent_usd"] > 1
