"""The channels' length rules in languages written without spaces (Japanese, Chinese).

Soft targets count a full-width character as two; hard platform caps count characters; word
targets count Japanese and Chinese characters as the fraction of a word they carry.
"""

from __future__ import annotations

from helpers import levels

from content_gen.channels.blog import blog_rules
from content_gen.channels.linkedin import linkedin_rules
from content_gen.channels.newsletter import newsletter_rules

# A plain Japanese sentence of 29 characters (58 wide) and a Chinese one of 17 (34 wide).
JA = "小さなチームでもコードレビューを毎日続けることができます。"
ZH = "小团队每天都可以坚持做代码评审。"
FOOTER_JA = "このメールは登録された方にお送りしています。配信停止はこちらから。"


class TestLinkedIn:
    def test_a_japanese_post_of_400_characters_is_in_the_sweet_spot(self) -> None:
        post = "\n\n".join([JA] * 14)  # 434 characters, 840 wide
        assert 400 < len(post) < 500
        assert "linkedin.length" not in levels(linkedin_rules(post))

    def test_the_platform_cap_counts_characters_whatever_the_script(self) -> None:
        post = "\n\n".join([JA] * 110)  # 3,408 characters
        assert levels(linkedin_rules(post))["linkedin.length"] == "block"

    def test_the_hook_ends_at_a_japanese_full_stop(self) -> None:
        post = JA + "次の文はとても長いのですが、最初の文が短ければフックは短いと見なされます。" * 3
        assert "linkedin.hook" not in levels(linkedin_rules(post))

    def test_a_long_japanese_hook_warns_at_half_the_characters(self) -> None:
        hook = "小さなチームでもコードレビューを毎日続けることができる理由と" * 3  # 87 chars
        assert levels(linkedin_rules(hook + "。\n\n" + JA))["linkedin.hook"] == "warn"


class TestNewsletter:
    def test_japanese_subject_and_preheader_are_measured_by_width(self) -> None:
        found = newsletter_rules(
            "チームでコードレビューを続ける方法",  # 17 characters, too short in English
            "毎日のレビューを続けるための小さな工夫を三つ紹介します",  # 27 characters
            JA * 5,
            FOOTER_JA,
            None,
        )
        assert found == []

    def test_nine_words_is_not_a_measure_of_a_chinese_subject(self) -> None:
        preheader = "每周只需十五分钟就能看到变化的小方法"
        found = newsletter_rules(ZH, preheader, ZH * 5, "退订请点击这里。", None)
        assert "newsletter.subject" not in levels(found)

    def test_unsubscribe_in_the_pieces_language_counts(self) -> None:
        for footer in ("Hier abmelden.", "Darse de baja aquí.", "Se désabonner", FOOTER_JA, "退订"):
            found = newsletter_rules("Ein Betreff, der passt", "x" * 50, "Text.", footer, None)
            assert "newsletter.footer_unsubscribe" not in levels(found), footer
        found = newsletter_rules("Ein Betreff, der passt", "x" * 50, "Text.", "Danke!", None)
        assert levels(found)["newsletter.footer_unsubscribe"] == "block"


class TestBlog:
    def test_a_japanese_article_of_1000_word_equivalents_is_long_enough(self) -> None:
        body = "\n\n".join(["## 一つ目", JA * 40, "## 二つ目", JA * 40, JA * 28])
        article = "# チームでコードレビューを続ける方法\n\n" + body  # ~1,050 words
        found = blog_rules(
            "チームでコードレビューを続ける方法",
            "code-review",
            "小さなチームが毎日コードレビューを続けるための方法を、手順と測り方とともに紹介します。",
            article,
            1000,
            2000,
        )
        assert "blog.length" not in levels(found)
        assert "blog.title_length" not in levels(found)
        assert "blog.meta_description" not in levels(found)
        assert "blog.readability" not in levels(found)  # 29 characters is about 10 words
