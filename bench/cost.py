"""What the pipeline costs in dollars, and what each way of saving money saves.

Drives the real pipeline against the project's fake Gemini, whose token counts come from text
length (4 characters a token) and whose judge fails half the first drafts (the same pieces in
every run: the draw is a hash of the topic and channel, not of the order requests arrive in):

1. the quality loop, with revisions rewritten whole and as edits: dollars per accepted
   three-piece set, calls and output tokens per accepted piece (`Session.run`);
2. one calendar through `content-gen calendar run`, online and with --batch;
3. the same calendar killed with kill -9 as it was about to send a request, then resumed,
   against an uninterrupted run: what was paid twice;
4. `--estimate` for those calendars, against what they cost.

Writes section `cost` of bench/results.md.

    python bench/cost.py [--topics N] [--seed S] [--smoke] [--out bench/results.md]
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import platform
import shlex
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sections import write_section

from bench import QUALITY_TOPICS, child_env, git_describe, table, verdict
from content_gen import channels as registry
from content_gen.cli import main as cli
from content_gen.config import Settings
from content_gen.fake import FakeGemini
from content_gen.llm.prices import load_prices, money
from content_gen.llm.seam import Usage
from content_gen.pipeline.results import Job
from content_gen.pipeline.session import Session

DAY = "2026-11-30"
LIST_PRICE_DAY = date(2027, 1, 1)  # when the introductory 3.x Flash prices end
AIM_EDITS = 0.40
AIM_BATCH = 0.5
AIM_ESTIMATE = 0.30
FAIL_RATE = 0.5

# Dies (kill -9) as it is about to send request number DIE_AT: one request in flight at a time
# (CONTENT_GEN_MAX_CONCURRENCY=1), and every earlier reply filed in the cache by then, so the
# kill falls between two calls and the figure measures the cache, not the luck of the moment.
KILL = """
import os, sys, threading
from contextlib import contextmanager
from content_gen.llm import cache, limiter
filed, changed = [0], threading.Condition()
real_put, real_slot = cache.ResponseCache.put, limiter.Limiter.slot
def put(self, key, entry):
    real_put(self, key, entry)
    with changed:
        filed[0] += 1
        changed.notify_all()
sent = [0]
@contextmanager
def slot(self):
    with real_slot(self) as waited:
        sent[0] += 1
        if sent[0] == int(os.environ["DIE_AT"]):
            with changed:
                changed.wait_for(lambda: filed[0] >= sent[0] - 1, timeout=10)
            os._exit(137)
        yield waited
cache.ResponseCache.put, limiter.Limiter.slot = put, slot
from content_gen.cli import main
sys.exit(main(sys.argv[1:]))
"""


@dataclass
class Loop:
    """The quality loop over the topics, one way of revising."""

    mode: str
    topics: int = 0
    pieces: int = 0
    accepted: int = 0
    sets: int = 0
    usage: Usage = field(default_factory=Usage)
    revision_output: int = 0
    list_usd: float = 0.0

    def per_piece(self, value: float) -> float:
        return value / max(self.accepted, 1)


def run_loop(mode: str, topics: list[str], fake: FakeGemini, work: Path) -> Loop:
    found = Loop(mode, len(topics))
    settings = Settings(
        api_key="bench-not-a-key", base_url=fake.url, output_dir=work / f"loop-{mode}", revise=mode
    )
    channels = registry.parse(None)
    with Session.open(settings, channels, cache="off") as session:
        for topic in topics:
            result = session.run(Job(topic=topic, audience=settings.audience), channels)
            found.pieces += len(result.results)
            found.accepted += sum(r.passed for r in result.results.values())
            found.sets += all(r.passed for r in result.results.values())
            found.usage += result.usage
            found.revision_output += sum(
                c.usage.output_tokens
                for r in result.results.values()
                for a in r.attempts
                for c in a.calls
                if c.step == "revise"
            )
            found.list_usd += at_list_price(result.manifest)
    return found


def at_list_price(manifest: dict[str, Any]) -> float:
    """What the run's calls cost at the standard list prices (from 2027-01-01)."""
    prices = load_prices()
    calls = [c for ch in manifest["channels"].values() for a in ch["attempts"] for c in a["calls"]]
    calls += (manifest.get("plan") or {}).get("calls") or []
    total = 0.0
    for call in calls:
        usage = Usage.from_dict(call["tokens"])
        cost = prices.cost(call["model"], usage, LIST_PRICE_DAY, batch=bool(call.get("batch_job")))
        total += cost or 0.0
    return total


