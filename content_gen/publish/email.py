"""A newsletter issue as an email: HTML the common clients render, and its plain-text part.

The HTML is what email needs rather than what a browser needs: a table layout (a 600 px column
centred in a full-width table; `role="presentation"` so screen readers do not read it as data),
CSS moved onto each element by css-inline (Gmail and Outlook drop most `<style>` rules; the
phone-width media query stays in `<style>`, where the clients that honour it look), the
preheader as hidden preview text, and the call to action as a "bulletproof" button: a coloured
cell around a plain link, a real link in every client. Nothing is loaded from anywhere.

The footer's merge tags are put in by the template, never through markdown, which would
percent-encode them in a link (`*|UNSUB|*` -> `*%7CUNSUB%7C*`) and break them.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import cache

import css_inline

from .markup import to_html, to_text
from .platforms import Platform

_CSS = """
body { margin:0; padding:0; background-color:#f4f4f5; }
.wrapper { width:100%; background-color:#f4f4f5; }
.container { width:600px; max-width:600px; background-color:#ffffff; }
.content { padding:32px 32px 8px 32px; font-family:Arial, Helvetica, sans-serif;
           font-size:16px; line-height:24px; color:#1f2933; }
.content h1 { font-size:26px; line-height:32px; margin:0 0 16px 0; color:#111827; }
.content h2 { font-size:20px; line-height:28px; margin:24px 0 12px 0; color:#111827; }
.content h3 { font-size:17px; line-height:24px; margin:20px 0 8px 0; color:#111827; }
.content p { margin:0 0 16px 0; }
.content a { color:#1d4ed8; text-decoration:underline; }
.content ul, .content ol { margin:0 0 16px 0; padding-left:24px; }
.content blockquote { margin:0 0 16px 0; padding-left:12px; border-left:3px solid #d1d5db;
                      color:#4b5563; }
.content pre { margin:0 0 16px 0; padding:12px; background-color:#f3f4f6; font-size:14px;
               line-height:20px; white-space:pre-wrap; }
.button { margin:8px 0 24px 0; }
.button-cell { border-radius:6px; background-color:#1d4ed8; }
.content a.button-link { display:inline-block; padding:12px 24px;
                         font-family:Arial, Helvetica, sans-serif; font-size:16px;
                         font-weight:bold; line-height:22px; color:#ffffff;
                         text-decoration:none; border-radius:6px; }
.footer { padding:16px 32px 32px 32px; font-family:Arial, Helvetica, sans-serif;
          font-size:12px; line-height:18px; color:#6b7280; }
.footer p { margin:0 0 8px 0; }
.footer a { color:#6b7280; text-decoration:underline; }
@media only screen and (max-width:620px) {
  .container { width:100% !important; }
  .content, .footer { padding-left:16px !important; padding-right:16px !important; }
}
"""

# Hidden in every client that honours CSS (mso-hide for Outlook on Windows). The run of
# zero-width characters after it stops the inbox preview from pulling in the body's first line.
_PREHEADER_STYLE = (
    "display:none; font-size:1px; color:#f4f4f5; line-height:1px; max-height:0; max-width:0; "
    "opacity:0; overflow:hidden; mso-hide:all;"
)
_PREHEADER_PAD = "&#847;&zwnj;&nbsp;" * 60


@dataclass(frozen=True)
class Email:
    subject: str
    preheader: str
    #: The body in markdown, with whatever the tool adds to it (the main source's link).
    body: str
    call_to_action: str
    #: The writer's footer, in markdown; the platform's tags are added after it.
    footer: str
    platform: Platform
    cta_url: str | None = None


@cache
def _inliner() -> css_inline.CSSInliner:
    # Never fetch a stylesheet (css-inline would by default); keep @media, which cannot be
    # inlined, in a <style> tag.
    return css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)


def render_html(email: Email) -> str:
    doc = f"""<!DOCTYPE html>
<html lang="en" xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="x-apple-disable-message-reformatting">
<meta name="color-scheme" content="light">
<meta name="supported-color-schemes" content="light">
<title>{html.escape(email.subject)}</title>
<style>{_CSS}</style>
</head>
<body>
<div class="preheader" style="{_PREHEADER_STYLE}">{_preheader(email)}</div>
<table role="presentation" class="wrapper" width="100%" border="0" cellpadding="0" cellspacing="0">
<tr><td align="center" style="padding:24px 0;">
<table role="presentation" class="container" width="600" border="0" cellpadding="0" cellspacing="0">
<tr><td class="content">
{to_html(email.body)}{_call_to_action(email)}
</td></tr>
<tr><td class="footer">
{_footer(email)}
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
"""
    return str(_inliner().inline(doc))


def _preheader(email: Email) -> str:
    return html.escape(email.preheader) + _PREHEADER_PAD


def _call_to_action(email: Email) -> str:
    if not email.cta_url:
        return to_html(email.call_to_action)
    href = html.escape(email.cta_url, quote=True)
    label = html.escape(email.call_to_action.strip())
    return f"""<table role="presentation" class="button" border="0" cellpadding="0" cellspacing="0">
<tr><td class="button-cell" align="center">
<a class="button-link" href="{href}" target="_blank">{label}</a>
</td></tr>
</table>
"""


def _footer(email: Email) -> str:
    tags = email.platform
    parts = [to_html(email.footer, breaks=True)]  # its lines (an address) stay lines
    if tags.address_html:
        parts.append(f"<div>{tags.address_html}</div>")
    if tags.unsubscribe:
        parts.append(
            f'<p><a href="{html.escape(tags.unsubscribe, quote=True)}">Unsubscribe</a></p>'
        )
    return "\n".join(parts)


def render_text(email: Email) -> str:
    """The plain-text part: the same issue from the same markdown, links written out."""
    parts = [to_text(email.body).rstrip()]
    cta = to_text(email.call_to_action).rstrip()
    parts.append(f"{cta}\n{email.cta_url}" if email.cta_url else cta)
    footer = [to_text(email.footer).rstrip(), *email.platform.footer_lines()]
    parts.append("--\n" + "\n".join(footer))
    return "\n\n".join(parts) + "\n"
