"""The ledger: claims are exclusive, dead owners' claims come back, done stays done."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from conftest import run_together

from content_gen.errors import UsageError
from content_gen.schedule.calendar import Entry
from content_gen.schedule.ledger import (
    APPLICATION_ID,
    SCHEMA_VERSION,
    Ledger,
)
from content_gen.schedule.work import Outcome, Owner, WorkStatus

DONE, FAILED, PENDING, RUNNING = (
    WorkStatus.DONE,
    WorkStatus.FAILED,
    WorkStatus.PENDING,
    WorkStatus.RUNNING,
)

ENTRY = Entry(line=2, day=date(2026, 11, 20), topic="A topic", channels=("linkedin", "blog"))
CHANNELS = ["linkedin", "newsletter", "blog"]
SAVED = Outcome(
    DONE, "passed", attempts=1, score=4.5, file="/out/x/blog.md", calls=2, total_tokens=100
)


def owner(name: str, pid: int | None = None, host: str | None = None) -> Owner:
    me = Owner.current()
    return Owner(name, me.pid if pid is None else pid, me.host if host is None else host)


def dead_pid() -> int:
    """The pid of a process that has exited and been reaped."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "out" / "ledger.sqlite"


def test_a_claim_is_exclusive_across_connections(path: Path) -> None:
    with Ledger.open(path) as a, Ledger.open(path) as b:
        assert a.claim(owner("run-a"), ENTRY, CHANNELS) == CHANNELS
        assert b.claim(owner("run-b"), ENTRY, CHANNELS) == []  # a is alive and holds them

        a.finish(owner("run-a"), ENTRY, "blog", SAVED, simulated=False)
        failed = Outcome(FAILED, "failed", attempts=1, calls=5, total_tokens=40, error="500")
        a.finish(owner("run-a"), ENTRY, "linkedin", failed, simulated=False)

        # Done stays done; failed is retried; newsletter is still a's.
        assert b.claim(owner("run-b"), ENTRY, CHANNELS) == ["linkedin"]
        work = b.work()
    blog, linkedin = work[(ENTRY.key, "blog")], work[(ENTRY.key, "linkedin")]
    assert (blog.status, blog.result, blog.score, blog.file) == (DONE, "passed", 4.5, SAVED.file)
    assert blog.owner_run is None and blog.finished_at and blog.started_at
    assert (linkedin.status, linkedin.owner_run, linkedin.tries) == (RUNNING, "run-b", 2)
    assert linkedin.error == "500" and linkedin.total_tokens == 40  # kept until the retry ends
    assert work[(ENTRY.key, "newsletter")].owner_run == "run-a"


def test_many_runs_claiming_at_the_same_moment_get_each_channel_once(path: Path) -> None:
    ledgers = [Ledger.open(path) for _ in range(8)]
    claimed: list[str] = []

    run_together(8, lambda n: claimed.extend(ledgers[n].claim(owner(f"r{n}"), ENTRY, CHANNELS)))

    for ledger in ledgers:
        ledger.close()
    assert sorted(claimed) == sorted(CHANNELS)


def test_runs_creating_a_new_ledger_at_the_same_moment_all_get_it(tmp_path: Path) -> None:
    # The first open switches the new file to WAL; racing switches can fail at once.
    for attempt in range(20):
        path = tmp_path / str(attempt) / "ledger.sqlite"
        run_together(4, lambda n, path=path: Ledger.open(path, sleep=lambda s: None).close())

        with Ledger.open(path) as ledger:
            assert ledger.work() == {}


def test_a_killed_runs_claims_on_this_host_are_taken_over(path: Path) -> None:
    killed = owner("killed", pid=dead_pid())
    with Ledger.open(path) as ledger:
        ledger.claim(killed, ENTRY, ["blog"])
        ledger.claim(owner("alive"), ENTRY, ["linkedin"])

        assert not ledger.held(ledger.work()[(ENTRY.key, "blog")])
        assert ledger.claim(owner("next"), ENTRY, ["blog", "linkedin"]) == ["blog"]
        assert ledger.work()[(ENTRY.key, "blog")].tries == 2


def test_another_hosts_claim_is_taken_over_only_when_its_lease_runs_out(path: Path) -> None:
    now = [1_000_000.0]
    elsewhere = owner("elsewhere", pid=dead_pid(), host="other-host")
    with Ledger.open(path, lease=300, clock=lambda: now[0]) as ledger:
        ledger.claim(elsewhere, ENTRY, ["blog"])
        now[0] += 200
        ledger.renew(elsewhere)  # still working on it
        now[0] += 200
        assert ledger.claim(owner("here"), ENTRY, ["blog"]) == []  # a dead pid there means nothing
        now[0] += 101
        assert ledger.claim(owner("here"), ENTRY, ["blog"]) == ["blog"]


def test_force_redoes_what_was_done_before_the_run_began_and_only_once(path: Path) -> None:
    now = [1_000_000.0]
    with Ledger.open(path, clock=lambda: now[0]) as ledger:
        ledger.claim(owner("first"), ENTRY, ["blog"])
        ledger.finish(owner("first"), ENTRY, "blog", SAVED, simulated=False)
        now[0] += 10
        forced = ledger.now()

        assert ledger.claim(owner("plain"), ENTRY, ["blog"]) == []
        assert ledger.claim(owner("forced"), ENTRY, ["blog"], redo_before=forced) == ["blog"]
        now[0] += 10
        ledger.finish(owner("forced"), ENTRY, "blog", SAVED, simulated=False)
        # A second forced run that began at the same time does not redo it again.
        assert ledger.claim(owner("forced-too"), ENTRY, ["blog"], redo_before=forced) == []
        assert ledger.work()[(ENTRY.key, "blog")].total_tokens == 200  # both tries were paid


