"""The channel registry: names, order, parsing, files, and the simulated note."""

from __future__ import annotations

import pytest

from content_gen import channels
from content_gen.channels import ChannelContext, mark_simulated
from content_gen.channels.base import SIMULATED_NOTE
from content_gen.errors import UsageError


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
