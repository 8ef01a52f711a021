"""Structural tells: each catches its slop and lets real writing through.

Real excerpts come from bench/corpus/ (attribution in bench/corpus/manifest.toml, licence
noted per excerpt); slop excerpts from bench/corpus/slop/, written by hand for the corpus to
imitate machine-made posts.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import levels, words

from content_gen import channels
from content_gen.channels import ChannelContext
from content_gen.quality.tells import load_tells, structural_tells, tell_ids

# tell -> (slop it must catch, at that level)
SLOP = {
    "contrast": (
        # slop/linkedin/li-slop-12 and blog-slop-06
        "Code review is not a quality gate. It's a conversation.\n\n"
        "Incidents are not a failure to hide. It is a lesson to share.\n\n"
        "The difference isn't the checklist. It's whether the reviewer asks first.",
        "block",
    ),
    "question_answer": (
        # slop/linkedin/li-slop-06
        "The goal? Fewer outages.\n\nWe tried everything.\n\nThe result? A quiet pager.",
        "block",
    ),
    "broetry": (
        # slop/linkedin/li-slop-01
        "I almost quit my job last year.\n\nNot because of the pay.\n\nNot because of the "
        "hours.\n\nBecause of one meeting.\n\nMy manager looked at me.\n\nLet that sink in."
        "\n\nI had spent 6 years getting better at Python.\n\nAnd 0 days explaining it.",
        "warn",
    ),
    "engagement_bait": (
        # slop/linkedin/li-slop-01
        "Communication is the real skill for engineers.\n\n"
        "Agree? \u267b\ufe0f Repost to help someone in your network.",
        "block",
    ),
    "generic_closer": (
        # slop/blog/blog-slop-02
        "Start with the handoffs.\n\nWhat's the last migration your team did? "
        "Let me know in the comments below.",
        "warn",
    ),
    "throat_clearing": (
        # slop/newsletter/nl-slop-02
        "Hello again,\n\nIn this issue, we'll explore what teams that ship every week do "
        "differently.",
        "warn",
    ),
    "seasoned": (
        # slop/blog/blog-slop-04
        "Whether you're a seasoned developer or just starting out, these tips will help.",
        "block",
    ),
    "emoji_bullets": (
        # slop/newsletter/nl-slop-03
        "\u2705 pyproject.toml as the single source of truth\n\u2705 uv for environments\n"
        "\u2705 Trusted publishing from CI",
        "warn",
    ),
    "three_fragments": (
        # slop/linkedin/li-slop-12
        "Same tool. Same people. Completely different outcomes.",
        "warn",
    ),
    "lists_of_three": (
        # slop/newsletter/nl-slop-08
        "Great responders are calm, clear and curious. They know what they know, what they "
        "don't and what they do next. The review is short, honest and shared.",
        "warn",
    ),
}

# tell -> real writing it must not report at all
REAL = {
    "contrast": (
        # Rob Pike, "Errors are values" (Go blog, CC-BY-4.0).
        "The discussion here is not about how to avoid checking errors,\nbut about using the "
        "language to handle errors with grace."
    ),
    "question_answer": (
        # This Week in Servo 121 (MPL-2.0), its call to action.
        "Interested in helping build a web browser? Take a look at our curated list of "
        "issues that are good for new contributors!"
    ),
    "broetry": (
        # Krzysztof Sopyla, "Better failures, better questions" (LinkedIn, CC0-1.0).
        "That is probably the biggest thing AI tools changed in my research workflow.\n\n"
        "AI did not give me the answer.\nBut with my custom skills and agents, it helped me "
        "ask much better questions, much faster.\n\nThat changed the quality of my thinking."
    ),
    "engagement_bait": (
        # This Week in Rust 2023-09-06 (CC-BY-SA-4.0).
        "Want something mentioned? Tag us at @ThisWeekInRust on Twitter, or send us a pull "
        "request. Do you agree with this week's quote? Discuss on r/rust."
    ),
    "generic_closer": (
        # Krzysztof Sopyla, "Speech-to-Speech Architectures" (LinkedIn, CC0-1.0).
        "No universal winner.\n\nWhat architecture are you using (or evaluating) for voice "
        "agents in production?"
    ),
    "throat_clearing": (
        # Nushell, "Introducing nushell" (MIT); Flux, "Time-based deployments" (Apache-2.0).
        "In this post, I'll talk about how a few simple ideas drive how Nu works.\n\n"
        "In this post, we show how to use time-based deployment with Flux Operator.\n\n"
        # OpenTelemetry in Focus, July 2023 (CC-BY-4.0).
        "Welcome back to OpenTelemetry in Focus for July, 2023!"
    ),
    "seasoned": "Whether you run Flux on one cluster or on fifty, the upgrade is the same.",
    "emoji_bullets": (
        # Krzysztof Sopyla (CC0-1.0): two emoji lines are a style, not a template.
        "\U0001f9ea Quicker failures lead to better questions.\n\nThat is the change.\n\n"
        "\U0001f9e0 Has AI changed the way you think about your work?"
    ),
    "three_fragments": "It works. We shipped it in March after two rewrites and one long review.",
    # A list of three now and then, as every writer uses them.
    "lists_of_three": "Teams plan, build and test. " + "We wrote the report in March. " * 40,
}


def found(text: str, channel: str | None = None) -> dict[str, str]:
    return levels(structural_tells(text, channel))


@pytest.mark.parametrize("tell", sorted(SLOP))
def test_catches_its_slop(tell: str) -> None:
    text, level = SLOP[tell]
    assert found(text).get(f"tells.{tell}") == level


@pytest.mark.parametrize("tell", sorted(REAL))
def test_lets_real_writing_through(tell: str) -> None:
    assert f"tells.{tell}" not in found(REAL[tell])


def test_every_tell_in_the_data_file_is_tested() -> None:
    ids = {i.removeprefix("tells.") for i in tell_ids()} - {"template"}
    assert ids == set(SLOP) == set(REAL)


def test_a_contrast_in_a_link_title_is_prose_but_only_warns() -> None:
    # This Week in Rust 2020-08-18 (CC-BY-SA-4.0): a linked article's title.
    text = "* [Frustrated? It's not you, it's Rust](https://fasterthanli.me/articles/x)"
    assert found(text) == {"tells.contrast": "warn"}


def test_one_contrast_or_two_is_a_habit_not_a_block() -> None:
    # Haskell Weekly 100 and 200 (MIT): two in one issue.
    text = (
        "It's also sometimes known as the Maybe monad, but this is not a monad tutorial; "
        "it's a functor tutorial.\n\nSockets and Pipes is not an introduction to Haskell; it "
        "is an introduction to writing software in Haskell."
    )
    assert found(text) == {"tells.contrast": "warn"}


class TestTemplate:
    def test_three_kinds_in_one_piece_block(self) -> None:
        # slop/newsletter/nl-slop-08: each tell alone only warns.
        text = (
            "It is not debugging. It is writing clear updates while you debug.\n\n"
            "Great incident responders are calm, clear and curious. They know what they know, "
            "what they don't and what they're doing next.\n\n"
            "The bottom line? Communication beats heroics.\n\n"
            "Afterwards, the review should be short, honest and shared."
        )
        result = structural_tells(text)
        assert levels(result)["tells.template"] == "block"
        [template] = [v for v in result if v.rule == "tells.template"]
        assert "contrast" in template.message and "question_answer" in template.message
        assert all(v.level == "warn" for v in result if v is not template)

    def test_stock_phrases_count_as_one_kind(self) -> None:
        text = (
            "In this issue, we'll explore pricing.\n\nHere's the thing: prices drift.\n\n"
            "\u2705 Review yearly\n\u2705 Test one change\n\u2705 Ask buyers"
        )
        assert found(text)["tells.template"] == "block"

    def test_two_kinds_do_not_block(self) -> None:
        # Real texts carry at most one kind (bench/results.md); two still only warn.
        text = "It's not about tools. It's about habits.\n\nThe result? Fewer bugs."
        assert "tells.template" not in found(text)


def test_a_tell_says_where_it_is() -> None:
    channel = channels.get("linkedin")
    draft = channel.schema(
        post="We shipped it.\n\nThe result? Fewer bugs.\n\nMore later.", hashtags=[]
    )
    [violation] = [
        v for v in channel.check(draft, ChannelContext()) if v.rule == "tells.question_answer"
    ]
    assert (violation.line, violation.column) == (3, 1)
    assert violation.excerpt == "The result? Fewer bugs."


def test_tells_in_code_are_not_read() -> None:
    text = "```\nAgree? Repost this!\nThe result? Chaos.\n```\n\n" + words(40)
    assert found(text) == {}


def test_a_tell_can_be_limited_to_channels(tmp_path: Path) -> None:
    tells = tmp_path / "tells.toml"
    tells.write_text(
        '[[tell]]\nid = "hi"\nphrases = ["hey friend"]\nchannels = ["newsletter"]\n',
        encoding="utf-8",
    )
    assert structural_tells("Hey friend, hi.", "newsletter", tells) != []
    assert structural_tells("Hey friend, hi.", "linkedin", tells) == []


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ('id = "x"\ndetect = "vibes"', "detect must be one of"),
        ('id = "x"\nwhere = "middle"\nphrases = ["a b"]', "where must be one of"),
        ('id = "x"\npatterns = ["("]', "pattern does not compile"),
        ('id = "x"', "give it patterns or phrases"),
        ('phrases = ["a b"]', "missing key 'id'"),
    ],
)
def test_a_mistake_in_the_data_file_names_the_tell(
    tmp_path: Path, entry: str, problem: str
) -> None:
    tells = tmp_path / "tells.toml"
    tells.write_text(f"[[tell]]\n{entry}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=problem) as error:
        load_tells(tells)
    assert str(tells) in str(error.value)
