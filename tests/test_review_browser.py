"""The review page as a person uses it, in Debian's Chromium driven by Playwright.

Each test writes real runs through the pipeline and the fake Gemini, opens the page the
command would print, and checks the files and run.json afterwards. A screenshot of each view
goes to $REVIEW_SCREENSHOTS (or a temporary folder); README's two images come from here.
"""

from __future__ import annotations

import json
import os
import re
import statistics
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import Sleeps
from reviewing import TOPIC, serve, write_run

from content_gen.fake import FAIL, PASS, FakeGemini
from content_gen.review.server import ReviewServer
from content_gen.storage import RunDir

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the browser fixture fails in CI; on a laptop without it, skip
    if os.environ.get("CI"):
        raise
    pytest.skip("playwright is not installed (pip install -e '.[test]')", allow_module_level=True)

SECOND_TOPIC = "Writing a one-page project brief people actually read"
#: How the fake's revised LinkedIn post opens.
REVISED = "The first step is smaller than most teams think."
#: The fake judge's mean score for a piece that passes.
PASSED = round(statistics.fmean(PASS.values()), 3)


@pytest.fixture
def runs(env: FakeGemini, sleeps: Sleeps) -> list[Path]:
    older = write_run(sleeps, SECOND_TOPIC)
    older = older.rename(older.with_name("2026-11-30-" + older.name[11:]))  # days apart
    env.scores("newsletter", FAIL)  # one piece with a revision, so attempts have a diff
    return [older, write_run(sleeps)]


@pytest.fixture
def server(runs: list[Path], env: FakeGemini, sleeps: Sleeps) -> Iterator[ReviewServer]:
    page = serve(runs[0].parent, env, sleeps)
    yield page
    page.close()


@pytest.fixture
def page(browser: Any, server: ReviewServer) -> Iterator[Page]:
    """A fresh browser context per test, allowed the clipboard, failing on any page error."""
    context = browser.new_context(viewport={"width": 1360, "height": 1000})
    context.grant_permissions(
        ["clipboard-read", "clipboard-write"], origin=f"http://127.0.0.1:{server.port}"
    )
    context.set_default_timeout(10_000)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    tab.on("dialog", lambda dialog: errors.append(f"a dialog opened: {dialog.message}"))
    yield tab
    context.close()
    assert errors == [], f"errors in the page: {errors}"


def manifest(run: Path) -> dict[str, Any]:
    return json.loads((run / "run.json").read_text(encoding="utf-8"))


def open_piece(page: Page, server: ReviewServer, run: Path, channel: str) -> None:
    page.goto(server.url)
    row = page.locator("#runs > li.run", has_text=TOPIC)
    row.get_by_role("link", name=channel).click()
    expect(page.locator("#piece")).to_have_attribute("data-channel", channel)


