"""The email newsletter: subject, preheader, body, call to action and a footer the law asks for.

Three files from one draft: `newsletter.md` (the issue as people read and edit it, and as
`content-gen check` reads it), `newsletter.html` (email-safe HTML, publish/email.py) and
`newsletter.txt` (its plain-text part). With a call-to-action URL the call to action is a
link; with an email platform, the footer ends with that platform's unsubscribe and address
merge tags, added by the tool after the rules have read the writer's text.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from ..errors import FormatError
from ..publish.email import Email, render_html, render_text
from ..publish.platforms import platform
from ..quality.rules import Violation
from ..quality.text import (
    characters,
    code_view,
    excerpt,
    has_cjk,
    quote,
    squash,
    width,
    word_count,
)
from .base import Channel, ChannelContext, cited_sources

# Elements that make the body an HTML page, so no plain-text version exists. Real elements
# only ("<Enter>", "<name>", List<String> are not HTML), and not the inline formatting that
# markdown itself allows and published newsletters use: <br />, <small>, <sup>, <kbd>, <a>...
_HTML_ELEMENTS = (
    "article|aside|audio|base|blockquote|body|button|caption|center|col|colgroup|dd|div|dl|dt|"
    "figcaption|figure|font|footer|form|h[1-6]|head|header|hr|html|iframe|img|input|label|li|"
    "link|main|meta|nav|ol|p|picture|pre|script|section|source|style|svg|table|tbody|td|tfoot|"
    "th|thead|title|tr|ul|video"
)
_HTML = re.compile(rf"</?(?:{_HTML_ELEMENTS})(?:\s[^<>]*)?/?>", re.IGNORECASE)
_SUBJECT_LINE = re.compile(r"^\s*(?:\*\*)?subject(?:\*\*)?\s*:", re.IGNORECASE | re.MULTILINE)
_FIELD = re.compile(r"^(subject|preheader):[ \t]*(.*?)\s*$", re.IGNORECASE)
_FOOTER_RULE = re.compile(r"^[ \t]*---[ \t]*$", re.MULTILINE)
_ONE_LINK = re.compile(r"^\[([^\]\n]+)\]\((\S+)\)$")
#: The source line `_main_source` writes after the body.
_SOURCE_LINE = re.compile(r"(?:\A|\n\n)Source: \[[^\]\n]+\]\(\S+\)\Z")
# How an unsubscribe line says "unsubscribe" in the languages a piece may be written in
# (--language): the law asks for the link, not for the English word.
UNSUBSCRIBE = (
    "unsubscribe",
    "abmelden",  # de
    "abbestellen",
    "austragen",
    "darse de baja",  # es
    "darte de baja",
    "cancelar la suscripción",
    "désabonner",  # fr
    "désinscri",
    "désabonnement",
    "cancelar a inscrição",  # pt
    "cancelar inscrição",
    "descadastr",
    "disiscriv",  # it
    "annulla l'iscrizione",
    "cancella l'iscrizione",
    "afmelden",  # nl
    "uitschrijven",
    "wypisz",  # pl
    "rezygn",
    "配信停止",  # ja
    "購読解除",
    "登録解除",
    "退订",  # zh
    "取消订阅",
    "구독 취소",  # ko
    "수신 거부",
)


def newsletter_rules(
    subject: str, preheader: str, body: str, footer: str, postal_address: str | None
) -> list[Violation]:
    out: list[Violation] = []
    subject, preheader = subject.strip(), preheader.strip()
    problems = []
    if not 20 <= width(subject) <= 60:
        problems.append(f"{characters(subject)} (aim for 20-60)")
    # Nine words is an English measure; a Japanese or Chinese subject is held to its length.
    if word_count(subject) > 9 and not has_cjk(subject):
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
                excerpt(subject, 0),
            )
        )

    if width(preheader) < 30:
        out.append(
            Violation(
                "newsletter.preheader",
                "block",
                f"preheader is {characters(preheader)}; write 40-90 characters that extend the "
                "subject",
            )
        )
    elif not 40 <= width(preheader) <= 90:
        out.append(
            Violation(
                "newsletter.preheader",
                "warn",
                f"preheader is {characters(preheader)}; aim for 40-90",
                excerpt(preheader, 0),
            )
        )
    if preheader and preheader.casefold() == subject.casefold():
        out.append(
            Violation(
                "newsletter.preheader_repeats_subject",
                "block",
                "preheader repeats the subject; use it to add a second reason to open",
                excerpt(preheader, 0),
            )
        )

    # Code spans and blocks may show HTML on purpose.
    html = _HTML.search(code_view(body))
    if html is not None:
        out.append(
            Violation(
                "newsletter.html",
                "block",
                f'body contains HTML ("{quote(html.group(0), 30)}"); write plain text/markdown '
                "so a plain-text version exists",
                excerpt(body, html.start()),
            )
        )
    subject_line = _SUBJECT_LINE.search(body)
    if subject_line is not None:
        out.append(
            Violation(
                "newsletter.subject_in_body",
                "block",
                'remove the "Subject:" line from the body; the subject is its own field',
                excerpt(body, subject_line.start()),
            )
        )

    if not any(word in footer.casefold() for word in UNSUBSCRIBE):
        out.append(
            Violation(
                "newsletter.footer_unsubscribe",
                "block",
                "footer has no unsubscribe line; add one (CAN-SPAM)",
                excerpt(footer, 0) or None,
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


def parse_issue(text: str, ctx: ChannelContext) -> NewsletterIssue:
    """An issue file as `_render` writes it with `ctx`: "Subject:" and "Preheader:" lines, the
    body, the call to action (its last paragraph before the footer), a "---" line and the
    footer. The platform's merge-tag lines the tool adds to the footer, the link it makes of
    the call to action and (with evidence, which puts it back) the source line are the tool's,
    not the writer's: they are taken off again."""
    lines = text.strip().splitlines()
    subject = _FIELD.match(lines[0]) if lines else None
    if subject is None or subject.group(1).lower() != "subject":
        raise FormatError('no "Subject:" line at the top (a newsletter file starts with one)')
    preheader = _FIELD.match(lines[1]) if len(lines) > 1 else None
    if preheader is not None and preheader.group(1).lower() != "preheader":
        preheader = None
    rest = "\n".join(lines[2 if preheader else 1 :])
    rules = list(_FOOTER_RULE.finditer(rest))
    if not rules:
        raise FormatError('no "---" line between the call to action and the footer')
    main, footer = rest[: rules[-1].start()].strip(), rest[rules[-1].end() :].strip()
    body, _, call_to_action = main.rpartition("\n\n")
    if ctx.evidence is not None:  # rendered with this context, the source line comes back
        body = _SOURCE_LINE.sub("", body.strip())
    return NewsletterIssue(
        subject=subject.group(2),
        preheader=preheader.group(2) if preheader else "",
        body=body.strip(),
        call_to_action=_unlinked(call_to_action.strip(), ctx),
        footer=_without_tags(footer, ctx),
    )


