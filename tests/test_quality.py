"""The deterministic quality rules, the quality bar and the channel specs, on realistic text."""

from __future__ import annotations

import json
from datetime import date

import pytest

from content_gen import quality
from content_gen.channels import (
    CHANNELS,
    SIMULATED_NOTE,
    BlogPost,
    ChannelContext,
    LinkedInPost,
    NewsletterIssue,
    mark_simulated,
    parse_channels,
)
from content_gen.errors import UsageError
from content_gen.quality import (
    CriterionScore,
    Judgement,
    QualityBar,
    Violation,
    blog_rules,
    em_dashes,
    feedback,
    linkedin_rules,
    newsletter_rules,
    overused_phrases,
    placeholder_leaks,
    rank,
    word_count,
)


def levels(violations: list[Violation]) -> dict[str, str]:
    """rule id -> level, for compact assertions."""
    return {v.rule: v.level for v in violations}


FILLER = (
    "Our support team answered four thousand tickets last quarter. Most of them asked the "
    "same six questions about invoices, seats and exports. We wrote one short help page for "
    "each question and linked it from the billing screen. Ticket volume fell by a third in "
    "eight weeks, and the team finally had time to call customers who were about to leave."
)


def words(n: int) -> str:
    """Exactly `n` words of plain, phrase-free business prose (sentences may be cut short)."""
    source = FILLER.split()
    out = [source[i % len(source)] for i in range(n)]
    text = " ".join(out)
    assert word_count(text) == n
    return text


# --- placeholder and chatbot leaks ----------------------------------------------------------


class TestPlaceholderLeaks:
    @pytest.mark.parametrize(
        "text",
        [
            "Thanks for reading!\n\nBest,\n[Your Name]\nHead of Growth, [Company]",
            "Teams that run weekly retros ship [insert statistic] faster than teams that don't.",
            "Hi {{first_name}},\n\nThis week we look at pricing pages that convert.",
            "Lorem ipsum dolor sit amet, consectetur adipiscing elit.",
            "As an AI language model, I don't have personal experience with hiring, but here are "
            "some tips.",
            "As an AI, I can't browse the internet, but these trends were strong in 2023.",
            "Here is the revised draft with the hashtags moved to the end:",
            "Here's a revised version of your LinkedIn post with a stronger hook:",
            "Here\u2019s the improved version with shorter paragraphs.",
            "As of my last update, the average open rate for B2B newsletters was around 21%.",
            "My knowledge cutoff is 2023, so these numbers may have changed.",
            "Download the checklist here: [link to checklist]",
            "The webinar takes place on [date] at [time].",
        ],
    )
    def test_leak_blocks(self, text: str) -> None:
        [violation] = placeholder_leaks(text)
        assert violation.rule == "placeholder"
        assert violation.level == "block"

    def test_message_quotes_each_leak_once(self) -> None:
        text = "Signed,\n[Your Name]\n\nP.S. Reply to [Your Name] directly. {{unsubscribe_url}}"
        [violation] = placeholder_leaks(text)
        assert violation.message.count("[Your Name]") == 1
        assert "{{unsubscribe_url}}" in violation.message

    @pytest.mark.parametrize(
        "text",
        [
            "The numbers come from [the report](https://example.org/state-of-saas-2025) we "
            "published in March.",
            "Median churn fell from 11% to 7% in the first 90 days [1].",
            "See the footnotes [2] and [3] for the method.",
            "In JavaScript, `arr[index]` returns undefined when the index is out of range.",
            "Use a template like `Hello {name}` and fill it in your CRM.",
            "We rewrote the onboarding email. Here is what changed and why.",
            "As an early customer, you get the annual plan at last year's price.",
            "I asked our AI assistant to summarise the calls; it missed the point twice.",
        ],
    )
    def test_clean_text_passes(self, text: str) -> None:
        assert placeholder_leaks(text) == []

    def test_markdown_link_whose_text_starts_with_your_is_not_a_leak(self) -> None:
        text = "Grab [your free pricing template](https://example.com/template) before Friday."
        assert placeholder_leaks(text) == []
        assert placeholder_leaks("Grab [your free pricing template] before Friday.") != []

    def test_as_an_ai_engineer_is_not_a_chatbot_leak(self) -> None:
        text = "As an AI engineer, I have shipped three models to production this year."
        assert placeholder_leaks(text) == []

    def test_heres_the_updated_checklist_is_not_a_chatbot_leak(self) -> None:
        text = "Here's the updated checklist we now use before every product launch:"
        assert placeholder_leaks(text) == []


# --- overused phrases -----------------------------------------------------------------------