def test_read_each_piece_as_its_reader_sees_it(
    page: Page, server: ReviewServer, runs: list[Path], screenshots: Path
) -> None:
    page.goto(server.url)
    expect(page.locator("#runs > li.run")).to_have_count(2)
    first = page.locator("#runs > li.run").first
    expect(first).to_contain_text(TOPIC)  # the newest first
    expect(first.locator(".pieces > *")).to_have_count(3)
    score = manifest(runs[1])["channels"]["newsletter"]["score"]
    expect(first.locator(".pieces > a", has_text="newsletter")).to_contain_text(
        f"passed {score:.2f}"
    )
    expect(first.locator(".pieces .badge").first).to_have_text("new")
    page.locator("main").screenshot(path=screenshots / "review-list.png")

    open_piece(page, server, runs[1], "linkedin")
    post = page.locator("#preview .feed-post")
    expect(post).to_contain_text("Most teams start this the wrong way round.")
    expect(post.locator(".rest")).to_be_hidden()  # cut where the feed cuts it
    expect(page.locator("[data-fact='characters']")).to_contain_text("of 3,000")
    expect(page.locator("[data-fact='hashtags']")).to_have_text(
        "#SmallTeams #Productivity #Leadership"
    )
    post.get_by_role("button", name="see more").click()
    expect(post.locator(".rest")).to_be_visible()
    expect(page.locator("#scores tbody tr")).to_have_count(
        len(manifest(runs[1])["channels"]["linkedin"]["attempts"][0]["judge"]["scores"])
    )
    page.screenshot(path=screenshots / "review-linkedin.png", full_page=True)

    open_piece(page, server, runs[1], "newsletter")
    expect(page.locator("#lead .lead-subject")).to_have_text(
        "A four-week plan you can start on Monday"
    )
    expect(page.locator("#lead .lead-preheader")).not_to_be_empty()
    expect(page.locator("#preview .email h2").first).to_have_text("What to do")
    expect(page.locator("#preview")).not_to_contain_text("Subject:")
    attempts = page.locator("#attempts > li")
    expect(attempts).to_have_count(2)
    expect(attempts.first).to_contain_text("Attempt 2")
    expect(attempts.first.locator("summary")).to_contain_text("$0.0")  # priced at list prices
    expect(attempts.first.locator("pre.diff .add").first).to_be_visible()  # from attempt 1
    page.screenshot(path=screenshots / "review-newsletter.png", full_page=True)

    open_piece(page, server, runs[1], "blog")
    expect(page.locator("#preview article h1")).to_have_count(1)
    expect(page.locator("#lead .lead-url")).to_contain_text("/how-small-teams")
    expect(page.locator("#lead .lead-title")).not_to_be_empty()
    expect(page.locator("#cost")).to_contain_text("tokens")
    expect(page.locator("#cost")).to_contain_text("$0.0")
    page.screenshot(path=screenshots / "review-blog.png", full_page=True)


def test_edit_see_a_rule_warn_save_approve_copy_download(
    page: Page, server: ReviewServer, runs: list[Path], screenshots: Path
) -> None:
    run = runs[1]
    generated = (run / "linkedin.md").read_text(encoding="utf-8")
    open_piece(page, server, run, "linkedin")
    expect(page.locator("#warnings li.block")).to_have_count(0)

    editor = page.locator("#editor")
    editor.press("Control+Home")
    editor.press_sequentially("[Your Name] here. ")
    warning = page.locator("#warnings li.block[data-rule='placeholder']")
    expect(warning).to_be_visible()  # the rules re-ran as the person typed
    expect(warning.locator(".where")).to_have_text("1:1")
    expect(page.locator("#preview")).to_contain_text("[Your Name] here.")
    page.screenshot(path=screenshots / "review-warning.png", full_page=True)

    editor.press("Control+Home")
    for _ in range(len("[Your Name] here. ")):
        editor.press("Delete")
    expect(warning).to_have_count(0)
    editor.press("Control+End")
    editor.press_sequentially("A line a person added.\n")
    page.locator("#save").click()
    expect(page.locator("#review")).to_have_text("edited")
    expect(page.locator("#flash")).to_contain_text("Saved")

    text = (run / "linkedin.md").read_text(encoding="utf-8")
    assert text == generated + "A line a person added.\n"
    record = manifest(run)["channels"]["linkedin"]
    assert record["review"]["state"] == "edited"
    kept = record["review"]["history"][-1]["kept"]
    assert (run / kept).read_text(encoding="utf-8") == generated
    expect(page.locator("#edits .add")).to_contain_text("A line a person added.")

    page.locator("#approve").click()
    expect(page.locator("#review")).to_have_text("approved")
    assert manifest(run)["channels"]["linkedin"]["review"]["state"] == "approved"
    page.locator("#unapprove").click()
    expect(page.locator("#review")).to_have_text("edited")  # back to what it was
    page.locator("#approve").click()
    expect(page.locator("#review")).to_have_text("approved")

    page.get_by_role("button", name="Copy post").click()
    expect(page.locator("#flash")).to_have_text("Copied the post.")
    assert page.evaluate("navigator.clipboard.readText()") == text.rstrip("\n")
    with page.expect_download() as download:
        page.locator("#download").click()
    assert download.value.suggested_filename == f"{run.name}-linkedin.md"
    assert Path(download.value.path()).read_text(encoding="utf-8") == text

    page.goto(server.url)
    expect(page.locator("#runs a.review-approved")).to_have_count(1)
    page.locator("main").screenshot(path=screenshots / "review-list-reviewed.png")
    page.goto(server.url + "?state=approved")
    expect(page.locator("#runs > li.run")).to_have_count(1)
    expect(page.locator("#runs a.review-approved")).to_contain_text("linkedin")


