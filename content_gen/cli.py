"""Command line: parse, validate everything, then run; errors become one line and an exit code.

Exit codes: 0 every requested channel saved; 1 at least one channel failed (the rest are
saved); 2 usage or configuration error, found before any API call; 130 interrupted.

Only the standard library (and the package's stdlib-only `inputs`) is imported at module level:
`--help` and argument errors must not pay for pydantic or google-genai.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from .inputs import TOPIC_MAX_CHARS, check_topic, read_brief

if TYPE_CHECKING:
    from .config import Settings
    from .orchestrator import TopicResult
    from .worker import ChannelResult

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
DEFAULT_MAX_TOPICS, MAX_TOPICS = 2, 16

Sleep = Callable[[float], object] | None

log = logging.getLogger("content_gen")


class _Parser(argparse.ArgumentParser):
    """argparse, but errors are one line, not usage plus message."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"content-gen: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="content-gen",
        description="Turn one topic into a LinkedIn post, an email newsletter and a blog post, "
        "each written by Gemini and checked until it meets its channel's bar.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    gen = commands.add_parser(
        "generate",
        help="write every channel for one topic",
        description="Write the requested channels for TOPIC in parallel and save them under "
        "OUT/<date>-<slug>/ with a run.json manifest.",
        epilog="Settings not given as flags come from the environment, then .env, then "
        "defaults; see README.md. Exit codes: 0 all saved, 1 some channel failed, "
        "2 usage or configuration error, 130 interrupted.",
    )
    gen.add_argument(
        "topic", metavar="TOPIC", help=f"what to write about (max {TOPIC_MAX_CHARS} characters)"
    )
    gen.add_argument(
        "--channels",
        metavar="LIST",
        # No list here: naming the channels would mean importing them on the --help path.
        help="comma-separated channels, e.g. linkedin,blog (default: all: linkedin, "
        "newsletter, blog, and any you add)",
    )
    gen.add_argument(
        "--out", metavar="DIR", help="output root (CONTENT_GEN_OUTPUT_DIR; default: output)"
    )
    gen.add_argument(
        "--brief", metavar="FILE", type=Path, help="notes and key points the pieces must draw on"
    )
    gen.add_argument(
        "--audience", metavar="TEXT", help="who the pieces are for (CONTENT_GEN_AUDIENCE)"
    )
    gen.add_argument("--model", metavar="NAME", help="writer model (CONTENT_GEN_MODEL)")
    gen.add_argument("--judge-model", metavar="NAME", help="judge model (CONTENT_GEN_JUDGE_MODEL)")
    gen.add_argument(
        "--max-revisions",
        metavar="N",
        help="revisions after the first draft, 0-10 (CONTENT_GEN_MAX_REVISIONS; default: 2)",
    )
    gen.add_argument(
        "--sequential", action="store_true", help="one channel at a time (for comparison)"
    )
    gen.add_argument(
        "--json", action="store_true", help="print the run.json manifest instead of the summary"
    )
    gen.add_argument(
        "--offline",
        action="store_true",
        help="use the built-in simulated Gemini: no key, no network; output is marked simulated",
    )
    _add_verbose(gen)
    gen.set_defaults(handler=_generate)
    _add_calendar(commands)
    return parser


def _add_calendar(commands: Any) -> None:
    calendar = commands.add_parser(
        "calendar",
        help="write what a content calendar says is due (run it daily from cron)",
        description="Plan topics in a CSV or TOML calendar; `calendar run` writes every entry "
        "that is due and not yet done, then exits. Run it daily from cron, a systemd timer or "
        "a CI schedule: a second run the same day makes no API calls.",
    )
    actions = calendar.add_subparsers(
        dest="action", metavar="ACTION", parser_class=_Parser, required=True
    )
    run = actions.add_parser(
        "run",
        help="write every due entry x channel that is not done yet",
        description="Write every channel of every entry dated today or earlier that the "
        "ledger does not record as done, up to --max-topics entries at once, each under "
        "OUT/<entry date>-<slug>/ as `generate` would.",
        epilog="Exit codes: 0 all due work done, 1 some channel failed (it is retried next "
        "run) or some calendar row is invalid (reported with its line; the other rows ran), "
        "2 the calendar or a setting is unusable, 130 interrupted (claims are given back).",
    )
    run.add_argument(
        "--calendar", metavar="FILE", type=Path, required=True, help="the calendar (CSV or TOML)"
    )
    _add_ledger_options(run)
    run.add_argument(
        "--max-topics",
        metavar="N",
        type=_max_topics,
        default=DEFAULT_MAX_TOPICS,
        help=f"entries written at once, 1-{MAX_TOPICS} (default: {DEFAULT_MAX_TOPICS}); "
        "CONTENT_GEN_RPM and CONTENT_GEN_MAX_CONCURRENCY cap requests across all of them",
    )
    run.add_argument(
        "--force", action="store_true", help="rewrite due channels even if they are done"
    )
    _add_today(run)
    run.add_argument(
        "--offline",
        action="store_true",
        help="use the built-in simulated Gemini (a later real run rewrites what it wrote)",
    )
    run.add_argument(
        "--json", action="store_true", help="print the outcome as JSON instead of the summary"
    )
    _add_verbose(run)
    run.set_defaults(handler=_calendar("run"))

    check = actions.add_parser(
        "check",
        help="validate a calendar without writing anything",
        description="Check every row (dates, topics, channels, brief files, duplicates) and "
        "report each problem with its line number.",
        epilog="Exit codes: 0 every row is valid, 1 some rows are not, 2 the file is unusable.",
    )
    check.add_argument("calendar", metavar="FILE", type=Path, help="the calendar (CSV or TOML)")
    _add_today(check)
    check.set_defaults(handler=_calendar("check"))

    status = actions.add_parser(
        "status",
        help="show each entry's channels: done, failed, pending, not yet due",
        description="Show every entry with its channels' state, scores and tokens spent so "
        "far, from the ledger. Makes no API call and writes nothing.",
    )
    status.add_argument(
        "--calendar", metavar="FILE", type=Path, required=True, help="the calendar (CSV or TOML)"
    )
    _add_ledger_options(status)
    _add_today(status)
    status.add_argument("--json", action="store_true", help="print the status as JSON")
    status.set_defaults(handler=_calendar("status"))