class TestOverusedPhrases:
    def test_clean_text_passes(self) -> None:
        assert overused_phrases(words(300)) == []

    def test_one_phrase_in_a_long_piece_warns(self) -> None:
        text = "Moreover, the new billing page cut refund requests in half. " + words(150)
        [violation] = overused_phrases(text)
        assert violation.rule == "overused_phrases"
        assert violation.level == "warn"
        assert '"moreover"' in violation.message
        assert "1 distinct" in violation.message

    def test_two_distinct_phrases_sparse_warns(self) -> None:
        text = (
            "In today's fast-paced world, support teams drown in tickets. "
            + words(200)
            + " We used a seamless hand-off between the help page and a human."
        )
        [violation] = overused_phrases(text)
        assert violation.level == "warn"
        assert "2 distinct" in violation.message

    def test_three_distinct_phrases_block_even_when_sparse(self) -> None:
        text = (
            "Let's dive in. "
            + words(200)
            + " We had to harness the data we already had. "
            + words(200)
            + " In conclusion, write the help page before you hire."
        )
        [violation] = overused_phrases(text)
        assert violation.level == "block"
        assert "3 distinct" in violation.message

    def test_more_than_one_per_100_words_blocks(self) -> None:
        # One distinct phrase, used twice in ~120 words: 1.7 per 100 words.
        text = (
            "We leverage our help center to answer billing questions. "
            + words(100)
            + " Then we leverage the same pages in onboarding emails."
        )
        assert word_count(text) < 200
        [violation] = overused_phrases(text)
        assert violation.level == "block"
        assert '"leverage" x2' in violation.message

    def test_twice_at_exactly_one_per_100_words_only_warns(self) -> None:
        text = "We leverage the help center. " + words(191) + " We leverage it again."
        assert word_count(text) == 200
        [violation] = overused_phrases(text)
        assert violation.level == "warn"

    def test_single_use_in_a_short_post_is_not_dense(self) -> None:
        [violation] = overused_phrases("This changes the hiring landscape for good.")
        assert violation.level == "warn"

    def test_inflections_of_a_single_word_count(self) -> None:
        text = (
            "Before delving into the numbers, a word on method. "
            + words(150)
            + " We delved into churn first."
        )
        [violation] = overused_phrases(text)
        assert '"delve" x2' in violation.message

    @pytest.mark.parametrize(
        "text",
        [
            "Five habits that take your onboarding to the next level.",
            "Five habits that take your onboarding emails to the next level.",
            "Take your success program to the next level with these templates.",
        ],
    )
    def test_take_your_x_to_the_next_level(self, text: str) -> None:
        [violation] = overused_phrases(text)
        assert '"take your * to the next level"' in violation.message

    def test_wildcard_stands_for_at_most_two_words(self) -> None:
        text = "Take your B2B content marketing strategy to the next level."
        assert overused_phrases(text) == []

    def test_curly_apostrophe_matches(self) -> None:
        text = "It\u2019s important to note that churn is a lagging signal. " + words(150)
        [violation] = overused_phrases(text)
        assert "it's important to note" in violation.message

    def test_long_phrase_is_not_counted_again_for_its_words(self) -> None:
        text = "Clear billing plays a crucial role in retention. " + words(150)
        [violation] = overused_phrases(text)
        assert violation.level == "warn"
        assert "1 distinct" in violation.message
        assert '"plays a crucial role"' in violation.message
        assert '"crucial"' not in violation.message

    def test_custom_phrases_file(self, tmp_path) -> None:
        phrases = tmp_path / "phrases.txt"
        phrases.write_text("# our house list\n\ncircle back\n", encoding="utf-8")
        text = "Let's circle back on pricing next week."
        [violation] = overused_phrases(text, phrases)
        assert '"circle back"' in violation.message
        assert overused_phrases("Moreover, it is fine.", phrases) == []

    def test_elevator_pitch_is_not_elevate(self) -> None:
        text = "Your elevator pitch should fit in 30 seconds. " + words(150)
        assert overused_phrases(text) == []

    def test_plural_synergies_counts_as_synergy(self) -> None:
        text = "The merger will unlock synergies across both sales teams. " + words(150)
        [violation] = overused_phrases(text)
        assert '"synergy"' in violation.message


# --- em dashes ------------------------------------------------------------------------------


class TestEmDashes:
    OPENING = "Pricing is not a number \u2014 it is a conversation."  # 9 words
    CLOSING = " Change one thing \u2014 then measure it."  # 6 words

    def test_above_one_per_100_words_warns(self) -> None:
        text = self.OPENING + " " + words(85) + self.CLOSING
        assert word_count(text.replace("\u2014", "")) == 100
        [violation] = em_dashes(text)
        assert violation.rule == "em_dashes"
        assert violation.level == "warn"
        assert violation.message.startswith("2 em dashes")

    def test_exactly_one_per_100_words_passes(self) -> None:
        text = self.OPENING + " " + words(185) + self.CLOSING
        assert word_count(text.replace("\u2014", "")) == 200
        assert em_dashes(text) == []

    def test_no_em_dashes_or_only_hyphens_and_en_dashes(self) -> None:
        assert em_dashes(words(50)) == []
        assert em_dashes("A well-known 2019\u20132024 trend - nothing more.") == []

    def test_one_em_dash_in_99_words_warns(self) -> None:
        text = self.OPENING + " " + words(90)
        assert word_count(text.replace("\u2014", "")) == 99
        assert levels(em_dashes(text)) == {"em_dashes": "warn"}


