"""The LinkedIn post: plain text as it will be pasted, a hook before "see more", few hashtags."""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from ..errors import FormatError
from ..quality.rules import Violation
from ..quality.text import HASHTAG, characters, excerpt, prose_view, quote, width
from .base import Channel, ChannelContext

LINKEDIN_MAX_CHARS = 3000
_URL = re.compile(r"\bhttps?://\S+|\bwww\.\S+", re.IGNORECASE)
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s", re.MULTILINE)
_MD_RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$", re.MULTILINE)
_UNICODE_BOLD = re.compile("[\U0001d400-\U0001d7ff]")
# Bold as markdown writes it. "__init__" is a Python name and "2**10" arithmetic, not bold.
_BOLD = re.compile(
    r"(?<![\w*])\*\*(?=\S)[^\n]+?(?<=\S)\*\*(?![\w*])"
    r"|(?<![\w_])__(?=\S)(?![a-z][a-z0-9_]*__(?!\w))[^\n]+?(?<=\S)__(?![\w_])"
)
_TAG_LINE = re.compile(r"^(?:\s*#[^\W\d_]\w*)+\s*$")


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
                excerpt(post, LINKEDIN_MAX_CHARS),
            )
        )
    elif not 500 <= width(post) <= 2000:
        out.append(
            Violation(
                "linkedin.length",
                "warn",
                f"{characters(post)}; aim for 500-2,000",
            )
        )

    first = _first_sentence(post)
    if width(first) > 140:
        # A long hook costs readers, but real posts open with 200 characters and more and
        # get read (bench/results.md): a warning, never a block.
        out.append(
            Violation(
                "linkedin.hook",
                "warn",
                f'first sentence is {characters(first)} ("{quote(first)}"); '
                'LinkedIn shows about 140 before "see more": end the hook sooner',
                excerpt(post, post.find(first[:20])),
            )
        )

    view = prose_view(post)
    markdown = []
    for found, what in (
        (_BOLD.search(view), "bold markers (** or __)"),
        (_MD_HEADING.search(view), "# headings"),
        (_MD_RULE.search(view), "--- rules"),
        (_UNICODE_BOLD.search(view), "Unicode bold/italic letters"),
    ):
        if found is not None:
            markdown.append((found.start(), what))
    if markdown:
        out.append(
            Violation(
                "linkedin.markdown",
                "block",
                f"LinkedIn shows plain text only; remove {', '.join(w for _, w in markdown)}",
                excerpt(post, min(at for at, _ in markdown)),
            )
        )

    tags = list(HASHTAG.finditer(post))
    # Real posts carry five or six tags (bench/corpus): too many, but publishable.
    if len(tags) > 3:
        out.append(
            Violation(
                "linkedin.hashtags",
                "warn",
                f"{len(tags)} hashtags; use at most 3",
                excerpt(post, tags[0].start()),
            )
        )
    body, _, last = post.rstrip().rpartition("\n")
    if HASHTAG.search(body) or (tags and HASHTAG.sub("", last).strip()):
        out.append(
            Violation(
                "linkedin.hashtags_position",
                "warn",
                "put the hashtags together on the last line",
                excerpt(post, tags[0].start()),
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
                urls[0][:50],
            )
        )
    return out


def _first_sentence(text: str) -> str:
    text = text.strip()
    line = text.split("\n", 1)[0]
    match = re.search(r"[.!?](?=[\"')\]]*(?:\s|$))|[\u3002\uff01\uff1f]", line)
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


def parse_post(text: str) -> LinkedInPost:
    """A post file (what `_render` wrote, or a post pasted from LinkedIn) as a draft: a last
    line of hashtags alone becomes the hashtags, everything else is the post."""
    text = text.strip()
    if not text:
        raise FormatError("the post is empty")
    body, _, last = text.rpartition("\n")
    if body.strip() and _TAG_LINE.match(last):
        return LinkedInPost(post=body.rstrip(), hashtags=HASHTAG.findall(last))
    return LinkedInPost(post=text, hashtags=[])


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
    parse=parse_post,
)
