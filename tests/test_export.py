"""`content-gen export`: approved pieces into a blog folder, an email folder and a social CSV,
recorded in run.json and the ledger, and never sent twice, whatever happens in between."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import Sleeps, visible

from content_gen.cli import main
from content_gen.fake import FakeGemini
from content_gen.storage import file_sha256

TOPIC = "How small teams can adopt AI code review"
CTA = "https://example.com/checklist"
FOLDERS = ["--blog-dir", "site/_posts", "--email-dir", "emails", "--social-dir", "social"]


def generate(sleeps: Sleeps, topic: str = TOPIC, *args: str) -> Path:
    before = set(visible(Path("out"))) if Path("out").exists() else set()
    assert main(["generate", topic, "--out", "out", "--cta-url", CTA, *args], sleep=sleeps) == 0
    (made,) = set(visible(Path("out"))) - before
    return made


def manifest(run: Path) -> dict[str, Any]:
    return json.loads((run / "run.json").read_text())


def approve(run: Path, *channels: str) -> None:
    """What the review page records when a person approves a piece."""
    data = manifest(run)
    for name in channels:
        data["channels"][name]["review"] = {"state": "approved", "at": "2026-12-01T09:00:00Z"}
    (run / "run.json").write_text(json.dumps(data))


def export(*args: str) -> int:
    return main(["export", *args, *FOLDERS])


def exported() -> dict[str, bytes]:
    return {
        str(p): p.read_bytes()
        for folder in ("site", "emails", "social")
        for p in sorted(Path(folder).rglob("*"))
        if p.is_file()
    }


def posts() -> list[dict[str, str]]:
    """Every row of every CSV in the social folder."""
    return [row for path in sorted(Path("social").glob("linkedin-*.csv")) for row in _rows(path)]


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


@pytest.fixture
def run(env: FakeGemini, sleeps: Sleeps, monkeypatch) -> Path:
    monkeypatch.setenv("CONTENT_GEN_SITE_GENERATOR", "jekyll")
    monkeypatch.setenv("CONTENT_GEN_EMAIL_PLATFORM", "mailchimp")
    return generate(sleeps)


class TestWhatGoesWhere:
    def test_only_approved_pieces_unless_all(self, run: Path, capsys) -> None:
        assert export(str(run)) == 0
        assert exported() == {}
        assert "3 pieces not sent: not approved (--all sends every done piece)" in (
            capsys.readouterr().out
        )
        approve(run, "blog")
        assert export(str(run)) == 0
        assert list(exported()) == [f"site/_posts/{run.name[:10]}-{_slug(run)}.md"]
        assert export(str(run), "--all") == 0
        assert len(exported()) == 1 + 3 + 1

    def test_a_simulated_trial_is_never_exported(self, sleeps: Sleeps, capsys) -> None:
        trial = generate(sleeps, TOPIC, "--offline")
        approve(trial, "blog", "linkedin", "newsletter")
        capsys.readouterr()
        assert export(str(trial), "--all") == 0
        assert exported() == {}
        assert "3 pieces not sent: simulated (--offline) text is never exported" in (
            capsys.readouterr().out
        )
        assert "exports" not in manifest(trial)["channels"]["blog"]

    def test_each_format_where_its_tool_takes_it(self, run: Path) -> None:
        assert export(str(run), "--all") == 0
        blog = Path(f"site/_posts/{run.name[:10]}-{_slug(run)}.md")  # Jekyll's naming
        assert blog.read_bytes() == (run / "blog.md").read_bytes()
        front = yaml.safe_load(blog.read_text().split("---\n")[1])
        assert front["layout"] == "post" and front["published"] is False
        for suffix in (".html", ".txt", ".md"):
            email = Path("emails") / f"{run.name}{suffix}"
            assert email.read_bytes() == (run / f"newsletter{suffix}").read_bytes()
        assert "*|UNSUB|*" in (Path("emails") / f"{run.name}.html").read_text()
        (row,) = posts()
        assert row["text"] == (run / "linkedin.md").read_text().rstrip("\n")
        assert row["first_comment"] == CTA
        assert row["link"] == CTA
        when = datetime.fromisoformat(row["scheduled_at"])
        assert when.utcoffset() is not None
        assert (when.date().isoformat(), when.strftime("%H:%M")) == (run.name[:10], "09:00")

    def test_run_json_records_what_went_where(self, run: Path) -> None:
        assert export(str(run), "--all", "--post-time", "17:30") == 0
        records = {n: c["exports"] for n, c in manifest(run)["channels"].items()}
        assert set(records) == {"linkedin", "newsletter", "blog"}
        (blog,) = records["blog"]["blog"]["targets"]
        assert Path(blog).is_absolute()
        assert records["blog"]["blog"]["files"] == {blog: file_sha256(Path(blog))}
        assert records["linkedin"]["social"]["state"] == "done"
        assert (
            records["newsletter"]["email"]["source_sha256"]
            == (manifest(run)["channels"]["newsletter"]["sha256"])
        )
        assert posts()[0]["scheduled_at"][11:16] == "17:30"

    def test_a_changed_piece_is_not_sent(self, run: Path, capsys) -> None:
        (run / "linkedin.md").write_text("Edited by hand after run.json recorded it.\n")
        assert export(str(run), "--all") == 0
        assert posts() == []
        assert "not the ones run.json recorded" in capsys.readouterr().out

    def test_nowhere_to_export_to_is_a_usage_error(self, run: Path, capsys) -> None:
        assert main(["export", str(run), "--all"]) == 2
        assert "nowhere to export to" in capsys.readouterr().err


class TestNeverTwice:
    def test_a_rerun_exports_nothing(self, run: Path, sleeps: Sleeps, capsys) -> None:
        assert export(str(run), "--all") == 0
        first = exported()
        capsys.readouterr()
        assert export(str(run), "--all") == 0
        assert exported() == first
        assert "3 pieces: 3 exported before." in capsys.readouterr().out

    def test_new_posts_go_in_a_new_csv_with_only_them(self, run: Path, sleeps: Sleeps) -> None:
        assert export(str(run), "--all") == 0
        later = generate(sleeps, "What a four-day week taught us")
        assert export(str(run), str(later), "--all") == 0
        files = sorted(Path("social").glob("linkedin-*.csv"))
        assert len(files) == 2  # importing each file once schedules each post once
        assert [len(_rows(f)) for f in files] == [1, 1]

    def test_a_lost_record_finds_the_post_in_its_csv(self, run: Path) -> None:
        assert export(str(run), "--all") == 0
        before = exported()
        data = manifest(run)
        for record in data["channels"].values():
            record.pop("exports")  # as if a run rewrote run.json from an older copy
        (run / "run.json").write_text(json.dumps(data))
        assert export(str(run), "--all") == 0
        assert exported() == before and len(posts()) == 1
        assert all(c["exports"] for c in manifest(run)["channels"].values())

    def test_a_target_holding_something_else_is_never_overwritten(self, run: Path, capsys):
        target = Path(f"site/_posts/{run.name[:10]}-{_slug(run)}.md")
        target.parent.mkdir(parents=True)
        target.write_text("A post the site already has.\n")
        assert export(str(run), "--all") == 1
        assert target.read_text() == "A post the site already has.\n"
        out = capsys.readouterr().out
        assert "exists and holds something else; it is not overwritten" in out
        record = manifest(run)["channels"]["blog"]["exports"]["blog"]
        assert (record["state"], record["tries"]) == ("failed", 1)
        assert len(posts()) == 1  # the others went
        target.unlink()
        assert export(str(run), "--all") == 0
        assert target.read_bytes() == (run / "blog.md").read_bytes()

    def test_a_target_that_already_holds_the_piece_is_recorded_not_rewritten(self, run: Path):
        target = Path(f"site/_posts/{run.name[:10]}-{_slug(run)}.md")
        target.parent.mkdir(parents=True)
        target.write_bytes((run / "blog.md").read_bytes())
        assert export(str(run), "--all") == 0
        assert manifest(run)["channels"]["blog"]["exports"]["blog"]["state"] == "done"


# --- a calendar's entries, recorded in its ledger ----------------------------------------------

CALENDAR = (
    "date,topic,channels,cta_url\n"
    f"2026-11-19,{TOPIC},linkedin;blog,{CTA}?entry=1\n"
    "2026-11-28,Not written yet,linkedin,\n"
)


def test_a_calendars_entries_are_recorded_in_its_ledger(env: FakeGemini, sleeps: Sleeps):
    Path("cal.csv").write_text(CALENDAR)
    argv = ["calendar", "run", "cal.csv", "--out", "out", "--today", "2026-11-21"]
    assert main(argv, sleep=sleeps) == 0
    (run,) = Path("out").glob("2026-11-19-*")
    approve(run, "linkedin")
    assert main(["export", "--calendar", "cal.csv", "--out", "out", *FOLDERS]) == 0
    (row,) = posts()
    assert row["first_comment"] == row["link"] == f"{CTA}?entry=1"  # the entry's own URL
    assert row["scheduled_at"].startswith("2026-11-19T09:00:00")
    db = sqlite3.connect("out/ledger.sqlite")
    db.row_factory = sqlite3.Row
    (record,) = db.execute("SELECT * FROM exports").fetchall()
    assert (record["entry_key"], record["channel"], record["destination"], record["state"]) == (
        f"2026-11-19 {TOPIC}",
        "linkedin",
        "social",
        "done",
    )
    (target,) = json.loads(record["targets"])
    assert Path(target).parent == Path("social").resolve()
    assert record["sha256"] == manifest(run)["channels"]["linkedin"]["sha256"]
    db.close()


def test_one_of_run_dirs_or_a_calendar(capsys) -> None:
    assert main(["export", *FOLDERS]) == 2
    assert "name the run directories to send, or a calendar" in capsys.readouterr().err


def _slug(run: Path) -> str:
    front = yaml.safe_load((run / "blog.md").read_text().split("---\n")[1])
    return str(front["slug"])


# --- kill -9 at every point an export puts a file in place -------------------------------------

# Dies at the Nth file an export puts in place (run.json records and exported files alike),
# with that file written in full under its temporary name and not yet renamed: the window a
# kill -9 can hit. No hook in the code: the script swaps the rename out, as a test does.
_DIE_AT_COMMIT = """
import os, sys
from content_gen import storage
die_at, commits, real = int(os.environ["DIE_AT"]), [], storage.Staged.commit
def commit(self):
    commits.append(self.target)
    if len(commits) == die_at:
        os._exit(137)
    real(self)
