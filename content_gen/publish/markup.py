"""Markdown as the places a piece goes take it: HTML for an email or a WordPress post, and plain
text for an email's text part.

markdown-it-py in CommonMark mode. The model's text is not trusted: raw HTML is escaped, except
the inline formatting the newsletter's rules allow (`<br />`, `<small>`, `<strong>`, a plain
`<a href="https://...">`), which carries no attributes that could load anything; an image becomes
a link to it, so nothing in the result fetches a resource. markdown-it's own link check already
drops `javascript:` and `data:` links.
"""

from __future__ import annotations

import html
import re
from functools import cache, lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

# Inline tags that change how text looks and load nothing; no attributes but a web link's href.
_SAFE_INLINE = re.compile(
    r"^(?:</?(?:b|i|em|strong|small|sup|sub|kbd|code|mark|s|u)>|<br\s*/?>"
    r'|<a href="https?://[^"\s<>]+">|</a>)$',
    re.IGNORECASE,
)
_TAG = re.compile(r"<[^<>]*>")


@cache
def _parser(*, breaks: bool = False) -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True, "linkify": False, "breaks": breaks})


# Cached, and never changed once made: an email's HTML part and its text part read the same
# markdown (body, call to action, footer), and each parse costs the writer's thread a while.
@lru_cache(maxsize=64)
def tokens(markdown: str) -> tuple[Token, ...]:
    """The markdown's tokens, with anything unsafe turned into text (see the module's doc).
    Shared between callers: read them, do not change them."""
    found = _parser().parse(markdown)
    for token in found:
        if token.type == "html_block":
            token.content = f"<p>{html.escape(token.content.strip())}</p>\n"
        if token.children:
            token.children = [piece for child in token.children for piece in _safe(child)]
    return tuple(found)


def _safe(token: Token) -> list[Token]:
    if token.type == "html_inline" and not _SAFE_INLINE.match(token.content.strip()):
        return [Token("text", "", 0, content=token.content)]
    if token.type == "image":
        src = str(token.attrGet("src") or "")
        label = token.content or src
        return [
            Token("link_open", "a", 1, attrs={"href": src}),
            Token("text", "", 0, content=label),
            Token("link_close", "a", -1),
        ]
    return [token]


def to_html(markdown: str, *, breaks: bool = False) -> str:
    """HTML; with `breaks`, each line break the writer made is kept (a footer's address)."""
    parser = _parser(breaks=breaks)
    return str(parser.renderer.render(list(tokens(markdown)), parser.options, {}))


def to_text(markdown: str) -> str:
    """Plain text as an email's text part reads: links as "text (url)", headings underlined,
    lists as "- " and "1. ", quotes as "> ", code indented."""
    lines: list[str] = []
    lists: list[list[int]] = []  # per open list: [ordered, next number]
    quote = 0
    heading: str | None = None
    for token in tokens(markdown):
        kind = token.type
        if kind == "heading_open":
            heading = token.tag
        elif kind == "heading_close":
            heading = None
        elif kind in ("bullet_list_open", "ordered_list_open"):
            lists.append([kind == "ordered_list_open", int(token.attrGet("start") or 1)])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
            if not lists:
                lines.append("")
        elif kind == "blockquote_open":
            quote += 1
        elif kind == "blockquote_close":
            quote -= 1
        elif kind in ("fence", "code_block"):
            lines += ["    " + line for line in token.content.rstrip("\n").split("\n")] + [""]
        elif kind == "hr":
            lines += ["-" * 20, ""]
        elif kind == "html_block":
            lines += [_TAG.sub("", html.unescape(token.content)).strip(), ""]
        elif kind == "inline":
            lines += _block_text(_inline_text(token.children or []), "> " * quote, heading, lists)
    return "\n".join(lines).strip() + "\n"


def _block_text(text: str, prefix: str, heading: str | None, lists: list[list[int]]) -> list[str]:
    if heading:
        rule = "=" if heading == "h1" else "-"
        return [prefix + text, prefix + rule * len(text), ""]
    if lists:
        ordered, number = lists[-1]
        marker = f"{number}. " if ordered else "- "
        lists[-1][1] += 1
        return [prefix + "  " * (len(lists) - 1) + marker + text]
    return [prefix + text, ""]


def _inline_text(children: list[Token]) -> str:
    out: list[str] = []
    links: list[tuple[str, int]] = []
    for token in children:
        if token.type in ("text", "code_inline"):
            out.append(token.content)
        # Plain text keeps the writer's line breaks: an address is several lines.
        elif token.type in ("softbreak", "hardbreak") or re.match(r"<br\b", token.content, re.I):
            out.append("\n")
        elif token.type == "link_open":
            links.append((str(token.attrGet("href") or ""), len(out)))
        elif token.type == "link_close" and links:
            href, start = links.pop()
            if href and href != "".join(out[start:]):
                out.append(f" ({href})")
    return "".join(out)
