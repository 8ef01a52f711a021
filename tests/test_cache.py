"""Never paying twice: the response cache, what its key holds, its bound, and work resumed
after kill -9 that pays for no call it already paid for."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import TEST_KEY, Sleeps, killed, make_runtime

from content_gen.cli import main
from content_gen.fake import FAIL, FakeGemini
from content_gen.llm.cache import Entry, ResponseCache, request_key
from content_gen.llm.seam import LLMRequest, Usage
from content_gen.quality.judge import Judgement

TOPIC = "How small teams can adopt AI code review"


def generate(sleeps: Sleeps, *args: str) -> int:
    return main(["generate", TOPIC, "--out", "out", *args], sleep=sleeps)


def cache_files() -> list[Path]:
    return sorted(Path("out/.cache").rglob("*.json"))


def run_jsons() -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted(Path("out").glob("*/run.json"))]


def asked(fake: FakeGemini, since: int = 0) -> list[tuple[str, str]]:
    return [(r.model, r.prompt) for r in fake.requests[since:]]


# --- when the cache is read ----------------------------------------------------------------------


def test_a_new_run_asks_afresh_and_cache_reuses_what_was_paid_for(env, sleeps, capsys):
    assert generate(sleeps) == 0
    first = len(env.requests)
    assert generate(sleeps) == 0  # a deliberate new run: the model is asked again
    assert len(env.requests) == 2 * first
    capsys.readouterr()

    assert generate(sleeps, "--cache") == 0

    assert len(env.requests) == 2 * first  # every reply came from the cache
    newest = run_jsons()[-1]
    calls = [c for ch in newest["channels"].values() for a in ch["attempts"] for c in a["calls"]]
    assert calls and all(c["cached"] and c["cost_usd"] == 0 and c["tries"] == 0 for c in calls)
    assert newest["usage"]["calls"] == 0 and newest["usage"]["cost_usd"] == 0
    assert newest["usage"]["cache_hits"] == len(calls) + 1  # and the plan
    assert "0 API calls (+7 from the cache)" in capsys.readouterr().out


def test_no_cache_neither_reads_nor_keeps_replies(env, sleeps):
    assert generate(sleeps, "--no-cache", "--channels", "linkedin") == 0
    assert cache_files() == []


def test_the_key_is_never_stored_and_never_part_of_the_key(env, sleeps, monkeypatch):
    assert generate(sleeps, "--channels", "linkedin") == 0
    files = cache_files()
    assert files and not [p for p in files if TEST_KEY in p.read_text()]
    paid = len(env.requests)

    monkeypatch.setenv("GEMINI_API_KEY", "another-key-entirely")
    assert generate(sleeps, "--channels", "linkedin", "--cache") == 0
    assert len(env.requests) == paid  # same questions, another key: the same replies


def test_everything_that_changes_the_reply_changes_the_key(fake, sleeps) -> None:
    llm = make_runtime(fake, sleeps).llm
    base = LLMRequest("gemini-3.8-flash", "Topic: AI", Judgement, "blog", "judge")
    key = request_key(llm.describe(base))  # type: ignore[attr-defined]
    variants = [
        LLMRequest("gemini-3.7-flash", "Topic: AI", Judgement, "blog", "judge"),
        LLMRequest("gemini-3.8-flash", "Topic: ML", Judgement, "blog", "judge"),
        LLMRequest("gemini-3.8-flash", "Topic: AI", Judgement, "blog", "judge", search=True),
        LLMRequest("gemini-3.8-flash", "Topic: AI", Judgement, "blog", "plan"),  # thinks more
    ]
    keys = {request_key(llm.describe(v)) for v in variants}  # type: ignore[attr-defined]
    assert len(keys) == len(variants) and key not in keys
    # Which channel or attempt asks does not change the question.
    same = LLMRequest("gemini-3.8-flash", "Topic: AI", Judgement, "linkedin", "judge", attempt=3)
    assert request_key(llm.describe(same)) == key  # type: ignore[attr-defined]
    elsewhere = make_runtime(fake, sleeps, base_url="http://127.0.0.1:9").llm
    assert request_key(elsewhere.describe(base)) != key  # type: ignore[attr-defined]
    thinking_more = make_runtime(fake, sleeps, thinking_judge="high").llm
    assert request_key(thinking_more.describe(base)) != key  # type: ignore[attr-defined]


# --- the cache on disk -------------------------------------------------------------------------


def entry(text: str = '{"a": 1}') -> Entry:
    return Entry(text, Usage(calls=1, prompt_tokens=10, output_tokens=5, cost_usd=0.001))


def test_the_cache_keeps_under_its_bound_dropping_the_least_recently_used(tmp_path: Path):
    cache = ResponseCache(tmp_path, max_bytes=2_000)
    for n in range(40):
        cache.put(f"{n:064x}", entry("x" * 100))
        if n == 0:
            assert cache.get(f"{0:064x}") is not None
        os.utime(cache._path(f"{n:064x}"), (1000 + n, 1000 + n))
        if n % 5 == 0:  # the first entry keeps being used
            os.utime(cache._path(f"{0:064x}"), (2000 + n, 2000 + n))
    total = sum(p.stat().st_size for p in tmp_path.rglob("*.json"))
    assert total <= 2_000
    assert cache.get(f"{0:064x}") is not None  # used recently: kept
    assert cache.get(f"{1:064x}") is None  # the oldest unused: gone
    assert cache.get(f"{39:064x}") is not None


def test_a_half_written_entry_is_never_read_and_a_damaged_one_is_a_miss(tmp_path: Path):
    cache = ResponseCache(tmp_path, max_bytes=10**6)
    key = "ab" + "0" * 62
    path = cache._path(key)
    path.parent.mkdir(parents=True)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        text=True,
        capture_output=True,
        check=True,
    ).stdout.strip()
    leftover = path.with_name(f".{path.name}.{dead}.0123456789ab.tmp")
    leftover.write_text('{"text": "half')  # a writer killed mid-write leaves only this
    assert cache.get(key) is None
    path.write_text("{not json")
    assert cache.get(key) is None
    cache.put(key, entry())
    assert cache.get(key) == entry() and not leftover.exists()


def test_a_reply_that_no_longer_fits_its_schema_is_asked_again(fake, sleeps, tmp_path: Path):
    cache = ResponseCache(tmp_path, max_bytes=10**6)
    rt = make_runtime(fake, sleeps)
    llm = rt.llm
    llm.cache = cache  # type: ignore[attr-defined]
    request = LLMRequest("gemini-3.8-flash", "Topic: AI", Judgement, "blog", "judge")
    key = request_key(llm.describe(request))  # type: ignore[attr-defined]
    cache.put(key, entry('{"relevance": "not a judgement"}'))
    reply = llm.generate(request)
    assert not reply.record.cached and fake.count() == 1
    assert llm.generate(request).record.cached and fake.count() == 1


# --- killed, then resumed: no call paid twice ----------------------------------------------------

# The process dies (kill -9) right after the n-th reply is filed in the cache: no request is in
# flight at that moment when the channels run one at a time.
_DIE_AFTER_REPLIES = """
import os, sys
from content_gen.llm import cache
real, filed = cache.ResponseCache.put, [0]
def put(self, key, entry):
    real(self, key, entry)
    filed[0] += 1
    if filed[0] == int(os.environ["DIE_AFTER"]):
        os._exit(137)
