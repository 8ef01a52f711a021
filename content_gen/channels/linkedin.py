"""The LinkedIn post: plain text as it will be pasted, a hook before "see more", few hashtags.

A link goes in the first comment, not the post (LinkedIn shows posts with links to fewer
people): the writer may give one, the call-to-action URL is added to it, and it is saved as
`linkedin.comment.txt` beside the post, for pasting or for a scheduler's first-comment column.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from ..errors import FormatError
from ..quality.rules import Violation
from ..quality.text import HASHTAG, characters, excerpt, prose_view, quote, width
from .base import Channel, ChannelContext

LINKEDIN_MAX_CHARS = 3000
COMMENT_MAX_CHARS = 1250  # LinkedIn's limit for a comment
COMMENT_FILE = "linkedin.comment.txt"
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
    first_comment: str = Field(
        default="",
        description="Optional first comment, posted under the post: where a link goes. Plain "
        "text, one or two sentences. Empty if the post needs none.",
    )


def post_text(draft: LinkedInPost) -> str:
    # "Product Management" -> #ProductManagement: a space would end the tag on LinkedIn.
    tags = " ".join("#" + re.sub(r"\s+", "", tag).lstrip("#") for tag in draft.hashtags)
    tags = " ".join(t for t in tags.split() if t != "#")
    return draft.post.strip() + (f"\n\n{tags}" if tags else "")


def first_comment(draft: LinkedInPost, ctx: ChannelContext) -> str:
    """The writer's first comment, with the call-to-action URL if it does not have it yet."""
    comment = draft.first_comment.strip()
    if ctx.cta_url and ctx.cta_url not in comment:
        comment = f"{comment}\n\n{ctx.cta_url}" if comment else ctx.cta_url
    return comment


def _prose(draft: LinkedInPost) -> str:
    """The post and its first comment: the shared rules (placeholders, phrases, claims) read
    both, since both are published."""
    comment = draft.first_comment.strip()
    return post_text(draft) + (f"\n\n{comment}" if comment else "")


def parse_post(text: str, ctx: ChannelContext) -> LinkedInPost:
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
    found = linkedin_rules(post_text(draft))
    comment = first_comment(draft, ctx)
    if len(comment) > COMMENT_MAX_CHARS:
        found.append(
            Violation(
                "linkedin.first_comment",
                "block",
                f"first comment is {len(comment)} characters; LinkedIn allows "
                f"{COMMENT_MAX_CHARS}: shorten it",
            )
        )
    return found


def _render(draft: LinkedInPost, ctx: ChannelContext) -> str:
    return post_text(draft) + "\n"


def _extras(draft: LinkedInPost, ctx: ChannelContext) -> dict[str, str]:
    comment = first_comment(draft, ctx)
    return {COMMENT_FILE: comment + "\n"} if comment else {}


def _attach(draft: LinkedInPost, extras: dict[str, str], ctx: ChannelContext) -> LinkedInPost:
    """The draft with the first comment its comment file holds, without the call-to-action
    URL `first_comment` adds (it adds it again)."""
    comment = extras.get(COMMENT_FILE, "").strip()
    if ctx.cta_url and comment == ctx.cta_url:
        comment = ""
    elif ctx.cta_url and comment.endswith(f"\n\n{ctx.cta_url}"):
        comment = comment[: -len(ctx.cta_url)].rstrip()
    return draft.model_copy(update={"first_comment": comment})


CHANNEL = Channel(
    name="linkedin",
    label="LinkedIn post",
    schema=LinkedInPost,
    rules=_rules,
    prose=_prose,
    render=_render,
    parse=parse_post,
    extras=_extras,
    attach=_attach,
)
