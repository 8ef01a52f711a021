"""The language rules on real texts: the detector behind `--language`, measured.

Runs `content_gen.quality.language` (what the `language.*` rules run) over
bench/corpus/language/: 361 real pieces in ten languages that nobody on the team wrote, one
real page its translators left partly in English, and the derived mixed, quoted and short sets
(bench/corpus/language/README.md). Reports piece-level accuracy per language (the aim is at
least 98%), what the rule says of each piece in its own language and in its closest
neighbour's, of mixed and quoted pieces, and of LinkedIn-sized excerpts, and how long it
takes. Writes the `language` section of bench/results.md.

    python bench/language.py [--corpus DIR] [--smoke] [--out bench/results.md]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common import ROOT, hashes_line, report_path, run_lines, shown_path, table
from sections import write_section

from content_gen.quality import language as detector

CORPUS = ROOT / "bench" / "corpus" / "language"
LANGS = ("en", "de", "es", "fr", "pt", "it", "nl", "ja", "zh", "pl")
#: Each language's closest neighbour: the hardest wrong language to tell it from.
CLOSE = {
    "en": "nl",
    "de": "nl",
    "nl": "de",
    "es": "pt",
    "pt": "es",
    "it": "es",
    "fr": "it",
    "ja": "zh",
    "zh": "ja",
    "pl": "cs",
}
AIM_ACCURACY = 0.98


@dataclass(frozen=True)
class Piece:
    path: str
    expected: str
    kind: str  # single, real-mixed, mixed, quoted, post
    text: str
    share: float | None = None  # mixed: the intended share of the other language


def verdict(text: str, expected: str) -> str:
    """What the rule says: pass, warn or block (its strongest violation)."""
    found = detector.language_rules(text, expected)
    if any(v.level == "block" for v in found):
        return "block"
    return "warn" if found else "pass"


def load(corpus: Path, smoke: bool) -> tuple[list[Piece], list[str]]:
    """Every piece, and the stored files whose bytes differ from the manifest's sha256."""
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    derived = json.loads((corpus / "derived.json").read_text(encoding="utf-8"))
    short = json.loads((corpus / "short.json").read_text(encoding="utf-8"))
    pieces, bad = [], []
    per_language: Counter[str] = Counter()
    for record in [*manifest, *derived]:
        data = (corpus / record["path"]).read_bytes()
        if hashlib.sha256(data).hexdigest() != record["sha256"]:
            bad.append(record["path"])
        kind = record.get("kind", "real-mixed" if record.get("real_mixed") else "single")
        if kind not in ("single", "real-mixed", "mixed"):
            kind = "quoted"
        language = record.get("language") or record["expected"]
        per_language[(kind, language)] += 1
        if smoke and per_language[(kind, language)] > 2:
            continue
        share = record.get("target_share")
        pieces.append(Piece(record["path"], language, kind, data.decode("utf-8"), share))
    posts = [s for s in short if s["kind"] == "post"]
    pieces += [
        Piece(s["src"], s["expected"], "post", s["text"]) for s in posts[: 20 if smoke else None]
    ]
    return pieces, bad


def measure(pieces: list[Piece]) -> dict[str, Any]:
    started = time.perf_counter()
    detector.detect("Warm-up: the first call loads the model.")
    load_s = time.perf_counter() - started
    rows: list[dict[str, Any]] = []
    started = time.perf_counter()
    for piece in pieces:
        lang, conf = detector.detect(piece.text)
        row = {
            "piece": piece,
            "lang": lang,
            "conf": conf,
            "right": verdict(piece.text, piece.expected),
        }
        if piece.kind in ("single", "post"):
            row["wrong"] = verdict(piece.text, CLOSE[piece.expected])
        rows.append(row)
    seconds = time.perf_counter() - started
    return {"rows": rows, "load_s": load_s, "seconds": seconds}


def percent(part: int, whole: int) -> str:
    return f"{part} of {whole} ({100 * part / whole:.1f}%)" if whole else "-"


