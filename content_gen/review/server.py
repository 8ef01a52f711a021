"""The review page's web server: the standard library's threaded HTTP server, on 127.0.0.1.

Every request must:
  * carry a Host header naming this server (127.0.0.1:PORT or localhost:PORT), so a web page
    that rebinds its own domain name to 127.0.0.1 (DNS rebinding) is refused;
  * start its path with /<token>/, the random token in the address the command prints, so
    another local user, or a web page open in the same browser, cannot drive the page;
  * for a POST, send JSON (a form cannot: a cross-site JSON POST needs a CORS preflight, which
    is never answered) and an Origin, if any, that is this server's own.

Answers forbid inline script (Content-Security-Policy), referrers (the token is in the URL),
caching and framing. The routes are in `routes.py`.
"""

from __future__ import annotations

import hmac
import json
import secrets
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from .routes import App, HTTPError, Response

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'"
)
MAX_BODY = 4_000_000


class ReviewServer(ThreadingHTTPServer):
    """One review page: `url` (with its token) is the only way in."""

    daemon_threads = True  # an idle keep-alive connection never holds up shutdown

    def __init__(self, app: App, *, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.app = app
        self.port = int(self.server_address[1])
        self.token = secrets.token_urlsafe(24)
        self.hosts = {f"127.0.0.1:{self.port}", f"localhost:{self.port}"}
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/{self.token}/"

    def start(self) -> ReviewServer:
        """Serve on a thread (tests; the command serves on its main thread)."""
        self.app.warm()
        # A short poll: shutdown() returns within 50 ms, not the default 500.
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def close(self) -> None:
        if self._thread is not None:
            self.shutdown()
        self.server_close()
        self.app.close()

    def __enter__(self) -> ReviewServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Handler(BaseHTTPRequestHandler):
    server: ReviewServer
    protocol_version = "HTTP/1.1"  # keep-alive: the page and its polling share a connection
    timeout = 60  # an idle connection is closed after this
    server_version = "content-gen-review"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the terminal shows the address and errors, not every request

    def do_GET(self) -> None:
        self._serve(body=False)

    def do_HEAD(self) -> None:
        self._serve(body=False)

    def do_POST(self) -> None:
        self._serve(body=True)

    def _serve(self, *, body: bool) -> None:
        app = self.server.app
        try:
            segments, query = self._guard()
            if body:
                response = app.post(segments, self._json())
            else:
                response = app.get(segments, query, base=f"/{self.server.token}/")
        except HTTPError as exc:
            self._error(exc.status, exc.message)
            return
        except Exception as exc:  # a bug: one line on the terminal and the page, no traceback
            message = f"unexpected {type(exc).__name__}: {exc}"
            print(f"content-gen: review: {message}", file=sys.stderr)
            self._error(HTTPStatus.INTERNAL_SERVER_ERROR, message)
            return
        self._send(response)

    def _guard(self) -> tuple[list[str], dict[str, str]]:
        """The path's segments after the token, and its query; HTTPError if refused."""
        if self.headers.get("Host", "") not in self.server.hosts:
            raise HTTPError(HTTPStatus.FORBIDDEN, "this server answers to 127.0.0.1 only")
        url = urlsplit(self.path)
        parts = url.path.split("/")[1:]  # split before decoding: %2F never makes a separator
        token = self.server.token.encode()
        if not parts or not hmac.compare_digest(parts[0].encode(), token):
            raise HTTPError(HTTPStatus.FORBIDDEN, "open the address the command printed")
        try:
            segments = [unquote(p, errors="strict") for p in parts[1:]]
        except UnicodeDecodeError:
            raise HTTPError(HTTPStatus.BAD_REQUEST, "bad path") from None
        if any(s in (".", "..") or "/" in s or "\\" in s or "\0" in s for s in segments):
            raise HTTPError(HTTPStatus.BAD_REQUEST, "bad path")
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        return [s for s in segments if s], query

    def _json(self) -> dict[str, Any]:
        origin = self.headers.get("Origin")
        if origin is not None and urlsplit(origin).netloc not in self.server.hosts:
            raise HTTPError(HTTPStatus.FORBIDDEN, "cross-origin request")
        if self.headers.get_content_type() != "application/json":
            raise HTTPError(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "send JSON")
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            raise HTTPError(HTTPStatus.BAD_REQUEST, "bad Content-Length") from None
        if not 0 <= length <= MAX_BODY:
            raise HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "too large")
        try:
            data = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            raise HTTPError(HTTPStatus.BAD_REQUEST, "bad JSON") from None
        if not isinstance(data, dict):
            raise HTTPError(HTTPStatus.BAD_REQUEST, "send a JSON object")
        return data

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("X-Frame-Options", "DENY")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-store")
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def _error(self, status: int, message: str) -> None:
        # A refused request's body may be unread: it must not be taken for the next request.
        self.close_connection = True
        body = json.dumps({"error": message}).encode()
        self._send(Response(body, "application/json", status, {"Connection": "close"}))
