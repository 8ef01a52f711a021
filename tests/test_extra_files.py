"""A piece's other files: LinkedIn's first comment, the newsletter's HTML and text parts.

They are rendered from the same draft as the piece, recorded in run.json with their SHA-256
before any is put in place, and a piece whose extra file is gone or changed is not done.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from conftest import Sleeps, visible

from content_gen import channels
from content_gen.channels import ChannelContext
from content_gen.channels.linkedin import COMMENT_FILE, LinkedInPost
from content_gen.cli import main
from content_gen.fake import FakeGemini
from content_gen.storage import RunDir
from tests.helpers import levels

LINKEDIN = channels.get("linkedin")
URL = "https://example.com/checklist"
TOPIC = "How small teams can adopt AI code review"


def post(comment: str = "") -> LinkedInPost:
    return LinkedInPost(
        post="A post.\n\nWith two paragraphs.", hashtags=["AI"], first_comment=comment
    )


class TestFirstComment:
    def test_written_to_its_own_file_with_the_cta_url_added(self) -> None:
        files = LINKEDIN.files(post("The study behind it:"), ChannelContext(cta_url=URL))
        assert files[COMMENT_FILE] == f"The study behind it:\n\n{URL}\n"
        assert URL not in files["linkedin.md"]  # the link stays out of the post

    def test_the_url_alone_when_the_writer_gave_none(self) -> None:
        assert LINKEDIN.files(post(), ChannelContext(cta_url=URL))[COMMENT_FILE] == f"{URL}\n"

    def test_not_added_twice(self) -> None:
        files = LINKEDIN.files(post(f"Read it: {URL}"), ChannelContext(cta_url=URL))
        assert files[COMMENT_FILE].count(URL) == 1

    def test_no_comment_no_file(self) -> None:
        assert list(LINKEDIN.files(post(), ChannelContext())) == ["linkedin.md"]

    def test_the_shared_rules_read_it(self) -> None:
        found = LINKEDIN.check(post("Hi {{first_name}}, the link:"), ChannelContext())
        assert levels(found)["placeholder"] == "block"

    def test_longer_than_linkedin_allows_blocks(self) -> None:
        found = LINKEDIN.check(post("word " * 300), ChannelContext())
        assert levels(found)["linkedin.first_comment"] == "block"


def generate(sleeps: Sleeps, *args: str) -> int:
    return main(["generate", TOPIC, "--out", "out", *args], sleep=sleeps)


def run_dir() -> Path:
    (path,) = visible(Path("out"))
    return path


def test_every_file_is_recorded_with_its_hash_and_a_changed_one_undoes_done(
    env: FakeGemini, sleeps: Sleeps, monkeypatch
) -> None:
    monkeypatch.setenv("CONTENT_GEN_EMAIL_PLATFORM", "buttondown")
    assert generate(sleeps, "--cta-url", URL) == 0
    path = run_dir()
    record = json.loads((path / "run.json").read_text())["channels"]
    assert set(record["newsletter"]["extra_files"]) == {"newsletter.html", "newsletter.txt"}
    assert set(record["linkedin"]["extra_files"]) == {COMMENT_FILE}
    assert record["blog"]["extra_files"] == {}
    for channel in ("newsletter", "linkedin"):
        for name, sha in record[channel]["extra_files"].items():
            assert hashlib.sha256((path / name).read_bytes()).hexdigest() == sha
    assert (path / COMMENT_FILE).read_text() == f"{URL}\n"
    assert 'href="{{ unsubscribe_url }}"' in (path / "newsletter.html").read_text()
    assert f"]({URL})" in (path / "newsletter.md").read_text()

    runs = RunDir(path)
    assert runs.saved("newsletter") is not None
    (path / "newsletter.txt").write_text("edited by hand\n")
    assert runs.saved("newsletter") is None  # the files are the truth
    (path / COMMENT_FILE).unlink()
    assert runs.saved("linkedin") is None
    assert runs.saved("blog") is not None


def test_a_run_recorded_before_extra_files_is_still_done(tmp_path: Path) -> None:
    (tmp_path / "blog.md").write_text("---\ntitle: x\n---\n")
    manifest = {"channels": {"blog": {"ok": True, "file": "blog.md", "sha256": None}}}
    assert RunDir(tmp_path).saved("blog", manifest) is not None
