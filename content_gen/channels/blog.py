"""The blog post: front matter for the site, one H1, sections, a slug and a search snippet."""

from __future__ import annotations

import json
import re

from pydantic import BaseModel, Field

from ..quality.rules import Violation
from ..quality.text import FENCE, quote, sentences, squash, word_count
from ..storage import slugify
from .base import Channel, ChannelContext, cited_sources, reference

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$", re.MULTILINE)
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def blog_rules(
    title: str, slug: str, meta_description: str, article: str, min_words: int, max_words: int
) -> list[Violation]:
    out: list[Violation] = []
    prose = FENCE.sub("", article)
    headings = [(len(m.group(1)), m.group(2).strip()) for m in _HEADING.finditer(prose)]
    h1 = [text for level, text in headings if level == 1]
    if len(h1) != 1:
        out.append(
            Violation(
                "blog.h1",
                "block",
                f"the article has {len(h1)} H1 headings; use exactly one, the title",
            )
        )
    elif squash(h1[0]) != squash(title):
        out.append(
            Violation(
                "blog.h1",
                "block",
                f'the H1 "{quote(h1[0])}" must be the title "{quote(title)}"',
            )
        )
    h2 = sum(1 for level, _ in headings if level == 2)
    if h2 < 2:
        out.append(
            Violation(
                "blog.sections",
                "block",
                f"{h2} H2 sections; structure the article with at least 2",
            )
        )
    previous = 1
    for level, text in headings:
        if level > previous + 1:
            out.append(
                Violation(
                    "blog.heading_levels",
                    "warn",
                    f'heading "{quote(text, 40)}" jumps from H{previous} to H{level}',
                )
            )
            break
        previous = level

    if not 30 <= len(title.strip()) <= 60:
        out.append(
            Violation(
                "blog.title_length",
                "warn",
                f"title is {len(title.strip())} characters; aim for 30-60",
            )
        )
    meta = meta_description.strip()
    if not 120 <= len(meta) <= 160:
        out.append(
            Violation(
                "blog.meta_description",
                "warn",
                f"meta description is {len(meta)} characters; aim for 120-160",
            )
        )
    if not _SLUG.match(slug) or len(slug) > 60:
        out.append(
            Violation(
                "blog.slug",
                "block",
                f'slug "{quote(slug, 70)}" must be lowercase words joined by single hyphens, '
                "at most 60 characters",
            )
        )

    words = word_count(_HEADING.sub("", prose))
    if not min_words <= words <= max_words:
        out.append(
            Violation(
                "blog.length",
                "warn",
                f"{words} words; aim for {min_words:,}-{max_words:,}",
            )
        )
    body_sentences = sentences(_HEADING.sub("", prose))
    long = [s for s in body_sentences if word_count(s) > 20]
    if body_sentences and len(long) / len(body_sentences) > 0.25:
        out.append(
            Violation(
                "blog.readability",
                "warn",
                f"{len(long)} of {len(body_sentences)} sentences run over 20 words "
                f'(e.g. "{quote(long[0])}"); split the long ones',
            )
        )
    return out


class BlogPost(BaseModel):
    """A blog article with its search metadata."""

    title: str = Field(description="Title, 30-60 characters.")
    slug: str = Field(description="URL slug: lowercase words joined by hyphens, at most 60 chars.")
    meta_description: str = Field(description="Search snippet, 120-160 characters.")
    article: str = Field(
        description="The article in markdown. It starts with '# ' and the title (the only H1) "
        "and has at least two '## ' sections."
    )


def _prose(draft: BlogPost) -> str:
    return "\n\n".join([draft.title, draft.meta_description, draft.article])


def _rules(draft: BlogPost, ctx: ChannelContext) -> list[Violation]:
    return blog_rules(
        draft.title,
        draft.slug,
        draft.meta_description,
        draft.article,
        ctx.blog_min_words,
        ctx.blog_max_words,
    )


def safe_slug(draft: BlogPost) -> str:
    """The draft's slug if it is one, else one made from the title: whatever the model wrote,
    nothing but a-z, 0-9 and hyphens reaches the front matter or the URL."""
    slug = draft.slug.strip()
    return slug if _SLUG.match(slug) and len(slug) <= 60 else slugify(draft.title)


def _render(draft: BlogPost, ctx: ChannelContext) -> str:
    # JSON strings are valid YAML scalars, so quoting with json.dumps is always safe.
    return (
        "---\n"
        f"title: {json.dumps(draft.title.strip(), ensure_ascii=False)}\n"
        f"slug: {safe_slug(draft)}\n"
        f"description: {json.dumps(draft.meta_description.strip(), ensure_ascii=False)}\n"
        + (f"date: {ctx.day.isoformat()}\n" if ctx.day else "")
        + "---\n\n"
        f"{draft.article.strip()}\n" + _references(draft, ctx)
    )


def _references(draft: BlogPost, ctx: ChannelContext) -> str:
    """The sources the article uses, listed after it (the writer is told not to)."""
    cited = cited_sources(_prose(draft), ctx)
    if not cited:
        return ""
    return "\n## References\n\n" + "\n".join(reference(s) for s in cited) + "\n"


CHANNEL = Channel(
    name="blog",
    label="blog post",
    schema=BlogPost,
    rules=_rules,
    prose=_prose,
    render=_render,
)