def _unlinked(call_to_action: str, ctx: ChannelContext) -> str:
    link = _ONE_LINK.match(call_to_action)
    return link.group(1) if link and link.group(2) == ctx.cta_url else call_to_action


def _without_tags(footer: str, ctx: ChannelContext) -> str:
    """The footer without the lines the tool adds for the configured platform, and only
    those: another platform's tags stay, and the placeholder rule blocks them."""
    added = "\n".join(platform(ctx.email_platform).footer_lines())
    if added and footer.endswith(added):
        return footer[: -len(added)].rstrip()
    return footer


def _rules(draft: NewsletterIssue, ctx: ChannelContext) -> list[Violation]:
    return newsletter_rules(
        draft.subject, draft.preheader, draft.body, draft.footer, ctx.postal_address
    )


def _render(draft: NewsletterIssue, ctx: ChannelContext) -> str:
    footer = "\n\n".join([draft.footer.strip(), *_tag_block(ctx)])
    return (
        f"Subject: {draft.subject.strip()}\n"
        f"Preheader: {draft.preheader.strip()}\n\n"
        f"{draft.body.strip()}\n\n"
        + _main_source(draft, ctx)
        + f"{_linked(draft.call_to_action.strip(), ctx)}\n\n"
        f"---\n\n{footer}\n"
    )


def _tag_block(ctx: ChannelContext) -> list[str]:
    lines = platform(ctx.email_platform).footer_lines()
    return ["\n".join(lines)] if lines else []


def _linked(call_to_action: str, ctx: ChannelContext) -> str:
    """The call to action as a link to the CTA URL, unless it links somewhere already."""
    if not ctx.cta_url or "](" in call_to_action:
        return call_to_action
    return f"[{call_to_action}]({ctx.cta_url})"


def _email(draft: NewsletterIssue, ctx: ChannelContext) -> Email:
    body = draft.body.strip() + "\n\n" + _main_source(draft, ctx)
    link = _ONE_LINK.match(_linked(draft.call_to_action.strip(), ctx))
    return Email(
        subject=draft.subject.strip(),
        preheader=draft.preheader.strip(),
        body=body,
        call_to_action=link.group(1) if link else draft.call_to_action.strip(),
        footer=draft.footer.strip(),
        platform=platform(ctx.email_platform),
        cta_url=link.group(2) if link else None,
    )


def _extras(draft: NewsletterIssue, ctx: ChannelContext) -> dict[str, str]:
    """The issue as email: the HTML part and the plain-text part, from the same draft."""
    email = _email(draft, ctx)
    return {"newsletter.html": render_html(email), "newsletter.txt": render_text(email)}


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
    parse=parse_issue,
    extras=_extras,
)