# --- the calendar ------------------------------------------------------------------------------


def write_calendar(path: Path, topics: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["date", "topic"])
        for i in range(topics):
            writer.writerow([DAY, f"{i + 1:03d} {QUALITY_TOPICS[i % len(QUALITY_TOPICS)]}"])


def command(*argv: str) -> tuple[int, dict[str, Any]]:
    """`content-gen ARGV --json` in this process, no waits; its exit code and its JSON."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = cli([*argv, "--json"], sleep=lambda seconds: None)
    return code, json.loads(out.getvalue())


def calendar(cal: Path, out: Path, *flags: str) -> tuple[int, dict[str, Any]]:
    return command("calendar", "run", str(cal), "--out", str(out), "--today", DAY, *flags)


def spent(out: Path) -> float:
    with contextlib.closing(sqlite3.connect(out / "ledger.sqlite")) as db:
        return float(db.execute("SELECT coalesce(sum(usd), 0) FROM spend").fetchone()[0])


@dataclass
class Killed:
    uninterrupted: int
    before_kill: int
    after: int
    repeated: int
    complete: bool


def killed_and_resumed(cal: Path, fake: FakeGemini, work: Path, uninterrupted: int) -> Killed:
    out = work / "killed"
    since = len(fake.requests)
    die_at = max(uninterrupted // 2, 2)
    env = child_env(fake.url) | {"CONTENT_GEN_MAX_CONCURRENCY": "1", "DIE_AT": str(die_at)}
    argv = ["calendar", "run", str(cal), "--out", str(out), "--today", DAY, "--max-topics", "1"]
    child = subprocess.run(
        [sys.executable, "-c", KILL, *argv], env=env, capture_output=True, text=True, timeout=300
    )
    if child.returncode != 137:
        raise SystemExit(f"bench: the run to kill ended with {child.returncode}:\n{child.stderr}")
    before = [(r.model, r.prompt) for r in fake.requests[since:]]
    code, report = calendar(cal, out)
    after = [(r.model, r.prompt) for r in fake.requests[since + len(before) :]]
    complete = code == 0 and all(
        c["state"] == "done" for e in report["entries"] for c in e["channels"]
    )
    return Killed(uninterrupted, len(before), len(after), len(set(before) & set(after)), complete)


# --- the report --------------------------------------------------------------------------------


def render(args: argparse.Namespace, found: dict[str, Any], started: datetime) -> str:
    rewrite, edits = found["rewrite"], found["edits"]
    online, batch = found["online"], found["batch"]
    kill: Killed = found["killed"]
    cut = 1 - edits.per_piece(edits.revision_output) / rewrite.per_piece(rewrite.revision_output)
    all_cut = 1 - edits.per_piece(edits.usage.output_tokens) / rewrite.per_piece(
        rewrite.usage.output_tokens
    )
    ratio = round(batch["usd"] / online["usd"], 6)  # sums of the same floats in another order
    summary = [
        [
            "dollars per accepted three-piece set, edit revisions (today's prices)",
            money(edits.usage.cost_usd / max(edits.sets, 1)),
            "-",
            "-",
        ],
        ["the same at the 2027 list prices", money(edits.list_usd / max(edits.sets, 1)), "-", "-"],
        [
            "output tokens of revisions per accepted piece, edits vs rewrites",
            f"-{cut:.0%}",
            f"<= -{AIM_EDITS:.0%}",
            verdict(cut >= AIM_EDITS),
        ],
        [
            "all output tokens per accepted piece, edits vs rewrites",
            f"-{all_cut:.0%}",
            f"<= -{AIM_EDITS:.0%}",
            verdict(all_cut >= AIM_EDITS),
        ],
        [
            "--batch dollars / online dollars, the same calendar",
            f"{ratio:.3f}",
            f"<= {AIM_BATCH}",
            verdict(ratio <= AIM_BATCH),
        ],
        [
            "calls paid twice, calendar killed with kill -9 then resumed",
            str(kill.repeated),
            "0",
            verdict(kill.repeated == 0 and kill.complete),
        ],
    ]
    for name in ("online", "batch"):
        for how in ("cold", "history"):
            guess = found[f"estimate-{name}-{how}"]
            error = guess / found[name]["usd"] - 1
            label = "no history" if how == "cold" else "history of the runs in item 1"
            summary.append(
                [
                    f"`--estimate` vs actual, {name} calendar, {label}",
                    f"{error:+.0%}",
                    f"within {AIM_ESTIMATE:.0%}",
                    verdict(abs(error) <= AIM_ESTIMATE),
                ]
            )
    loop_rows = [
        [
            loop.mode,
            str(loop.topics),
            f"{loop.accepted} of {loop.pieces}",
            f"{loop.sets}",
            money(loop.usage.cost_usd / max(loop.sets, 1)),
            money(loop.list_usd / max(loop.sets, 1)),
            f"{loop.per_piece(loop.usage.calls):.2f}",
            f"{loop.per_piece(loop.usage.output_tokens):,.0f}",
            f"{loop.per_piece(loop.revision_output):,.0f}",
        ]
        for loop in (rewrite, edits)
    ]
    lines = [
        "## Cost in dollars (bench/cost.py)",
        "",
        f"- Date: {started.isoformat(timespec='seconds')}",
        f"- Machine: {os.cpu_count()} cores, {platform.platform()}, Python "
        f"{platform.python_version()}",
        f"- Code: {git_describe()}",
        f"- Command: `{shlex.join(['python', 'bench/cost.py', *sys.argv[1:]])}`",
        f"- Models: {Settings().model} writes, {Settings().judge_model} judges (the defaults); "
        f"prices of the bundled table (checked {load_prices().checked}), priced on the day of "
        f"each call, and again at the list prices from {LIST_PRICE_DAY}",
        f"- The fake's judge fails {FAIL_RATE:.0%} of first drafts (seed {args.seed}) and "
        "passes every revision; its token counts come from text length (4 characters a token), "
        "its thinking is a few dozen tokens a reply",
        "",
        "### Summary",
        "",
        table(["figure", "measured", "aim", "result"], summary),
        "",
        "### 1. The quality loop: revisions rewritten whole, or as edits",
        "",
        table(
            [
                "revisions",
                "topics",
                "accepted pieces",
                "accepted sets",
                "$ per set",
                "$ per set, list",
                "calls / piece",
                "output tokens / piece",
                "revision output / piece",
            ],
            loop_rows,
            "lrrrrrrrr",
        ),
        "",
        f"Each of {args.topics} topics through `Session.run`, all three channels; a set is a "
        "topic whose three pieces all passed. Edits cut what revisions write by "
        f"{cut:.0%}, which meets the aim. All output together falls by only {all_cut:.0%}, "
        "and cannot fall by 40% with this judge: every piece's first draft and every "
        "judgement is written whole in both modes, and only half the pieces are revised, so "
        "even edits that wrote nothing would save at most the revisions' share of the output "
        f"({rewrite.revision_output / rewrite.usage.output_tokens:.0%} with rewrites). The aim "
        "is met for what edit revisions change, and missed for all output, for that reason.",
        "",
        "### 2. One calendar online and with --batch",
        "",
        table(
            ["run", "entries", "calls", "dollars", "rounds", "jobs"],
            [
                ["online", str(args.topics), str(online["calls"]), money(online["usd"]), "-", "-"],
                [
                    "--batch",
                    str(args.topics),
                    str(batch["calls"]),
                    money(batch["usd"]),
                    str(batch["rounds"]),
                    str(batch["jobs"]),
                ],
            ],
            "lrrrrr",
        ),
        "",
        "The same calendar, the same judge, through `content-gen calendar run` in this "
        "process; dollars are the ledger's record of every call (table `spend`). With --batch "
        "every request goes in one of the rounds' jobs (plans, drafts, judgements, revisions, "
        "judgements) at the Batch API's 50%; a real job takes minutes to hours per round.",
        "",
        "### 3. Killed with kill -9, then resumed",
        "",
        table(
            ["run", "requests"],
            [
                ["uninterrupted", str(kill.uninterrupted)],
                ["killed run, before it died", str(kill.before_kill)],
                ["resumed run", str(kill.after)],
                ["sent by both (paid twice)", str(kill.repeated)],
            ],
            "lr",
        ),
        "",
        "The killed run dies as it is about to send a request, with every earlier reply filed "
        "(one request in flight at a time, so the kill falls between two calls); the resumed "
        "run reuses every reply from the response cache and finishes the calendar"
        + (" with every channel done." if kill.complete else ", **but not every channel**.")
        + " A request in flight at the moment of a kill is the one thing no tool can reuse: "
        "its reply never arrived.",
        "",
        "### 4. --estimate against the actual cost",
        "",
        table(
            ["calendar", "estimate, no history", "estimate, with history", "actual"],
            [
                [
                    name,
                    money(found[f"estimate-{name}-cold"]),
                    money(found[f"estimate-{name}-history"]),
                    money(found[name]["usd"]),
                ]
                for name in ("online", "batch")
            ],
            "lrrr",
        ),
        "",
        "`calendar run --estimate` before each run. Without history the estimate assumes "
        "replies as long as the prompts ask for and about 250 tokens of thinking a call at "
        "the default (low) level, a guess for real models; the fake's pieces are shorter than "
        "its prompts ask for and it hardly thinks, so the cold estimate lands far above it. "
        "With the runs of item 1 in the output folder, the estimate takes their median reply "
        "lengths and their revision rate, which is what a user's own runs give it.",
    ]
    return "\n".join(lines) + "\n"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python bench/cost.py", description=__doc__)
    parser.add_argument("--topics", type=int, help="topics per item (default 12)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the fake's judge")
    parser.add_argument("--smoke", action="store_true", help="two topics, a temp --out")
    parser.add_argument("--out", type=Path, help="report file (default bench/results.md)")
    args = parser.parse_args(argv)
    args.topics = args.topics or (2 if args.smoke else len(QUALITY_TOPICS))
    if args.out is None:
        root = Path(__file__).resolve().parent
        args.out = (
            Path(tempfile.gettempdir()) / "content-gen-cost-smoke.md"
            if args.smoke
            else root / "results.md"
        )
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = datetime.now().astimezone()
    topics = [QUALITY_TOPICS[i % len(QUALITY_TOPICS)] for i in range(args.topics)]
    found: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="content-gen-cost-") as scratch:
        work = Path(scratch)
        with FakeGemini(judge_fail_rate=FAIL_RATE, seed=args.seed) as fake:
            env = child_env(fake.url)
            os.environ.clear()
            os.environ.update(env)
            os.chdir(work)
            for mode in ("rewrite", "edits"):
                print(f"quality loop, {mode}...", file=sys.stderr)
                found[mode] = run_loop(mode, topics, fake, work)
            cal = work / "calendar.csv"
            write_calendar(cal, args.topics)
            for name, flags in (("online", ()), ("batch", ("--batch",))):
                out = work / name
                _, cold = calendar(cal, out, *flags, "--estimate")
                history = ("--out", str(work / "loop-edits"), "--ledger", str(out / "l.sqlite"))
                _, warm = command(
                    "calendar", "run", str(cal), "--today", DAY, *history, *flags, "--estimate"
                )
                found[f"estimate-{name}-cold"] = cold["estimate"]["cost_usd"]["expected"]
                found[f"estimate-{name}-history"] = warm["estimate"]["cost_usd"]["expected"]
                print(f"calendar, {name}...", file=sys.stderr)
                code, report = calendar(cal, out, *flags)
                if code != 0:
                    raise SystemExit(f"bench: the {name} calendar run ended with {code}")
                run = report["run"]
                found[name] = {
                    "usd": spent(out),
                    "calls": run["usage"]["calls"],
                    "rounds": (run.get("batch") or {}).get("rounds", 0),
                    "jobs": (run.get("batch") or {}).get("jobs", 0),
                }
            print("calendar, killed and resumed...", file=sys.stderr)
            found["killed"] = killed_and_resumed(cal, fake, work, found["online"]["calls"])
    os.chdir(Path(__file__).resolve().parent.parent)
    write_section("cost", render(args, found, started), args.out)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
