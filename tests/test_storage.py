"""Run directories with safe names, and files that are either complete or absent."""

from __future__ import annotations

import json
import os
import re
import stat
from datetime import date
from pathlib import Path

import pytest

from content_gen import storage
from content_gen.errors import UsageError
from content_gen.storage import RunDir, atomic_write, slugify, write_json

SLUG_SHAPE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
DAY = date(2025, 3, 14)

HOSTILE_TOPICS = [
    "../../etc/passwd",
    "..",
    ".",
    "/etc/cron.d/evil",
    "a/b\\c",
    "C:\\Windows\\System32",
    "~/.ssh/authorized_keys",
    "name\x00with-null",
    "  ",
    "",
    "-" * 80,
    "\U0001f680\U0001f525\U0001f4af",
    "\u4eba\u5de5\u667a\u80fd\u7684\u672a\u6765",
    "\u0645\u0633\u062a\u0642\u0628\u0644 \u0627\u0644\u0630\u0643\u0627\u0621",
    "\u202eevil\u202c.md",
]


# --- slugify --------------------------------------------------------------------------------


class TestSlugify:
    def test_plain_english(self) -> None:
        assert (
            slugify("How to Price a SaaS Product in 2025") == "how-to-price-a-saas-product-in-2025"
        )

    def test_punctuation_collapses_to_single_hyphens(self) -> None:
        assert slugify("  Remote work: 5 lessons (and 1 mistake)!  ") == (
            "remote-work-5-lessons-and-1-mistake"
        )

    def test_accents_are_folded_to_ascii(self) -> None:
        assert slugify("Caf\u00e9 d\u00e9j\u00e0 vu") == "cafe-deja-vu"
        assert slugify("\u00c9tude: na\u00efve r\u00e9sum\u00e9s") == "etude-naive-resumes"

    def test_emoji_only_topic_gets_a_hash(self) -> None:
        slug = slugify("\U0001f680\U0001f525")
        assert re.fullmatch(r"topic-[0-9a-f]{8}", slug)

    def test_non_latin_topics_get_different_hashes(self) -> None:
        chinese = slugify("\u4eba\u5de5\u667a\u80fd\u7684\u672a\u6765")
        arabic = slugify(
            "\u0645\u0633\u062a\u0642\u0628\u0644 \u0627\u0644\u0630\u0643\u0627\u0621"
        )
        emoji = slugify("\U0001f680\U0001f525")
        for slug in (chinese, arabic, emoji):
            assert re.fullmatch(r"topic-[0-9a-f]{8}", slug)
        assert len({chinese, arabic, emoji}) == 3

    def test_hash_is_stable(self) -> None:
        assert slugify("\U0001f389") == slugify("\U0001f389")

    def test_mixed_script_keeps_the_latin_part(self) -> None:
        assert slugify("\u65e5\u672c\u306e AI \u6226\u7565") == "ai"

    @pytest.mark.parametrize(
        ("topic", "expected"), [("../../etc/passwd", "etc-passwd"), ("a/b\\c", "a-b-c")]
    )
    def test_path_characters_are_removed(self, topic: str, expected: str) -> None:
        slug = slugify(topic)
        assert slug == expected
        assert "/" not in slug and "\\" not in slug and ".." not in slug

    def test_long_topic_is_capped_and_cut_on_a_hyphen(self) -> None:
        topic = (
            "How we cut customer onboarding time from fourteen days to three without hiring "
            "anyone new"
        )
        slug = slugify(topic)
        full = slugify(topic, max_length=1000)
        assert len(slug) <= 60
        assert full.startswith(slug)
        assert full[len(slug)] == "-"  # cut between words, not inside one
        assert SLUG_SHAPE.match(slug)

    def test_long_single_word_is_cut_at_the_limit(self) -> None:
        assert slugify("a" * 200) == "a" * 60

    def test_custom_max_length(self) -> None:
        assert slugify("pricing pages that convert", max_length=15) == "pricing-pages"

    @pytest.mark.parametrize("topic", HOSTILE_TOPICS)
    def test_always_a_safe_non_empty_slug(self, topic: str) -> None:
        slug = slugify(topic)
        assert slug
        assert len(slug) <= 60
        assert SLUG_SHAPE.match(slug), slug


# --- RunDir.create --------------------------------------------------------------------------