def test_word_count_ignores_dashes_bullets_and_arrows() -> None:
    assert word_count("Pricing \u2014 done right \u2022 fewer plans \u2192 more signups") == 7


def test_word_count_of_plain_prose() -> None:
    assert word_count("Don\u2019t ship on Fridays: it's 3x riskier, says Zo\u00eb.") == 9


# --- LinkedIn -------------------------------------------------------------------------------

HOOK = "We cut our onboarding time from 14 days to 3. Here is what changed."
POST_BODY = """\
Last spring, new customers waited two weeks for a working account. Sales blamed \
support, support blamed engineering, and everyone blamed the spreadsheet that tracked it all.

So we mapped every step on a whiteboard. There were 23 of them. Nine needed a human. Only four \
needed an engineer.

Three changes did most of the work:

1. We replaced the kickoff call with a 6-minute video and a checklist.
2. We let customers import their own data with a template instead of emailing CSV files.
3. We gave support the rights to set up accounts without filing a ticket.

After one quarter, median time to first value fell from 14 days to 3, and churn in the first 90 \
days dropped from 11% to 7%.

The lesson I keep relearning: most delays are hand-offs, not hard problems.

What is the one hand-off in your process that nobody owns?"""
TAGS = "#CustomerSuccess #SaaS #Onboarding"
CLEAN_POST = f"{HOOK}\n\n{POST_BODY}\n\n{TAGS}"


def sized_post(length: int) -> str:
    """A realistic post of exactly `length` characters, with no hashtags or links."""
    text = HOOK + "\n\n" + (POST_BODY.replace("#", "") + "\n\n") * 10
    assert len(text) > length
    return text[: length - 1] + "."


