"""The blog post: front matter for the site, one H1, sections, a slug and a search snippet.

The model writes the article with the title as its H1, and the rules check it there. The file
leaves that H1 out unless CONTENT_GEN_BLOG_H1 asks for it, since most themes render the title
from the front matter; reading a file without one puts it back, so the rules read the same
article either way.
"""

from __future__ import annotations

import json
import re

from pydantic import BaseModel, Field

from ..errors import FormatError
from ..publish.sites import Post, front_matter
from ..quality.rules import Violation
from ..quality.text import (
    characters,
    code_view,
    excerpt,
    prose_view,
    quote,
    sentences,
    squash,
    width,
    word_count,
)
from ..storage import slugify
from .base import Channel, ChannelContext, cited_sources, reference

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$", re.MULTILINE)
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: The list `_references` writes after the article.
_REFERENCES = re.compile(r"\n+## References\n\n(?:- [^\n]*\n?)+\Z")

# The writer is asked for the search-snippet sweet spots (title 30-60 characters, description
# 120-160, the configured length, short sentences); the warnings fire only where a reader
# loses something. Real posts (bench/corpus/blog, 38 of them) have titles of 12-138
# characters, descriptions of 23-625, 310-2,385 words and 6-65% long sentences, and are none
# the worse for it: these bounds warn on 13%, 42%, 29% and 16% of them.
TITLE_MAX = 60  # search results cut the rest
TITLE_MIN = 10
META_RANGE = (50, 160)  # thinner says nothing; longer is cut
LENGTH_SLACK = 0.25  # warn a quarter outside the configured range
LONG_SENTENCE_WORDS, LONG_SENTENCE_SHARE = 20, 0.5


