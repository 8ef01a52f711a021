"""The review page without a browser: who may use it, what it serves, what it writes."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import Sleeps, clean_env, run_together
from reviewing import TOPIC, api, request, serve, write_run

from content_gen.cli import main
from content_gen.fake import FakeGemini
from content_gen.review.server import ReviewServer
from content_gen.review.views import fold, markdown
from content_gen.storage import file_sha256


@pytest.fixture
def run(env: FakeGemini, sleeps: Sleeps) -> Path:
    return write_run(sleeps)


@pytest.fixture
def server(run: Path, env: FakeGemini, sleeps: Sleeps) -> Iterator[ReviewServer]:
    page = serve(run.parent, env, sleeps)
    yield page
    page.close()


def piece_path(run: Path, channel: str = "blog") -> str:
    return f"run/{run.name}/{channel}"


def seen(run: Path, channel: str = "blog") -> str:
    return file_sha256(run / f"{channel}.md") or ""


# --- who may use it ----------------------------------------------------------------------------


def endpoints(run: Path) -> list[tuple[str, str]]:
    """Every route, as (method, path after the token)."""
    return [
        ("GET", ""),
        ("GET", "?state=approved"),
        ("GET", "static/app.js"),
        ("GET", piece_path(run)),
        ("GET", piece_path(run) + "/file"),
        ("GET", "api/jobs/0123456789ab"),
        ("POST", "api/check"),
        *[("POST", f"api/{piece_path(run)}/{a}") for a in ("approve", "unapprove", "save")],
        ("POST", f"api/{piece_path(run)}/send-back"),
    ]


def test_every_endpoint_refuses_a_missing_or_wrong_token_and_a_foreign_host(
    server: ReviewServer, run: Path
) -> None:
    wrong = "x" * len(server.token)
    body = {"seen": seen(run), "text": "# x\n", "note": "shorter", "channel": "blog"}
    for method, tail in endpoints(run):
        data = body if method == "POST" else None
        for path in (f"/{tail}", f"/{wrong}/{tail}", f"/{server.token[:-1]}/{tail}"):
            status, _ = request(server, path, method=method, body=data)
            assert status == 403, (method, path)
        for host in (
            "evil.example:{port}",
            "127.0.0.1:1",
            "localhost",
            "127.0.0.1.nip.io:{port}",
            "",
            "[::1]:{port}",
        ):
            shown = host.format(port=server.port)
            status, _ = request(
                server, f"/{server.token}/{tail}", method=method, body=data, host=shown
            )
            assert status == 403, (method, tail, shown)
    # Nothing above changed anything.
    manifest = json.loads((run / "run.json").read_text())
    assert all("review" not in c for c in manifest["channels"].values())


def test_the_right_token_and_host_get_the_list(server: ReviewServer, run: Path) -> None:
    status, body = request(server, f"/{server.token}/")
    assert status == 200 and TOPIC.encode() in body
    assert request(server, f"/{server.token}/", host=f"localhost:{server.port}")[0] == 200


@pytest.mark.parametrize(
    "tail",
    [
        "run/../../etc/passwd",
        "run/{run}/..",
        "run/{run}/../run.json",
        "run/%2e%2e/%2e%2e/etc/passwd",
        "run/{run}%2F..%2F..%2Fetc/passwd",
        "run/{run}/..%5c..%5cetc",
        "run/{run}/blog/..",
        "static/../server.py",
        "static/%2e%2e%2fserver.py",
        "static/..%2Froutes.py",
        "run/%ff/x",
        "run/.hidden/blog",
        "run/{run}/run.json",
    ],
)
def test_paths_out_of_the_folder_are_refused(server: ReviewServer, run: Path, tail: str) -> None:
    status, body = request(server, f"/{server.token}/{tail.format(run=run.name)}")
    assert status in (400, 404), (status, body)
    assert b"root:" not in body and b"import" not in body


def test_only_pieces_run_json_names_inside_runs_under_the_root(
    server: ReviewServer, run: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "blog.md").write_text("a secret")
    (outside / "run.json").write_text(
        json.dumps({"topic": "x", "channels": {"blog": {"ok": True, "file": "blog.md"}}})
    )
    os.symlink(outside, run.parent / "2026-12-31-a-link")
    base = f"/{server.token}/run/"
    assert request(server, base + "2026-12-31-a-link/blog")[0] == 404
    assert b"a-link" not in request(server, f"/{server.token}/")[1]

    manifest = json.loads((run / "run.json").read_text())
    manifest["channels"]["blog"]["file"] = "../elsewhere/blog.md"
    manifest["channels"]["linkedin"]["file"] = "run.json.md"
    (run / "run.json").write_text(json.dumps(manifest))
    (run / "newsletter.md").unlink()
    os.symlink(outside / "blog.md", run / "newsletter.md")
    for channel in ("blog", "linkedin", "newsletter", "nosuch"):
        status, body = request(server, base + f"{run.name}/{channel}")
        assert status == 404 and b"secret" not in body, channel
        assert request(server, base + f"{run.name}/{channel}/file")[0] == 404


def test_posts_must_be_same_origin_json(server: ReviewServer, run: Path) -> None:
    path = f"/{server.token}/api/{piece_path(run)}/approve"
    body = json.dumps({"seen": seen(run)}).encode()
    as_json = {"Content-Type": "application/json"}
    for origin in ("http://evil.example", f"http://127.0.0.1:{server.port + 1}", "null"):
        headers = {"Origin": origin, **as_json}
        assert request(server, path, method="POST", body=body, headers=headers)[0] == 403
    for kind in ("application/x-www-form-urlencoded", "text/plain", "multipart/form-data"):
        assert (
            request(server, path, method="POST", body=body, headers={"Content-Type": kind})[0]
            == 415
        )
    assert "review" not in json.loads((run / "run.json").read_text())["channels"]["blog"]

    own = {"Origin": f"http://127.0.0.1:{server.port}", **as_json}
    status, answer = request(server, path, method="POST", body=body, headers=own)
    assert status == 200 and json.loads(answer)["review"] == "approved"
    assert json.loads((run / "run.json").read_text())["channels"]["blog"]["review"]["state"] == (
        "approved"
    )
    assert not list(run.rglob(".*.tmp"))


def test_answers_forbid_script_from_elsewhere_framing_caching_and_referrers(
    server: ReviewServer,
) -> None:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    conn.request("GET", f"/{server.token}/")
    res = conn.getresponse()
    res.read()
    conn.close()
    csp = res.getheader("Content-Security-Policy") or ""
    assert "script-src 'self'" in csp and "default-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert res.getheader("Referrer-Policy") == "no-referrer"
    assert res.getheader("Cache-Control") == "no-store"
    assert res.getheader("X-Content-Type-Options") == "nosniff"


@pytest.mark.parametrize(
    ("source", "absent"),
    [
        ("<script>alert(1)</script>", "<script"),
        ("<img src=x onerror=alert(1)>", "<img"),
        ("<iframe src=//evil.example>", "<iframe"),
        ("[x](javascript:alert(1))", "href"),
        ("[x](JaVaScRiPt:alert(1))", "href"),
        ("[x](java&#115;cript:alert(1))", "href"),
        ("[x](vbscript:msgbox(1))", "href"),
        ("[x](data:text/html;base64,PHNjcmlwdD4=)", "href"),
        ("<javascript:alert(1)>", "href"),
        ('[t](https://e.com "a\\" onmouseover=\\"b")', 'a" onmouseover'),
    ],
)
def test_markdown_shows_raw_html_as_text_and_drops_unsafe_links(source: str, absent: str) -> None:
    assert absent not in markdown(source)


def test_the_server_listens_on_loopback_on_a_free_port_with_its_own_token(
    run: Path, env: FakeGemini, sleeps: Sleeps
) -> None:
    a, b = serve(run.parent, env, sleeps), serve(run.parent, env, sleeps)
    try:
        assert a.server_address[0] == "127.0.0.1" and a.port != b.port
        assert a.token != b.token and len(a.token) >= 32
        assert a.url == f"http://127.0.0.1:{a.port}/{a.token}/"
    finally:
        a.close()
        b.close()


# --- what it serves ----------------------------------------------------------------------------


def test_the_list_is_newest_first_and_filters_by_review_state(
    run: Path, env: FakeGemini, sleeps: Sleeps
) -> None:
    older = write_run(sleeps, "Writing a one-page project brief people read")
    os.rename(older, older.with_name("2020-01-02-writing-a-one-page-project-brief"))
    page = serve(run.parent, env, sleeps)
    try:
        approve = f"api/{piece_path(run, 'linkedin')}/approve"
        assert api(page, approve, {"seen": seen(run, "linkedin")})[0] == 200
        body = request(page, f"/{page.token}/")[1].decode()
        assert body.index(TOPIC) < body.index("Writing a one-page project brief")
        approved = request(page, f"/{page.token}/?state=approved")[1].decode()
        assert TOPIC in approved and "Writing a one-page" not in approved
        edited = request(page, f"/{page.token}/?state=edited")[1].decode()
        assert TOPIC not in edited and "No piece is edited." in edited
    finally:
        page.close()


def test_a_calendar_lists_its_entries_written_or_not(
    run: Path, env: FakeGemini, sleeps: Sleeps
) -> None:
    from content_gen.schedule.calendar import load_calendar

    Path("cal.csv").write_text(
        f"date,topic,channels\n{run.name[:10]},{TOPIC},\n2099-01-05,A topic for later,blog\n"
    )
    page = serve(run.parent, env, sleeps, calendar=load_calendar(Path("cal.csv")))
    try:
        body = request(page, f"/{page.token}/")[1].decode()
        assert TOPIC in body and "A topic for later" in body and "not due" in body
        assert f"run/{run.name}/blog" in body
    finally:
        page.close()


def test_download_is_the_file_as_it_is(server: ReviewServer, run: Path) -> None:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    conn.request("GET", f"/{server.token}/{piece_path(run)}/file")
    res = conn.getresponse()
    assert res.read() == (run / "blog.md").read_bytes()
    assert res.getheader("Content-Disposition") == f'attachment; filename="{run.name}-blog.md"'
    conn.close()


def test_the_feed_folds_a_post_where_linkedin_does() -> None:
    short = "One line.\n\nTwo lines."
    assert fold(short) == (short, "")
    long = "A hook that works.\n\nSecond paragraph.\n\nThird paragraph.\n\nFourth."
    head, rest = fold(long)
    assert head == "A hook that works.\n\nSecond paragraph."
    assert rest == "\n\nThird paragraph.\n\nFourth."
    words = "word " * 80
    head, rest = fold(words)
    assert (
        len(head) <= 210
        and not head.endswith("wor")
        and (head + " " + rest).split() == words.split()
    )


# --- what it writes ----------------------------------------------------------------------------


def test_two_tabs_approving_and_editing_leave_a_consistent_file_and_run_json(
    server: ReviewServer, run: Path
) -> None:
    start = seen(run)
    answers: list[int] = []

    def tab(n: int) -> None:
        action = ("approve", "save")[n % 2]
        body = {"seen": start, "text": f"# Tab {n} edited this\n"}
        answers.append(api(server, f"api/{piece_path(run)}/{action}", body)[0])

    run_together(8, tab)

    assert set(answers) <= {200, 409} and 200 in answers
    record = json.loads((run / "run.json").read_text())["channels"]["blog"]
    assert record["sha256"] == seen(run)
    edits = [h for h in record["review"]["history"] if h["state"] == "edited"]
    assert len(edits) <= 1  # one tab's edit won; the others were told it changed
    if edits:
        assert (run / edits[0]["kept"].replace("/", os.sep)).is_file()
    assert not list(run.rglob(".*.tmp"))


def test_a_stale_or_missing_version_is_refused_with_409(server: ReviewServer, run: Path) -> None:
    path = f"api/{piece_path(run)}/save"
    assert api(server, path, {"seen": seen(run), "text": "# New\n"})[0] == 200
    status, answer = api(server, path, {"seen": "0" * 64, "text": "# Old tab\n"})
    assert status == 409 and "reload" in answer["error"]
    assert api(server, path, {"text": "# No version\n"})[0] == 409
    assert (run / "blog.md").read_text() == "# New\n"
    assert (
        api(server, f"api/{piece_path(run)}/send-back", {"seen": seen(run), "note": " "})[0] == 400
    )
    assert api(server, "api/jobs/nope", {})[0] == 404


# --- the command -------------------------------------------------------------------------------


def test_ctrl_c_stops_the_command_cleanly(run: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "content_gen", "review", str(run.parent), "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=clean_env(),
    )
    try:
        assert proc.stdout is not None
        first, address = proc.stdout.readline(), proc.stdout.readline().strip()
        assert first.startswith("Reviewing 1 run in ") and address.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(address, timeout=5) as res:
            assert res.status == 200
        started = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
        assert time.monotonic() - started < 3
        assert proc.returncode == 0, err
        assert "Stopped." in out and err == ""
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_command_errors_are_one_line(run: Path, capsys) -> None:
    assert main(["review", "nowhere", "--no-browser"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nowhere is not a folder" in err
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["review", str(run.parent), "--port", str(port), "--no-browser"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"port {port} is in use" in err
    with pytest.raises(SystemExit):
        main(["review", "--port", "70000"])


def test_review_help_loads_no_web_stack(tmp_path: Path) -> None:
    probe = (
        "import contextlib, io, sys\n"
        "from content_gen.cli import main\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['review', '--help'])\n"
        "heavy = ('jinja2', 'markdown_it', 'pydantic', 'google.genai', 'http.server')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=clean_env(), timeout=60
    )
    assert done.stdout.strip() == "[]", done.stderr


def test_a_topic_is_shown_as_text_in_the_list(server: ReviewServer, run: Path) -> None:
    manifest = json.loads((run / "run.json").read_text())
    manifest["topic"] = '<script>alert("topic")</script>'
    (run / "run.json").write_text(json.dumps(manifest))
    body = request(server, f"/{server.token}/")[1]
    assert b"<script>alert" not in body and b"&lt;script&gt;alert(&#34;topic&#34;)" in body