class TestLinkedInRules:
    def test_clean_post_passes(self) -> None:
        assert 500 <= len(CLEAN_POST) <= 2000
        assert linkedin_rules(CLEAN_POST) == []
        assert quality.common_rules(CLEAN_POST) == []

    def test_over_3000_characters_blocks(self) -> None:
        assert levels(linkedin_rules(sized_post(3001)))["linkedin.length"] == "block"

    @pytest.mark.parametrize("length", [499, 2001, 3000])
    def test_outside_500_to_2000_warns(self, length: int) -> None:
        assert levels(linkedin_rules(sized_post(length)))["linkedin.length"] == "warn"

    @pytest.mark.parametrize("length", [500, 2000])
    def test_500_and_2000_are_fine(self, length: int) -> None:
        assert "linkedin.length" not in levels(linkedin_rules(sized_post(length)))

    def test_hook_of_141_to_210_characters_warns(self) -> None:
        hook = (
            "After eleven years of hiring engineers for startups in Berlin, London and Lisbon, "
            "I finally understand why our best people never came from job boards."
        )
        assert 140 < len(hook) <= 210
        violations = linkedin_rules(f"{hook}\n\n{POST_BODY}\n\n{TAGS}")
        assert levels(violations)["linkedin.hook"] == "warn"

    def test_hook_over_210_characters_blocks(self) -> None:
        hook = (
            "After eleven years of hiring engineers for startups in Berlin, London and Lisbon, "
            "and after reading more than nine thousand CVs, cover letters and take-home tests, "
            "I finally understand why our best people never came from job boards."
        )
        assert len(hook) > 210
        violations = linkedin_rules(f"{hook}\n\n{POST_BODY}\n\n{TAGS}")
        assert levels(violations)["linkedin.hook"] == "block"

    def test_short_first_sentence_on_a_long_line_passes(self) -> None:
        first_line = (
            "Our churn halved. "
            "It took nine months, four failed experiments and one very awkward board meeting "
            "where I had to explain why the dashboard had been wrong since January."
        )
        assert len(first_line) > 140
        assert "linkedin.hook" not in levels(linkedin_rules(f"{first_line}\n\n{POST_BODY}"))

    @pytest.mark.parametrize(
        ("snippet", "named"),
        [
            ("The fix was **boring**: a checklist.", "bold markers"),
            ("The fix was __boring__: a checklist.", "bold markers"),
            ("## What we changed", "# headings"),
            ("# Lessons", "# headings"),
            ("---", "--- rules"),
            (
                "The fix was \U0001d5ef\U0001d5fc\U0001d5ff\U0001d5f6\U0001d5fb\U0001d5f4.",
                "Unicode",
            ),
        ],
    )
    def test_markdown_and_unicode_bold_block(self, snippet: str, named: str) -> None:
        post = f"{HOOK}\n\n{snippet}\n\n{POST_BODY}\n\n{TAGS}"
        violations = [v for v in linkedin_rules(post) if v.rule == "linkedin.markdown"]
        assert [v.level for v in violations] == ["block"]
        assert named in violations[0].message

    def test_unicode_bold_word_from_a_generator_blocks(self) -> None:
        post = (
            f"{HOOK}\n\n\U0001d5ef\U0001d5fc\U0001d5f9\U0001d5f1 claims need proof.\n\n{POST_BODY}"
        )
        assert "𝗯𝗼𝗹𝗱" in post  # noqa: RUF001 - the letters a "bold text" generator emits
        assert levels(linkedin_rules(post))["linkedin.markdown"] == "block"

    def test_hashtags_and_numbered_lists_are_not_markdown(self) -> None:
        post = f"{HOOK}\n\n1. Ship small.\n2. Measure.\n\n{POST_BODY}\n\n#AI #Leadership"
        assert "linkedin.markdown" not in levels(linkedin_rules(post))

    @pytest.mark.parametrize(
        ("tags", "level"),
        [
            ("#SaaS #Onboarding #CX", None),
            ("#SaaS #Onboarding #CX #Churn", "warn"),
            ("#SaaS #Onboarding #CX #Churn #Growth", "warn"),
            ("#SaaS #Onboarding #CX #Churn #Growth #Startups", "block"),
        ],
    )
    def test_hashtag_count(self, tags: str, level: str | None) -> None:
        violations = levels(linkedin_rules(f"{HOOK}\n\n{POST_BODY}\n\n{tags}"))
        assert violations.get("linkedin.hashtags") == level
        assert "linkedin.hashtags_position" not in violations

    def test_hashtag_in_the_body_warns(self) -> None:
        post = f"{HOOK}\n\n#AI is rewriting how we hire.\n\n{POST_BODY}\n\n#Hiring"
        assert levels(linkedin_rules(post))["linkedin.hashtags_position"] == "warn"

    def test_text_after_hashtags_on_the_last_line_warns(self) -> None:
        post = f"{HOOK}\n\n{POST_BODY}\n\n#Hiring #HR Thanks for reading!"
        assert levels(linkedin_rules(post))["linkedin.hashtags_position"] == "warn"

    def test_language_names_entities_and_fragments_are_not_hashtags(self) -> None:
        extra = "C# and F# teams, this one is for you. Docs: example.com/guide/#pricing &#39;"
        post = f"{HOOK}\n\n{extra}\n\n{POST_BODY}"
        assert "linkedin.hashtags_position" not in levels(linkedin_rules(post))

    def test_number_sign_before_a_digit_is_not_a_hashtag(self) -> None:
        post = f"{HOOK}\n\nMistake #1: we hired before we wrote the job down.\n\n{POST_BODY}"
        assert "linkedin.hashtags_position" not in levels(linkedin_rules(post))

    @pytest.mark.parametrize(
        "link", ["https://example.com/onboarding-report", "www.example.com/onboarding"]
    )
    def test_url_warns(self, link: str) -> None:
        post = f"{HOOK}\n\nFull write-up: {link}\n\n{POST_BODY}\n\n{TAGS}"
        [violation] = [v for v in linkedin_rules(post) if v.rule == "linkedin.url"]
        assert violation.level == "warn"
        assert "first comment" in violation.message


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
            "Most pricing pages are written once.<br>Then forgotten.",
            'Read <a href="https://example.com/study">the study</a>.',
            "<div style='font-family: Arial'>Hello there</div>",
            "<H2>What we changed</H2>",
        ],
    )
    def test_html_in_body_blocks(self, html: str) -> None:
        assert levels(newsletter(body=html))["newsletter.html"] == "block"

    def test_strong_and_em_tags_are_html(self) -> None:
        body = "<strong>Key takeaway:</strong> put the <em>annual</em> plan first."
        assert levels(newsletter(body=body)).get("newsletter.html") == "block"
        assert levels(newsletter(body="Put the <b>annual</b> plan first.")).get("newsletter.html")

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


# --- blog -----------------------------------------------------------------------------------

TITLE = "How to Price a SaaS Product Without Guesswork"
SLUG = "how-to-price-a-saas-product"
META = (
    "A step-by-step way to set SaaS prices from customer interviews, plan outcomes and "
    "one-change-at-a-time tests, with three worked examples."
)
SENTENCES = [
    "Most teams set their prices once and never revisit them.",
    "That is a mistake, because costs and customers change every quarter.",
    "Start by listing the three outcomes customers actually pay you for.",
    "Then check which plan each outcome sits in today.",
    "If the best outcome hides in the cheapest plan, you are undercharging.",
    "Talk to five recent buyers and ask what almost stopped them.",
    "Write their exact words down and reuse them on the pricing page.",
    "Change one thing at a time and measure it for a full billing cycle.",
]
PARAGRAPH = " ".join(SENTENCES)
LONG_SENTENCE = (
    "When we moved the annual plan from the bottom of the pricing page to the top, the share "
    "of new customers choosing it rose from 18 to 31 percent within a single quarter."
)