def blog_rules(
    title: str, slug: str, meta_description: str, article: str, min_words: int, max_words: int
) -> list[Violation]:
    out: list[Violation] = []
    # "# comment" lines in code are not headings.
    prose = code_view(article)
    headings = [(len(m.group(1)), m.group(2).strip(), m.start()) for m in _HEADING.finditer(prose)]
    h1 = [(text, at) for level, text, at in headings if level == 1]
    if len(h1) != 1:
        out.append(
            Violation(
                "blog.h1",
                "block",
                f"the article has {len(h1)} H1 headings; use exactly one, the title",
                excerpt(article, h1[1][1]) if h1 else None,
            )
        )
    elif squash(h1[0][0]) != squash(title):
        out.append(
            Violation(
                "blog.h1",
                "block",
                f'the H1 "{quote(h1[0][0])}" must be the title "{quote(title)}"',
                excerpt(article, h1[0][1]),
            )
        )
    h2 = sum(1 for level, _, _ in headings if level == 2)
    if h2 < 2:
        # An essay has no sections, and is no worse for it (Rob Pike's "Errors are values",
        # most of Paul Graham): a guide wants them, so this only warns.
        out.append(
            Violation(
                "blog.sections",
                "warn",
                f"{h2} H2 sections; a guide reads better in at least 2 (an essay may do without)",
            )
        )
    previous = 1
    for level, text, at in headings:
        if level > previous + 1:
            out.append(
                Violation(
                    "blog.heading_levels",
                    "warn",
                    f'heading "{quote(text, 40)}" jumps from H{previous} to H{level}',
                    excerpt(article, at),
                )
            )
            break
        previous = level

    if not TITLE_MIN <= width(title.strip()) <= TITLE_MAX:
        out.append(
            Violation(
                "blog.title_length",
                "warn",
                f"title is {characters(title.strip())}; search results show about "
                f"{TITLE_MAX}: aim for 30-{TITLE_MAX}",
                excerpt(title, 0),
            )
        )
    meta = meta_description.strip()
    low, high = META_RANGE
    if not low <= width(meta) <= high:
        out.append(
            Violation(
                "blog.meta_description",
                "warn",
                f"meta description is {characters(meta)}; aim for 120-160",
                excerpt(meta, 0) or None,
            )
        )
    if not _SLUG.match(slug) or len(slug) > 60:
        out.append(
            Violation(
                "blog.slug",
                "block",
                f'slug "{quote(slug, 70)}" must be lowercase words joined by single hyphens, '
                "at most 60 characters",
                excerpt(slug, 0) or None,
            )
        )

    text = _HEADING.sub("", prose_view(article))
    words = word_count(text)
    if not min_words * (1 - LENGTH_SLACK) <= words <= max_words * (1 + LENGTH_SLACK):
        out.append(
            Violation(
                "blog.length",
                "warn",
                f"{words} words; aim for {min_words:,}-{max_words:,}",
            )
        )
    body_sentences = sentences(text)
    long = [s for s in body_sentences if word_count(s) > LONG_SENTENCE_WORDS]
    if body_sentences and len(long) / len(body_sentences) > LONG_SENTENCE_SHARE:
        out.append(
            Violation(
                "blog.readability",
                "warn",
                f"{len(long)} of {len(body_sentences)} sentences run over "
                f'{LONG_SENTENCE_WORDS} words (e.g. "{quote(long[0])}"); split the long ones',
                excerpt(article, article.find(long[0][:30])) if long[0][:30] in article else None,
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
    tags: list[str] = Field(
        default_factory=list,
        description="2 to 5 short topic tags in lowercase, for the site's tag pages.",
    )


def _prose(draft: BlogPost) -> str:
    return "\n\n".join([draft.title, draft.meta_description, draft.article])


def parse_post(text: str, ctx: ChannelContext) -> BlogPost:
    """A blog file as `_render` writes it: front matter (title, slug, description, tags, and
    any other keys, which are ignored) between "---" lines, then the markdown article. An
    article without an H1 gets the title as one: that is where the page shows it. With
    evidence, which puts them back, the references the tool listed are taken off."""
    if not text.startswith("---\n"):
        raise FormatError('no front matter (a blog file starts with a "---" line)')
    end = text.find("\n---", 3)
    if end == -1:
        raise FormatError('the front matter has no closing "---" line')
    fields = {}
    for line in text[4:end].splitlines():
        key, colon, value = line.partition(":")
        if colon and key.strip() and not line.startswith((" ", "\t", "#")):
            fields[key.strip().lower()] = value.strip()
    title = _scalar(fields.get("title", ""))
    if not title:
        raise FormatError("the front matter has no title")
    article = text[end + len("\n---") :].partition("\n")[2].strip()
    if ctx.evidence is not None:  # rendered with this context, the references come back
        article = _REFERENCES.sub("", article)
    if not any(len(m.group(1)) == 1 for m in _HEADING.finditer(code_view(article))):
        article = f"# {title}\n\n{article}"
    return BlogPost(
        title=title,
        slug=_scalar(fields.get("slug", "")),
        meta_description=_scalar(fields.get("description", "")),
        article=article,
        tags=_list(fields.get("tags", "")),
    )


def _list(value: str) -> list[str]:
    """A YAML flow list as front matter writes one: ["a", "b"] or [a, b]."""
    if not (value.startswith("[") and value.endswith("]")):
        return [value] if value else []
    try:
        loaded = json.loads(value)
    except json.JSONDecodeError:
        loaded = [_scalar(item.strip()) for item in value[1:-1].split(",")]
    return [str(item) for item in loaded if str(item).strip()] if isinstance(loaded, list) else []


def _scalar(value: str) -> str:
    """A YAML scalar as front matter writes one: "JSON-quoted", 'single-quoted' or plain."""
    if value.startswith('"'):
        try:
            loaded = json.loads(value)
        except json.JSONDecodeError:
            return value.strip('"')
        return loaded if isinstance(loaded, str) else value
    if value.startswith("'") and value.endswith("'") and len(value) > 1:
        return value[1:-1].replace("''", "'")
    return value


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
    post = Post(
        title=draft.title.strip(),
        slug=safe_slug(draft),
        description=draft.meta_description.strip(),
        day=ctx.day,
        tags=tuple(t.strip() for t in draft.tags if t.strip()),
    )
    article = draft.article.strip() if ctx.blog_h1 else without_h1(draft.article.strip())
    return front_matter(ctx.site_generator, post) + f"\n{article}\n" + _references(draft, ctx)


def without_h1(article: str) -> str:
    """The article without the H1 it opens with (the theme renders the title)."""
    first, _, rest = article.partition("\n")
    heading = _HEADING.match(first)
    return rest.strip() if heading and len(heading.group(1)) == 1 else article


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
    parse=parse_post,
)
