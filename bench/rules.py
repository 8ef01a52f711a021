"""The rules on real writing and on slop: `content-gen check --json` over bench/corpus/.

Runs the installed CLI once over every file of the corpus (repeated --repeat times, for the
speed figure) and reports: how many real, human-written texts a rule blocks (false blocks, per
channel, naming each file and rule), how often each warning fires on real texts, how many
synthetic slop pieces are blocked (per channel, naming the misses), and files per minute.
Writes the `rules` section of bench/results.md.

    python bench/rules.py [--corpus DIR] [--repeat N] [--smoke] [--out bench/results.md]

The real LinkedIn posts the corpus may not store are scored too when they have been rebuilt
locally (bench/corpus/README.md, "LinkedIn"); the report says whether they were.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common import (
    ROOT,
    child_env,
    cli_command,
    hashes_line,
    report_path,
    run_lines,
    shown_path,
    table,
)
from sections import write_section

CORPUS = ROOT / "bench" / "corpus"
CHANNELS = ("linkedin", "newsletter", "blog")
AIM_FALSE_BLOCKS = 0.03
AIM_SLOP_BLOCKED = 0.80
AIM_WARNING_RATE = 0.50


@dataclass(frozen=True)
class Group:
    """Files of one kind and channel: the real ones are scored for false alarms."""

    kind: str  # "real", "grey" (real but maybe AI-assisted), "recipe" (real, not stored), "slop"
    channel: str
    pattern: str

    @property
    def real(self) -> bool:
        return self.kind != "slop"


GROUPS = (
    Group("real", "blog", "blog/*.blog.md"),
    Group("real", "newsletter", "newsletter/*.newsletter.md"),
    Group("grey", "linkedin", "grey/linkedin/*.linkedin.md"),
    Group("recipe", "linkedin", "linkedin-recipe/*.linkedin.md"),
    *(Group("slop", channel, f"slop/{channel}/*.md") for channel in CHANNELS),
)
KIND_LABEL = {
    "real": "real (stored)",
    "grey": "real, maybe AI-assisted",
    "recipe": "real (rebuilt from recipe)",
    "slop": "synthetic slop",
}


@dataclass(frozen=True)
class Checked:
    group: Group
    path: Path
    result: dict[str, Any]  # one entry of `check --json`'s "files"

    @property
    def blocking_rules(self) -> list[str]:
        return sorted({v["rule"] for v in self.result["violations"] if v["level"] == "block"})

    @property
    def warning_rules(self) -> set[str]:
        return {v["rule"] for v in self.result["violations"] if v["level"] == "warn"}

    @property
    def blocked(self) -> bool:
        return self.result["status"] == "blocked"


def collect(corpus: Path, limit: int | None) -> list[tuple[Group, Path]]:
    files = []
    for group in GROUPS:
        found = sorted(corpus.glob(group.pattern))
        files += [(group, path) for path in found[:limit]]
    return files


def manifest_mismatches(corpus: Path) -> list[str]:
    """Stored files whose bytes differ from the manifest's sha256 (an edit, or a bad copy)."""
    manifest = tomllib.loads((corpus / "manifest.toml").read_text(encoding="utf-8"))
    bad = []
    for record in manifest.get("text", []):
        path = corpus / record["path"]
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != record["sha256"]:
            bad.append(record["path"])
    return bad


def run_check(files: list[tuple[Group, Path]], repeat: int) -> tuple[list[Checked], float]:
    """`content-gen check --json` over every file, `repeat` times in one process."""
    paths = [str(path) for _, path in files]
    with tempfile.TemporaryDirectory(prefix="content-gen-rules-") as scratch:
        started = time.perf_counter()
        done = subprocess.run(
            [*cli_command(), "check", "--json", *paths * repeat],
            capture_output=True,
            text=True,
            env=child_env(),
            cwd=scratch,  # no .env of the checkout: the default settings
            check=False,
        )
        seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"content-gen check failed ({done.returncode}): {done.stderr.strip()}")
    results = json.loads(done.stdout)["files"][: len(paths)]
    return [Checked(g, p, r) for (g, p), r in zip(files, results, strict=True)], seconds


def _other_channels_rule(rule: str, channel: str) -> bool:
    owner = rule.split(".", 1)[0]
    return owner in CHANNELS and owner != channel