def article(
    title: str = TITLE,
    sections: tuple[str, ...] = ("Why prices drift", "Run a pricing review", "Measure it"),
    paragraphs: int = 4,
) -> str:
    parts = [f"# {title}", PARAGRAPH]
    for heading in sections:
        parts.append(f"## {heading}")
        parts.extend([PARAGRAPH] * paragraphs)
    return "\n\n".join(parts) + "\n"


def blog(article_text: str | None = None, **changes) -> list[Violation]:
    args = {
        "title": TITLE,
        "slug": SLUG,
        "meta_description": META,
        "article": article() if article_text is None else article_text,
        "min_words": 1000,
        "max_words": 2000,
    }
    args.update(changes)
    return blog_rules(**args)


class TestBlogRules:
    def test_clean_article_passes(self) -> None:
        assert 30 <= len(TITLE) <= 60
        assert 120 <= len(META) <= 160
        assert 1000 <= word_count(article()) <= 2000
        assert blog() == []
        assert quality.common_rules(f"{TITLE}\n\n{META}\n\n{article()}") == []

    def test_no_h1_blocks(self) -> None:
        text = article().replace(f"# {TITLE}\n", f"{TITLE}\n", 1)
        [violation] = [v for v in blog(text) if v.rule == "blog.h1"]
        assert violation.level == "block"
        assert "0 H1" in violation.message

    def test_two_h1_blocks(self) -> None:
        text = article() + "\n# Conclusion\n\n" + PARAGRAPH + "\n"
        [violation] = [v for v in blog(text) if v.rule == "blog.h1"]
        assert violation.level == "block"
        assert "2 H1" in violation.message

    def test_h1_different_from_title_blocks(self) -> None:
        text = article(title="Pricing Your SaaS Product: A Practical Guide")
        [violation] = [v for v in blog(text) if v.rule == "blog.h1"]
        assert violation.level == "block"
        assert "must be the title" in violation.message

    def test_h1_matching_title_ignoring_case_and_spacing_passes(self) -> None:
        text = article(title="how to price a SaaS product  without guesswork")
        assert "blog.h1" not in levels(blog(text))

    def test_fewer_than_two_h2_blocks(self) -> None:
        text = article(sections=("The whole method",), paragraphs=12)
        assert levels(blog(text))["blog.sections"] == "block"

    def test_skipped_heading_level_warns(self) -> None:
        text = article().replace("## Measure it", "## Measure it\n\n#### Week one", 1)
        [violation] = [v for v in blog(text) if v.rule == "blog.heading_levels"]
        assert violation.level == "warn"
        assert "H2 to H4" in violation.message

    def test_h3_under_h2_is_fine(self) -> None:
        text = article().replace("## Measure it", "## Measure it\n\n### Week one", 1)
        assert blog(text) == []

    def test_headings_inside_fenced_code_are_ignored(self) -> None:
        code = (
            "```bash\n"
            "# install the pricing calculator\n"
            "pip install pricing-calc\n"
            "#### not a heading either\n"
            "```\n"
        )
        text = article().replace("## Measure it", "## Measure it\n\n" + code, 1)
        assert blog(text) == []

    def test_h2_inside_fenced_code_does_not_count_as_a_section(self) -> None:
        code = "```markdown\n## Pricing FAQ\n```\n"
        text = article(sections=("The whole method",), paragraphs=12) + "\n" + code
        assert levels(blog(text))["blog.sections"] == "block"

    @pytest.mark.parametrize(
        "title",
        [
            "Pricing SaaS, done properly",
            "A Practical, Step-by-Step Guide to Pricing Your B2B SaaS Products",
        ],
    )
    def test_title_outside_30_to_60_warns(self, title: str) -> None:
        assert len(title) < 30 or len(title) > 60
        assert levels(blog(article(title=title), title=title))["blog.title_length"] == "warn"

    @pytest.mark.parametrize("length", [30, 60])
    def test_title_bounds_inclusive(self, length: int) -> None:
        title = "How to Price a SaaS Product Without Guesswork or Spreadsheets"[:length].strip()
        title = title.ljust(length, "s")
        assert "blog.title_length" not in levels(blog(article(title=title), title=title))

    @pytest.mark.parametrize("length", [119, 161])
    def test_meta_description_outside_120_to_160_warns(self, length: int) -> None:
        meta = (META + " Includes a checklist and a spreadsheet template.")[:length]
        assert len(meta) == length
        assert levels(blog(meta_description=meta))["blog.meta_description"] == "warn"

    @pytest.mark.parametrize("length", [120, 160])
    def test_meta_description_bounds_inclusive(self, length: int) -> None:
        meta = (META + " Includes a checklist and a spreadsheet template.")[:length]
        assert "blog.meta_description" not in levels(blog(meta_description=meta))

    @pytest.mark.parametrize(
        "slug",
        [
            "How-To-Price-A-SaaS-Product",
            "how_to_price_a_saas_product",
            "how-to-price--a-saas-product",
            "-how-to-price",
            "how-to-price-",
            "how to price",
            "pricing/saas",
            "",
            "how-to-price-a-saas-product-without-guesswork-or-spreadsheets-x",
        ],
    )
    def test_bad_slug_blocks(self, slug: str) -> None:
        assert levels(blog(slug=slug))["blog.slug"] == "block"

    def test_slug_of_exactly_60_characters_passes(self) -> None:
        slug = "how-to-price-a-saas-product-without-guesswork-or-spreadsheet"
        assert len(slug) == 60
        assert "blog.slug" not in levels(blog(slug=slug))

    def test_too_short_article_warns(self) -> None:
        text = article(paragraphs=1)
        assert word_count(text) < 1000
        [violation] = [v for v in blog(text) if v.rule == "blog.length"]
        assert violation.level == "warn"
        assert "aim for 1,000-2,000" in violation.message

    def test_too_long_article_warns(self) -> None:
        text = article(paragraphs=8)
        assert word_count(text) > 2000
        assert levels(blog(text))["blog.length"] == "warn"

    def test_length_bounds_are_configurable(self) -> None:
        text = article(paragraphs=1)
        assert 300 <= word_count(text) <= 600
        assert "blog.length" not in levels(blog(text, min_words=300, max_words=600))
        assert levels(blog(article(), min_words=300, max_words=600))["blog.length"] == "warn"

    def test_headings_do_not_count_as_words(self) -> None:
        text = article(paragraphs=1)  # the intro and three one-paragraph sections
        n = 4 * word_count(PARAGRAPH)
        assert word_count(text) > n
        assert "blog.length" not in levels(blog(text, min_words=n, max_words=n))
        assert "blog.length" in levels(blog(text, min_words=n + 1, max_words=n + 1))

    def test_more_than_a_quarter_long_sentences_warns(self) -> None:
        # 2 of 4 sentences in each paragraph run over 20 words.
        paragraph = " ".join([LONG_SENTENCE, SENTENCES[0], LONG_SENTENCE, SENTENCES[1]])
        text = f"# {TITLE}\n\n{paragraph}\n\n## One\n\n{paragraph}\n\n## Two\n\n{paragraph}\n"
        [violation] = [v for v in blog(text) if v.rule == "blog.readability"]
        assert violation.level == "warn"
        assert "6 of 12 sentences" in violation.message

    def test_a_quarter_long_sentences_is_fine(self) -> None:
        paragraph = " ".join([LONG_SENTENCE, *SENTENCES[:3]])
        text = f"# {TITLE}\n\n{paragraph}\n\n## One\n\n{paragraph}\n\n## Two\n\n{paragraph}\n"
        assert word_count(LONG_SENTENCE) > 20
        assert "blog.readability" not in levels(blog(text))


