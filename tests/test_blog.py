"""The blog channel: its rules on realistic articles, its schema and its renderer."""

from __future__ import annotations

import json
from datetime import date

import pytest
from helpers import levels

from content_gen import channels
from content_gen.channels import ChannelContext, mark_simulated
from content_gen.channels.base import SIMULATED_NOTE
from content_gen.channels.blog import BlogPost, blog_rules
from content_gen.quality import rules as quality
from content_gen.quality.rules import Violation
from content_gen.quality.text import word_count

CTX = ChannelContext()


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

    def test_fewer_than_two_h2_only_warns(self) -> None:
        # An essay needs no sections (see test_real_writing for a real one).
        text = article(sections=("The whole method",), paragraphs=12)
        assert levels(blog(text))["blog.sections"] == "warn"

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
        assert levels(blog(text))["blog.sections"] == "warn"

    def test_comments_in_indented_code_are_not_headings(self) -> None:
        code = "    # build it first\n    go build ./...\n"
        text = article().replace("## Measure it", "## Measure it\n\n" + code, 1)
        assert blog(text) == []

    @pytest.mark.parametrize(
        "title",
        ["Pricing", "A Practical, Step-by-Step Guide to Pricing Your B2B SaaS Products"],
    )
    def test_title_outside_10_to_60_warns(self, title: str) -> None:
        assert len(title) < 10 or len(title) > 60
        assert levels(blog(article(title=title), title=title))["blog.title_length"] == "warn"

    def test_a_short_title_is_fine(self) -> None:
        # Real essays are titled "Errors are values" (17 characters).
        title = "Errors are values"
        assert "blog.title_length" not in levels(blog(article(title=title), title=title))

    @pytest.mark.parametrize("length", [10, 60])
    def test_title_bounds_inclusive(self, length: int) -> None:
        title = "How to Price a SaaS Product Without Guesswork or Spreadsheets"[:length].strip()
        title = title.ljust(length, "s")
        assert "blog.title_length" not in levels(blog(article(title=title), title=title))

    @pytest.mark.parametrize("length", [49, 161])
    def test_meta_description_outside_50_to_160_warns(self, length: int) -> None:
        meta = (META + " Includes a checklist and a spreadsheet template.")[:length]
        assert len(meta) == length
        assert levels(blog(meta_description=meta))["blog.meta_description"] == "warn"

    @pytest.mark.parametrize("length", [50, 160])
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
        assert word_count(text) < 750
        [violation] = [v for v in blog(text) if v.rule == "blog.length"]
        assert violation.level == "warn"
        assert "aim for 1,000-2,000" in violation.message

    def test_too_long_article_warns(self) -> None:
        text = article(paragraphs=10)
        assert word_count(text) > 2500
        assert levels(blog(text))["blog.length"] == "warn"

    def test_a_quarter_either_side_of_the_range_is_fine(self) -> None:
        # Real posts run 310 to 2,385 words; 900 is no reason to warn about a 1,000 aim.
        text = article(paragraphs=3)
        assert 750 <= word_count(text) < 1000
        assert "blog.length" not in levels(blog(text))

    def test_length_bounds_are_configurable(self) -> None:
        text = article(paragraphs=1)
        assert 300 <= word_count(text) <= 600
        assert "blog.length" not in levels(blog(text, min_words=300, max_words=600))
        assert levels(blog(article(), min_words=300, max_words=600))["blog.length"] == "warn"

    def test_headings_and_code_do_not_count_as_words(self) -> None:
        text = article(paragraphs=1)  # the intro and three one-paragraph sections
        text += "\n```python\nprint('these words are code, not prose')\n```\n"
        n = 4 * word_count(PARAGRAPH)
        assert word_count(text) > n
        [violation] = [v for v in blog(text, min_words=5000) if v.rule == "blog.length"]
        assert violation.message.startswith(f"{n} words;")

    def test_more_than_half_long_sentences_warns(self) -> None:
        # 3 of 4 sentences in each paragraph run over 20 words.
        paragraph = " ".join([LONG_SENTENCE, SENTENCES[0], LONG_SENTENCE, LONG_SENTENCE])
        text = f"# {TITLE}\n\n{paragraph}\n\n## One\n\n{paragraph}\n\n## Two\n\n{paragraph}\n"
        [violation] = [v for v in blog(text) if v.rule == "blog.readability"]
        assert violation.level == "warn"
        assert "9 of 12 sentences" in violation.message

    def test_half_long_sentences_is_fine(self) -> None:
        # Real technical posts have a third of their sentences over 20 words (the median).
        paragraph = " ".join([LONG_SENTENCE, LONG_SENTENCE, *SENTENCES[:2]])
        text = f"# {TITLE}\n\n{paragraph}\n\n## One\n\n{paragraph}\n\n## Two\n\n{paragraph}\n"
        assert word_count(LONG_SENTENCE) > 20
        assert "blog.readability" not in levels(blog(text))


def blog_draft(**changes) -> BlogPost:
    fields = {"title": TITLE, "slug": SLUG, "meta_description": META, "article": article()}
    fields.update(changes)
    return BlogPost(**fields)


class TestBlogChannel:
    channel = channels.get("blog")

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
        # Without CONTENT_GEN_BLOG_H1 the file leaves out the H1: the theme renders the title.
        assert rest == article(title=title).strip().split("\n", 1)[1].strip() + "\n"

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


def test_a_slug_cannot_inject_front_matter() -> None:
    # A slug from the model with a newline once added `layout:` and `permalink:` keys.
    draft = blog_draft(slug="x\nlayout: evil\npermalink: /admin/")
    text = channels.get("blog").render(draft, ChannelContext(day=date(2025, 3, 14)))
    front = text[4:].split("\n---\n", 1)[0]
    keys = [line.split(":", 1)[0] for line in front.splitlines()]
    assert keys == ["title", "slug", "description", "date"]
    assert "slug: how-to-price-a-saas-product-without-guesswork\n" in text
