"""What the prose rules read: code, URLs and link syntax blanked out, positions kept."""

from __future__ import annotations

import pytest

from content_gen.quality.text import (
    characters,
    code_view,
    excerpt,
    has_cjk,
    line_and_column,
    prose_view,
    sentences,
    width,
    word_count,
    word_equivalents,
)


def blanked(view: str, text: str, part: str) -> bool:
    start = text.index(part)
    return view[start : start + len(part)].strip() == ""


class TestViewsKeepPositions:
    @pytest.mark.parametrize(
        "text",
        [
            "plain words\n\n```\ncode\n```\n\nmore `x` words https://e.org/a",
            "tabs\n\n\tindented\n\n[a][b]\n\n[b]: https://x.y",
            "",
        ],
    )
    def test_same_length_and_line_breaks(self, text: str) -> None:
        for view in (code_view(text), prose_view(text)):
            assert len(view) == len(text)
            assert [i for i, c in enumerate(view) if c == "\n"] == [
                i for i, c in enumerate(text) if c == "\n"
            ]


class TestCode:
    def test_fenced_blocks_with_backticks_or_tildes(self) -> None:
        text = "Before.\n\n```yaml\nkey: ${{ secrets.KEY }}\n```\n\n~~~\nrobust\n~~~\n\nAfter."
        view = code_view(text)
        assert blanked(view, text, "key: ${{ secrets.KEY }}")
        assert blanked(view, text, "robust")
        assert "Before." in view and "After." in view

    def test_an_unclosed_fence_runs_to_the_end(self) -> None:
        text = "Intro.\n\n```\nstill code\n"
        assert blanked(code_view(text), text, "still code")

    def test_indented_code_after_a_blank_line(self) -> None:
        # The Go blog indents its code with a tab (go-errors-are-values, CC-BY-4.0).
        text = "Consider this:\n\n\tif err != nil {\n\t\treturn err\n\t}\n\nThat is all."
        view = code_view(text)
        assert blanked(view, text, "if err != nil {")
        assert "That is all." in view

    def test_a_list_items_continuation_is_not_code(self) -> None:
        text = "- first item\n\n    more about the first item\n"
        assert "more about the first item" in code_view(text)

    def test_code_spans_and_html_comments(self) -> None:
        text = "Call `__init__` or ``a ` b``.\n<!-- Dear contributors: robust -->\nDone."
        view = code_view(text)
        assert blanked(view, text, "`__init__`")
        assert blanked(view, text, "``a ` b``")
        assert blanked(view, text, "<!-- Dear contributors: robust -->")


class TestProse:
    def test_urls_domains_and_addresses(self) -> None:
        text = "See https://example.com/robust, www.x.org/a, delvingbitcoin.org or me@x.io."
        view = prose_view(text)
        for part in ("https://example.com/robust", "www.x.org/a", "delvingbitcoin.org", "me@x.io"):
            assert blanked(view, text, part), part
        assert view.startswith("See ")

    def test_links_keep_their_text_and_lose_their_syntax(self) -> None:
        text = "Read [the guide](https://x.org/g) and [Add a macro][rfc466].\n\n[rfc466]: https://r.org"
        view = prose_view(text)
        assert "the guide" in view and "Add a macro" in view
        assert "[" not in view and "]" not in view and "https" not in view

    def test_a_bare_label_with_a_definition_is_a_link(self) -> None:
        text = "See [Add a lint] for details.\n\n[Add a lint]: https://x.org"
        assert "[" not in prose_view(text)
        assert "[Your Name]" in prose_view("Signed, [Your Name]")

    def test_footnotes(self) -> None:
        text = "A claim.[^1]\n\n[^1]: The source."
        assert "[^1]" not in prose_view(text)


def test_line_and_column_and_excerpt() -> None:
    text = "one\ntwo three\n"
    assert line_and_column(text, text.index("three")) == (2, 5)
    assert line_and_column(text, 0) == (1, 1)
    assert excerpt(text, text.index("two")) == "two three"
    assert excerpt(text, 4, 7) == "two"
    assert excerpt("x" * 80, 0) == "x" * 50


class TestWordsInAnyScript:
    """Japanese and Chinese have no spaces: characters count as the part of a word they carry."""

    def test_latin_scripts_count_words_as_before(self) -> None:
        assert word_count("Die Mitwirkenden haben das Projekt weiterentwickelt.") == 6
        assert word_count("We shipped 3 releases in 2026") == 6

    def test_japanese_counts_three_characters_a_word(self) -> None:
        # 18 kana and kanji plus one Latin name: 18 / 3 + 1.
        assert word_equivalents("React チームによって開発されたライブラです") == 7.0

    def test_chinese_counts_one_point_six_characters_a_word(self) -> None:
        assert word_equivalents("我们的团队正在开发新的功能") == pytest.approx(13 / 1.6)

    def test_a_japanese_article_is_not_a_quarter_of_its_length(self) -> None:
        sentence = "小さなチームでもコードレビューを毎日続けることができます。"
        assert word_count(sentence * 100) == pytest.approx(900, rel=0.05)

    def test_sentences_end_at_cjk_full_stops_without_a_space(self) -> None:
        text = "これは最初の文です。次の文！最後の文？「引用です。」Done. ok"
        assert sentences(text) == [
            "これは最初の文です。",
            "次の文！",
            "最後の文？",
            "「引用です。",  # closing quotes go with the break, as after "."
            "Done.",
            "ok",
        ]

    def test_width_counts_full_width_characters_twice(self) -> None:
        assert width("abc") == 3 and characters("abc") == "3 characters"
        assert width("日本語。") == 8
        assert characters("日本語") == "3 characters (6 counting each full-width one as two)"
        assert has_cjk("React は") and not has_cjk("한국어 and Ελληνικά")