# --- the quality bar, ranking and feedback --------------------------------------------------


def judgement(**scores: int) -> Judgement:
    """All criteria 5 unless given; a fix only where the score is below 5."""
    fields = {}
    for name in quality.CRITERIA:
        score = scores.get(name, 5)
        fields[name] = CriterionScore(
            score=score,
            evidence=f"evidence for {name}",
            fix="" if score == 5 else f"fix {name.replace('_', ' ')} concretely",
        )
    return Judgement(**fields)


class TestQualityBar:
    def test_passes_when_every_condition_holds(self) -> None:
        assert QualityBar().passes(judgement())
        # Mean exactly 4.0, lowest exactly 3, factual care 5.
        assert QualityBar().passes(
            judgement(relevance=3, hook=4, clarity=4, specificity=4, call_to_action=4)
        )

    def test_fails_on_a_criterion_below_min_score_alone(self) -> None:
        j = judgement(relevance=2)
        assert quality.mean_score(j) >= 4.0
        assert not QualityBar().passes(j)

    def test_fails_on_low_mean_alone(self) -> None:
        j = judgement(relevance=4, hook=4, clarity=3, specificity=3, call_to_action=3)
        assert min(j.scores().values()) >= 3
        assert quality.mean_score(j) < 4.0
        assert not QualityBar().passes(j)

    def test_fails_on_factual_care_below_5_alone(self) -> None:
        j = judgement(factual_care=4)
        assert quality.mean_score(j) >= 4.0
        assert not QualityBar().passes(j)

    def test_thresholds_are_configurable(self) -> None:
        j = judgement(relevance=3)
        assert QualityBar().passes(j)
        assert not QualityBar(min_score=4).passes(j)
        assert not QualityBar(min_mean=4.9).passes(j)

    def test_fixes_list_only_weak_criteria(self) -> None:
        j = judgement(hook=3, clarity=4, specificity=2)
        assert QualityBar().fixes(j) == [
            "hook (3/5): fix hook concretely",
            "specificity (2/5): fix specificity concretely",
        ]

    def test_factual_care_below_5_is_always_a_fix(self) -> None:
        assert QualityBar().fixes(judgement(factual_care=4)) == [
            "factual care (4/5): fix factual care concretely"
        ]

    def test_empty_fix_text_gets_a_default(self) -> None:
        j = judgement(call_to_action=2)
        j = j.model_copy(
            update={"call_to_action": CriterionScore(score=2, evidence="none", fix="  ")}
        )
        assert QualityBar().fixes(j) == ["call to action (2/5): raise this score"]

    def test_passing_judgement_has_no_fixes(self) -> None:
        assert QualityBar().fixes(judgement(clarity=4)) == []

    def test_failing_bar_without_weak_criteria_lists_everything_below_5(self) -> None:
        j = judgement(relevance=4, hook=4, clarity=4, specificity=4, call_to_action=4)
        bar = QualityBar(min_mean=4.5)
        assert not bar.passes(j)
        fixes = bar.fixes(j)
        assert len(fixes) == 5
        assert not any(f.startswith("factual care") for f in fixes)


