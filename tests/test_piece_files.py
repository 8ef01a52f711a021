"""A piece is all of its files, and they stay one piece when a person edits it or sends it back.

A channel reads its saved files back into the draft they were made from (render them again and
the same bytes come out), so an edited newsletter's HTML and text parts say what its markdown
says, a send-back keeps LinkedIn's first comment, and a revised blog post lists its references
once. Each run's pieces are read with the settings that run recorded, not today's.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import TEST_KEY, Sleeps
from reviewing import api, finished, request, serve, write_run
from test_plan import NOTES

from content_gen import channels
from content_gen.channels import ChannelContext
from content_gen.channels.blog import BlogPost
from content_gen.channels.linkedin import COMMENT_FILE, LinkedInPost
from content_gen.channels.newsletter import NewsletterIssue
from content_gen.config import Settings
from content_gen.fake import PASS, FakeGemini
from content_gen.llm.seam import CallRecord, LLMReply, LLMRequest, Usage
from content_gen.quality.claims import Claim, Evidence
from content_gen.quality.judge import Judgement
from content_gen.review.actions import Desk, Unreadable
from content_gen.review.model import Folder
from content_gen.review.routes import App
from content_gen.review.sendback import Reviser
from content_gen.review.server import ReviewServer
from content_gen.storage import RunDir, file_sha256
from tests.helpers import words

URL = "https://example.com/checklist"
SOURCE = ("S1", "The 2025 review study", "https://example.org/study")
CLAIM = Claim("C1", "Teams that review in pairs cut escaped defects by 38%", "S1", "cut by 38%")
CITING = "Teams that review in pairs cut escaped defects by 38%, the study found."


def context(**changes: Any) -> ChannelContext:
    """The loop's context: evidence and sources (so references are added), a CTA URL, an
    email platform's merge tags, a site generator's front matter."""
    base = ChannelContext(
        postal_address="1 Main St, Springfield",
        evidence=Evidence.of([CITING], [CLAIM]),
        sources=(SOURCE,),
        cta_url=URL,
        email_platform="mailchimp",
        site_generator="hugo",
        day=date(2026, 12, 1),
    )
    return base if not changes else ChannelContext(**(base.__dict__ | changes))


DRAFTS = {
    "linkedin": LinkedInPost(
        post=f"{CITING}\n\nStart with one repo.", hashtags=["CodeReview"], first_comment="Study:"
    ),
    "newsletter": NewsletterIssue(
        subject="Pair review, measured",
        preheader="What one study found about two reviewers",
        body=f"Hello,\n\n{CITING}\n\nHere is how to try it.",
        call_to_action="Get the checklist",
        footer="You get this because you asked for it. 1 Main St, Springfield",
    ),
    "blog": BlogPost(
        title="Pair review cuts escaped defects",
        slug="pair-review",
        meta_description="What a 2025 study found about reviewing code in pairs, and how a "
        "small team can try it this week without new tools.",
        article=f"# Pair review cuts escaped defects\n\n{CITING}\n\n## Try it\n\n{words(40)}",
        tags=["code review"],
    ),
}


@pytest.mark.parametrize("simulated", [False, True], ids=["real", "simulated"])
@pytest.mark.parametrize("name", sorted(DRAFTS))
def test_a_channel_reads_back_the_files_it_wrote(name: str, simulated: bool) -> None:
    spec, ctx = channels.get(name), context()
    files = spec.files(DRAFTS[name], ctx, simulated=simulated)
    again = spec.files(spec.read_piece(files, ctx), ctx, simulated=simulated)
    assert again == files
    # The cases cover what the tool adds: the extra files, the blog's references.
    assert len(files) > 1 or "## References" in files["blog.md"]


def test_the_tool_s_additions_come_back_once() -> None:
    ctx = context()
    blog = channels.get("blog")
    once = blog.files(DRAFTS["blog"], ctx)["blog.md"]
    twice = blog.render(blog.read(once, ctx), ctx)
    assert once.count("## References") == twice.count("## References") == 1
    newsletter = channels.get("newsletter")
    issue = newsletter.files(DRAFTS["newsletter"], ctx)
    again = newsletter.files(newsletter.read(issue["newsletter.md"], ctx), ctx)
    assert issue["newsletter.md"].count("Source: [") == again["newsletter.md"].count("Source: [")
    assert again["newsletter.html"].count(SOURCE[2]) == issue["newsletter.html"].count(SOURCE[2])
    assert issue["newsletter.html"].count(SOURCE[2]) == 1


def test_without_evidence_a_person_s_references_are_theirs() -> None:
    """`check` and the page read with no evidence: nothing would add references back, so
    none are taken off."""
    ctx = context()
    blog = channels.get("blog")
    text = blog.files(DRAFTS["blog"], ctx)["blog.md"]
    assert "## References" in blog.read(text, ChannelContext()).article


def test_a_run_is_read_with_the_settings_it_recorded() -> None:
    today = ChannelContext(email_platform="plain", blog_min_words=1000)
    manifest = {
        "settings": {
            "email_platform": "kit",
            "blog_min_words": 300,
            "site_generator": "jekyll",
            "postal_address": None,
            "blog_h1": "yes",  # malformed: today's stays
        },
        "inputs": {"cta_url": URL},
    }
    ctx = today.for_run(manifest)
    assert (ctx.email_platform, ctx.blog_min_words, ctx.site_generator) == ("kit", 300, "jekyll")
    assert ctx.cta_url == URL and ctx.blog_h1 is False
    assert today.for_run({}) == today and today.for_run({"settings": []}) == today


# --- the review page's edits and send-backs ----------------------------------------------


@pytest.fixture
def run(env: FakeGemini, sleeps: Sleeps, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CONTENT_GEN_EMAIL_PLATFORM", "mailchimp")
    return write_run(sleeps, "How small teams can adopt AI code review", "--cta-url", URL)


def record(run: Path, channel: str) -> dict[str, Any]:
    return json.loads((run / "run.json").read_text())["channels"][channel]


def test_an_edited_newsletter_s_email_parts_say_what_it_says(
    run: Path, env: FakeGemini, sleeps: Sleeps, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONTENT_GEN_EMAIL_PLATFORM", "plain")  # today's setting differs
    text = (run / "newsletter.md").read_text()
    edited = text.replace("\n---\n", "\nA line a person added.\n\n---\n", 1)
    server = serve(run.parent, env, sleeps)
    try:
        status, answer = api(
            server,
            f"api/run/{run.name}/newsletter/save",
            {"seen": file_sha256(run / "newsletter.md"), "text": edited},
        )
    finally:
        server.close()

    assert status == 200, answer
    html, plain = (run / "newsletter.html").read_text(), (run / "newsletter.txt").read_text()
    assert "A line a person added." in html and "A line a person added." in plain
    assert "*|UNSUB|*" in html  # made with the run's platform, not today's
    saved = record(run, "newsletter")
    assert saved["extra_files"] == {
        "newsletter.html": file_sha256(run / "newsletter.html"),
        "newsletter.txt": file_sha256(run / "newsletter.txt"),
    }
    assert RunDir(run).saved("newsletter") is not None  # still done: a calendar run adopts it
    assert (run / "newsletter.md").read_text() == edited  # the person's text, byte for byte


def test_an_edit_that_breaks_the_newsletter_s_format_is_refused_whole(
    run: Path, env: FakeGemini, sleeps: Sleeps
) -> None:
    names = ("newsletter.md", "newsletter.html", "newsletter.txt", "run.json")
    before = {n: (run / n).read_bytes() for n in names}
    with pytest.raises(Unreadable, match="Subject"):
        Desk().save(RunDir(run), "newsletter", file_sha256(run / "newsletter.md") or "", "Hi\n")
    server = serve(run.parent, env, sleeps)
    try:
        status, answer = api(
            server,
            f"api/run/{run.name}/newsletter/save",
            {"seen": file_sha256(run / "newsletter.md"), "text": "No subject line\n"},
        )
    finally:
        server.close()
    assert status == 422 and "not saved" in answer["error"]
    assert {n: (run / n).read_bytes() for n in names} == before
    assert not list(run.glob(".*.tmp")) and not (run / "history").exists()


def test_an_edited_post_keeps_its_first_comment(run: Path, sleeps: Sleeps) -> None:
    comment = (run / COMMENT_FILE).read_text()
    assert URL in comment
    text = (run / "linkedin.md").read_text()
    Desk().save(RunDir(run), "linkedin", file_sha256(run / "linkedin.md") or "", "New.\n" + text)
    assert (run / COMMENT_FILE).read_text() == comment
    assert record(run, "linkedin")["extra_files"] == {COMMENT_FILE: file_sha256(run / COMMENT_FILE)}


def test_the_page_shows_the_first_comment_to_copy(
    run: Path, env: FakeGemini, sleeps: Sleeps
) -> None:
    server = serve(run.parent, env, sleeps)
    try:
        status, page = request(server, f"/{server.token}/run/{run.name}/linkedin")
    finally:
        server.close()
    assert status == 200
    html = page.decode()
    assert "First comment" in html and URL in html and 'id="copy-comment"' in html


class Faithful:
    """An LLM seam whose reviser does as it is told, "change nothing else": it returns the
    draft the prompt shows it, one sentence added; its judge passes everything."""

    def __init__(self) -> None:
        self.prompts: list[str] = []

    def connect(self) -> None:
        pass

    def generate(self, request: LLMRequest) -> LLMReply:
        if request.step == "judge":
            value: Any = Judgement.model_validate(
                {
                    k: {"evidence": ["q"], "critique": "c", "score": v, "fix": ""}
                    for k, v in PASS.items()
                }
            )
        else:
            self.prompts.append(request.prompt)
            shown = request.prompt.split("Current draft:\n", 1)[1]
            draft = json.loads(shown.split("\n\nProblems to fix:", 1)[0])
            field = {"linkedin": "post", "blog": "article"}.get(request.channel, "body")
            draft[field] += "\n\nOne more sentence, as the reviewer asked."
            value = channels.get(request.channel).schema.model_validate(draft)
        return LLMReply(
            value, CallRecord(request.step, request.model, 1, 0.01, Usage(1, 10, 5, 15))
        )


def send_back(run: Path, llm: Faithful, channel: str) -> dict[str, Any]:
    settings = Settings(api_key=TEST_KEY)
    app = App(Folder(run.parent), Desk(), Reviser(settings, llm=llm), ChannelContext())
    server = ReviewServer(app).start()
    try:
        path = f"api/run/{run.name}/{channel}/send-back"
        seen = file_sha256(run / f"{channel}.md")
        status, job = api(server, path, {"seen": seen, "note": "One more sentence"})
        assert status == 202, job
        job = finished(server, job)
    finally:
        server.close()
    assert job["state"] == "done", job
    return job


def test_a_send_back_keeps_the_first_comment(run: Path) -> None:
    comment = (run / COMMENT_FILE).read_text()
    llm = Faithful()
    send_back(run, llm, "linkedin")
    assert "One more sentence" in (run / "linkedin.md").read_text()
    assert (run / COMMENT_FILE).read_text() == comment
    writer_comment = comment.replace(URL, "").strip()
    assert writer_comment in llm.prompts[0] and URL not in llm.prompts[0].split("Current draft")[1]
    saved = record(run, "linkedin")
    assert saved["extra_files"] == {COMMENT_FILE: file_sha256(run / COMMENT_FILE)}
    assert RunDir(run).saved("linkedin") is not None


def test_a_sent_back_post_lists_its_references_once(env: FakeGemini, sleeps: Sleeps) -> None:
    Path("notes.md").write_text(NOTES)
    run = write_run(sleeps, "How small teams can adopt AI code review", "--source", "notes.md")
    assert (run / "blog.md").read_text().count("## References") == 1
    llm = Faithful()
    send_back(run, llm, "blog")
    blog = (run / "blog.md").read_text()
    assert "One more sentence" in blog and blog.count("## References") == 1
    assert "## References" not in llm.prompts[0]  # the reviser is shown the writer's part
    assert RunDir(run).saved("blog") is not None
