"""The rules every channel shares: placeholders, overused phrases, em dashes, word counts."""

from __future__ import annotations

import pytest
from helpers import levels, words

from content_gen.quality.rules import (
    Violation,
    em_dashes,
    locate,
    overused_phrases,
    placeholder_leaks,
)
from content_gen.quality.text import word_count

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

    def test_one_stock_phrase_warns(self) -> None:
        text = "In today's fast-paced world, support teams drown in tickets. " + words(150)
        [violation] = overused_phrases(text)
        assert violation.rule == "overused_phrases"
        assert violation.level == "warn"
        assert '"in today\'s fast-paced world"' in violation.message
        assert "1 distinct" in violation.message
        assert violation.excerpt == "In today's fast-paced world, support teams drown i"

    def test_two_distinct_stock_phrases_block(self) -> None:
        text = (
            "Let's dive in. "
            + words(200)
            + " Here's the thing: write the help page before you hire."
        )
        [violation] = overused_phrases(text)
        assert violation.level == "block"
        assert "2 distinct" in violation.message

    def test_one_everyday_word_says_nothing(self) -> None:
        text = "Moreover, the new billing page cut refund requests in half. " + words(150)
        assert overused_phrases(text) == []

    def test_everyday_words_only_ever_warn(self) -> None:
        text = (
            "Moreover, we leverage a robust, seamless and crucial help center. "
            "Furthermore, it is robust. " + words(60)
        )
        [violation] = overused_phrases(text)
        assert violation.rule == "overused_words"
        assert violation.level == "warn"
        assert "6 distinct" in violation.message
        assert '"robust" x2' in violation.message

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
        text = "Clear billing plays a crucial role in retention. Robust, too. " + words(150)
        found = levels(overused_phrases(text))
        assert found == {"overused_phrases": "warn"}
        [violation] = overused_phrases(text)
        assert '"plays a crucial role"' in violation.message
        assert '"crucial"' not in violation.message

    def test_custom_phrases_file(self, tmp_path) -> None:
        phrases = tmp_path / "phrases.txt"
        phrases.write_text(
            "# our house list\n\n[tells]\ncircle back\nsynergize\n[words]\nsoon\nlater\n",
            encoding="utf-8",
        )
        [violation] = overused_phrases("Let's circle back on pricing next week.", phrases)
        assert '"circle back"' in violation.message
        assert overused_phrases("Moreover, it is fine.", phrases) == []
        assert levels(overused_phrases("We synergize. We circle back.", phrases)) == {
            "overused_phrases": "block"
        }
        assert levels(overused_phrases("Soon, or later.", phrases)) == {"overused_words": "warn"}

    def test_without_sections_single_words_are_everyday_and_phrases_are_tells(
        self, tmp_path
    ) -> None:
        phrases = tmp_path / "phrases.txt"
        phrases.write_text("circle back\ntouch base\nsoon\n", encoding="utf-8")
        assert levels(overused_phrases("We circle back soon, then touch base.", phrases)) == {
            "overused_phrases": "block"
        }
        assert overused_phrases("Soon.", phrases) == []

    def test_elevator_pitch_is_not_elevate(self) -> None:
        text = "Your elevator pitch should fit in 30 seconds. Robust. " + words(150)
        assert overused_phrases(text) == []

    def test_plural_synergies_counts_as_synergy(self) -> None:
        text = "The merger will unlock synergies across both robust sales teams. " + words(150)
        [violation] = overused_phrases(text)
        assert '"synergy"' in violation.message


# --- where prose ends: code, URLs, links and names -----------------------------------------


class TestProseOnly:
    def test_words_in_code_and_urls_are_not_prose(self) -> None:
        text = (
            "Call `leverage_robust_mode()` first, as the docs at "
            "https://example.com/robust-seamless-leverage explain.\n\n"
            "```python\nrobust = seamless = crucial = True\n```\n\n"
            "    furthermore = moreover\n\n" + words(50)
        )
        assert overused_phrases(text) == []

    @pytest.mark.parametrize(
        "text",
        [
            # Delve is a Go debugger, Harness a company (both from issue 10's examples).
            "Run the program under Delve and set a breakpoint. Then we use Harness to deploy it.",
            # Domains and names that merely contain the word.
            "The discussion moved to delvingbitcoin.org and the Robust Intelligence team.",
        ],
    )
    def test_a_name_is_not_the_word(self, text: str) -> None:
        from content_gen.quality.rules import default_phrases_file, find_phrases, load_phrases

        hits, _ = find_phrases(text, load_phrases(default_phrases_file()))
        assert hits == {}

    def test_the_word_at_the_start_of_a_sentence_still_counts(self) -> None:
        text = "Delve into the data. Robust results follow. Moreover, it scales."
        [violation] = [v for v in overused_phrases(text) if v.rule == "overused_words"]
        assert "2 distinct" in violation.message

    @pytest.mark.parametrize(
        "text",
        [
            # This Week in Rust's RFC lists (issue 10: "blocked in 143 issues for this").
            '* [Add "function name macro"][rfc466]\n\n[rfc466]: https://github.com/rust-lang/rfcs/pull/466',
            "* [Add a lint for unused imports] and more.\n\n[Add a lint for unused imports]: https://x.org",
            # A GitHub Actions expression and a JSX object, even outside code (issue 10).
            "Set GEMINI_API_KEY: ${{ secrets.GEMINI_API_KEY }} in the workflow.",
            "Pass style={{ color }} to the component.",
            "```jsx\n<div style={{ color: 'red' }}>{{ name }}</div>\n```",
            "Template: `Hello {{first_name}}` renders the name.",
        ],
    )
    def test_code_links_and_expressions_are_not_placeholders(self, text: str) -> None:
        assert placeholder_leaks(text) == []

    def test_a_placeholder_is_found_and_located(self) -> None:
        text = "Thanks for reading!\n\nBest,\n[Your Name]"
        [violation] = placeholder_leaks(text)
        assert violation.excerpt == "[Your Name]"
        [located] = locate([violation], text)
        assert (located.line, located.column) == (4, 1)


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


def test_em_dashes_in_code_are_not_counted() -> None:
    text = "```\na \u2014 b \u2014 c \u2014 d\n```\n\n" + words(50)
    assert em_dashes(text) == []


def test_located_violation_as_dict_keeps_the_old_keys_and_adds_where() -> None:
    plain = Violation("em_dashes", "warn", "3 em dashes")
    assert plain.as_dict() == {"rule": "em_dashes", "level": "warn", "message": "3 em dashes"}
    [found] = locate([Violation("x", "block", "m", excerpt="second")], "first\nthe second")
    assert found.as_dict() == {
        "rule": "x",
        "level": "block",
        "message": "m",
        "line": 2,
        "column": 5,
        "excerpt": "second",
    }


def test_locate_prefers_the_place_a_reader_reads() -> None:
    text = "`robust` in code\n\nand robust in prose"
    [found] = locate([Violation("overused_words", "warn", "m", excerpt="robust")], text)
    assert (found.line, found.column) == (3, 5)


def test_word_count_of_plain_prose() -> None:
    assert word_count("Don\u2019t ship on Fridays: it's 3x riskier, says Zo\u00eb.") == 9