class TestRank:
    def test_unblocked_beats_blocked_whatever_the_scores(self) -> None:
        weak = judgement(relevance=1, hook=1, clarity=1)
        assert rank(False, weak) > rank(True, judgement())

    def test_then_the_lowest_criterion(self) -> None:
        even = judgement(**{name: 4 for name in quality.CRITERIA})
        spiky = judgement(hook=3)
        assert quality.mean_score(spiky) > quality.mean_score(even)
        assert rank(False, even) > rank(False, spiky)

    def test_then_the_mean(self) -> None:
        assert rank(False, judgement(hook=3)) > rank(False, judgement(hook=3, clarity=4))

    def test_no_judgement_ranks_below_any_judgement(self) -> None:
        assert rank(False, None) == (True, 0, 0.0)
        assert rank(False, judgement(relevance=1)) > rank(False, None)
        assert rank(False, None) > rank(True, judgement())

    def test_best_attempt_is_chosen_by_rank(self) -> None:
        attempts = {
            "blocked but brilliant": (True, judgement()),
            "clean, spiky": (False, judgement(hook=2, clarity=5)),
            "clean, even": (False, judgement(relevance=4, hook=4, clarity=4)),
            "clean, unjudged": (False, None),
        }
        best = max(attempts, key=lambda name: rank(*attempts[name]))
        assert best == "clean, even"


def test_mean_score() -> None:
    assert quality.mean_score(None) is None
    assert quality.mean_score(judgement(hook=4)) == round(29 / 6, 3)


class TestFeedback:
    def test_violations_first_then_editor_fixes(self) -> None:
        violations = [
            Violation("linkedin.hook", "warn", "first sentence is 180 characters"),
            Violation("placeholder", "block", 'placeholder or chatbot leak: "[Your Name]"'),
        ]
        text = feedback(violations, ["hook (3/5): open with the 14-day number"])
        assert text.splitlines() == [
            "- [warn] first sentence is 180 characters",
            '- [block] placeholder or chatbot leak: "[Your Name]"',
            "- [editor] hook (3/5): open with the 14-day number",
        ]

    def test_nothing_flagged_still_gives_direction(self) -> None:
        assert feedback([], []).startswith("- No specific problems")

    def test_violation_as_dict_and_blocking(self) -> None:
        warn = Violation("em_dashes", "warn", "3 em dashes")
        block = Violation("blog.slug", "block", "bad slug")
        assert warn.as_dict() == {"rule": "em_dashes", "level": "warn", "message": "3 em dashes"}
        assert quality.blocking([warn, block]) == [block]


# --- channels -------------------------------------------------------------------------------

CTX = ChannelContext(postal_address=ADDRESS)


def linkedin_draft(**changes) -> LinkedInPost:
    fields = {
        "post": f"{HOOK}\n\n{POST_BODY}",
        "hashtags": ["CustomerSuccess", "SaaS", "Onboarding"],
    }
    fields.update(changes)
    return LinkedInPost(**fields)


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


def blog_draft(**changes) -> BlogPost:
    fields = {"title": TITLE, "slug": SLUG, "meta_description": META, "article": article()}
    fields.update(changes)
    return BlogPost(**fields)


