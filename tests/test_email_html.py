"""The newsletter as email: HTML read back with an HTML parser, its plain-text part, the
platforms' merge tags in the footer, and the placeholder rule that tells them from leaks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest

from content_gen import channels
from content_gen.channels import ChannelContext, mark_simulated
from content_gen.channels.newsletter import NewsletterIssue
from content_gen.publish.platforms import platform, platforms
from tests.helpers import levels

CTA_URL = "https://example.com/checklist?utm_source=newsletter&x=1"
STUDY = "https://example.org/study"
NEWSLETTER = channels.get("newsletter")
WITH_TAGS = [name for name, p in platforms().items() if p.unsubscribe]


def issue(**changes: str) -> NewsletterIssue:
    fields = {
        "subject": "Pricing pages that convert",
        "preheader": "Three changes that lifted sign-ups on one real pricing page",
        "body": "Hi there,\n\nThis week: **pricing pages** and the [study]("
        + STUDY
        + ").\n\n## What changed\n\n1. One plan highlighted.\n2. Annual price per month.\n\n"
        "> Most visitors decide in the first screen.",
        "call_to_action": "Read the checklist before your next pricing review.",
        "footer": "You get this because you subscribed. Unsubscribe any time.\nAcme, 1 Main St",
    }
    return NewsletterIssue(**(fields | changes))


@dataclass
class Email(HTMLParser):
    """What a mail client would see: hidden elements and their text, links, what loads."""

    hidden: list[str] = field(default_factory=list)
    hidden_text: str = ""
    links: dict[str, str] = field(default_factory=dict)  # href -> the link's style
    loads: list[str] = field(default_factory=list)
    styles: str = ""
    paragraph_styles: list[str] = field(default_factory=list)
    _depth: int = 0
    _in_style: bool = False

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        style = a.get("style", "").replace(" ", "").lower()
        if "display:none" in style:
            self.hidden.append(style)
            self._depth = 1
        elif self._depth:
            self._depth += 1
        if tag == "a" and "href" in a:
            self.links[a["href"]] = style
        if "src" in a or tag in ("link", "script", "iframe", "object", "embed"):
            self.loads.append(f"<{tag} {a}>")
        if "url(" in style:
            self.loads.append(f"style {style}")
        if tag == "p":
            self.paragraph_styles.append(style)
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False
        if self._depth:
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles += data
        if self._depth:
            self.hidden_text += data


def read(html: str) -> Email:
    parsed = Email()
    parsed.feed(html)
    parsed.close()
    return parsed


def extras(draft: NewsletterIssue, **ctx: object) -> dict[str, str]:
    return NEWSLETTER.files(draft, ChannelContext(**ctx))  # type: ignore[arg-type]


class TestHtml:
    @pytest.mark.parametrize("name", list(platforms()))
    def test_one_hidden_preheader_links_and_nothing_loaded(self, name: str) -> None:
        html = extras(issue(), email_platform=name, cta_url=CTA_URL)["newsletter.html"]
        email = read(html)
        assert len(email.hidden) == 1
        for kept in ("display:none", "max-height:0", "overflow:hidden", "mso-hide:all"):
            assert kept in email.hidden[0]
        assert email.hidden_text.startswith(issue().preheader)
        assert CTA_URL in email.links and STUDY in email.links
        tags = platform(name)
        if tags.unsubscribe:
            assert tags.unsubscribe in email.links
        if tags.address_html:
            assert tags.address_html in html
        assert email.loads == []
        assert "@import" not in email.styles and "url(" not in email.styles

    def test_the_css_is_on_the_elements_and_the_button_reads_white_on_blue(self) -> None:
        email = read(extras(issue(), cta_url=CTA_URL)["newsletter.html"])
        assert email.paragraph_styles and all("margin:" in s for s in email.paragraph_styles)
        assert "color:#ffffff" in email.links[CTA_URL]  # not the body links' blue
        assert "@media" in email.styles  # the phone layout, which cannot be inlined

    def test_a_table_layout_600_pixels_wide(self) -> None:
        html = extras(issue())["newsletter.html"]
        assert html.startswith("<!DOCTYPE html>")
        assert re.search(r'<table[^>]*role="presentation"[^>]*width="600"', html)

    def test_without_a_cta_url_the_call_to_action_is_a_paragraph(self) -> None:
        html = extras(issue())["newsletter.html"]
        assert "Read the checklist before your next pricing review." in html
        assert "button-link" not in html

    def test_raw_html_from_the_writer_is_text_but_inline_formatting_is_kept(self) -> None:
        body = (
            'Line one<br />line two, <strong>bold</strong>, <img src="https://t.example/p.gif">'
            "\n\n<script>alert(1)</script>\n\n![chart](https://example.com/chart.png)"
            "\n\n[bad](javascript:alert(1))"
        )
        html = extras(issue(body=body))["newsletter.html"]
        email = read(html)
        assert email.loads == []
        assert "<br" in html and "<strong>bold</strong>" in html
        assert "&lt;img" in html and "&lt;script&gt;" in html
        assert "https://example.com/chart.png" in email.links  # an image becomes a link to it
        assert not any(href.startswith("javascript:") for href in email.links)

    def test_the_footer_keeps_its_lines(self) -> None:
        html = extras(issue())["newsletter.html"]
        assert "Unsubscribe any time.<br" in html


class TestPlainText:
    def test_links_written_out_and_the_footer_tags_on_their_own_lines(self) -> None:
        text = extras(issue(), email_platform="mailchimp", cta_url=CTA_URL)["newsletter.txt"]
        assert f"the study ({STUDY})" in text
        assert "What changed\n------------" in text
        assert "1. One plan highlighted.\n2. Annual price per month." in text
        assert "> Most visitors decide in the first screen." in text
        assert f"Read the checklist before your next pricing review.\n{CTA_URL}" in text
        assert text.endswith(
            "--\nYou get this because you subscribed. Unsubscribe any time.\nAcme, 1 Main St\n"
            "Unsubscribe: *|UNSUB|*\n*|LIST:ADDRESSLINE|*\n"
        )
        assert "**" not in text and "<" not in text


class TestMarkdownFile:
    @pytest.mark.parametrize("name", list(platforms()))
    def test_what_render_writes_reads_back_as_the_same_draft(self, name: str) -> None:
        ctx = ChannelContext(email_platform=name, cta_url=CTA_URL)
        text = NEWSLETTER.render(issue(), ctx)
        assert f"[{issue().call_to_action}]({CTA_URL})" in text
        assert NEWSLETTER.read(text, ctx) == issue()

    def test_a_call_to_action_that_links_already_is_left_alone(self) -> None:
        own = "Read [the checklist](https://example.com/own) this week."
        ctx = ChannelContext(cta_url=CTA_URL)
        text = NEWSLETTER.render(issue(call_to_action=own), ctx)
        assert f"\n{own}\n" in text and CTA_URL not in text

    def test_simulated_html_keeps_its_doctype_first(self) -> None:
        html = extras(issue())["newsletter.html"]
        marked = mark_simulated(html)
        assert marked.startswith("<!DOCTYPE html><!-- SIMULATED")
        assert len(read(marked).hidden) == 1


class TestMergeTagsAndThePlaceholderRule:
    @pytest.mark.parametrize("name", WITH_TAGS)
    def test_the_configured_platforms_footer_tags_pass(self, name: str) -> None:
        ctx = ChannelContext(email_platform=name)
        text = NEWSLETTER.render(issue(), ctx)
        assert platform(name).unsubscribe in text
        draft = NEWSLETTER.read(text, ctx)
        assert "placeholder" not in levels(NEWSLETTER.check(draft, ctx, text))

    @pytest.mark.parametrize(
        ("written", "configured"), [("kit", "mailchimp"), ("mailchimp", "kit"), ("kit", "plain")]
    )
    def test_another_platforms_tags_are_a_leak(self, written: str, configured: str) -> None:
        text = NEWSLETTER.render(issue(), ChannelContext(email_platform=written))
        ctx = ChannelContext(email_platform=configured)
        assert levels(NEWSLETTER.check(NEWSLETTER.read(text, ctx), ctx, text))["placeholder"] == (
            "block"
        )

    @pytest.mark.parametrize(
        "leak", ["{{first_name}}", "{{ unsubscribe_url }}", "*|FNAME|*", "*|UNSUB|*", "{$name}"]
    )
    @pytest.mark.parametrize("name", ["kit", "mailchimp", "mailerlite"])
    def test_a_merge_tag_in_the_writers_text_blocks(self, leak: str, name: str) -> None:
        ctx = ChannelContext(email_platform=name)
        for draft in (
            issue(body=f"Hi {leak},\n\nMore text here."),
            issue(footer=f"Unsubscribe here: {leak}"),
        ):
            assert levels(NEWSLETTER.check(draft, ctx))["placeholder"] == "block"

    def test_merge_tag_syntax_in_code_is_not_a_leak(self) -> None:
        draft = issue(body="Mailchimp writes the link as `*|UNSUB|*` and Kit as `{$x}`.")
        assert "placeholder" not in levels(NEWSLETTER.check(draft, ChannelContext()))
