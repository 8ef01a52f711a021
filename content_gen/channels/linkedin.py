"""The LinkedIn post: plain text as it will be pasted, a hook before "see more", few hashtags."""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from ..quality.rules import Violation
from ..quality.text import quote
from .base import Channel, ChannelContext

LINKEDIN_MAX_CHARS = 3000
# A hashtag starts with a letter: "Mistake #1" is a number, not a tag.
_HASHTAG = re.compile(r"(?<![\w&/])#([^\W\d_]\w*)")
_URL = re.compile(r"\bhttps?://\S+|\bwww\.\S+", re.IGNORECASE)
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s", re.MULTILINE)
_MD_RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$", re.MULTILINE)
_UNICODE_BOLD = re.compile("[\U0001d400-\U0001d7ff]")


def linkedin_rules(post: str) -> list[Violation]:
    """Rules for the post exactly as it will be pasted."""
    out: list[Violation] = []
    length = len(post)
    if length > LINKEDIN_MAX_CHARS:
        out.append(
            Violation(
                "linkedin.length",
                "block",
                f"{length} characters; LinkedIn cuts posts at {LINKEDIN_MAX_CHARS}: shorten it",
            )
        )
    elif not 500 <= length <= 2000:
        out.append(
            Violation(
                "linkedin.length",
                "warn",
                f"{length} characters; aim for 500-2,000",
            )
        )

    first = _first_sentence(post)
    if len(first) > 140:
        out.append(
            Violation(
                "linkedin.hook",
                "block" if len(first) > 210 else "warn",
                f'first sentence is {len(first)} characters ("{quote(first)}"); '
                'LinkedIn shows about 140 before "see more": end the hook sooner',
            )
        )

    markdown = []
    if "**" in post or "__" in post:
        markdown.append("bold markers (** or __)")
    if _MD_HEADING.search(post):
        markdown.append("# headings")
    if _MD_RULE.search(post):
        markdown.append("--- rules")
    if _UNICODE_BOLD.search(post):
        markdown.append("Unicode bold/italic letters")
    if markdown:
        out.append(
            Violation(
                "linkedin.markdown",
                "block",
                f"LinkedIn shows plain text only; remove {', '.join(markdown)}",
            )
        )

    tags = _HASHTAG.findall(post)
    if len(tags) > 3:
        out.append(
            Violation(
                "linkedin.hashtags",
                "block" if len(tags) > 5 else "warn",
                f"{len(tags)} hashtags; use at most 3",
            )
        )
    body, _, last = post.rstrip().rpartition("\n")
    if _HASHTAG.search(body) or (tags and _HASHTAG.sub("", last).strip()):
        out.append(
            Violation(
                "linkedin.hashtags_position",
                "warn",
                "put the hashtags together on the last line",
            )
        )
    urls = _URL.findall(post)
    if urls:
        out.append(
            Violation(
                "linkedin.url",
                "warn",
                f"link in the post ({quote(urls[0], 40)}); LinkedIn may show it to fewer people: "
                "consider moving it to the first comment",
            )
        )
    return out


def _first_sentence(text: str) -> str:
    text = text.strip()
    line = text.split("\n", 1)[0]
    match = re.search(r"[.!?](?=[\"')\]]*(?:\s|$))", line)
    return line[: match.end()] if match else line


class LinkedInPost(BaseModel):
    """A LinkedIn post in plain text."""

    post: str = Field(
        description="The post without hashtags. Plain text only: no markdown, no bold, no "
        "headings. Short paragraphs separated by blank lines. The first line is the hook."
    )
    hashtags: list[str] = Field(description="Up to 3 hashtags, without the # sign.")


def post_text(draft: LinkedInPost) -> str:
    # "Product Management" -> #ProductManagement: a space would end the tag on LinkedIn.
    tags = " ".join("#" + re.sub(r"\s+", "", tag).lstrip("#") for tag in draft.hashtags)
    tags = " ".join(t for t in tags.split() if t != "#")
    return draft.post.strip() + (f"\n\n{tags}" if tags else "")


def _rules(draft: LinkedInPost, ctx: ChannelContext) -> list[Violation]:
    return linkedin_rules(post_text(draft))


def _render(draft: LinkedInPost, ctx: ChannelContext) -> str:
    return post_text(draft) + "\n"


CHANNEL = Channel(
    name="linkedin",
    label="LinkedIn post",
    schema=LinkedInPost,
    rules=_rules,
    prose=post_text,
    render=_render,
)
