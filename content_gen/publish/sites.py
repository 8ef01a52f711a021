"""Front matter and file names as each static site generator expects them.

Every field a generator reads, under the name it reads it by; checked with PyYAML and, for
Hugo and Jekyll, by building real sites (tests/test_frontmatter.py and the research behind it):

    plain   title, slug, description, date, tags
    hugo    title, slug, description, date, draft: true, tags          content/posts/<slug>.md
    jekyll  layout: post, title, slug, description, date, tags,        _posts/<date>-<slug>.md
            published: false (Jekyll's draft flag; its date comes from the file's name)
    astro   title, slug, description, pubDate, tags, draft: true       src/content/blog/<slug>.md

A post goes out as a draft wherever the generator has the notion: turning it live is the
site owner's separate, explicit step. Astro's blog starter drops keys its schema does not
declare (draft and tags among them), so there a post is built as soon as it is in the folder.

Values are written as JSON strings, which are valid YAML scalars, so a title with a colon or a
quote can never break the block. Dates are days (YYYY-MM-DD): with a time and a zone, Jekyll
may file a post under the day before.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Post:
    title: str
    slug: str
    description: str
    day: date | None = None
    tags: tuple[str, ...] = ()


def front_matter(generator: str, post: Post) -> str:
    """The `---` block for `post`, as `generator` reads it."""
    tags = list(post.tags) or None
    fields: list[tuple[str, object]] = [
        ("title", post.title),
        # A slug is only a-z, 0-9 and hyphens (the blog channel's safe_slug): no quotes needed.
        ("slug", _Plain(post.slug)),
        ("description", post.description),
    ]
    if generator == "hugo":
        fields += [("date", post.day), ("draft", True), ("tags", tags)]
    elif generator == "jekyll":
        fields = [("layout", _Plain("post")), *fields]
        fields += [("date", post.day), ("tags", tags), ("published", False)]
    elif generator == "astro":
        fields += [("pubDate", post.day), ("tags", tags), ("draft", True)]
    else:
        fields += [("date", post.day), ("tags", tags)]
    lines = [f"{key}: {_value(value)}" for key, value in fields if value is not None]
    return "---\n" + "\n".join(lines) + "\n---\n"


class _Plain(str):
    """A value written as it is (a slug, a layout name)."""


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()  # unquoted: YAML and every generator read it as a date
    if isinstance(value, _Plain):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def file_name(generator: str, slug: str, day: date | None) -> str:
    """The post's file name in the site's content folder: Jekyll dates it, the others do not."""
    if generator == "jekyll" and day is not None:
        return f"{day.isoformat()}-{slug}.md"
    return f"{slug}.md"
