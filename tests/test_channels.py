"""The channel registry: names, order, parsing, files, and the simulated note."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from content_gen import channels
from content_gen.channels import ChannelContext, mark_simulated
from content_gen.channels.base import SIMULATED_NOTE
from content_gen.errors import FormatError, UsageError


def test_mark_simulated_without_front_matter_goes_on_top() -> None:
    linkedin = channels.get("linkedin")
    text = linkedin.render(linkedin.schema(post="A post.", hashtags=["AI"]), ChannelContext())
    assert mark_simulated(text) == f"{SIMULATED_NOTE}\n\n{text}"


def test_channel_files_and_prompts() -> None:
    blog_channel = channels.get("blog")
    assert blog_channel.filename == "blog.md"
    assert blog_channel.prompt("writer") == "blog/writer.md"
    assert channels.names() == ("linkedin", "newsletter", "blog")


class TestParseChannels:
    @pytest.mark.parametrize("spec", [None, "", "  "])
    def test_empty_means_all(self, spec: str | None) -> None:
        assert channels.parse(spec) == [channels.get(n) for n in channels.names()]

    def test_order_is_kept(self) -> None:
        assert [c.name for c in channels.parse("blog,linkedin")] == ["blog", "linkedin"]

    def test_duplicates_removed_case_and_spaces_ignored(self) -> None:
        names = [c.name for c in channels.parse(" Blog , linkedin,BLOG,, newsletter ")]
        assert names == ["blog", "linkedin", "newsletter"]

    def test_semicolons_accepted(self) -> None:
        assert [c.name for c in channels.parse("newsletter;blog")] == ["newsletter", "blog"]

    def test_unknown_channel_is_named(self) -> None:
        with pytest.raises(UsageError, match="'twitter'") as info:
            channels.parse("linkedin,twitter")
        assert "linkedin, newsletter, blog" in str(info.value)


# --- reading a channel's own files back -----------------------------------------------------

DAY = ChannelContext(day=date(2026, 11, 21))


def fake_drafts() -> list[tuple[str, object]]:
    from content_gen.fake.prose import WRITERS

    return [
        (name, channels.get(name).schema(**writer("How teams adopt AI", "1 Main St", revised)))
        for name, writer in WRITERS.items()
        for revised in (False, True)
    ]


class TestReadingFiles:
    @pytest.mark.parametrize(("name", "draft"), fake_drafts())
    def test_what_render_writes_reads_back_as_the_same_draft(self, name, draft) -> None:
        channel = channels.get(name)
        text = channel.render(draft, DAY)
        assert channel.read(text) == draft
        assert channel.read(mark_simulated(text)) == draft  # --offline's note is not content

    @pytest.mark.parametrize(
        ("filename", "channel"),
        [
            ("linkedin.md", "linkedin"),
            ("2026-01-05-onboarding.newsletter.md", "newsletter"),
            ("Essay.BLOG.md", "blog"),
            ("blog.txt", None),
            ("run.json", None),
            ("myblog.md", None),
        ],
    )
    def test_the_file_name_says_the_channel(self, filename: str, channel: str | None) -> None:
        assert channels.for_file(filename) == channel

    def test_a_post_without_a_hashtag_line_is_all_post(self) -> None:
        draft = channels.get("linkedin").read("One line.\n\nMore #inline text.\n")
        assert (draft.post, draft.hashtags) == ("One line.\n\nMore #inline text.", [])

    def test_a_hashtag_line_becomes_the_hashtags(self) -> None:
        draft = channels.get("linkedin").read("One line.\n#AI #Teams\n")
        assert (draft.post, draft.hashtags) == ("One line.", ["AI", "Teams"])

    def test_blog_front_matter_in_yaml_quotes_or_plain(self) -> None:
        text = (
            "---\ntitle: 'It''s a title'\nslug: its-a-title\ndescription: plain words here\n"
            "tags: [a, b]\n---\n\n# It's a title\n\nBody.\n"
        )
        draft = channels.get("blog").read(text)
        assert draft.title == "It's a title"
        assert draft.meta_description == "plain words here"
        assert draft.article == "# It's a title\n\nBody."

    def test_newsletter_without_preheader_reads_as_an_empty_one(self) -> None:
        text = "Subject: Hello there, readers\n\nBody.\n\nReply today.\n\n---\n\nUnsubscribe.\n"
        draft = channels.get("newsletter").read(text)
        assert (draft.preheader, draft.body, draft.call_to_action, draft.footer) == (
            "",
            "Body.",
            "Reply today.",
            "Unsubscribe.",
        )

    @pytest.mark.parametrize(
        ("name", "text", "reason"),
        [
            ("linkedin", "  \n\n", "the post is empty"),
            ("newsletter", "Hello,\n\nBody.\n\n---\n\nFooter", 'no "Subject:" line'),
            ("newsletter", "Subject: Hi there\nPreheader: A line\n\nBody only.", 'no "---" line'),
            ("blog", "# Title\n\nBody.", "no front matter"),
            ("blog", "---\ntitle: x\n\n# x\n", 'no closing "---"'),
            ("blog", "---\nslug: x\n---\n\n# x\n", "no title"),
        ],
    )
    def test_a_file_in_another_shape_says_why(self, name: str, text: str, reason: str) -> None:
        with pytest.raises(FormatError, match=reason):
            channels.get(name).read(text)

    def test_a_channel_without_a_parser_says_so(self) -> None:
        bare = dataclasses.replace(channels.get("linkedin"), name="thread", parse=None)
        with pytest.raises(FormatError, match="no parser"):
            bare.read("text")


@pytest.mark.parametrize(("name", "draft"), fake_drafts())
def test_the_offline_drafts_pass_every_blocking_rule(name, draft) -> None:
    # Drafts and revisions alike, with the postal address the prompt may give.
    ctx = ChannelContext(postal_address="1 Main St")
    assert [v for v in channels.get(name).check(draft, ctx) if v.level == "block"] == []