def _add_ledger_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out", metavar="DIR", help="output root (CONTENT_GEN_OUTPUT_DIR; default: output)"
    )
    parser.add_argument(
        "--ledger",
        metavar="PATH",
        type=Path,
        help="the ledger of what is done (default: ledger.sqlite in the output root)",
    )


def _add_today(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--today",
        metavar="YYYY-MM-DD",
        type=_day,
        help="the day to run as (default: today); entries dated after it are not yet due",
    )


def _add_verbose(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help="log every request (-vv for debug detail)",
    )


def _day(text: str) -> date:
    from .calendar import parse_day
    from .errors import UsageError

    try:
        return parse_day(text)
    except UsageError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _max_topics(text: str) -> int:
    if not text.strip().isdigit() or not 1 <= int(text) <= MAX_TOPICS:
        raise argparse.ArgumentTypeError(
            f"expected a whole number from 1 to {MAX_TOPICS}, not {text!r}"
        )
    return int(text)


def _calendar(action: str) -> Callable[[argparse.Namespace, Sleep], int]:
    """The handler for `calendar ACTION`, whose module is imported only when it runs."""

    def handler(args: argparse.Namespace, sleep: Sleep) -> int:
        from . import calendar_cli

        return getattr(calendar_cli, action)(args, sleep)

    return handler


def main(argv: list[str] | None = None, *, sleep: Sleep = None) -> int:
    """Run the command line; `sleep` replaces every wait (backoff, rate limit) in tests."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return args.handler(args, sleep)
    except KeyboardInterrupt:
        print("content-gen: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:
        from .errors import UsageError

        if isinstance(exc, UsageError):
            print(f"content-gen: error: {exc}", file=sys.stderr)
            return EXIT_USAGE
        raise


def run() -> NoReturn:
    """Console-script entry point."""
    # cron, systemd and CI stop jobs with SIGTERM: treat it like Ctrl-C, keeping finished work.
    signal.signal(signal.SIGTERM, _interrupt)
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    if any(
        t.is_alive() and not t.daemon
        for t in threading.enumerate()
        if t is not threading.main_thread()
    ):
        # After Ctrl-C a worker may still be blocked in a request; its output is already
        # accounted for and every file is written atomically, so do not wait for it.
        logging.shutdown()
        os._exit(code)
    # Tearing the interpreter down runs the cycle collector over everything google-genai and
    # pydantic built: 0.3-0.5 s after the last reply (bench/results.md, item 3). Frozen objects
    # are skipped and left to the OS to reclaim; atexit handlers (logging's flush) still run.
    gc.freeze()
    sys.exit(code)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


# --- generate ----------------------------------------------------------------------------------


def _generate(args: argparse.Namespace, sleep: Sleep) -> int:
    topic = check_topic(
        args.topic,
        empty_hint="; say what to write about, e.g. "
        'content-gen generate "How small teams can adopt AI code review"',
        long_hint=". Put the details in a --brief file",
    )
    brief = read_brief(args.brief)

    from .channels import parse_channels
    from .config import load_settings

    channels = parse_channels(args.channels)
    settings = load_settings(
        cli={
            "output_dir": args.out,
            "audience": args.audience,
            "model": args.model,
            "judge_model": args.judge_model,
            "max_revisions": args.max_revisions,
        },
        environ=os.environ,
        env_file=Path(".env"),
    )
    setup_logging(args.verbose, settings)

    from .session import Session
    from .storage import RunDir
    from .worker import Job

    with Session.open(settings, channels, offline=args.offline, sleep=sleep) as session:
        job = Job(topic=topic, brief=brief, audience=settings.audience, day=date.today())
        run_dir = RunDir.create(settings.output_dir, job.day, topic)
        if not args.json:
            names = ", ".join(c.name for c in channels)
            mode = " (offline: simulated Gemini)" if args.offline else ""
            print(f'Writing {names} for "{topic}"{mode}', file=sys.stderr)
        result = session.run(
            job,
            channels,
            run_dir,
            sequential=args.sequential,
            inputs={
                "brief_file": str(args.brief) if args.brief else None,
                "brief_chars": len(brief),
                "audience": job.audience,
            },
            on_result=None if args.json else _print_progress,
        )
    if args.json:
        import json

        print(json.dumps(result.manifest, indent=2, ensure_ascii=False))
    else:
        _print_summary(result)
    if result.interrupted:
        return EXIT_INTERRUPTED
    return EXIT_OK if result.ok else EXIT_FAILED


# --- output ------------------------------------------------------------------------------------

STATUS = {
    "passed": "passed",
    "below_bar": "below bar",
    "failed": "FAILED",
    "interrupted": "interrupted",
}


def progress_line(result: ChannelResult) -> str:
    """One channel as it finishes: name, result, score, attempts, time and any error."""
    score = f"score {result.score:.2f}" if result.score is not None else "no score"
    count = len(result.attempts)
    attempts = f"{count} attempt" + ("" if count == 1 else "s")
    line = (
        f"{result.channel:<11} {STATUS[result.status]:<11} {score:<11} {attempts:<10} "
        f"{result.seconds:5.1f}s"
    )
    return line + (f"  {result.error}" if result.error else "")


def _print_progress(result: ChannelResult) -> None:
    print("  " + progress_line(result), file=sys.stderr, flush=True)


def result_cells(r: ChannelResult) -> tuple[str, ...]:
    """A finished channel's summary cells: result, score, attempts, tokens, time."""
    return (
        STATUS[r.status],
        f"{r.score:.2f}" if r.score is not None else "-",
        str(len(r.attempts)),
        f"{r.usage.total_tokens:,}",
        f"{r.seconds:.1f}s",
    )


