"""Shared fixtures: a fake Gemini per test, no network, no real waits, no stray settings."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from content_gen.config import ENV_NAMES, Settings
from content_gen.fake import FakeGemini
from content_gen.llm.limiter import Limiter
from content_gen.pipeline.runtime import Runtime
from content_gen.pipeline.session import gemini_client

TEST_KEY = "test-key-Zx81-DO-NOT-PRINT"
#: What a run of all three channels leaves in its directory, sorted.
RUN_FILES = (
    "blog.md",
    "linkedin.md",
    *("newsletter.html", "newsletter.md", "newsletter.txt"),  # one issue, as markdown and email
    "plan.json",
    "run.json",
)


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No settings leak in from the machine, and no .env from the checkout is read."""
    for name in (*ENV_NAMES.values(), "GEMINI_API_KEY", "GOOGLE_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.chdir(tmp_path)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection beyond loopback fails the test loudly."""
    real_connect = socket.socket.connect

    def connect(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in ("127.0.0.1", "::1", "localhost"):
            raise AssertionError(f"test tried to reach the network: {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)


@pytest.fixture
def fake() -> Iterator[FakeGemini]:
    with FakeGemini() as server:
        yield server


@dataclass
class Sleeps:
    """Stands in for time.sleep: records what would have been waited, waits for nothing."""

    waits: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, fake: FakeGemini) -> FakeGemini:
    """The environment a user would set, pointing the real SDK at the fake."""
    monkeypatch.setenv("GEMINI_API_KEY", TEST_KEY)
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", fake.url)
    return fake


def make_runtime(
    fake: FakeGemini,
    sleeps: Sleeps,
    stop: threading.Event | None = None,
    limiter: Limiter | None = None,
    clock: Callable[[], float] | None = None,
    **settings: Any,
) -> Runtime:
    """A Runtime wired to the fake, as the session would build it, with no real waits."""
    config = Settings(**({"api_key": TEST_KEY, "base_url": fake.url} | settings))
    stop = stop or threading.Event()
    llm = gemini_client(
        config, stop, sleep=sleeps, jitter=lambda: 0.5, limiter=limiter, clock=clock
    )
    return Runtime.build(config, llm, stop=stop)


def visible(folder: Path) -> list[Path]:
    """What a folder shows without its hidden entries (the response cache is `.cache`)."""
    return [p for p in folder.iterdir() if not p.name.startswith(".")]


def clean_env() -> dict[str, str]:
    """os.environ without any content-gen or Gemini setting, for subprocesses."""
    drop = {*ENV_NAMES.values(), "GEMINI_API_KEY", "GOOGLE_API_KEY"}
    return {k: v for k, v in os.environ.items() if k not in drop}


def run_python(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """This interpreter in a fresh process (a script, or -c code), with a clean environment."""
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=clean_env(),
        cwd=cwd,
    )


def killed(script: str, argv: list[str], fake: FakeGemini, **env: str) -> None:
    """Run the command line in a child that `script` makes die (kill -9) at an exact point."""
    variables = clean_env() | {"GEMINI_API_KEY": TEST_KEY, "GOOGLE_GEMINI_BASE_URL": fake.url}
    done = subprocess.run(
        [sys.executable, "-c", script, *argv],
        env=variables | env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 137, done.stderr


@pytest.fixture
def runtime(fake: FakeGemini, sleeps: Sleeps) -> Any:
    """Factory: runtime(max_revisions=1, ...) -> a Runtime wired to this test's fake."""

    def build(stop: threading.Event | None = None, **settings: Any) -> Runtime:
        return make_runtime(fake, sleeps, stop, **settings)

    return build


def run_together(count: int, work: Callable[[int], object], timeout: float = 10) -> None:
    """Run work(0) ... work(count - 1) on threads released at the same moment.

    The first error any of them raised is raised here, and no thread can hang the test.
    """
    start = threading.Barrier(count, timeout=timeout)
    errors: list[BaseException] = []

    def one(n: int) -> None:
        try:
            start.wait()
            work(n)
        except BaseException as exc:
            errors.append(exc)
            start.abort()

    threads = [threading.Thread(target=one, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(t.is_alive() for t in threads), "a thread did not finish"
    if errors:
        raise errors[0]


@dataclass
class Page:
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    #: Send headers saying this many bytes, then nothing more (a huge page, cut off).
    claims_length: int | None = None
    #: Answer nothing until the server stops (a site that never replies).
    hang: bool = False


class WebServer:
    """Web pages on 127.0.0.1 for sources: the tests' stand-in for the internet."""

    def __init__(self) -> None:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.pages: dict[str, Page] = {}
        self.hits: list[str] = []
        self._released = threading.Event()
        web = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                web.hits.append(self.path)
                page = web.pages.get(self.path)
                if page is None:
                    self.send_error(404, "Not Found")
                    return
                if page.hang:
                    web._released.wait(60)
                    return
                self.send_response(page.status)
                self.send_header("Content-Type", page.content_type)
                self.send_header("Content-Length", str(page.claims_length or len(page.body)))
                self.end_headers()
                if page.claims_length is None:
                    self.wfile.write(page.body)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{path}"

    def stop(self) -> None:
        self._released.set()
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def web() -> Iterator[WebServer]:
    server = WebServer()
    yield server
    server.stop()


# --- the review page in a real browser ---------------------------------------------------------

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    # --headless comes from headless=True. As root, Chromium will not start without --no-sandbox.
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these, Chromium keeps dialling Google's hosts, which a closed network refuses.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, driven by Playwright (never `playwright install`'s own browsers).

    Missing, it skips the browser tests on a developer's machine but fails them in CI, where
    .ci/run installs it: a broken install step must not turn into a green run.
    """
    missing = None
    if not Path(CHROMIUM).exists():
        missing = f"{CHROMIUM} is not installed (apt-get install chromium)"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing = missing or "playwright is not installed (pip install -e '.[test]')"
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing}: .ci/run should have installed it")
        pytest.skip(missing)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def screenshots(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the browser tests put a screenshot of each view: $REVIEW_SCREENSHOTS (relative to
    where pytest was started), or a temporary folder. They are for a reviewer to look at."""
    wanted = os.environ.get("REVIEW_SCREENSHOTS")
    start = request.config.invocation_params.dir
    path = start / wanted if wanted else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


# --- a real WordPress (Debian's packages), for the draft publisher -----------------------------


@pytest.fixture(scope="session")
def wordpress() -> Iterator[Any]:
    """WordPress with MariaDB on 127.0.0.1, installed from scratch (tests/wordpress_site.py).

    Where it cannot start, its tests are skipped on a developer's machine but fail in CI, where
    .ci/run installs it: a broken install step must not turn into a green run.
    """
    from wordpress_site import Unavailable, start

    try:
        site = start()
    except Unavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(f"WordPress cannot run: {exc}; .ci/run should have installed it")
        pytest.skip(f"WordPress cannot run here: {exc}")
    yield site
    site.stop()