class TestRunDirCreate:
    def test_creates_date_and_slug_directory(self, tmp_path: Path) -> None:
        run = RunDir.create(tmp_path / "out", DAY, "Pricing pages that convert")
        assert run.path == tmp_path / "out" / "2025-03-14-pricing-pages-that-convert"
        assert run.path.is_dir()
        assert list(run.path.iterdir()) == []  # the write probe is cleaned up

    def test_same_topic_same_day_gets_the_next_suffix(self, tmp_path: Path) -> None:
        first = RunDir.create(tmp_path, DAY, "Pricing pages")
        first.write("blog.md", "first run")
        second = RunDir.create(tmp_path, DAY, "Pricing pages")
        third = RunDir.create(tmp_path, DAY, "Pricing pages")
        assert first.path.name == "2025-03-14-pricing-pages"
        assert second.path.name == "2025-03-14-pricing-pages-2"
        assert third.path.name == "2025-03-14-pricing-pages-3"
        assert (first.path / "blog.md").read_text(encoding="utf-8") == "first run"
        assert list(second.path.iterdir()) == []

    def test_a_file_in_the_way_is_skipped(self, tmp_path: Path) -> None:
        (tmp_path / "2025-03-14-pricing").write_text("not a directory", encoding="utf-8")
        run = RunDir.create(tmp_path, DAY, "Pricing", reuse=True)
        assert run.path.name == "2025-03-14-pricing-2"
        assert (tmp_path / "2025-03-14-pricing").read_text(encoding="utf-8") == "not a directory"

    def test_other_day_gets_its_own_directory(self, tmp_path: Path) -> None:
        RunDir.create(tmp_path, DAY, "Pricing")
        other = RunDir.create(tmp_path, date(2025, 3, 15), "Pricing")
        assert other.path.name == "2025-03-15-pricing"

    def test_reuse_returns_the_existing_directory(self, tmp_path: Path) -> None:
        first = RunDir.create(tmp_path, DAY, "Pricing pages")
        first.write("linkedin.md", "kept")
        again = RunDir.create(tmp_path, DAY, "Pricing pages", reuse=True)
        assert again.path == first.path
        assert (again.path / "linkedin.md").read_text(encoding="utf-8") == "kept"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["2025-03-14-pricing-pages"]

    def test_reuse_creates_when_nothing_exists(self, tmp_path: Path) -> None:
        run = RunDir.create(tmp_path, DAY, "Pricing pages", reuse=True)
        assert run.path.name == "2025-03-14-pricing-pages"
        assert run.path.is_dir()

    @pytest.mark.parametrize("topic", HOSTILE_TOPICS)
    def test_path_stays_inside_root(self, tmp_path: Path, topic: str) -> None:
        root = tmp_path / "out"
        run = RunDir.create(root, DAY, topic)
        assert run.path.parent == root
        assert run.path.resolve().is_relative_to(root.resolve())
        assert run.path.name.startswith("2025-03-14-")
        assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]

    def test_root_that_is_a_file_is_a_usage_error(self, tmp_path: Path) -> None:
        root = tmp_path / "output"
        root.write_text("oops, a file", encoding="utf-8")
        with pytest.raises(UsageError) as info:
            RunDir.create(root, DAY, "Pricing")
        message = str(info.value)
        assert str(root) in message
        assert "--out" in message

    def test_root_below_a_file_is_a_usage_error(self, tmp_path: Path) -> None:
        blocker = tmp_path / "notes.txt"
        blocker.write_text("a file", encoding="utf-8")
        root = blocker / "output"
        with pytest.raises(UsageError, match="--out") as info:
            RunDir.create(root, DAY, "Pricing")
        assert str(root) in str(info.value)

    @pytest.mark.skipif(
        not hasattr(os, "geteuid") or os.geteuid() == 0,
        reason="root ignores directory permissions",
    )
    def test_read_only_root_is_a_usage_error(self, tmp_path: Path) -> None:
        root = tmp_path / "readonly"
        root.mkdir()
        root.chmod(0o500)
        try:
            with pytest.raises(UsageError) as info:
                RunDir.create(root, DAY, "Pricing")
        finally:
            root.chmod(0o700)
        assert str(root) in str(info.value)
        assert "--out" in str(info.value)

    def test_permission_denied_is_a_usage_error(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # The chmod test above cannot run as root; simulate the same refusal from the OS.
        def denied(self: Path, *args, **kwargs) -> None:
            raise PermissionError(13, "Permission denied", str(self))

        root = tmp_path / "shared-output"
        root.mkdir()
        monkeypatch.setattr(Path, "mkdir", denied)
        with pytest.raises(UsageError) as info:
            RunDir.create(root, DAY, "Pricing")
        message = str(info.value)
        assert str(root) in message
        assert "Permission denied" in message
        assert "--out" in message
        assert "CONTENT_GEN_OUTPUT_DIR" in message


# --- atomic writes --------------------------------------------------------------------------


@pytest.fixture
def umask():
    """Set a known umask for the test and restore the real one afterwards."""
    old = os.umask(0o022)
    try:
        yield os.umask
    finally:
        os.umask(old)


class TestAtomicWrite:
    def test_writes_the_complete_text(self, tmp_path: Path) -> None:
        target = tmp_path / "blog.md"
        text = "# Pricing\n\nCaf\u00e9 \u2014 d\u00e9j\u00e0 vu \U0001f680\n" * 500
        atomic_write(target, text)
        assert target.read_text(encoding="utf-8") == text

    def test_newlines_are_written_as_lf(self, tmp_path: Path) -> None:
        target = tmp_path / "post.md"
        atomic_write(target, "line one\nline two\n")
        assert target.read_bytes() == b"line one\nline two\n"

    def test_replaces_an_existing_file(self, tmp_path: Path) -> None:
        target = tmp_path / "blog.md"
        target.write_text("old draft", encoding="utf-8")
        atomic_write(target, "new draft")
        assert target.read_text(encoding="utf-8") == "new draft"

    def test_no_temporary_files_left(self, tmp_path: Path) -> None:
        for n in range(3):
            atomic_write(tmp_path / "run.json", f"{n}")
        assert [p.name for p in tmp_path.iterdir()] == ["run.json"]

    def test_failed_rename_keeps_the_old_file_and_cleans_up(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        target = tmp_path / "blog.md"
        target.write_text("the good version", encoding="utf-8")

        def no_space(src, dst):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(storage.os, "replace", no_space)
        with pytest.raises(OSError, match="No space left"):
            atomic_write(target, "the half-written version")
        assert target.read_text(encoding="utf-8") == "the good version"
        assert [p.name for p in tmp_path.iterdir()] == ["blog.md"]

    def test_failed_write_keeps_the_old_file_and_cleans_up(self, tmp_path: Path) -> None:
        target = tmp_path / "blog.md"
        target.write_text("the good version", encoding="utf-8")
        with pytest.raises(UnicodeEncodeError):
            atomic_write(target, "text with a lone surrogate \ud800 from a bad decode")
        assert target.read_text(encoding="utf-8") == "the good version"
        assert [p.name for p in tmp_path.iterdir()] == ["blog.md"]

    def test_failed_first_write_leaves_nothing(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        def boom(src, dst):
            raise OSError("rename failed")

        monkeypatch.setattr(storage.os, "replace", boom)
        with pytest.raises(OSError):
            atomic_write(tmp_path / "new.md", "text")
        assert list(tmp_path.iterdir()) == []

    @pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
    def test_mode_follows_the_umask(self, tmp_path: Path, umask, mask: int, mode: int) -> None:
        umask(mask)
        target = tmp_path / "blog.md"
        atomic_write(target, "text")
        assert stat.S_IMODE(target.stat().st_mode) == mode

    def test_default_umask_is_not_owner_only(self, tmp_path: Path, umask) -> None:
        target = tmp_path / "blog.md"
        atomic_write(target, "text")
        assert stat.S_IMODE(target.stat().st_mode) != 0o600
        assert target.stat().st_mode & stat.S_IRGRP

    def test_write_json(self, tmp_path: Path) -> None:
        target = tmp_path / "run.json"
        write_json(target, {"topic": "Caf\u00e9 pricing", "ok": True})
        text = target.read_text(encoding="utf-8")
        assert "Caf\u00e9" in text  # not escaped
        assert text.endswith("\n")
        assert json.loads(text) == {"topic": "Caf\u00e9 pricing", "ok": True}


# --- RunDir.write ---------------------------------------------------------------------------


class TestRunDirWrite:
    def test_writes_inside_the_run_directory(self, tmp_path: Path) -> None:
        run = RunDir.create(tmp_path, DAY, "Pricing")
        target = run.write("blog.md", "# Pricing\n")
        assert target == run.path / "blog.md"
        assert target.read_text(encoding="utf-8") == "# Pricing\n"

    @pytest.mark.parametrize(
        "name", ["../escape.md", "../../escape.md", "sub/blog.md", "{tmp}/escape.md", "", "."]
    )
    def test_refuses_names_with_a_path(self, tmp_path: Path, name: str) -> None:
        run = RunDir.create(tmp_path / "out", DAY, "Pricing")
        with pytest.raises(ValueError, match="outside the run directory"):
            run.write(name.format(tmp=tmp_path), "text")
        assert list(run.path.iterdir()) == []
        assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [run.path.name]
        assert not (tmp_path / "escape.md").exists()

    def test_dot_dot_never_writes_outside(self, tmp_path: Path) -> None:
        run = RunDir.create(tmp_path / "out", DAY, "Pricing")
        with pytest.raises((ValueError, OSError)):
            run.write("..", "text")
        assert run.path.is_dir()
        assert list(run.path.iterdir()) == []
        assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [run.path.name]

    def test_write_manifest(self, tmp_path: Path) -> None:
        run = RunDir.create(tmp_path, DAY, "Pricing")
        run.write_manifest({"channels": {"blog": {"ok": True}}})
        data = json.loads((run.path / "run.json").read_text(encoding="utf-8"))
        assert data == {"channels": {"blog": {"ok": True}}}
