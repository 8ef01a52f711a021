"""The blog file per site generator: front matter read with a YAML parser, file names, the
H1 toggle, and (where Hugo and Jekyll are installed) the real generators building it."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
import yaml

from content_gen import channels
from content_gen.channels import ChannelContext
from content_gen.channels.blog import BlogPost
from content_gen.publish.sites import file_name
from tests.helpers import levels

BLOG = channels.get("blog")
DAY = date(2025, 3, 14)
TITLE = 'Pricing pages: what "works" & why'
DESCRIPTION = "Three changes that lifted sign-ups on one pricing page: what to copy, what to skip."


def post(**changes: object) -> BlogPost:
    fields: dict[str, object] = {
        "title": TITLE,
        "slug": "pricing-pages",
        "meta_description": DESCRIPTION,
        "article": f"# {TITLE}\n\nThe point first.\n\n## One\n\nText.\n\n## Two\n\nMore text.",
        "tags": ["pricing", "saas"],
    }
    return BlogPost(**(fields | changes))  # type: ignore[arg-type]


def rendered(generator: str, **ctx: object) -> str:
    return BLOG.render(post(), ChannelContext(day=DAY, site_generator=generator, **ctx))  # type: ignore[arg-type]


def front(text: str) -> dict[str, object]:
    assert text.startswith("---\n")
    block, _, _ = text[4:].partition("\n---\n")
    data = yaml.safe_load(block)
    assert isinstance(data, dict)
    return data


class TestFrontMatterReadWithYaml:
    def test_hugo(self) -> None:
        data = front(rendered("hugo"))
        assert data == {
            "title": TITLE,
            "slug": "pricing-pages",
            "description": DESCRIPTION,
            "date": DAY,
            "draft": True,
            "tags": ["pricing", "saas"],
        }

    def test_jekyll(self) -> None:
        data = front(rendered("jekyll"))
        assert data == {
            "layout": "post",
            "title": TITLE,
            "slug": "pricing-pages",
            "description": DESCRIPTION,
            "date": DAY,
            "tags": ["pricing", "saas"],
            "published": False,  # Jekyll's draft flag: not built until someone flips it
        }

    def test_astro_names_the_date_pubdate(self) -> None:
        data = front(rendered("astro"))
        assert data["pubDate"] == DAY and "date" not in data
        assert data["description"] == DESCRIPTION  # the blog starter's schema requires it
        assert data["draft"] is True

    def test_plain_is_the_tools_own_format(self) -> None:
        data = front(rendered("plain"))
        assert list(data) == ["title", "slug", "description", "date", "tags"]

    @pytest.mark.parametrize("generator", ["plain", "hugo", "jekyll", "astro"])
    def test_no_tags_no_day_no_keys(self, generator: str) -> None:
        text = BLOG.render(post(tags=[]), ChannelContext(site_generator=generator))
        data = front(text)
        assert "tags" not in data and "date" not in data and "pubDate" not in data

    @pytest.mark.parametrize("generator", ["plain", "hugo", "jekyll", "astro"])
    def test_a_hostile_title_stays_one_value(self, generator: str) -> None:
        title = "Yes: no\n---\nlayout: evil # [x] {y} 'z'"
        ctx = ChannelContext(day=DAY, site_generator=generator)
        text = BLOG.render(post(title=title, tags=["a: b", "c"]), ctx)
        data = front(text)
        assert data["title"] == title and data["tags"] == ["a: b", "c"]

    @pytest.mark.parametrize("generator", ["plain", "hugo", "jekyll", "astro"])
    def test_content_gen_reads_back_what_it_wrote(self, generator: str) -> None:
        for h1 in (False, True):
            ctx = ChannelContext(day=DAY, site_generator=generator, blog_h1=h1)
            text = BLOG.render(post(), ctx)
            assert BLOG.read(text, ctx) == post()
            assert [
                v for v in BLOG.check(BLOG.read(text, ctx), ctx, text) if v.rule == "blog.h1"
            ] == []


class TestTitleAsH1:
    def test_off_by_default_since_themes_render_the_title(self) -> None:
        body = rendered("hugo").split("\n---\n", 1)[1]
        assert "\n# " not in "\n" + body and body.lstrip().startswith("The point first.")

    def test_on_when_asked(self) -> None:
        body = rendered("hugo", blog_h1=True).split("\n---\n", 1)[1]
        assert body.lstrip().startswith(f"# {TITLE}\n")

    def test_a_second_h1_in_a_file_still_blocks(self) -> None:
        text = rendered("plain") + "\n# Another title\n"
        assert levels(BLOG.check(BLOG.read(text), ChannelContext(), text))["blog.h1"] == "block"


class TestFileNames:
    def test_jekyll_dates_the_file(self) -> None:
        assert file_name("jekyll", "pricing-pages", DAY) == "2025-03-14-pricing-pages.md"

    @pytest.mark.parametrize("generator", ["plain", "hugo", "astro"])
    def test_the_others_use_the_slug(self, generator: str) -> None:
        assert file_name(generator, "pricing-pages", DAY) == "pricing-pages.md"


# --- the real generators, where Debian's packages are installed --------------------------------
# The YAML tests above are the ones that must pass everywhere; these show the generators agree.


def _need(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        pytest.skip(f"{tool} is not installed (apt-get install {tool})")
    return found


def _write(root: Path, folder: str, generator: str, slug: str, draft: bool) -> None:
    ctx = ChannelContext(day=DAY, site_generator=generator)
    text = BLOG.render(post(slug=slug), ctx)
    if not draft:  # what the site owner does to publish it
        text = text.replace("draft: true", "draft: false").replace(
            "published: false", "published: true"
        )
    (root / folder).mkdir(parents=True, exist_ok=True)
    (root / folder / file_name(generator, slug, DAY)).write_text(text, encoding="utf-8")


def test_hugo_builds_the_live_post_and_leaves_the_draft_out(tmp_path: Path) -> None:
    hugo = _need("hugo")
    (tmp_path / "hugo.yaml").write_text(
        "baseURL: http://127.0.0.1/\ntitle: t\n"
        "disableKinds: [taxonomy, term, RSS, sitemap, robotsTXT, 404]\n"
    )
    layouts = tmp_path / "layouts" / "_default"
    layouts.mkdir(parents=True)
    (layouts / "single.html").write_text(
        '{{ .Title }}|{{ .Date.Format "2006-01-02" }}|{{ .Params.tags }}|{{ .Description }}'
    )
    (layouts / "list.html").write_text("list")
    _write(tmp_path, "content/posts", "hugo", "live-post", draft=False)
    _write(tmp_path, "content/posts", "hugo", "draft-post", draft=True)
    done = subprocess.run([hugo, "--quiet", "-s", str(tmp_path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "public/posts/live-post/index.html").read_text()
    assert page.startswith(
        "Pricing pages: what &#34;works&#34; &amp; why|2025-03-14|[pricing saas]|"
    )
    assert not (tmp_path / "public/posts/draft-post").exists()


def test_jekyll_files_the_post_by_its_name_and_leaves_the_draft_out(tmp_path: Path) -> None:
    jekyll = _need("jekyll")
    (tmp_path / "_config.yml").write_text("title: t\ntimezone: UTC\n")
    (tmp_path / "_layouts").mkdir()
    (tmp_path / "_layouts/post.html").write_text(
        "{{ page.title }}|{{ page.date | date: '%Y-%m-%d' }}|{{ page.tags | join: ',' }}"
    )
    _write(tmp_path, "_posts", "jekyll", "live-post", draft=False)
    _write(tmp_path, "_posts", "jekyll", "draft-post", draft=True)
    site = tmp_path / "_site"
    done = subprocess.run(
        [jekyll, "build", "--quiet", "-s", str(tmp_path), "-d", str(site)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    built = [p for p in site.rglob("*.html")]
    assert [p.relative_to(site).as_posix() for p in built] == ["2025/03/14/live-post.html"]
    assert built[0].read_text().startswith("Pricing pages: what")