def test_send_back_with_a_note_shows_progress_then_the_new_attempt(
    page: Page, server: ReviewServer, runs: list[Path], env: FakeGemini, screenshots: Path
) -> None:
    run = runs[1]
    before = (run / "linkedin.md").read_text(encoding="utf-8")
    attempts = len(manifest(run)["channels"]["linkedin"]["attempts"])
    env.latency = 0.6  # long enough to see the progress
    open_piece(page, server, run, "linkedin")
    page.locator("#note").fill("Open with the story of the team of five")
    page.locator("#send-back").click()
    expect(page.locator("#job")).to_be_visible()
    # The page polls four times a second: it shows the revision, the judge, or both.
    expect(page.locator("#job-message")).to_have_text(
        re.compile("Revising with your note|The judge is reading it")
    )
    expect(page.locator("#review")).to_have_text("sent back")
    page.screenshot(path=screenshots / "review-progress.png", full_page=True)

    expect(page.locator("#flash")).to_contain_text(f"Attempt {attempts + 1} is in place")
    newest = page.locator("#attempts > li").first
    expect(newest).to_contain_text(f"Attempt {attempts + 1} · revision · score {PASSED:.2f}")
    expect(newest).to_contain_text("Open with the story of the team of five")
    expect(newest.locator("pre.diff .add")).to_contain_text(REVISED)
    expect(page.locator("#preview")).to_contain_text(REVISED)
    page.screenshot(path=screenshots / "review-revised.png", full_page=True)

    revise = [r for r in env.requests if r.step == "revise" and r.channel == "linkedin"]
    assert "Open with the story of the team of five" in revise[-1].prompt
    record = manifest(run)["channels"]["linkedin"]
    assert len(record["attempts"]) == attempts + 1
    assert record["best_attempt"] == attempts + 1 and record["score"] == PASSED
    assert record["attempts"][-1]["note"] == "Open with the story of the team of five"
    assert record["review"]["state"] == "sent_back"
    kept = record["review"]["history"][-1]["kept"]
    assert (run / kept).read_text(encoding="utf-8") == before  # the previous version is kept
    text = (run / "linkedin.md").read_text(encoding="utf-8")
    assert text != before and REVISED in text
    assert RunDir(run).saved("linkedin") is not None  # a calendar run would adopt it


def test_a_piece_cannot_run_script_in_the_page(
    page: Page, server: ReviewServer, runs: list[Path]
) -> None:
    run = runs[1]
    open_piece(page, server, run, "blog")
    hostile = (
        '\n<script>window.pwned = 1</script>\n\n<img src=x onerror="window.pwned = 2">\n\n'
        "[a link](javascript:window.pwned=3) and [another](JaVaScRiPt:alert(1))\n"
    )
    editor = page.locator("#editor")
    editor.press("Control+End")
    editor.press_sequentially(hostile, delay=0)
    preview = page.locator("#preview")
    expect(preview).to_contain_text("<script>window.pwned = 1</script>")  # shown, not run
    page.locator("#save").click()
    expect(page.locator("#review")).to_have_text("edited")
    page.reload()
    expect(preview).to_contain_text('<img src=x onerror="window.pwned = 2">')
    assert preview.locator("script, img, iframe").count() == 0
    assert preview.locator("a[href^='javascript'], a[href^='JaVaScRiPt']").count() == 0
    assert page.evaluate("window.pwned") is None
