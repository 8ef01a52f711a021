"""Tokens turned into dollars: the price table, its dated changes, overrides, and where money
shows (each call, attempt, channel and run in run.json; the summary line)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from conftest import Sleeps

from content_gen.cli import main
from content_gen.config import load_settings
from content_gen.errors import UsageError
from content_gen.fake import FakeGemini
from content_gen.llm.prices import Pricer, load_prices, money
from content_gen.llm.seam import Usage

TOPIC = "How small teams can adopt AI code review"
DECEMBER, JANUARY = date(2026, 12, 15), date(2027, 1, 2)


def test_a_call_is_priced_by_the_day_it_was_made() -> None:
    table = load_prices()
    usage = Usage(prompt_tokens=1_000_000, output_tokens=1_000_000)
    # Introductory until the end of 2026, then double: an old run's cost stays what it was.
    assert table.cost("gemini-3.8-flash", usage, DECEMBER) == pytest.approx(0.75 + 3.75)
    assert table.cost("gemini-3.8-flash", usage, JANUARY) == pytest.approx(1.50 + 7.50)


def test_cached_prompt_tokens_and_thinking_are_priced_as_the_api_bills_them() -> None:
    table = load_prices()
    # 1M prompt tokens of which 400k came from the cache; 200k output (thinking included).
    usage = Usage(prompt_tokens=10**6, cached_tokens=400_000, output_tokens=200_000)
    expected = 0.6 * 0.75 + 0.4 * 0.075 + 0.2 * 3.75
    assert table.cost("gemini-3.6-flash", usage, DECEMBER) == pytest.approx(expected)
    assert table.cost("gemini-3.6-flash", usage, DECEMBER, batch=True) == pytest.approx(
        expected / 2
    )


def test_a_long_prompt_to_a_pro_model_is_billed_whole_at_the_long_rate() -> None:
    table = load_prices()
    short = Usage(prompt_tokens=200_000, output_tokens=0)
    long = Usage(prompt_tokens=200_001, output_tokens=0)
    assert table.cost("gemini-2.5-pro", short, DECEMBER) == pytest.approx(0.2 * 1.25)
    assert table.cost("gemini-2.5-pro", long, DECEMBER) == pytest.approx(0.200001 * 2.50)


def test_model_names_as_the_api_writes_them_price_as_the_model() -> None:
    table = load_prices()
    assert table.lookup("models/gemini-3.8-flash") is table.lookup("gemini-3.8-flash-001")
    assert table.lookup("gemini-9-ultra") is None


def test_an_unknown_model_costs_unknown_never_zero() -> None:
    pricer = Pricer(load_prices(), today=lambda: DECEMBER)
    usage = pricer.charge("gemini-9-ultra", Usage(prompt_tokens=100, output_tokens=100))
    assert usage.cost is None and usage.as_dict()["cost_usd"] is None
    both = usage + pricer.charge("gemini-3.8-flash", Usage(prompt_tokens=100))
    assert both.cost is None and both.cost_usd > 0  # a sum with an unknown part is unknown


def test_a_prices_file_replaces_the_models_it_names(tmp_path: Path) -> None:
    own = tmp_path / "prices.toml"
    own.write_text(
        'checked = 2027-02-01\n[models."gemini-3.8-flash"]\n'
        "input = 1.0\noutput = 2.0\ncached_input = 0.1\n"
        '[models."my-tuned-model"]\ninput = 3.0\noutput = 4.0\ncached_input = 0.3\n'
    )
    table = load_prices(own)
    usage = Usage(prompt_tokens=1_000_000, output_tokens=1_000_000)
    assert table.checked == date(2027, 2, 1)
    assert table.cost("gemini-3.8-flash", usage, JANUARY) == pytest.approx(3.0)  # no changes
    assert table.cost("my-tuned-model", usage, JANUARY) == pytest.approx(7.0)
    assert table.cost("gemini-2.5-flash", usage, JANUARY) == pytest.approx(2.8)  # bundled


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[models."m"]\ninput = 1\noutput = 2\n', "models.m has no cached_input price"),
        ('[models."m"]\ninput = -1\noutput = 2\ncached_input = 0\n', "must not be negative"),
        ('[models."m"]\ninput = 1\nouput = 2\ncached_input = 0\n', "unknown entry models.m.ouput"),
        ("batch_discount = 2\n", "batch_discount must be more than 0 and at most 1"),
        ('[models."m"]\ninput = "cheap"\noutput = 2\ncached_input = 0\n', "must be a number"),
        (
            '[models."m"]\ninput = 1\noutput = 2\ncached_input = 0\n'
            '[[models."m".changes]]\nfrom = "soon"\ninput = 2\n',
            "models.m.changes[1].from must be a date",
        ),
        ("checked = [\n", "is not valid TOML"),
    ],
)
def test_a_bad_prices_file_is_one_line_naming_the_setting_and_the_entry(
    tmp_path: Path, text: str, message: str
) -> None:
    own = tmp_path / "prices.toml"
    own.write_text(text)
    with pytest.raises(UsageError, match="CONTENT_GEN_PRICES_FILE") as caught:
        load_settings(environ={"CONTENT_GEN_PRICES_FILE": str(own)}, env_file=None)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_money_reads_like_money() -> None:
    assert money(0.0123456) == "$0.0123"
    assert money(1234.5) == "$1,234.50"
    assert money(None) == "unknown"


# --- money everywhere tokens are ---------------------------------------------------------------


def run_json() -> dict:
    (path,) = Path("out").glob("*/run.json")
    return json.loads(path.read_text())


def test_run_json_prices_every_call_attempt_channel_and_the_run(
    env: FakeGemini, sleeps: Sleeps, capsys
) -> None:
    assert main(["generate", TOPIC, "--out", "out"], sleep=sleeps) == 0

    manifest = run_json()
    calls = [
        call
        for channel in manifest["channels"].values()
        for attempt in channel["attempts"]
        for call in attempt["calls"]
    ] + manifest["plan"]["calls"]
    assert all(call["cost_usd"] > 0 for call in calls)
    for channel in manifest["channels"].values():
        per_attempt = sum(a["tokens"]["cost_usd"] for a in channel["attempts"])
        assert channel["usage"]["cost_usd"] == pytest.approx(per_attempt, abs=1e-6)
    total = sum(call["cost_usd"] for call in calls)
    assert manifest["usage"]["cost_usd"] == pytest.approx(total, abs=1e-5)
    out = capsys.readouterr().out
    assert f"${manifest['usage']['cost_usd']:.4f}" in out.splitlines()[-2]  # the totals line
    assert out.splitlines()[1].split() == [
        "channel",
        "result",
        "score",
        "attempts",
        "tokens",
        "cost",
        "time",
        "warnings",
        "file",
    ]


def test_a_model_with_no_price_is_a_warning_and_an_unknown_cost(
    env: FakeGemini, sleeps: Sleeps, capsys
) -> None:
    argv = ["generate", TOPIC, "--out", "out", "--judge-model", "gemini-9-judge"]
    assert main(argv, sleep=sleeps) == 0

    out, err = capsys.readouterr()
    assert "content-gen: note: no price for gemini-9-judge (CONTENT_GEN_JUDGE_MODEL)" in err
    assert "cost unknown beyond $0." in out and "calls with no price" in out
    assert run_json()["usage"]["cost_usd"] is None
    judge = run_json()["channels"]["blog"]["attempts"][0]["calls"][1]
    assert judge["step"] == "judge" and judge["cost_usd"] is None


def test_a_deprecated_model_is_named_before_the_run(env: FakeGemini, sleeps: Sleeps, capsys):
    argv = ["generate", TOPIC, "--out", "out", "--judge-model", "gemini-3.5-flash"]
    assert main([*argv, "--channels", "linkedin"], sleep=sleeps) == 0
    err = capsys.readouterr().err
    assert "gemini-3.5-flash (CONTENT_GEN_JUDGE_MODEL) is deprecated" in err
