"""A piece as its reader will see it, and what the page shows beside it.

LinkedIn renders no markdown: the post is shown as plain text with the feed's "...see more"
fold. The newsletter shows its inbox line, then the email; the blog its article and its
search snippet. Markdown is rendered with raw HTML escaped and unsafe links (javascript:,
vbscript:, data:text/html) left as text, so a piece can never run script in the page.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from markdown_it import MarkdownIt
from markupsafe import escape

from ..quality.judge import CRITERIA
from ..storage import json_object

if TYPE_CHECKING:
    from pydantic import BaseModel

#: Where LinkedIn's feed cuts a post on the desktop: about three lines, or 210 characters
#: (what the hook rule counts up to before it blocks).
FOLD_LINES, FOLD_CHARS = 3, 210
#: Google shows about this much of a title and a description.
SNIPPET_TITLE, SNIPPET_DESCRIPTION = 60, 160


@cache
def _markdown() -> MarkdownIt:
    # "commonmark" with html off: raw HTML shows as text; validateLink refuses bad schemes.
    return MarkdownIt("commonmark", {"html": False})


def markdown(text: str) -> str:
    """Markdown as HTML, raw HTML escaped; safe to put in the page as it is."""
    return _markdown().render(text)


@dataclass(frozen=True)
class View:
    """One piece as its reader sees it: HTML the templates insert as it is (already escaped),
    the facts shown beside it, and the texts a person copies out."""

    channel: str
    html: str
    facts: dict[str, str] = field(default_factory=dict)
    #: label -> the exact text to paste (into LinkedIn, the email tool, the site).
    copies: dict[str, str] = field(default_factory=dict)
    #: The LinkedIn feed's fold, or the inbox line, or the search snippet, as (label, text).
    lead: tuple[tuple[str, str], ...] = ()
    #: The channel's parser could not read the file: why (the piece is shown as plain text).
    problem: str | None = None


def view(
    channel: str,
    text: str,
    draft: BaseModel | None,
    problem: str | None = None,
    extras: dict[str, str] | None = None,
) -> View:
    """The reader's view of `text`, from its `draft` (the channel's parser's reading of it)
    and the piece's other files (`extras`)."""
    if draft is None:
        return View(channel, _plain(text), copies={"text": text}, problem=problem)
    if channel == "linkedin":
        return _linkedin(draft, text, extras or {})
    shown = {"newsletter": _newsletter, "blog": _blog}.get(channel)
    if shown is None:
        return View(channel, markdown(text), copies={"text": text})
    return shown(draft, text)


def _plain(text: str) -> str:
    return f'<div class="plain">{escape(text)}</div>'


def _linkedin(draft: Any, text: str, extras: dict[str, str]) -> View:
    from ..channels.base import unmark_simulated
    from ..channels.linkedin import COMMENT_FILE, COMMENT_MAX_CHARS, post_text

    post = post_text(draft)
    head, rest = fold(post)
    more = (
        f'<span class="more-dots">\u2026</span><button type="button" class="see-more">'
        f'see more</button><span class="rest" hidden>{escape(rest)}</span>'
        if rest
        else ""
    )
    html = f'<div class="feed-post">{escape(head)}{more}</div>'
    # The comment as its file has it (with the call-to-action URL): what gets pasted.
    comment = unmark_simulated(extras.get(COMMENT_FILE, "")).strip()
    if comment:
        html += (
            '<div class="first-comment"><div class="first-comment-label">First comment</div>'
            f"{escape(comment)}</div>"
        )
    tags = " ".join(f"#{t.lstrip('#')}" for t in draft.hashtags) or "none"
    return View(
        "linkedin",
        html,
        facts={
            "characters": f"{len(post):,} of 3,000",
            "before the fold": f"{len(head):,} characters",
            "hashtags": tags,
        }
        | ({"first comment": f"{len(comment):,} of {COMMENT_MAX_CHARS:,}"} if comment else {}),
        copies={"post": post} | ({"comment": comment} if comment else {}),
    )


