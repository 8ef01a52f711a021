"""The rules every channel shares: placeholders, overused phrases, em dashes, word counts."""

from __future__ import annotations

import pytest
from helpers import levels, words

from content_gen.quality.rules import em_dashes, overused_phrases, placeholder_leaks
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