def kinds(checked: Checked) -> int:
    """Distinct kinds of tell in a text, as `tells.template` counts them."""
    return len(
        {
            v["rule"]
            for v in checked.result["violations"]
            if v["rule"].startswith("tells.") or v["rule"].startswith("overused_")
        }
        - {"tells.template"}
    )


def worst_in_channel(texts: list[Checked]) -> tuple[str, str, int, int]:
    """The warning that fires on the largest share of one channel's texts."""
    rates = []
    for channel in CHANNELS:
        of_channel = [c for c in texts if c.group.channel == channel]
        counts = Counter(rule for c in of_channel for rule in c.warning_rules)
        rates += [
            (n / len(of_channel), rule, channel, n, len(of_channel)) for rule, n in counts.items()
        ]
    if not rates:
        return ("-", "-", 0, 0)
    _, rule, channel, count, total = max(rates)
    return rule, channel, count, total


def percent(part: int, whole: int) -> str:
    return f"{part} of {whole} ({part / whole:.1%})" if whole else "none"


def verdict(ok: bool) -> str:
    return "pass" if ok else "**miss**"


def render(checked: list[Checked], seconds: float, args: argparse.Namespace, bad: list[str]) -> str:
    real = [c for c in checked if c.group.real]
    stored = [c for c in real if c.group.kind == "real"]
    slop = [c for c in checked if not c.group.real]
    n_files = len(checked) * args.repeat
    per_minute = n_files / seconds * 60 if seconds else 0.0

    warn_counts = Counter(rule for c in real for rule in c.warning_rules)
    worst_rule, worst = warn_counts.most_common(1)[0] if warn_counts else ("-", 0)
    in_channel = [worst_in_channel(real), worst_in_channel(stored)]
    false_blocks = sum(c.blocked for c in real)
    caught = sum(c.blocked for c in slop)
    recipes = sum(1 for c in real if c.group.kind == "recipe")

    lines = [
        "## Rules on real writing and on slop (bench/rules.py)",
        "",
        *run_lines("bench/rules.py"),
        f"- What runs: `content-gen check --json` over {len(checked)} files of "
        f"{shown_path(args.corpus)} "
        f"({args.repeat}x, one process), default settings",
        "- Corpus: "
        + ", ".join(
            f"{sum(1 for c in checked if c.group.kind == kind)} {KIND_LABEL[kind]}"
            for kind in KIND_LABEL
        )
        + (
            ""
            if recipes
            else " (the recipe LinkedIn posts were not rebuilt: see bench/corpus/README.md)"
        ),
        hashes_line(bad),
        "",
        "### Summary",
        "",
        table(
            ["figure", "measured", "aim", "result"],
            [
                [
                    "real texts blocked (false blocks), all real",
                    percent(false_blocks, len(real)),
                    f"<= {AIM_FALSE_BLOCKS:.0%}",
                    verdict(false_blocks <= AIM_FALSE_BLOCKS * len(real)),
                ],
                [
                    "real texts blocked, stored real texts only",
                    percent(sum(c.blocked for c in stored), len(stored)),
                    f"<= {AIM_FALSE_BLOCKS:.0%}",
                    verdict(sum(c.blocked for c in stored) <= AIM_FALSE_BLOCKS * len(stored)),
                ],
                [
                    "slop blocked",
                    percent(caught, len(slop)),
                    f">= {AIM_SLOP_BLOCKED:.0%}",
                    verdict(caught >= AIM_SLOP_BLOCKED * len(slop)),
                ],
                [
                    f"most frequent warning on real texts (`{worst_rule}`)",
                    percent(worst, len(real)),
                    f"<= {AIM_WARNING_RATE:.0%}",
                    verdict(worst <= AIM_WARNING_RATE * len(real)),
                ],
                *(
                    [
                        f"most frequent warning within one channel, {scope} (`{rule}`, {channel})",
                        percent(count, total),
                        f"<= {AIM_WARNING_RATE:.0%}",
                        verdict(count <= AIM_WARNING_RATE * total),
                    ]
                    for scope, (rule, channel, count, total) in zip(
                        ("all real", "stored real texts only"), in_channel, strict=True
                    )
                ),
                [
                    "files checked per minute (one process, start-up included)",
                    f"{per_minute:,.0f}",
                    "thousands",
                    verdict(per_minute >= 1000),
                ],
            ],
        ),
        "",
        "### False blocks on real texts, per channel",
        "",
        table(
            ["channel", "kind", "files", "blocked", "blocked files (rule)"],
            [
                [
                    group.channel,
                    KIND_LABEL[group.kind],
                    str(len(members)),
                    percent(sum(c.blocked for c in members), len(members)),
                    "; ".join(
                        f"{c.path.name} ({', '.join(c.blocking_rules)})"
                        for c in members
                        if c.blocked
                    )
                    or "-",
                ]
                for group in GROUPS
                if group.real and (members := [c for c in real if c.group == group])
            ],
        ),
        "",
        "### Warning rate per rule on real texts",
        "",
        "Each rule's share of all real texts, and of the real texts of each channel it fired on "
        "(a channel's own rules can only fire on that channel).",
        "",
        table(
            ["rule", "all real", *CHANNELS],
            [
                [
                    f"`{rule}`",
                    percent(count, len(real)),
                    *(
                        percent(sum(rule in c.warning_rules for c in of_channel), len(of_channel))
                        if (of_channel := [c for c in real if c.group.channel == channel])
                        and not _other_channels_rule(rule, channel)
                        else "-"
                        for channel in CHANNELS
                    ),
                ]
                for rule, count in warn_counts.most_common()
            ],
        ),
        *(
            [
                "",
                "The rebuilt LinkedIn posts are all under 300 characters with their line breaks "
                'collapsed (the scraper cut longer ones at "see more"; bench/corpus/README.md), '
                "so `linkedin.length`, `linkedin.hook` and `linkedin.hashtags_position` fire on "
                "them by construction: those three figures say little about real posts.",
            ]
            if recipes
            else []
        ),
        "",
        "### Kinds of tell per text",
        "",
        "`tells.template` blocks a piece with 3 kinds or more (content_gen/quality/data/"
        "tells.toml); this is how many kinds real texts and slop carry.",
        "",
        table(
            ["kinds", "real texts", "slop"],
            [
                [
                    str(n),
                    str(sum(kinds(c) == n for c in real)),
                    str(sum(kinds(c) == n for c in slop)),
                ]
                for n in range(max((kinds(c) for c in checked), default=0) + 1)
            ],
        ),
        "",
        "### Slop blocked, per channel",
        "",
        table(
            ["channel", "files", "blocked", "missed (what still fired)"],
            [
                [
                    channel,
                    str(len(members)),
                    percent(sum(c.blocked for c in members), len(members)),
                    "; ".join(
                        f"{c.path.name} ({', '.join(sorted(c.warning_rules)) or 'nothing'})"
                        for c in members
                        if not c.blocked
                    )
                    or "-",
                ]
                for channel in CHANNELS
                if (members := [c for c in slop if c.group.channel == channel])
            ],
        ),
        "",
        "### Blocking rules on slop",
        "",
        table(
            ["rule", "slop pieces it blocks"],
            [
                [f"`{rule}`", percent(count, len(slop))]
                for rule, count in Counter(r for c in slop for r in c.blocking_rules).most_common()
            ],
        ),
    ]
    return "\n".join(lines) + "\n"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python bench/rules.py", description=(__doc__ or "").split("\n\n")[0]
    )
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the corpus folder")
    parser.add_argument(
        "--repeat", type=int, help="times each file is checked, for files/minute (default 10)"
    )
    parser.add_argument(
        "--smoke", action="store_true", help="two files of each kind, once, to a temp --out"
    )
    parser.add_argument("--out", type=Path, help="report file (default bench/results.md)")
    args = parser.parse_args(argv)
    if args.repeat is None:
        args.repeat = 1 if args.smoke else 10
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    args.out = report_path(args.out, args.smoke, "rules")
    args.corpus = args.corpus.resolve()
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    files = collect(args.corpus, 2 if args.smoke else None)
    if not files:
        raise SystemExit(f"no corpus files under {args.corpus}")
    checked, seconds = run_check(files, args.repeat)
    report = render(checked, seconds, args, manifest_mismatches(args.corpus))
    write_section("rules", report, args.out)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
