"""The flags several commands share, and the types that check their values.

Standard library only, like the rest of the grammar: `--help` stays instant.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

DEFAULT_MAX_TOPICS, MAX_TOPICS = 2, 16


def add_costs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--max-cost",
        metavar="USD",
        help="stop before any call that could take this run past USD dollars (finished work "
        "is kept; CONTENT_GEN_MAX_COST)",
    )
    parser.add_argument(
        "--estimate",
        action="store_true",
        help="print the expected calls and cost, and how they were worked out; call nothing",
    )


def add_calendar_file(parser: argparse.ArgumentParser) -> None:
    """The calendar, as `FILE` or `--calendar FILE`: the same in check, run and status."""
    parser.add_argument(
        "--allow-outside-files",
        action="store_true",
        help="let the calendar's rows name files outside its folder (only if you trust "
        "everyone who can edit the calendar)",
    )
    parser.add_argument(
        "calendar", metavar="FILE", type=Path, nargs="?", help="the calendar (CSV or TOML)"
    )
    parser.add_argument(
        "--calendar",
        dest="calendar_option",
        metavar="FILE",
        type=Path,
        help="the same, as an option",
    )


def add_ledger_options(parser: argparse.ArgumentParser) -> None:
    add_output(parser)
    parser.add_argument(
        "--ledger",
        metavar="PATH",
        type=Path,
        help="the ledger of what is done (default: ledger.sqlite in the output root)",
    )


def add_voice(parser: argparse.ArgumentParser, scope: str = "") -> None:
    """--voice and --language: the same in generate, check and calendar run."""
    scope = f"; {scope}" if scope else ""
    parser.add_argument(
        "--voice",
        metavar="DIR",
        help="a voice kit folder: style guide, word rules, samples (CONTENT_GEN_VOICE; "
        f"content-gen voice init DIR writes one){scope}",
    )
    parser.add_argument(
        "--language",
        metavar="TAG",
        help="the language every piece is in, as a BCP 47 tag such as de, es, pt-BR or ja "
        f"(CONTENT_GEN_LANGUAGE; default: English, unchecked){scope}",
    )


def add_output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out", metavar="DIR", help="output root (CONTENT_GEN_OUTPUT_DIR; default: output)"
    )


def add_today(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--today",
        metavar="YYYY-MM-DD",
        type=day,
        help="the day to run as (default: today); entries dated after it are not yet due",
    )


def add_verbose(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help="log every request (-vv for debug detail)",
    )


def day(text: str) -> date:
    from ..errors import UsageError
    from ..schedule.calendar import parse_day

    try:
        return parse_day(text)
    except UsageError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def max_topics(text: str) -> int:
    if not text.strip().isdigit() or not 1 <= int(text) <= MAX_TOPICS:
        raise argparse.ArgumentTypeError(
            f"expected a whole number from 1 to {MAX_TOPICS}, not {text!r}"
        )
    return int(text)


def port(text: str) -> int:
    if not text.strip().isdigit() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 1 to 65535 (0: any), not {text!r}")
    return int(text)
