"""`content-gen publish wordpress (RUN_DIR... | --calendar FILE)`: approved blog posts as
WordPress drafts. Only drafts; the platform's errors are one line each, and the next run
tries those pieces again."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from .common import EXIT_FAILED, EXIT_OK, Sleep, load_settings
from .report import clean, plural, print_table
from .sending import print_skipped, sending, skipped_json

if TYPE_CHECKING:
    from ..publish.wordpress import Outcome


def wordpress(args: argparse.Namespace, sleep: Sleep) -> int:
    from ..publish.wordpress import WordPress, publish_drafts

    settings = load_settings({"output_dir": args.out})
    password = settings.wordpress_app_password
    site = WordPress.of(
        settings.wordpress_url,
        settings.wordpress_user,
        password.get_secret_value() if password else None,
    )
    with sending(args, settings) as sent:
        posts = [p for p in sent.selection.pieces if p.channel == "blog"]
        sent.selection.skipped += [
            (p.run, p.channel, "simulated (--offline): never published")
            for p in posts
            if p.manifest.get("simulated")
        ]
        outcomes = publish_drafts(posts, site, sent.book)
        if args.json:
            report = {
                "site": site.url,
                "published": [o.as_dict() for o in outcomes],
                "skipped": skipped_json(sent),
                "problems": sent.book.problems,
            }
            print(site.redact(json.dumps(report, indent=2, ensure_ascii=False)))
        else:
            _print(outcomes, site.url)
            print_skipped(sent)
    return EXIT_FAILED if any(o.state == "failed" for o in outcomes) else EXIT_OK


_STATES = {
    "created": "drafts created",
    "found": "found on the site (now recorded)",
    "already": "drafts made before",
    "failed": "failed (the next run tries again)",
}


def _print(outcomes: list[Outcome], url: str) -> None:
    if outcomes:
        rows: list[tuple[str, ...]] = [("run", "wordpress", "post", "link")]
        for o in outcomes:
            post = str(o.post_id) if o.post_id is not None else "-"
            rows.append((o.piece.run, o.state, post, clean(o.link or "-")))
        print_table(rows, left={0, 1, 3})
        print()
    parts = [
        f"{n} {label}"
        for state, label in _STATES.items()
        if (n := sum(1 for o in outcomes if o.state == state))
    ]
    print(f"{url}: {plural(len(outcomes), 'blog post')}: {', '.join(parts) or 'nothing to send'}.")
    for o in outcomes:
        if o.error:
            print(f"- {o.piece.run}: {clean(o.error)}")