class TestLinkedInChannel:
    channel = CHANNELS["linkedin"]

    def test_clean_draft_passes(self) -> None:
        assert self.channel.check(linkedin_draft(), CTX) == []

    def test_render_puts_hashtags_on_the_last_line_with_one_hash(self) -> None:
        draft = linkedin_draft(hashtags=["CustomerSuccess", "#SaaS", " Onboarding ", " "])
        text = self.channel.render(draft, CTX)
        assert text.endswith("\n\n#CustomerSuccess #SaaS #Onboarding\n")
        assert "##" not in text
        assert linkedin_rules(text) == []

    def test_render_without_hashtags(self) -> None:
        text = self.channel.render(linkedin_draft(hashtags=[]), CTX)
        assert text == f"{HOOK}\n\n{POST_BODY}\n"

    def test_check_sees_shared_and_channel_rules(self) -> None:
        draft = linkedin_draft(
            post=f"{HOOK}\n\n**Three changes** did most of the work.\n\n{POST_BODY}\n\n[Your Name]",
            hashtags=["a", "b", "c", "d", "e", "f"],
        )
        found = levels(self.channel.check(draft, CTX))
        assert found["placeholder"] == "block"
        assert found["linkedin.markdown"] == "block"
        assert found["linkedin.hashtags"] == "block"


class TestNewsletterChannel:
    channel = CHANNELS["newsletter"]

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


class TestBlogChannel:
    channel = CHANNELS["blog"]

    def test_clean_draft_passes(self) -> None:
        assert self.channel.check(blog_draft(), CTX) == []

    def test_blog_length_comes_from_the_context(self) -> None:
        ctx = ChannelContext(blog_min_words=3000, blog_max_words=4000)
        assert levels(self.channel.check(blog_draft(), ctx)) == {"blog.length": "warn"}

    def test_render_has_front_matter_with_json_quoted_title_and_date(self) -> None:
        title = 'Pricing: Why "Good Enough" Beats Perfect'
        draft = blog_draft(title=title, article=article(title=title))
        text = self.channel.render(draft, ChannelContext(day=date(2025, 3, 14)))
        assert text.startswith("---\n")
        front, _, rest = text[4:].partition("\n---\n\n")
        lines = dict(line.split(": ", 1) for line in front.splitlines())
        assert json.loads(lines["title"]) == title
        assert lines["slug"] == SLUG
        assert json.loads(lines["description"]) == META
        assert lines["date"] == "2025-03-14"
        assert rest == article(title=title).strip() + "\n"

    def test_render_without_day_has_no_date(self) -> None:
        text = self.channel.render(blog_draft(), ChannelContext())
        front = text.split("\n---\n", 1)[0]
        assert "date:" not in front
        assert front.startswith("---\ntitle: ")

    def test_mark_simulated_goes_after_front_matter(self) -> None:
        rendered = self.channel.render(blog_draft(), ChannelContext(day=date(2025, 3, 14)))
        marked = mark_simulated(rendered)
        front_end = rendered.index("\n---\n") + len("\n---\n")
        assert marked.startswith(rendered[:front_end])
        assert marked[front_end:].startswith(f"\n{SIMULATED_NOTE}\n")
        assert marked.endswith(rendered[front_end:])


def test_mark_simulated_without_front_matter_goes_on_top() -> None:
    text = CHANNELS["linkedin"].render(linkedin_draft(), CTX)
    assert mark_simulated(text) == f"{SIMULATED_NOTE}\n\n{text}"


def test_channel_files_and_prompts() -> None:
    blog_channel = CHANNELS["blog"]
    assert blog_channel.filename == "blog.md"
    assert blog_channel.prompt("writer") == "blog/writer.md"
    assert list(CHANNELS) == ["linkedin", "newsletter", "blog"]


class TestParseChannels:
    @pytest.mark.parametrize("spec", [None, "", "  "])
    def test_empty_means_all(self, spec: str | None) -> None:
        assert parse_channels(spec) == list(CHANNELS.values())

    def test_order_is_kept(self) -> None:
        assert [c.name for c in parse_channels("blog,linkedin")] == ["blog", "linkedin"]

    def test_duplicates_removed_case_and_spaces_ignored(self) -> None:
        names = [c.name for c in parse_channels(" Blog , linkedin,BLOG,, newsletter ")]
        assert names == ["blog", "linkedin", "newsletter"]

    def test_semicolons_accepted(self) -> None:
        assert [c.name for c in parse_channels("newsletter;blog")] == ["newsletter", "blog"]

    def test_unknown_channel_is_named(self) -> None:
        with pytest.raises(UsageError, match="'twitter'") as info:
            parse_channels("linkedin,twitter")
        assert "linkedin, newsletter, blog" in str(info.value)


def test_hashtags_with_spaces_render_as_one_tag() -> None:
    draft = CHANNELS["linkedin"].schema(post="A post.", hashtags=["Product Management", "#AI", " "])
    text = CHANNELS["linkedin"].render(draft, ChannelContext())
    assert text.rstrip().endswith("\n\n#ProductManagement #AI")
