"""`content-gen export (RUN_DIR... | --calendar FILE)`: copy approved pieces into the folders
they are published from, and record where. Nothing is published."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from ..errors import UsageError
from .common import EXIT_FAILED, EXIT_OK, Sleep, load_settings, shown
from .report import clean, plural, print_table
from .sending import print_skipped, sending, skipped_json

if TYPE_CHECKING:
    from ..publish.export import Outcome


def export(args: argparse.Namespace, sleep: Sleep) -> int:
    from ..publish.export import Folders
    from ..publish.export import export as run_export

    settings = load_settings(
        {
            "output_dir": args.out,
            "blog_dir": args.blog_dir,
            "email_dir": args.email_dir,
            "social_dir": args.social_dir,
            "post_time": args.post_time,
        }
    )
    # Recorded as absolute paths: run.json and the ledger say where, whatever the directory.
    blog, email, social = (
        path.resolve() if path else None
        for path in (settings.blog_dir, settings.email_dir, settings.social_dir)
    )
    folders = Folders(blog, email, social, settings.post_time, settings.site_generator)
    if not (folders.blog or folders.email or folders.social):
        raise UsageError(
            "nowhere to export to: give --blog-dir, --email-dir or --social-dir (or set "
            "CONTENT_GEN_BLOG_DIR, CONTENT_GEN_EMAIL_DIR, CONTENT_GEN_SOCIAL_DIR)"
        )
    with sending(args, settings) as sent:
        outcomes = run_export(sent.selection.pieces, folders, sent.book)
        if args.json:
            report = {
                "exported": [o.as_dict() for o in outcomes],
                "skipped": skipped_json(sent),
                "problems": sent.book.problems,
            }
            print(json.dumps(report, indent=2, ensure_ascii=False))
        else:
            _print(outcomes)
            print_skipped(sent)
    return EXIT_FAILED if any(o.state == "failed" for o in outcomes) else EXIT_OK


def _print(outcomes: list[Outcome]) -> None:
    if outcomes:
        rows: list[tuple[str, ...]] = [("run", "channel", "export", "to")]
        for o in outcomes:
            where = ", ".join(shown_path(t) for t in o.targets) or "-"
            rows.append((o.piece.run, o.piece.channel, o.state, clean(where)))
        print_table(rows, left={0, 1, 2, 3})
        print()
    counts = {state: sum(1 for o in outcomes if o.state == state) for state in _STATES}
    parts = [f"{n} {_STATES[state]}" for state, n in counts.items() if n]
    print(f"{plural(len(outcomes), 'piece')}: {', '.join(parts) or 'nothing to export'}.")
    for o in outcomes:
        if o.error:
            print(f"- {o.piece.run} {o.piece.channel}: {clean(o.error)}")


_STATES = {
    "exported": "exported",
    "adopted": "already in place (now recorded)",
    "already": "exported before",
    "failed": "failed",
}


def shown_path(text: str) -> str:
    from pathlib import Path

    return shown(Path(text))
