"""The grammar of `export` and `publish`: the commands that send pieces where they are published."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from .common import Parser
from .options import add_ledger_options


def add_export(commands: Any) -> None:
    export = commands.add_parser(
        "export",
        help="copy approved pieces into your blog's content folder, an email folder and a "
        "social-scheduler CSV (nothing is published)",
        description="Copy the approved pieces of the run directories (or of a calendar's "
        "entries) into the places they are published from: blog posts into the site's content "
        "folder, named as its generator names them; the newsletter's .html, .txt and .md into "
        "an email folder; LinkedIn posts as rows of a new CSV in a folder, in the bulk-import "
        "format schedulers take. Records in run.json and the ledger what went where: a rerun "
        "exports nothing twice.",
        epilog="Exit codes: 0 everything due was exported (or was already), 1 some piece could "
        "not be (a target holds something else, a folder cannot be written), 2 usage error.",
    )
    add_sending(export)
    export.add_argument(
        "--blog-dir", metavar="DIR", help="the site's content folder (CONTENT_GEN_BLOG_DIR)"
    )
    export.add_argument(
        "--email-dir", metavar="DIR", help="where the email files go (CONTENT_GEN_EMAIL_DIR)"
    )
    export.add_argument(
        "--social-dir",
        metavar="DIR",
        help="where the social-scheduler CSVs go (CONTENT_GEN_SOCIAL_DIR)",
    )
    export.add_argument(
        "--post-time",
        metavar="HH:MM",
        help="the local time each post is scheduled for, on its date (CONTENT_GEN_POST_TIME; "
        "default: 09:00)",
    )
    export.set_defaults(handler="export:export")


def add_publish(commands: Any) -> None:
    publish = commands.add_parser(
        "publish",
        help="create drafts on a platform (WordPress); never a live post",
        description="Create a draft of each approved piece on a platform, through its API. "
        "Only drafts: making one live is done on the platform, by a person.",
    )
    platforms = publish.add_subparsers(
        dest="platform", metavar="PLATFORM", parser_class=Parser, required=True
    )
    wordpress = platforms.add_parser(
        "wordpress",
        help="blog posts as WordPress drafts (REST API, application password)",
        description="Create a WordPress draft of each approved blog post, unless the site has "
        "it already (looked up by slug first), using CONTENT_GEN_WORDPRESS_URL, "
        "CONTENT_GEN_WORDPRESS_USER and CONTENT_GEN_WORDPRESS_APP_PASSWORD.",
        epilog="Exit codes: 0 every post is a draft on the site, 1 some could not be made (the "
        "platform's error is recorded, and the next run tries again), 2 usage error.",
    )
    add_sending(wordpress)
    wordpress.set_defaults(handler="publish:wordpress")


def add_sending(parser: argparse.ArgumentParser) -> None:
    """Which pieces `export` and `publish` send: run directories, or a calendar's entries."""
    parser.add_argument(
        "runs", metavar="RUN_DIR", type=Path, nargs="*", help="run directories `generate` wrote"
    )
    parser.add_argument(
        "--calendar",
        metavar="FILE",
        type=Path,
        help="the entries of this calendar (CSV or TOML) instead, and its ledger",
    )
    parser.add_argument(
        "--allow-outside-files",
        action="store_true",
        help="let the calendar's rows name files outside its folder",
    )
    parser.add_argument(
        "--all",
        action="store_true",
        help="every done piece, approved or not (default: only the approved ones)",
    )
    add_ledger_options(parser)
    parser.add_argument("--json", action="store_true", help="print what happened as JSON")
