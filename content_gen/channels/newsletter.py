"""The email newsletter: subject, preheader, body, call to action and a footer the law asks for."""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from ..quality.rules import Violation
from ..quality.text import quote, squash, word_count
from .base import Channel, ChannelContext, cited_sources

# Real HTML elements only, so "<Enter>", "<name>" or generics like List<String> are not HTML.
_HTML_ELEMENTS = (
    "a|abbr|article|aside|audio|b|base|blockquote|body|br|button|caption|center|cite|code|col|"
    "colgroup|dd|del|div|dl|dt|em|figcaption|figure|font|footer|form|h[1-6]|head|header|hr|html|"
    "i|iframe|img|input|ins|label|li|link|main|mark|meta|nav|ol|p|picture|pre|q|s|script|"
    "section|small|source|span|strike|strong|style|sub|sup|svg|table|tbody|td|tfoot|th|thead|"
    "title|tr|u|ul|video"
)
_HTML = re.compile(rf"</?(?:{_HTML_ELEMENTS})(?:\s[^<>]*)?/?>", re.IGNORECASE)
# Markdown code spans and fences may show HTML on purpose.
_CODE = re.compile(r"```.*?```|`[^`\n]+`", re.DOTALL)
_SUBJECT_LINE = re.compile(r"^\s*(?:\*\*)?subject(?:\*\*)?\s*:", re.IGNORECASE | re.MULTILINE)


def newsletter_rules(
    subject: str, preheader: str, body: str, footer: str, postal_address: str | None
) -> list[Violation]:
    out: list[Violation] = []
    subject, preheader = subject.strip(), preheader.strip()
    problems = []
    if not 20 <= len(subject) <= 60:
        problems.append(f"{len(subject)} characters (aim for 20-60)")
    if word_count(subject) > 9:
        problems.append(f"{word_count(subject)} words (aim for 9 or fewer)")
    letters = [c for c in subject if c.isalpha()]
    if len(letters) >= 4 and all(c.isupper() for c in letters):
        problems.append("all capitals")
    if subject.count("!") > 1:
        problems.append(f"{subject.count('!')} exclamation marks")
    if problems:
        out.append(
            Violation(
                "newsletter.subject",
                "warn",
                f'subject "{quote(subject)}": ' + "; ".join(problems),
            )
        )

    if len(preheader) < 30:
        out.append(
            Violation(
                "newsletter.preheader",
                "block",
                f"preheader is {len(preheader)} characters; write 40-90 characters that extend the "
                "subject",
            )
        )
    elif not 40 <= len(preheader) <= 90:
        out.append(
            Violation(
                "newsletter.preheader",
                "warn",
                f"preheader is {len(preheader)} characters; aim for 40-90",
            )
        )
    if preheader and preheader.casefold() == subject.casefold():
        out.append(
            Violation(
                "newsletter.preheader_repeats_subject",
                "block",
                "preheader repeats the subject; use it to add a second reason to open",
            )
        )

    if _HTML.search(_CODE.sub("", body)):
        out.append(
            Violation(
                "newsletter.html",
                "block",
                "body contains HTML tags; write plain text/markdown so a plain-text version exists",
            )
        )
    if _SUBJECT_LINE.search(body):
        out.append(
            Violation(
                "newsletter.subject_in_body",
                "block",
                'remove the "Subject:" line from the body; the subject is its own field',
            )
        )

    if "unsubscribe" not in footer.casefold():
        out.append(
            Violation(
                "newsletter.footer_unsubscribe",
                "block",
                "footer has no unsubscribe line; add one (CAN-SPAM)",
            )
        )
    if postal_address and squash(postal_address) not in squash(footer):
        out.append(
            Violation(
                "newsletter.footer_address",
                "block",
                f'footer must include the postal address exactly: "{postal_address}"',
            )
        )
    return out


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


def _prose(draft: NewsletterIssue) -> str:
    return "\n\n".join(
        [draft.subject, draft.preheader, draft.body, draft.call_to_action, draft.footer]
    )


def _rules(draft: NewsletterIssue, ctx: ChannelContext) -> list[Violation]:
    return newsletter_rules(
        draft.subject, draft.preheader, draft.body, draft.footer, ctx.postal_address
    )


def _render(draft: NewsletterIssue, ctx: ChannelContext) -> str:
    return (
        f"Subject: {draft.subject.strip()}\n"
        f"Preheader: {draft.preheader.strip()}\n\n"
        f"{draft.body.strip()}\n\n"
        + _main_source(draft, ctx)
        + f"{draft.call_to_action.strip()}\n\n"
        f"---\n\n{draft.footer.strip()}\n"
    )


def _main_source(draft: NewsletterIssue, ctx: ChannelContext) -> str:
    """A link to the source of the issue's main claim, when that source is a web page."""
    cited = cited_sources(draft.body, ctx)
    if not cited or not cited[0][2].startswith(("http://", "https://")):
        return ""
    _, title, url = cited[0]
    return f"Source: [{title}]({url})\n\n"


CHANNEL = Channel(
    name="newsletter",
    label="email newsletter",
    schema=NewsletterIssue,
    rules=_rules,
    prose=_prose,
    render=_render,
)