def fold(post: str) -> tuple[str, str]:
    """The post as the feed shows it before "...see more", and the rest ('' if it all shows)."""
    cut = len(post)
    lines = 0
    for i, char in enumerate(post):
        if char == "\n":
            lines += 1
            if lines == FOLD_LINES:
                cut = i
                break
    cut = min(cut, FOLD_CHARS)
    if cut >= len(post.rstrip()):
        return post, ""
    if cut == FOLD_CHARS and " " in post[:cut]:
        cut = post.rindex(" ", 0, cut)  # the feed never cuts a word in half
    return post[:cut].rstrip(), post[cut:].lstrip(" ")


def _newsletter(draft: Any, text: str) -> View:
    email = f"{draft.body.strip()}\n\n{draft.call_to_action.strip()}"
    html = (
        f'<div class="email">{markdown(email)}<hr>'
        f'<footer class="email-footer">{markdown(draft.footer.strip())}</footer></div>'
    )
    body = f"{email}\n\n---\n\n{draft.footer.strip()}\n"
    return View(
        "newsletter",
        html,
        facts={
            "subject": f"{len(draft.subject.strip())} characters",
            "preheader": f"{len(draft.preheader.strip())} characters",
        },
        copies={
            "subject": draft.subject.strip(),
            "preheader": draft.preheader.strip(),
            "body": body,
        },
        lead=(("subject", draft.subject.strip()), ("preheader", draft.preheader.strip())),
    )


def _blog(draft: Any, text: str) -> View:
    from ..channels.blog import safe_slug

    title, description = draft.title.strip(), draft.meta_description.strip()
    return View(
        "blog",
        f'<article class="post">{markdown(draft.article)}</article>',
        facts={
            "title": f"{len(title)} characters",
            "description": f"{len(description)} characters",
            "slug": safe_slug(draft),
        },
        copies={"file": text},
        lead=(
            ("url", f"https://your-site.example/{safe_slug(draft)}"),
            ("title", _cut(title, SNIPPET_TITLE)),
            ("description", _cut(description, SNIPPET_DESCRIPTION)),
        ),
    )


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


# -- beside the piece -------------------------------------------------------------------------


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "add", "del", "hunk" or "same"
    text: str


def diff(before: str | None, after: str | None) -> list[DiffLine]:
    """What changed from `before` to `after`, line by line; [] when either is unknown."""
    if before is None or after is None or before == after:
        return []
    lines = difflib.unified_diff(
        before.splitlines(), after.splitlines(), "before", "after", n=2, lineterm=""
    )
    kinds = {"+": "add", "-": "del", "@": "hunk"}
    out = [DiffLine(kinds.get(line[:1], "same"), line) for line in lines]
    return out[2:]  # the ---/+++ file header says nothing here


@dataclass(frozen=True)
class Score:
    criterion: str
    score: int
    evidence: str
    #: What the judge made of the evidence, in a sentence.
    critique: str
    fix: str


def scores(judge: Any) -> list[Score]:
    """The judge's record in run.json as rows: each criterion's score, evidence and fix."""
    if not isinstance(judge, dict) or not isinstance(judge.get("scores"), dict):
        return []
    found, fixes = json_object(judge.get("evidence")), json_object(judge.get("fixes"))
    critiques = json_object(judge.get("critique"))
    names = [c for c in CRITERIA if c in judge["scores"]]
    names += [c for c in judge["scores"] if c not in names]
    return [
        Score(
            name.replace("_", " "),
            int(judge["scores"][name]),
            _quotes(found.get(name)),
            str(critiques.get(name) or ""),
            str(fixes.get(name) or ""),
        )
        for name in names
    ]


def _quotes(evidence: Any) -> str:
    if isinstance(evidence, list):
        return " \u00b7 ".join(f"\u201c{q}\u201d" for q in evidence if isinstance(q, str))
    return str(evidence or "")
