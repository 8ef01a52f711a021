"""The newsletter channel: its rules on realistic issues, its schema and its renderer."""

from __future__ import annotations

import pytest
from helpers import levels

from content_gen import channels
from content_gen.channels import ChannelContext
from content_gen.channels.newsletter import NewsletterIssue, newsletter_rules
from content_gen.quality.rules import Violation

# --- newsletter -----------------------------------------------------------------------------

SUBJECT = "Three pricing pages we rebuilt this month"
PREHEADER = "What changed, what we measured, and the one test worth copying"
BODY = """Most pricing pages are written once and left alone for years.

## What we changed

- We moved the annual plan to the top of the page.
- We replaced feature lists with the three outcomes buyers asked about.

## What happened

Annual sign-ups rose from 18% to 31% of new customers in eight weeks. If churn is < 5% \
for you already, start with the second change. The raw numbers are at \
<https://example.com/pricing-study>."""
FOOTER = (
    "You are getting this because you signed up at example.com.\n"
    "Unsubscribe: reply STOP or use the link in your email client.\n"
    "Acme Analytics, 123 Main Street, Springfield, IL 62701"
)
ADDRESS = "Acme Analytics, 123 Main Street, Springfield, IL 62701"


def newsletter(**changes: str | None) -> list[Violation]:
    args: dict[str, str | None] = {
        "subject": SUBJECT,
        "preheader": PREHEADER,
        "body": BODY,
        "footer": FOOTER,
        "postal_address": ADDRESS,
    }
    args.update(changes)
    return newsletter_rules(**args)  # type: ignore[arg-type]


class TestNewsletterRules:
    def test_clean_issue_passes(self) -> None:
        assert newsletter() == []

    @pytest.mark.parametrize(
        ("subject", "problem"),
        [
            ("Pricing notes", "13 characters"),
            (
                "Three pricing pages we rebuilt this month and what each one taught us",
                "characters (aim for 20-60)",
            ),
            ("Why we cut our pricing page to one screen in a week", "words (aim for 9 or fewer)"),
            ("BIG PRICING NEWS INSIDE", "all capitals"),
            ("Huge news!! Our spring pricing is live", "2 exclamation marks"),
        ],
    )
    def test_subject_problems_warn(self, subject: str, problem: str) -> None:
        [violation] = [v for v in newsletter(subject=subject) if v.rule == "newsletter.subject"]
        assert violation.level == "warn"
        assert problem in violation.message

    @pytest.mark.parametrize(
        "subject",
        [
            "Pricing pages that work",
            "Our SaaS pricing teardown, part 2: annual plans first",
            "New: annual plans are finally here!",
            "Twenty chars subject",
            "Three pricing page changes that doubled annual sign-ups",
        ],
    )
    def test_reasonable_subjects_pass(self, subject: str) -> None:
        assert 20 <= len(subject) <= 60
        assert "newsletter.subject" not in levels(newsletter(subject=subject))

    @pytest.mark.parametrize("preheader", ["", "   ", "Read this before Friday"])
    def test_missing_or_short_preheader_blocks(self, preheader: str) -> None:
        assert len(preheader.strip()) < 30
        assert levels(newsletter(preheader=preheader))["newsletter.preheader"] == "block"

    @pytest.mark.parametrize(
        "preheader",
        [
            "What changed, and what we measured.",  # 35
            "What changed on each page, what we measured over eight weeks, and the one "
            "test you should copy first",  # > 90
        ],
    )
    def test_preheader_outside_40_to_90_warns(self, preheader: str) -> None:
        assert 30 <= len(preheader) < 40 or len(preheader) > 90
        assert levels(newsletter(preheader=preheader))["newsletter.preheader"] == "warn"

    @pytest.mark.parametrize(
        ("preheader", "length"),
        [
            ("What changed, and the test worth copying", 40),
            (
                "What we changed on three pricing pages, what we measured in eight weeks, and "
                "what to copy.",
                90,
            ),
        ],
    )
    def test_preheader_bounds_are_inclusive(self, preheader: str, length: int) -> None:
        assert len(preheader) == length
        assert "newsletter.preheader" not in levels(newsletter(preheader=preheader))

    def test_preheader_equal_to_subject_blocks(self) -> None:
        subject = "What we learned rebuilding three pricing pages"
        violations = levels(newsletter(subject=subject, preheader=subject.upper() + "  "))
        assert violations["newsletter.preheader_repeats_subject"] == "block"

    @pytest.mark.parametrize(
        "html",
        [
            "<p>Most pricing pages are written once.</p>",
            "<div style='font-family: Arial'>Hello there</div>",
            "<H2>What we changed</H2>",
            "<table><tr><td>Plan</td><td>Price</td></tr></table>",
        ],
    )
    def test_html_in_body_blocks(self, html: str) -> None:
        violation = next(v for v in newsletter(body=html) if v.rule == "newsletter.html")
        assert violation.level == "block"
        assert violation.excerpt and violation.excerpt.startswith("<")

    @pytest.mark.parametrize(
        "body",
        [
            # This Week in Rust puts <br /> in its markdown tables and <small> under quotes.
            "| Crate | Why |\n|---|---|\n| serde | fast<br />and small |",
            "A quote worth keeping.<br>\n<small>(thanks to a reader for the suggestion)</small>",
            "<strong>Key takeaway:</strong> put the <em>annual</em> plan first.",
            'Read <a href="https://example.com/study">the study</a>, or press <kbd>Enter</kbd>.',
        ],
    )
    def test_inline_formatting_tags_are_allowed(self, body: str) -> None:
        assert "newsletter.html" not in levels(newsletter(body=body))

    @pytest.mark.parametrize(
        "body",
        [
            "Questions? Write to <founder@example.com> or read <https://example.com/pricing>.",
            "If churn is < 5% and expansion is > 2%, raise prices.",
        ],
    )
    def test_autolinks_and_comparisons_are_not_html(self, body: str) -> None:
        assert "newsletter.html" not in levels(newsletter(body=body))

    @pytest.mark.parametrize(
        "text",
        ["Return a `List<String>` from the repository, not a raw array.", "Press <Enter> to save."],
    )
    def test_angle_brackets_that_are_not_html_elements_pass(self, text: str) -> None:
        body = f"{text}\n\n{BODY}"
        assert "newsletter.html" not in levels(newsletter(body=body))

    def test_html_inside_a_code_span_is_shown_not_sent(self) -> None:
        body = "Wrap the button in `<strong>` for emphasis.\n\n" + BODY
        assert "newsletter.html" not in levels(newsletter(body=body))

    @pytest.mark.parametrize(
        "line",
        [
            "Subject: Three pricing pages we rebuilt",
            "**Subject:** Three pricing pages",
            "subject: x",
        ],
    )
    def test_subject_line_in_body_blocks(self, line: str) -> None:
        violations = levels(newsletter(body=f"{line}\n\n{BODY}"))
        assert violations["newsletter.subject_in_body"] == "block"

    def test_the_word_subject_in_a_sentence_is_fine(self) -> None:
        body = "The subject of this issue is pricing. Our subject: matter experts agree.\n" + BODY
        assert "newsletter.subject_in_body" not in levels(newsletter(body=body))

    def test_footer_without_unsubscribe_blocks(self) -> None:
        footer = "You are getting this because you signed up at example.com.\n" + ADDRESS
        assert levels(newsletter(footer=footer))["newsletter.footer_unsubscribe"] == "block"

    def test_unsubscribe_is_matched_ignoring_case(self) -> None:
        footer = "UNSUBSCRIBE at any time from your account page.\n" + ADDRESS
        assert newsletter(footer=footer) == []

    def test_postal_address_required_when_configured(self) -> None:
        footer = "Unsubscribe at any time from your account page."
        [violation] = newsletter(footer=footer)
        assert violation.rule == "newsletter.footer_address"
        assert violation.level == "block"
        assert ADDRESS in violation.message

    def test_postal_address_not_required_when_not_configured(self) -> None:
        footer = "Unsubscribe at any time from your account page."
        assert newsletter(footer=footer, postal_address=None) == []
        assert newsletter(footer=footer, postal_address="") == []

    def test_postal_address_matched_ignoring_case_commas_and_whitespace(self) -> None:
        footer = "Unsubscribe any time.\nACME ANALYTICS\n123  Main Street\nSpringfield IL 62701\n"
        assert newsletter(footer=footer) == []

    def test_different_postal_address_blocks(self) -> None:
        footer = "Unsubscribe any time.\nAcme Analytics, 125 Main Street, Springfield, IL 62701"
        assert levels(newsletter(footer=footer))["newsletter.footer_address"] == "block"


