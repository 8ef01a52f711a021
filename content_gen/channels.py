"""The channels. Each is one spec: a draft schema, its rules, its renderer and its prompt files.

Adding a channel means adding a `Channel` to `CHANNELS` below and its templates under
`prompts/<name>/` (writer.md, reviser.md, criteria.md); nothing else changes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from . import quality
from .inputs import channel_names
from .quality import Violation


@dataclass(frozen=True)
class ChannelContext:
    """Facts a channel's rules and renderer may need: settings, and the job's date."""

    postal_address: str | None = None
    blog_min_words: int = 1000
    blog_max_words: int = 2000
    day: date | None = None


@dataclass(frozen=True)
class Channel:
    name: str
    label: str
    schema: type[BaseModel]
    #: The channel's own rules; the rules every channel shares run on `prose`.
    rules: Callable[[Any, ChannelContext], list[Violation]]
    #: The text the shared rules (placeholders, overused phrases, em dashes) look at.
    prose: Callable[[Any], str]
    render: Callable[[Any, ChannelContext], str]

    @property
    def filename(self) -> str:
        return f"{self.name}.md"

    def prompt(self, step: str) -> str:
        """Template file for a step: writer, reviser or criteria."""
        return f"{self.name}/{step}.md"

    def check(self, draft: BaseModel, ctx: ChannelContext) -> list[Violation]:
        return quality.common_rules(self.prose(draft)) + self.rules(draft, ctx)


# --- LinkedIn --------------------------------------------------------------------------------


class LinkedInPost(BaseModel):
    """A LinkedIn post in plain text."""

    post: str = Field(
        description="The post without hashtags. Plain text only: no markdown, no bold, no "
        "headings. Short paragraphs separated by blank lines. The first line is the hook."
    )
    hashtags: list[str] = Field(description="Up to 3 hashtags, without the # sign.")


def _linkedin_text(draft: LinkedInPost) -> str:
    # "Product Management" -> #ProductManagement: a space would end the tag on LinkedIn.
    tags = " ".join("#" + re.sub(r"\s+", "", tag).lstrip("#") for tag in draft.hashtags)
    tags = " ".join(t for t in tags.split() if t != "#")
    return draft.post.strip() + (f"\n\n{tags}" if tags else "")


# --- newsletter ------------------------------------------------------------------------------


class NewsletterIssue(BaseModel):
    """One email newsletter issue."""

    subject: str = Field(description="Subject line: 20-60 characters, at most 9 words.")
    preheader: str = Field(
        description="Preview text shown after the subject in the inbox: 40-90 characters, "
        "different from the subject."
    )
    body: str = Field(
        description="The body in plain text or light markdown (no HTML), without the subject "
        "line, the call to action or the footer."
    )
    call_to_action: str = Field(description="One specific next step for the reader.")
    footer: str = Field(
        description="Footer with an unsubscribe line (and the postal address when one is given)."
    )


def _newsletter_prose(draft: NewsletterIssue) -> str:
    return "\n\n".join(
        [draft.subject, draft.preheader, draft.body, draft.call_to_action, draft.footer]
    )


def _newsletter_rules(draft: NewsletterIssue, ctx: ChannelContext) -> list[Violation]:
    return quality.newsletter_rules(
        draft.subject, draft.preheader, draft.body, draft.footer, ctx.postal_address
    )


def _newsletter_render(draft: NewsletterIssue, ctx: ChannelContext) -> str:
    return (
        f"Subject: {draft.subject.strip()}\n"
        f"Preheader: {draft.preheader.strip()}\n\n"
        f"{draft.body.strip()}\n\n"
        f"{draft.call_to_action.strip()}\n\n"
        f"---\n\n{draft.footer.strip()}\n"
    )


# --- blog ------------------------------------------------------------------------------------


class BlogPost(BaseModel):
    """A blog article with its search metadata."""

    title: str = Field(description="Title, 30-60 characters.")
    slug: str = Field(description="URL slug: lowercase words joined by hyphens, at most 60 chars.")
    meta_description: str = Field(description="Search snippet, 120-160 characters.")
    article: str = Field(
        description="The article in markdown. It starts with '# ' and the title (the only H1) "
        "and has at least two '## ' sections."
    )


def _blog_prose(draft: BlogPost) -> str:
    return "\n\n".join([draft.title, draft.meta_description, draft.article])


def _blog_rules(draft: BlogPost, ctx: ChannelContext) -> list[Violation]:
    return quality.blog_rules(
        draft.title,
        draft.slug,
        draft.meta_description,
        draft.article,
        ctx.blog_min_words,
        ctx.blog_max_words,
    )


def _blog_render(draft: BlogPost, ctx: ChannelContext) -> str:
    # JSON strings are valid YAML scalars, so quoting with json.dumps is always safe.
    return (
        "---\n"
        f"title: {json.dumps(draft.title.strip(), ensure_ascii=False)}\n"
        f"slug: {draft.slug.strip()}\n"
        f"description: {json.dumps(draft.meta_description.strip(), ensure_ascii=False)}\n"
        + (f"date: {ctx.day.isoformat()}\n" if ctx.day else "")
        + "---\n\n"
        f"{draft.article.strip()}\n"
    )


CHANNELS: dict[str, Channel] = {
    channel.name: channel
    for channel in (
        Channel(
            name="linkedin",
            label="LinkedIn post",
            schema=LinkedInPost,
            rules=lambda draft, ctx: quality.linkedin_rules(_linkedin_text(draft)),
            prose=_linkedin_text,
            render=lambda draft, ctx: _linkedin_text(draft) + "\n",
        ),
        Channel(
            name="newsletter",
            label="email newsletter",
            schema=NewsletterIssue,
            rules=_newsletter_rules,
            prose=_newsletter_prose,
            render=_newsletter_render,
        ),
        Channel(
            name="blog",
            label="blog post",
            schema=BlogPost,
            rules=_blog_rules,
            prose=_blog_prose,
            render=_blog_render,
        ),
    )
}

SIMULATED_NOTE = (
    "SIMULATED: written by content-gen --offline against its built-in fake Gemini, "
    "not by a real model."
)


def mark_simulated(text: str) -> str:
    """Put the simulated note at the top, after front matter if there is any."""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            cut = end + len("\n---\n")
            return f"{text[:cut]}\n{SIMULATED_NOTE}\n{text[cut:]}"
    return f"{SIMULATED_NOTE}\n\n{text}"


def parse_channels(spec: str | None) -> list[Channel]:
    """`linkedin,blog` -> those channels, in the order given; None or empty -> all."""
    return [CHANNELS[n] for n in channel_names(spec)]