def print_table(rows: list[tuple[str, ...]], left: set[int]) -> None:
    """Aligned columns: those in `left` flush left (text), the others flush right (numbers)."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print(
            "  ".join(
                cell.ljust(w) if i in left else cell.rjust(w)
                for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            ).rstrip()
        )


def totals_line(results: list[ChannelResult], seconds: float) -> str:
    """How the channels ended and what they cost, e.g. '3 passed, 0 below the bar, 0 failed;
    8 API calls, 8,711 tokens, 1.3s'."""
    counts = {s: sum(1 for r in results if r.status == s) for s in STATUS}
    calls = sum(r.usage.calls for r in results)
    tokens = sum(r.usage.total_tokens for r in results)
    return (
        f"{counts['passed']} passed, {counts['below_bar']} below the bar, "
        f"{counts['failed']} failed"
        + (f", {counts['interrupted']} interrupted" if counts["interrupted"] else "")
        + f"; {calls} API calls, {tokens:,} tokens, {seconds:.1f}s"
    )


def _print_summary(result: TopicResult) -> None:
    rows = [("channel", "result", "score", "attempts", "tokens", "time", "file")]
    rows += [(r.channel, *result_cells(r), r.file or "-") for r in result.results.values()]
    print()
    print_table(rows, left={0, 1, 6})
    print("\n" + totals_line(list(result.results.values()), result.seconds))
    simulated = " (simulated content: --offline)" if result.manifest.get("simulated") else ""
    print(f"Saved in {result.run_dir.path}{os.sep}{simulated}")
    for r in result.results.values():
        if r.status == "below_bar":
            print(
                f"- {r.channel}: did not meet the quality bar in {len(r.attempts)} attempts; "
                "the best one was saved (the judge's notes are in run.json)"
            )
        elif r.status == "failed":
            reason = (r.error or "").rstrip(".")
            print(f"- {r.channel} failed: {reason}. Retry it with --channels {r.channel}")
    if result.interrupted:
        print("Interrupted: finished channels were kept; run.json records the rest.")


# --- logging -----------------------------------------------------------------------------------


class _ChannelFilter(logging.Filter):
    """Tags every record with its channel and blanks the API key out of every message."""

    def __init__(self, secret: str | None) -> None:
        super().__init__()
        self._secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "channel"):
            record.channel = "-"
        if self._secret:
            message = record.getMessage()
            if self._secret in message:
                record.msg, record.args = message.replace(self._secret, "[redacted]"), None
        return True


def setup_logging(verbose: int, settings: Settings) -> None:
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)-7s [%(channel)s] %(message)s", "%H:%M:%S")
    )
    secret = settings.api_key.get_secret_value() if settings.api_key else None
    handler.addFilter(_ChannelFilter(secret))
    log.handlers[:] = [handler]
    log.setLevel(level)
    log.propagate = False


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("content-gen")
    except PackageNotFoundError:
        return "unknown"