CTX = ChannelContext(postal_address=ADDRESS)


def newsletter_draft(**changes) -> NewsletterIssue:
    fields = {
        "subject": SUBJECT,
        "preheader": PREHEADER,
        "body": BODY,
        "call_to_action": "Reply with your pricing page link and we will send one test to run.",
        "footer": FOOTER,
    }
    fields.update(changes)
    return NewsletterIssue(**fields)


class TestNewsletterChannel:
    channel = channels.get("newsletter")

    def test_clean_draft_passes(self) -> None:
        assert self.channel.check(newsletter_draft(), CTX) == []

    def test_postal_address_comes_from_the_context(self) -> None:
        draft = newsletter_draft(footer="Unsubscribe any time from your account page.")
        assert self.channel.check(draft, ChannelContext()) == []
        assert levels(self.channel.check(draft, CTX))["newsletter.footer_address"] == "block"

    def test_shared_rules_see_the_call_to_action(self) -> None:
        draft = newsletter_draft(call_to_action="Book a call with [Your Name] this week.")
        assert levels(self.channel.check(draft, CTX))["placeholder"] == "block"

    def test_placeholder_in_footer_blocks(self) -> None:
        draft = newsletter_draft(footer="Unsubscribe any time.\n[Company Name] | [Company Address]")
        assert levels(self.channel.check(draft, ChannelContext())).get("placeholder") == "block"

    def test_render(self) -> None:
        text = self.channel.render(newsletter_draft(subject=f"  {SUBJECT} "), CTX)
        assert text.startswith(f"Subject: {SUBJECT}\nPreheader: {PREHEADER}\n\n")
        assert text.endswith(f"\n\n---\n\n{FOOTER}\n")
        body_at = text.index(BODY.strip())
        assert body_at < text.index("Reply with your pricing page link") < text.index("---\n")
