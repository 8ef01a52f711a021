"""The command line's grammar: every command, flag and help text, and nothing else.

Standard library only, and no command's module is imported here: `--help` and argument errors
stay instant. Each command names its handler as "module:function" under `content_gen.cli`,
imported only when that command runs.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..inputs import TOPIC_MAX_CHARS
from .common import Parser
from .options import (
    DEFAULT_MAX_TOPICS,
    MAX_TOPICS,
    add_calendar_file,
    add_costs,
    add_ledger_options,
    add_output,
    add_today,
    add_verbose,
    add_voice,
    max_topics,
    port,
)
from .parser_export import add_export, add_publish


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="content-gen",
        description="Turn one topic into a LinkedIn post, an email newsletter and a blog post, "
        "each written by Gemini and checked until it meets its channel's bar.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    _add_generate(commands)
    _add_check(commands)
    _add_calendar(commands)
    _add_review(commands)
    add_export(commands)
    add_publish(commands)
    _add_voice_commands(commands)
    return parser


def _add_generate(commands: Any) -> None:
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
    add_output(gen)
    gen.add_argument(
        "--into",
        metavar="DIR",
        type=Path,
        help="write into this earlier run of the same topic (its plan is reused and its other "
        "channels kept): how a failed channel is retried",
    )
    gen.add_argument(
        "--brief", metavar="FILE", type=Path, help="notes and key points the pieces must draw on"
    )
    gen.add_argument(
        "--source",
        metavar="PATH_OR_URL",
        action="append",
        default=[],
        help="a file (markdown, text, HTML, PDF) or an http(s) URL the pieces are written from; "
        "repeat for more",
    )
    gen.add_argument(
        "--skip-unreadable-sources",
        action="store_true",
        help="go on without a source that cannot be read (default: stop before any API call)",
    )
    gen.add_argument(
        "--research",
        action="store_true",
        help="let the plan search the web (Google Search grounding; costs more)",
    )
    gen.add_argument(
        "--audience", metavar="TEXT", help="who the pieces are for (CONTENT_GEN_AUDIENCE)"
    )
    gen.add_argument(
        "--cta-url",
        metavar="URL",
        help="where the call to action links to: the newsletter's button, LinkedIn's first "
        "comment (CONTENT_GEN_CTA_URL)",
    )
    add_voice(gen)
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
    add_costs(gen)
    replies = gen.add_mutually_exclusive_group()
    replies.add_argument(
        "--cache",
        action="store_true",
        help="reuse replies an earlier run already paid for, from the response cache (a run "
        "with --into always does)",
    )
    replies.add_argument(
        "--no-cache", action="store_true", help="neither reuse nor keep replies (OUT/.cache)"
    )
    gen.add_argument(
        "--json",
        action="store_true",
        help="print the run.json manifest instead of the summary (progress still goes to stderr)",
    )
    gen.add_argument(
        "--offline",
        action="store_true",
        help="use the built-in simulated Gemini: no key, no network; output is marked simulated",
    )
    add_verbose(gen)
    gen.set_defaults(handler="generate:generate")


def _add_check(commands: Any) -> None:
    check = commands.add_parser(
        "check",
        help="check files against the rules the quality loop runs (no API call)",
        description="Run the quality loop's rules on files in content-gen's own formats: the "
        "linkedin.md, newsletter.md and blog.md that `generate` writes, or your edits of them. "
        "Blocking problems and warnings are listed with their rule id and line.",
        epilog="The channel comes from --channel or the file name (linkedin.md, "
        "newsletter.md, blog.md, or NAME.<channel>.md). Exit codes: 0 no rule blocks "
        "(warnings are printed), 1 some rule blocks, 2 some file cannot be used (each is "
        "named with the reason) or a usage error.",
    )
    check.add_argument("files", metavar="FILE", type=Path, nargs="+", help="files to check")
    check.add_argument(
        "--channel",
        metavar="NAME",
        help="the channel of every FILE (linkedin, newsletter, blog, or one you added)",
    )
    add_voice(check)
    check.add_argument(
        "--json", action="store_true", help="print the results as JSON instead of lines"
    )
    check.set_defaults(handler="check:check")


def _add_voice_commands(commands: Any) -> None:
    voice = commands.add_parser(
        "voice",
        help="make a voice kit: the style guide, word rules and samples pieces follow",
        description="A voice kit is a folder of plain files: style.md (the guide), words.toml "
        "(banned words, preferred terms, product names, disclaimers, emoji and hashtags) and "
        "samples/<channel>/*.md (past pieces). Use it with --voice DIR.",
    )
    actions = voice.add_subparsers(
        dest="action", metavar="ACTION", parser_class=Parser, required=True
    )
    init = actions.add_parser(
        "init",
        help="write a commented starter kit to edit",
        description="Write a starter voice kit in DIR (a new or empty folder): a style guide "
        "to replace, a words.toml whose examples are commented out, and a samples folder per "
        "channel.",
    )
    init.add_argument("directory", metavar="DIR", type=Path, help="the folder to create")
    init.set_defaults(handler="voice:init")

    learn = commands.add_parser(
        "learn",
        help="propose voice kit rules from your edit of a piece (no API call)",
        description="Compare your edit of a piece with what content-gen wrote and propose up "
        "to three additions to the voice kit's words.toml: phrases you deleted, terms you "
        "replaced, names you re-cased, emoji you removed. Shown as a diff; --apply adds them.",
        epilog="The original is found through the run.json beside FILE (the text of the saved "
        "piece), or given with --original. The kit is --voice, CONTENT_GEN_VOICE, or the one "
        "the run used. Exit codes: 0 shown or applied (or nothing to learn), 2 a usage error.",
    )
    learn.add_argument("file", metavar="EDITED_FILE", type=Path, help="your edited piece")
    learn.add_argument(
        "--original",
        metavar="FILE",
        type=Path,
        help="the piece as content-gen wrote it (default: from the run.json beside FILE)",
    )
    learn.add_argument(
        "--channel", metavar="NAME", help="the piece's channel (default: from the file name)"
    )
    learn.add_argument("--voice", metavar="DIR", help="the voice kit to add to (CONTENT_GEN_VOICE)")
    learn.add_argument("--apply", action="store_true", help="add the proposals to words.toml")
    learn.add_argument("--json", action="store_true", help="print the proposals as JSON")
    learn.set_defaults(handler="learn:learn")


def _add_calendar(commands: Any) -> None:
    calendar = commands.add_parser(
        "calendar",
        help="write what a content calendar says is due (run it daily from cron)",
        description="Plan topics in a CSV or TOML calendar; `calendar run` writes every entry "
        "that is due and not yet done, then exits. Run it daily from cron, a systemd timer or "
        "a CI schedule: a second run the same day makes no API calls.",
    )
    actions = calendar.add_subparsers(
        dest="action", metavar="ACTION", parser_class=Parser, required=True
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
    add_calendar_file(run)
    add_ledger_options(run)
    run.add_argument(
        "--max-topics",
        metavar="N",
        type=max_topics,
        default=DEFAULT_MAX_TOPICS,
        help=f"entries written at once, 1-{MAX_TOPICS} (default: {DEFAULT_MAX_TOPICS}); "
        "CONTENT_GEN_RPM and CONTENT_GEN_MAX_CONCURRENCY cap requests across all of them",
    )
    run.add_argument(
        "--force",
        action="store_true",
        help="rewrite due channels even if they are done, asking the model afresh",
    )
    run.add_argument(
        "--batch",
        action="store_true",
        help="send each round of the quality loop for all due entries as one Gemini Batch API "
        "job: half the price, results within 24 hours (usually minutes)",
    )
    add_costs(run)
    run.add_argument(
        "--no-cache",
        action="store_true",
        help="neither reuse nor keep replies: a resumed entry pays again for what it had",
    )
    run.add_argument(
        "--allow-private-urls",
        action="store_true",
        help="let the calendar's sources fetch pages on this machine or its private network",
    )
    run.add_argument(
        "--skip-unreadable-sources",
        action="store_true",
        help="write an entry without a source that cannot be read (default: the entry waits)",
    )
    run.add_argument(
        "--research",
        action="store_true",
        help="let each entry's plan search the web (Google Search grounding; costs more)",
    )
    add_voice(run, "for rows that name none in their voice and language columns")
    add_today(run)
    run.add_argument(
        "--offline",
        action="store_true",
        help="use the built-in simulated Gemini (a later real run rewrites what it wrote)",
    )
    run.add_argument(
        "--json", action="store_true", help="print the outcome as JSON instead of the summary"
    )
    add_verbose(run)
    run.set_defaults(handler="calendar:run")

    check = actions.add_parser(
        "check",
        help="validate a calendar without writing anything",
        description="Check every row (dates, topics, channels, brief files, duplicates) and "
        "report each problem with its line number.",
        epilog="Exit codes: 0 every row is valid, 1 some rows are not, 2 the file is unusable.",
    )
    add_calendar_file(check)
    add_today(check)
    check.set_defaults(handler="calendar:check")

    status = actions.add_parser(
        "status",
        help="show each entry's channels: done, failed, pending, not yet due",
        description="Show every entry with its channels' state, scores and tokens spent so "
        "far, from the ledger. Makes no API call and writes nothing.",
    )
    add_calendar_file(status)
    add_ledger_options(status)
    add_today(status)
    status.add_argument("--json", action="store_true", help="print the status as JSON")
    status.set_defaults(handler="calendar:status")


def _add_review(commands: Any) -> None:
    review = commands.add_parser(
        "review",
        help="read, edit, approve or send back the pieces in a local web page",
        description="Start a web page on this machine (127.0.0.1 only) that lists every run "
        "newest first and shows each piece as its reader will see it, with its scores, rule "
        "warnings, attempts and cost: edit it, approve it, or send it back with a note for one "
        "more revision. It prints the page's address (with its private token) and opens it; "
        "Ctrl-C stops it.",
        epilog="Review state is kept in each run's run.json (and for calendar entries in the "
        "ledger): a calendar run never rewrites an approved or edited piece without --force.",
    )
    review.add_argument(
        "path",
        metavar="PATH",
        type=Path,
        nargs="?",
        help="an output folder, one run directory, or a calendar (default: the output folder)",
    )
    add_ledger_options(review)
    review.add_argument(
        "--port",
        metavar="N",
        type=port,
        default=0,
        help="the port to listen on (default: a free one)",
    )
    review.add_argument(
        "--no-browser", action="store_true", help="print the address without opening a browser"
    )
    add_today(review)
    review.add_argument(
        "--offline",
        action="store_true",
        help="send pieces back to the built-in simulated Gemini (no key, no network)",
    )
    review.set_defaults(handler="review:review")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("content-gen")
    except PackageNotFoundError:
        return "unknown"