cache.ResponseCache.put = put
from content_gen.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_generate_killed_mid_run_and_resumed_into_its_directory_pays_for_nothing_twice(
    env: FakeGemini, sleeps: Sleeps
):
    env.scores("newsletter", FAIL)
    killed(
        _DIE_AFTER_REPLIES, ["generate", TOPIC, "--out", "out", "--sequential"], env, DIE_AFTER="4"
    )
    (run_dir,) = Path("out").glob("*-how-small-teams-*")
    before = asked(env)
    assert len(before) == 4  # the plan, linkedin's draft and judgement, newsletter's draft

    assert generate(sleeps, "--into", str(run_dir), "--sequential") == 0

    again = [r for r in asked(env, len(before)) if r in before]
    assert again == []
    assert {p.name for p in run_dir.glob("*.md")} == {"linkedin.md", "newsletter.md", "blog.md"}
    manifest = json.loads((run_dir / "run.json").read_text())
    # The plan is reused from plan.json; the three replies after it come from the cache.
    assert manifest["usage"]["cache_hits"] == 3 and manifest["status"] == "complete"


def test_a_calendar_entry_killed_mid_run_is_resumed_from_the_cache(env: FakeGemini, sleeps: Sleeps):
    Path("cal.csv").write_text(
        "date,topic,channels\n2026-11-20,How small teams can adopt AI code review,blog\n"
        "2026-11-21,Writing a one-page project brief,blog\n"
    )
    argv = ["calendar", "run", "cal.csv", "--out", "out", "--today", "2026-11-21"]
    killed(_DIE_AFTER_REPLIES, [*argv, "--max-topics", "1"], env, DIE_AFTER="3")
    before = asked(env)
    assert len(before) == 3  # the first entry's plan, draft and judgement: not yet recorded

    assert main(argv, sleep=sleeps) == 0

    assert [r for r in asked(env, len(before)) if r in before] == []
    assert len(list(Path("out").glob("*/blog.md"))) == 2


def test_a_cache_shared_by_threads_files_each_reply_whole(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path, max_bytes=10**6)
    key = "cd" + "1" * 62

    def write(n: int) -> None:
        for _ in range(20):
            cache.put(key, entry(json.dumps({"n": n, "pad": "y" * 2000})))
            found = cache.get(key)
            assert found is not None and json.loads(found.text)["pad"] == "y" * 2000

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not list(tmp_path.rglob("*.tmp"))


@pytest.mark.parametrize("flag", ["--cache", "--no-cache"])
def test_cache_flags_are_in_help(flag: str, capsys) -> None:
    with pytest.raises(SystemExit):
        main(["generate", "--help"])
    assert flag in capsys.readouterr().out
