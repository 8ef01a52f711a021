"""The LinkedIn channel: its rules on realistic posts, its schema and its renderer."""

from __future__ import annotations

import pytest
from helpers import levels

from content_gen import channels
from content_gen.channels import ChannelContext
from content_gen.channels.linkedin import LinkedInPost, linkedin_rules
from content_gen.quality import rules as quality

CTX = ChannelContext()


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

    def test_hook_over_210_characters_only_warns(self) -> None:
        hook = (
            "After eleven years of hiring engineers for startups in Berlin, London and Lisbon, "
            "and after reading more than nine thousand CVs, cover letters and take-home tests, "
            "I finally understand why our best people never came from job boards."
        )
        assert len(hook) > 210
        violations = linkedin_rules(f"{hook}\n\n{POST_BODY}\n\n{TAGS}")
        assert levels(violations)["linkedin.hook"] == "warn"

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
            ("The fix was __Boring__: a checklist.", "bold markers"),
            ("The fix was __really boring__: a checklist.", "bold markers"),
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

    @pytest.mark.parametrize(
        "snippet",
        [
            "Python calls __init__ after __new__, which surprised me.",
            "Pass **kwargs through, and 2**10 is 1024.",
            "Our config lives in `__settings__.py` and nobody reads it.",
        ],
    )
    def test_dunder_names_and_arithmetic_are_not_bold(self, snippet: str) -> None:
        post = f"{HOOK}\n\n{snippet}\n\n{POST_BODY}"
        assert "linkedin.markdown" not in levels(linkedin_rules(post))

    def test_hashtags_and_numbered_lists_are_not_markdown(self) -> None:
        post = f"{HOOK}\n\n1. Ship small.\n2. Measure.\n\n{POST_BODY}\n\n#AI #Leadership"
        assert "linkedin.markdown" not in levels(linkedin_rules(post))

    @pytest.mark.parametrize(
        ("tags", "level"),
        [
            ("#SaaS #Onboarding #CX", None),
            ("#SaaS #Onboarding #CX #Churn", "warn"),
            ("#SaaS #Onboarding #CX #Churn #Growth", "warn"),
            # Real posts carry six: too many, but not unpublishable.
            ("#SaaS #Onboarding #CX #Churn #Growth #Startups", "warn"),
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


def linkedin_draft(**changes) -> LinkedInPost:
    fields = {
        "post": f"{HOOK}\n\n{POST_BODY}",
        "hashtags": ["CustomerSuccess", "SaaS", "Onboarding"],
    }
    fields.update(changes)
    return LinkedInPost(**fields)


class TestLinkedInChannel:
    channel = channels.get("linkedin")

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
        assert found["linkedin.hashtags"] == "warn"


def test_hashtags_with_spaces_render_as_one_tag() -> None:
    draft = channels.get("linkedin").schema(
        post="A post.", hashtags=["Product Management", "#AI", " "]
    )
    text = channels.get("linkedin").render(draft, ChannelContext())
    assert text.rstrip().endswith("\n\n#ProductManagement #AI")