def render(measured: dict[str, Any], args: argparse.Namespace, bad: list[str]) -> str:
    rows = measured["rows"]
    single = [r for r in rows if r["piece"].kind == "single"]
    correct = [r for r in single if detector.same_language(r["lang"], r["piece"].expected)]
    errors = Counter(
        f"{r['piece'].expected}->{r['lang']}" for r in single if r not in correct
    ).most_common()
    posts = [r for r in rows if r["piece"].kind == "post"]
    posts_right = [r for r in posts if detector.same_language(r["lang"], r["piece"].expected)]
    confident_wrong = [
        r for r in posts if r not in posts_right and r["conf"] >= detector.MIN_CONFIDENCE
    ]
    real_mixed = [r for r in rows if r["piece"].kind == "real-mixed"]
    quoted = [r for r in rows if r["piece"].kind == "quoted"]
    mixed = [r for r in rows if r["piece"].kind == "mixed"]
    neighbour_blocked = [r for r in single if r["wrong"] == "block"]
    per_piece_ms = 1000 * measured["seconds"] / max(len(rows), 1)
    accuracy = len(correct) / len(single) if single else 0.0

    lines = [
        "## Language detection for --language (bench/language.py)",
        "",
        *run_lines("bench/language.py"),
        "- What runs: `content_gen.quality.language` (py3langid "
        f"{_version('py3langid')}, ISO 639-1 labels, CJK by script), as the `language.*` rules "
        f"run it, over {len(rows)} texts of "
        f"{shown_path(args.corpus)}",
        hashes_line(bad),
        "",
        "### Summary",
        "",
        table(
            ["figure", "measured", "aim", "result"],
            [
                [
                    "real pieces whose language is detected right",
                    percent(len(correct), len(single)),
                    f">= {AIM_ACCURACY:.0%}",
                    "pass" if accuracy >= AIM_ACCURACY else "**miss**",
                ],
                [
                    "real pieces in their own language that the rule flags (false alarms)",
                    percent(len([r for r in single if r["right"] != "pass"]), len(single)),
                    "0",
                    _verdict(not [r for r in single if r["right"] != "pass"]),
                ],
                [
                    "real pieces blocked when their closest neighbour is expected",
                    percent(len(neighbour_blocked), len(single)),
                    "all",
                    _verdict(len(neighbour_blocked) == len(single)),
                ],
                [
                    "pieces with English quotes, code or product names flagged",
                    percent(len([r for r in quoted if r["right"] != "pass"]), len(quoted)),
                    "0",
                    _verdict(not [r for r in quoted if r["right"] != "pass"]),
                ],
                [
                    "mixed pieces caught (blocked or warned)",
                    percent(len([r for r in mixed if r["right"] != "pass"]), len(mixed)),
                    "all",
                    _verdict(all(r["right"] != "pass" for r in mixed)),
                ],
                [
                    "real partly-untranslated page caught",
                    percent(len([r for r in real_mixed if r["right"] != "pass"]), len(real_mixed)),
                    "all",
                    _verdict(all(r["right"] != "pass" for r in real_mixed)),
                ],
                [
                    "LinkedIn-sized excerpts (300-700 chars) detected right",
                    percent(len(posts_right), len(posts)),
                    "-",
                    "-",
                ],
                [
                    f"excerpts confidently (>= {detector.MIN_CONFIDENCE}) wrong",
                    str(len(confident_wrong)),
                    "0",
                    _verdict(not confident_wrong),
                ],
                ["model load + first call", f"{measured['load_s']:.2f} s", "-", "-"],
                ["rule per text (detect + verdict)", f"{per_piece_ms:.1f} ms", "-", "-"],
            ],
        ),
        "",
        "### Piece-level accuracy per language (real pieces)",
        "",
        _language_table("pieces", single),
        "",
        "Errors (expected -> detected): "
        + (", ".join(f"{e} x{n}" for e, n in errors) if errors else "none")
        + ". The rule columns count pieces that pass / warn / block.",
        "",
        "### Mixed, quoted and partly-untranslated pieces",
        "",
        table(
            ["set", "pieces", "pass", "warn", "block"],
            [
                _set_row(f"mixed, {share:.0%} in another language", group)
                for share, group in sorted(_by_share(mixed).items(), reverse=True)
            ]
            + [
                _set_row("quoted (English quote, code, product names)", quoted),
                _set_row("real page left partly in English upstream", real_mixed),
            ],
            "-rrrr",
        ),
        "",
        "### LinkedIn-sized excerpts (first paragraphs, 300-700 characters)",
        "",
        _language_table("excerpts", posts),
        "",
        "An excerpt that passes in its neighbour's language is one the detector is unsure of "
        "(bylines of names and dates): the rule says nothing rather than guess.",
    ]
    return "\n".join(lines) + "\n"


def _language_table(what: str, rows: list[dict[str, Any]]) -> str:
    return table(
        ["language", what, "detected right", "rule: own language", "rule: neighbour"],
        [_language_row(lang, rows) for lang in LANGS if _of(lang, rows)],
        "-rrrr",
    )


def _of(lang: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in rows if r["piece"].expected.split("-")[0] == lang]


def _language_row(lang: str, rows: list[dict[str, Any]]) -> list[str]:
    mine = _of(lang, rows)
    right = sum(detector.same_language(r["lang"], r["piece"].expected) for r in mine)
    return [
        f"{detector.name(lang)} ({lang})",
        str(len(mine)),
        f"{100 * right / len(mine):.1f}%",
        _counts(Counter(r["right"] for r in mine)),
        _counts(Counter(r["wrong"] for r in mine)),
    ]


def _set_row(label: str, rows: list[dict[str, Any]]) -> list[str]:
    said = Counter(r["right"] for r in rows)
    return [label, str(len(rows)), str(said["pass"]), str(said["warn"]), str(said["block"])]


def _by_share(rows: list[dict[str, Any]]) -> dict[float, list[dict[str, Any]]]:
    groups: dict[float, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        groups[r["piece"].share or 0.0].append(r)
    return groups


def _counts(said: Counter[str]) -> str:
    return " / ".join(str(said[level]) for level in ("pass", "warn", "block"))


def _verdict(ok: bool) -> str:
    return "pass" if ok else "**miss**"


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "?"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python bench/language.py", description=(__doc__ or "").split("\n\n")[0]
    )
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the corpus folder")
    parser.add_argument(
        "--smoke", action="store_true", help="two texts of each kind, to a temp --out"
    )
    parser.add_argument("--out", type=Path, help="report file (default bench/results.md)")
    args = parser.parse_args(argv)
    args.out = report_path(args.out, args.smoke, "language")
    args.corpus = args.corpus.resolve()
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    pieces, bad = load(args.corpus, args.smoke)
    report = render(measure(pieces), args, bad)
    write_section("language", report, args.out)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
