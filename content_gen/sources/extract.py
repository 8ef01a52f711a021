"""A source's bytes as text: the main text of a web page, the text of a PDF, or the file itself.

The libraries are imported only when a source of their kind is read, so runs without sources
and `--help` never load them.
"""

from __future__ import annotations

import io
import re

from ..errors import SourceError

_TEXT = {"text/plain", "text/markdown", "text/x-markdown", ""}
_HTML = {"text/html", "application/xhtml+xml"}
_PDF = {"application/pdf"}
_TITLE = re.compile(r"^\s*#\s+(.+?)\s*#*\s*$", re.MULTILINE)


def extract(data: bytes, media_type: str, origin: str) -> tuple[str, str]:
    """(text, title) of the source, or UsageError if it is not text the plan can read."""
    if media_type in _HTML or (media_type == "" and _looks_like_html(data)):
        return _html(data, origin)
    if media_type in _PDF or data.startswith(b"%PDF-"):
        return _pdf(data, origin)
    if media_type in _TEXT or media_type.startswith("text/"):
        text = _decode(data, origin)
        match = _TITLE.search(text)
        return text, match.group(1) if match else ""
    raise SourceError(f"source {origin} is {media_type}, not text, a web page or a PDF")


def _decode(data: bytes, origin: str) -> str:
    if b"\x00" in data[:4096]:
        raise SourceError(f"source {origin} is a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SourceError(f"source {origin} is not UTF-8 text") from None


def _looks_like_html(data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))


def _html(data: bytes, origin: str) -> tuple[str, str]:
    import trafilatura

    text = trafilatura.extract(data, include_comments=False, include_tables=True)
    if not text or not text.strip():
        raise SourceError(f"source {origin}: no main text found in the page")
    meta = trafilatura.extract_metadata(data)
    return text.strip(), (meta.title if meta and meta.title else "")


def _pdf(data: bytes, origin: str) -> tuple[str, str]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
        title = str(reader.metadata.title or "") if reader.metadata else ""
    except (PdfReadError, ValueError, KeyError) as exc:
        raise SourceError(f"source {origin} is not a PDF that can be read ({exc})") from None
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    if not text:
        raise SourceError(f"source {origin}: the PDF has no text layer (a scan?)")
    return text, title