storage.Staged.commit = commit
from content_gen.cli import main
sys.exit(main(sys.argv[1:]))
"""
#: Puts in place, for one run of three pieces: per piece its intent in run.json, its files
#: (1 blog post, 3 email files, 1 CSV) and its done record.
COMMITS = 3 * 2 + 1 + 3 + 1


@pytest.mark.parametrize("die_at", range(1, COMMITS + 1))
def test_killed_anywhere_a_rerun_leaves_every_piece_exported_once(run: Path, die_at: int):
    import subprocess
    import sys

    from conftest import clean_env

    argv = ["export", str(run), "--all", *FOLDERS]
    killed = subprocess.run(
        [sys.executable, "-c", _DIE_AT_COMMIT, *argv],
        env=clean_env() | {"DIE_AT": str(die_at)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert killed.returncode == 137, killed.stderr
    wanted = {
        **{f"site/_posts/{run.name[:10]}-{_slug(run)}.md": (run / "blog.md").read_bytes()},
        **{
            f"emails/{run.name}{s}": (run / f"newsletter{s}").read_bytes()
            for s in (".html", ".txt", ".md")
        },
    }
    for path, data in exported().items():  # what is in place is whole
        if not Path(path).name.startswith(".") and path in wanted:
            assert data == wanted[path]

    assert export(str(run), "--all") == 0

    after = exported()
    assert {p: d for p, d in after.items() if p in wanted} == wanted
    temporaries = [p for p in [*after, *map(str, run.iterdir())] if Path(p).name.startswith(".")]
    assert temporaries == []
    (post,) = posts()  # once, in one CSV
    assert post["text"] == (run / "linkedin.md").read_text().rstrip("\n")
    assert all(
        record["exports"][destination]["state"] == "done"
        for record, destination in (
            (manifest(run)["channels"][c], d)
            for c, d in (("blog", "blog"), ("newsletter", "email"), ("linkedin", "social"))
        )
    )
    assert export(str(run), "--all") == 0
    assert exported() == after
