"""What the review page's tests share: runs written through the fake, a page server, requests."""

from __future__ import annotations

import http.client
import json
import time
from pathlib import Path
from typing import Any

from conftest import TEST_KEY, Sleeps, visible

from content_gen.cli import main
from content_gen.config import Settings
from content_gen.fake import FakeGemini
from content_gen.review.model import Folder
from content_gen.review.routes import make_app
from content_gen.review.server import ReviewServer

TOPIC = "How small teams can adopt AI code review"


def write_run(sleeps: Sleeps, topic: str = TOPIC, *args: str) -> Path:
    """A run of `topic` in out/, written by `generate` through the real SDK and the fake."""
    before = set(visible(Path("out"))) if Path("out").exists() else set()
    assert main(["generate", topic, "--out", "out", *args], sleep=sleeps) == 0
    (run,) = set(visible(Path("out"))) - before
    return run.resolve()


def serve(
    root: Path, fake: FakeGemini, sleeps: Sleeps, *, ledger: Path | None = None, **folder: Any
) -> ReviewServer:
    """The page for `root`, started on a thread; its send-backs go to `fake`."""
    settings = Settings(api_key=TEST_KEY, base_url=fake.url)
    app = make_app(Folder(root, **folder), settings, ledger=ledger, sleep=sleeps)
    return ReviewServer(app).start()


def request(
    server: ReviewServer,
    path: str,
    *,
    method: str = "GET",
    host: str | None = None,
    body: bytes | dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, bytes]:
    """A raw request: http.client neither tidies `..` out of paths nor fixes the Host."""
    if isinstance(body, dict):
        body = json.dumps(body).encode()
        headers = {"Content-Type": "application/json", **(headers or {})}
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        sent = {"Host": f"127.0.0.1:{server.port}" if host is None else host, **(headers or {})}
        conn.request(method, path, body=body, headers=sent)
        res = conn.getresponse()
        return res.status, res.read()
    finally:
        conn.close()


def api(server: ReviewServer, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    status, data = request(server, f"/{server.token}/{path}", method="POST", body=body)
    return status, json.loads(data)


def finished(server: ReviewServer, job: dict[str, Any]) -> dict[str, Any]:
    """The send-back job once it has ended (polled as the page polls it), or as it stood after
    20 seconds."""
    deadline = time.monotonic() + 20
    while job["state"] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.02)
        status, body = request(server, f"/{server.token}/api/jobs/{job['id']}")
        assert status == 200
        job = json.loads(body)
    return job
