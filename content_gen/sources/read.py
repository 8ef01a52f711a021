"""Reading a source: a file (confined, bounded) or an http(s) URL (timeout, deadline, size cap,
redirects that stay on http(s)), then its text: markdown and plain text as they are, web pages
by their main text (trafilatura, made for it), PDFs by their text layer (pypdf).

Every failure is a UsageError of one line that names the source.
"""

from __future__ import annotations

import ipaddress
import socket
import time
import urllib.error
import urllib.request
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import SourceError, UsageError
from ..files import OUTSIDE_HINT, confine, read_bytes
from .extract import extract
from .model import MAX_BYTES, Confinement, Source, made

FETCH_TIMEOUT = 20.0  # seconds for any one read of the socket, and the whole download
USER_AGENT = "content-gen (+https://github.com/content-gen/content-gen)"
_TEXT_SUFFIXES = {".md": "text/markdown", ".markdown": "text/markdown", ".txt": "text/plain"}
_SUFFIXES = _TEXT_SUFFIXES | {
    ".html": "text/html",
    ".htm": "text/html",
    ".pdf": "application/pdf",
}


def read_source(
    spec: str, source_id: str, base: Path, confinement: Confinement, fetch: Any = None
) -> Source:
    scheme = urlsplit(spec).scheme.lower()
    if scheme in ("http", "https"):
        data, media_type, final = (fetch or fetch_url)(spec, confinement)
        text, title = extract(data, media_type, spec)
        return made(source_id, spec, "url", title or final, text, data, media_type)
    if scheme and len(scheme) > 1:  # "c:" is a Windows drive, not a scheme
        raise SourceError(f"source {spec}: only http:// and https:// URLs can be fetched")
    path = base / spec
    if confinement.folder is not None:
        try:
            confine(path, confinement.folder, label="source", hint=OUTSIDE_HINT)
        except UsageError as exc:
            raise SourceError(str(exc)) from None
    try:
        data = read_bytes(path, label="source", limit=MAX_BYTES)
    except UsageError as exc:
        raise SourceError(str(exc)) from None
    media_type = _SUFFIXES.get(path.suffix.lower(), "")
    text, title = extract(data, media_type, spec)
    return made(source_id, spec, "file", title or path.name, text, data, media_type or "text/plain")


def fetch_url(
    url: str, confinement: Confinement, timeout: float = FETCH_TIMEOUT
) -> tuple[bytes, str, str]:
    """The page's bytes, its media type and the URL it ended at; SourceError for any failure.

    `timeout` bounds each read of the socket and the whole download."""
    if not confinement.private_urls:
        _refuse_private(url)
    opener = urllib.request.build_opener(_HttpOnlyRedirects(confinement))
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
    deadline = time.monotonic() + timeout
    try:
        with opener.open(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > MAX_BYTES:
                raise SourceError(_too_big(url, int(length)))
            chunks, total = [], 0
            while chunk := response.read(65536):
                chunks.append(chunk)
                total += len(chunk)
                if total > MAX_BYTES:
                    raise SourceError(_too_big(url, total, more=True))
                if time.monotonic() > deadline:
                    raise SourceError(f"source {url}: no complete reply within {timeout:g}s")
            return b"".join(chunks), _media_type(response.headers), response.geturl()
    except urllib.error.HTTPError as exc:
        exc.close()  # it holds the response's socket
        raise SourceError(f"source {url}: HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError | socket.timeout):
            raise SourceError(f"source {url}: no reply within {timeout:g}s") from None
        raise SourceError(f"source {url}: cannot fetch it ({reason})") from None
    except TimeoutError:
        raise SourceError(f"source {url}: no reply within {timeout:g}s") from None
    except OSError as exc:
        raise SourceError(f"source {url}: cannot fetch it ({exc})") from None


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a few redirects, only to http(s), and only to public hosts when so confined."""

    max_redirections = 5

    def __init__(self, confinement: Confinement) -> None:
        self._confinement = confinement

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str):
        if urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise SourceError(f"source {req.full_url}: redirected to {newurl}, not an http(s) URL")
        if not self._confinement.private_urls:
            _refuse_private(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _refuse_private(url: str) -> None:
    """A calendar's URL must not reach this machine or its network (cloud metadata, routers)."""
    host = urlsplit(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError as exc:
        raise SourceError(f"source {url}: cannot find {host} ({exc})") from None
    for address in addresses:
        ip = ipaddress.ip_address(str(address).split("%")[0])
        if not ip.is_global:
            raise SourceError(
                f"source {url}: {host} is on a private network ({ip}); a calendar may fetch "
                "only public pages unless you pass --allow-private-urls"
            )


def _media_type(headers: Message) -> str:
    return (headers.get_content_type() or "").lower()


def _too_big(url: str, size: int, *, more: bool = False) -> str:
    shown = f"over {MAX_BYTES:,}" if more else f"{size:,}"
    return f"source {url} is {shown} bytes; the maximum is {MAX_BYTES:,}"
