"""`content-gen publish wordpress` against a real WordPress (Debian's package, tests/
wordpress_site.py): one draft per approved post, never two, the platform's errors one line,
recorded and tried again, and the application password nowhere."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import TEST_KEY, Sleeps, clean_env

from content_gen.cli import main
from content_gen.fake import FakeGemini


@pytest.fixture
def site(wordpress: Any, env: FakeGemini, monkeypatch) -> Any:
    monkeypatch.setenv("CONTENT_GEN_WORDPRESS_URL", wordpress.url)
    monkeypatch.setenv("CONTENT_GEN_WORDPRESS_USER", wordpress.user)
    monkeypatch.setenv("CONTENT_GEN_WORDPRESS_APP_PASSWORD", wordpress.password)
    return wordpress


def blog_run(sleeps: Sleeps, topic: str) -> Path:
    """A blog post written through the fake Gemini and approved, as the review page would."""
    argv = ["generate", topic, "--channels", "blog", "--out", "out"]
    assert main(argv, sleep=sleeps) == 0
    (run,) = Path("out").glob(f"*-{topic.lower().replace(' ', '-')}*")
    approve(run)
    return run


def approve(run: Path) -> None:
    data = json.loads((run / "run.json").read_text())
    data["channels"]["blog"]["review"] = {"state": "approved", "at": "2026-12-01T09:00:00Z"}
    (run / "run.json").write_text(json.dumps(data))


def record(run: Path) -> dict[str, Any]:
    return json.loads((run / "run.json").read_text())["channels"]["blog"]["exports"]["wordpress"]


def slug(run: Path) -> str:
    front = (run / "blog.md").read_text().split("\n---\n")[0]
    return next(line[6:] for line in front.splitlines() if line.startswith("slug: "))


def posts(site: Any, run: Path) -> list[dict[str, Any]]:
    """The site's posts with the run's slug or one WordPress made from it ("<slug>-2"),
    straight from WordPress, not through the client under test."""
    found = json.loads(
        site.php(
            "echo json_encode(array_map(fn($p) => ['id' => $p->ID, 'slug' => $p->post_name, "
            "'status' => $p->post_status, 'title' => $p->post_title, "
            "'content' => $p->post_content, 'excerpt' => $p->post_excerpt], "
            "get_posts(['post_status' => 'any', 'numberposts' => -1])));"
        )
    )
    return [p for p in found if p["slug"].startswith(slug(run))]


def publish(*args: str) -> int:
    return main(["publish", "wordpress", *args])


def test_an_approved_post_becomes_one_draft_and_a_rerun_sends_nothing(site, sleeps, capsys):
    run = blog_run(sleeps, "WordPress drafts from approved posts")
    assert publish(str(run)) == 0
    (post,) = posts(site, run)
    assert post["status"] == "draft"
    assert post["title"] == "WordPress drafts from approved posts"
    assert "<h2>Why this matters now</h2>" in post["content"]
    assert "<h1>" not in post["content"]  # the theme renders the title
    assert post["excerpt"].startswith("A practical four-week plan for small teams")
    done = record(run)
    assert (done["state"], done["post_id"], done["status"]) == ("done", post["id"], "draft")
    assert "1 drafts created" in capsys.readouterr().out

    assert publish(str(run)) == 0
    assert len(posts(site, run)) == 1
    assert "1 drafts made before" in capsys.readouterr().out


def test_a_platform_error_is_one_line_recorded_and_retried(site, sleeps, capsys, monkeypatch):
    run = blog_run(sleeps, "WordPress errors are recorded")
    monkeypatch.setenv("CONTENT_GEN_WORDPRESS_APP_PASSWORD", "wrong pass word here 1234")
    assert publish(str(run)) == 1
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if line.startswith(f"- {run.name}: "))
    assert line.endswith("wordpress: HTTP 401 rest_not_logged_in: You are not currently logged in.")
    failed = record(run)
    assert (failed["state"], failed["tries"]) == ("failed", 1)
    assert "\n" not in failed["error"] and "rest_not_logged_in" in failed["error"]
    assert posts(site, run) == []

    monkeypatch.setenv("CONTENT_GEN_WORDPRESS_APP_PASSWORD", site.password)
    assert publish(str(run)) == 0
    (post,) = posts(site, run)
    assert record(run)["post_id"] == post["id"]
    written = "".join(p.read_text() for p in Path("out").rglob("*") if p.is_file())
    assert site.password not in written and site.password not in out


# Dies (kill -9) the moment WordPress has made the draft, before run.json records it.
_DIE_AFTER_CREATE = """
import os, sys
from content_gen.publish import wordpress
real = wordpress.WordPress.create_draft
def create_draft(self, *args, **kwargs):
    real(self, *args, **kwargs)
    os._exit(137)