def test_simulated_pieces_are_rewritten_by_a_real_run_only(path: Path) -> None:
    with Ledger.open(path) as ledger:
        ledger.claim(owner("offline"), ENTRY, ["blog"], simulated=True)
        ledger.finish(owner("offline"), ENTRY, "blog", SAVED, simulated=True)

        assert ledger.claim(owner("offline-again"), ENTRY, ["blog"], simulated=True) == []
        assert ledger.claim(owner("real"), ENTRY, ["blog"]) == ["blog"]


def test_release_gives_back_an_interrupted_runs_claims(path: Path) -> None:
    run = owner("interrupted")
    with Ledger.open(path) as ledger:
        ledger.claim(run, ENTRY, CHANNELS)
        ledger.finish(run, ENTRY, "blog", SAVED, simulated=False)

        assert ledger.release(run, "interrupted before this channel finished") == 2

        work = ledger.work()
        assert ledger.claim(owner("next"), ENTRY, CHANNELS) == ["linkedin", "newsletter"]
    assert work[(ENTRY.key, "blog")].status == DONE
    linkedin = work[(ENTRY.key, "linkedin")]
    assert (linkedin.status, linkedin.result, linkedin.owner_run) == (PENDING, "interrupted", None)


def test_a_run_that_lost_its_claim_does_not_overwrite_the_new_owners_record(path: Path) -> None:
    now = [1_000_000.0]
    slow = owner("slow", host="other-host")
    with Ledger.open(path, lease=60, clock=lambda: now[0]) as ledger:
        ledger.claim(slow, ENTRY, ["blog"])
        now[0] += 61
        ledger.claim(owner("took-over"), ENTRY, ["blog"])

        ledger.finish(slow, ENTRY, "blog", SAVED, simulated=False)

        blog = ledger.work()[(ENTRY.key, "blog")]
    assert (blog.status, blog.owner_run) == (RUNNING, "took-over")


def test_the_file_is_a_versioned_wal_database(path: Path) -> None:
    Ledger.open(path).close()

    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    db.execute("PRAGMA user_version = 99")
    db.commit()
    db.close()

    with pytest.raises(UsageError, match="written by a newer content-gen"):
        Ledger.open(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a database at all, just text" * 10, "is not an SQLite file"),
        (None, "is an SQLite file but not a content-gen ledger"),
    ],
)
def test_a_file_that_is_not_a_ledger_is_refused(path: Path, content: bytes | None, message: str):
    path.parent.mkdir(parents=True)
    if content is None:
        sqlite3.connect(path).executescript("CREATE TABLE notes (x); INSERT INTO notes VALUES (1);")
    else:
        path.write_bytes(content)

    before = path.read_bytes()

    with pytest.raises(UsageError, match=message):
        Ledger.open(path)
    # Refused before anything wrote to it: not even switched to WAL mode.
    assert path.read_bytes() == before
    assert not path.with_name(path.name + "-wal").exists()


def test_an_unusable_location_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("a file where a directory should be")

    with pytest.raises(UsageError, match=r"cannot read ledger .*Not a directory; choose another"):
        Ledger.open(tmp_path / "file" / "ledger.sqlite")


def old_ledger(path: Path, version: int) -> None:
    """A ledger as content-gen left it at schema `version`, with one done row."""
    from content_gen.schedule import schema

    path.parent.mkdir(parents=True, exist_ok=True)
    old = sqlite3.connect(path)
    old.execute(schema._VERSION_1)
    for step in schema.STEPS[: version - 1]:
        step(old)
    old.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    old.execute(f"PRAGMA user_version = {version}")
    old.execute(
        "INSERT INTO work (entry_key, channel, entry_date, topic, status, calls) "
        "VALUES ('k', 'blog', '2026-11-20', 'A topic', 'done', 3)"
    )
    old.commit()
    old.close()


def test_a_ledger_from_an_older_version_is_brought_up_to_date(path: Path) -> None:
    old_ledger(path, 1)

    with Ledger.open(path) as ledger:
        work = ledger.work()
        identity = ledger.identity

    assert work[("k", "blog")].status == "done"  # kept
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("SELECT ledger_id FROM work").fetchone()[0] == identity


def test_a_ledger_from_before_review_gets_the_column_and_keeps_its_rows(path: Path) -> None:
    old_ledger(path, 2)  # the last version without the review column

    with Ledger.open(path) as ledger:
        assert ledger.work()[("k", "blog")].review is None
        assert ledger.set_review("k", "blog", "approved")
        assert not ledger.set_review("k", "linkedin", "approved")  # no such row: none made
        assert ledger.work()[("k", "blog")].review == "approved"


def test_a_ledger_from_before_costs_gains_them_and_keeps_its_work(path: Path) -> None:
    old_ledger(path, 4)  # the last version without costs, spending and batch jobs

    with Ledger.open(path) as ledger:
        work = ledger.work()[("k", "blog")]
        assert work.status == "done"
        assert work.cost is None and work.unpriced_calls == 3  # paid, price unknown: never $0
        assert ledger.read("SELECT count(*) FROM spend")[0][0] == 0
        assert ledger.read("SELECT count(*) FROM batch_jobs")[0][0] == 0
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 5