wordpress.WordPress.create_draft = create_draft
from content_gen.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_killed_between_create_and_record_a_rerun_makes_no_second_draft(site, sleeps, capsys):
    run = blog_run(sleeps, "WordPress drafts survive a kill")
    settings = {
        "CONTENT_GEN_WORDPRESS_URL": site.url,
        "CONTENT_GEN_WORDPRESS_USER": site.user,
        "CONTENT_GEN_WORDPRESS_APP_PASSWORD": site.password,
    }
    killed = subprocess.run(
        [sys.executable, "-c", _DIE_AFTER_CREATE, "publish", "wordpress", str(run)],
        env=clean_env() | settings | {"GEMINI_API_KEY": TEST_KEY},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert killed.returncode == 137, killed.stderr
    (made,) = posts(site, run)
    assert "exports" not in json.loads((run / "run.json").read_text())["channels"]["blog"]

    assert publish(str(run)) == 0
    assert posts(site, run) == [made]  # found by its slug and recorded: no "<slug>-2"
    assert record(run)["post_id"] == made["id"]
    assert "1 found on the site (now recorded)" in capsys.readouterr().out


def test_another_post_with_the_slug_is_reported_not_duplicated(site, sleeps, capsys):
    run = blog_run(sleeps, "WordPress slugs that clash")
    site.php(
        f"wp_insert_post(['post_title' => 'Someone else', 'post_name' => '{slug(run)}', "
        "'post_status' => 'draft', 'post_content' => 'Theirs.']);"
    )
    assert publish(str(run)) == 1
    assert [p["title"] for p in posts(site, run)] == ["Someone else"]
    assert "is not this piece; nothing was created" in capsys.readouterr().out
    assert record(run)["state"] == "failed"


def test_a_calendars_drafts_are_in_its_ledger(site, sleeps) -> None:
    Path("cal.csv").write_text("date,topic,channels\n2026-11-20,WordPress from a calendar,blog\n")
    calendar = ["calendar", "run", "cal.csv", "--out", "out", "--today", "2026-11-21"]
    assert main(calendar, sleep=sleeps) == 0
    assert publish("--calendar", "cal.csv", "--out", "out", "--all") == 0
    (run,) = Path("out").glob("2026-11-20-*")
    (post,) = posts(site, run)
    db = sqlite3.connect("out/ledger.sqlite")
    (row,) = db.execute("SELECT destination, state, remote_id FROM exports").fetchall()
    db.close()
    assert row == ("wordpress", "done", str(post["id"]))


def test_a_site_that_cannot_be_reached_is_one_line(env, sleeps, capsys, monkeypatch) -> None:
    run = blog_run(sleeps, "WordPress that is down")
    monkeypatch.setenv("CONTENT_GEN_WORDPRESS_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("CONTENT_GEN_WORDPRESS_USER", "admin")
    monkeypatch.setenv("CONTENT_GEN_WORDPRESS_APP_PASSWORD", "abcd efgh ijkl mnop")
    assert publish(str(run)) == 1
    assert "wordpress: cannot reach http://127.0.0.1:9: " in capsys.readouterr().out
    assert record(run)["tries"] == 1
    assert publish(str(run)) == 1
    assert record(run)["tries"] == 2
