"""Sources: files and web pages read before any API call, their text extracted by kind, and
every way one can fail reported in one line that names it."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from conftest import Page, WebServer

from content_gen.cli import main
from content_gen.errors import SourceError
from content_gen.sources import Confinement, load_sources, split_specs
from content_gen.sources.read import fetch_url

ARTICLE = b"""<!doctype html><html><head><title>Review time at small teams</title></head>
<body><nav>Home | Blog | About | Pricing | Contact us</nav>
<article><h1>Review time at small teams</h1>
<p>Across the twelve teams we followed, reviews that waited less than a day caught 30 percent
more defects. The teams that kept reviews small merged twice as often as the others.</p>
<p>Checklists helped most in the first month, before habits had formed around them.</p>
</article><footer>Copyright 2026 Example Research. All rights reserved.</footer></body></html>"""


def pdf(text: str) -> bytes:
    """A one-page PDF whose text layer says `text` (built by hand: no PDF writer needed)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


def test_files_of_each_kind_and_a_web_page_become_sources(web: WebServer) -> None:
    Path("notes.md").write_text("# Our notes\n\nWe review every change within a day.\n")
    Path("page.html").write_bytes(ARTICLE)
    Path("report.pdf").write_bytes(pdf("Review time fell by 40 percent in 2025."))
    web.pages["/article"] = Page(ARTICLE)

    sources, problems = load_sources(["notes.md", "page.html", "report.pdf", web.url("/article")])

    assert problems == []
    assert [s.id for s in sources] == ["S1", "S2", "S3", "S4"]
    notes, page, report, online = sources
    assert notes.title == "Our notes" and "within a day" in notes.text
    # The main text only: not the navigation or the footer.
    for extracted in (page, online):
        assert "30 percent more defects" in extracted.text
        assert "Pricing" not in extracted.text and "All rights reserved" not in extracted.text
    assert online.title == "Review time at small teams" and online.kind == "url"
    assert "40 percent in 2025" in report.text and report.media_type == "application/pdf"
    record = online.record()
    assert record["sha256"] and record["bytes"] == len(ARTICLE) and record["fetched_at"]
    assert "text" not in record  # run.json records where a source came from, not its text


@pytest.mark.parametrize(
    ("page", "message"),
    [
        (None, "HTTP 404 Not Found"),
        (Page(claims_length=20_000_000), "is 20,000,000 bytes; the maximum is 10,000,000"),
        (Page(b"\x89PNG\r\n\x1a\n", "image/png"), "is image/png, not text"),
        (Page(b"<html><body></body></html>"), "no main text found"),
        (Page(hang=True), "no reply within 0.2s"),
    ],
    ids=["404", "20MB", "binary", "empty", "timeout"],
)
def test_a_web_source_that_cannot_be_used_is_one_line(web: WebServer, page, message) -> None:
    if page is not None:
        web.pages["/x"] = page
    fetch = functools.partial(fetch_url, timeout=0.2)
    with pytest.raises(SourceError, match=message) as caught:
        load_sources([web.url("/x")], fetch=fetch)
    assert str(caught.value).startswith(f"source {web.url('/x')}") and "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("file:///etc/passwd", "only http:// and https:// URLs can be fetched"),
        ("ftp://example.org/notes.txt", "only http:// and https:// URLs"),
        ("missing.md", "cannot read source missing.md"),
        ("binary.bin", "is a binary file, not text"),
    ],
)
def test_a_file_source_that_cannot_be_used_is_one_line(spec: str, message: str) -> None:
    Path("binary.bin").write_bytes(b"\x00\x01\x02" * 100)
    with pytest.raises(SourceError, match=message):
        load_sources([spec])


def test_a_bad_source_stops_generate_before_any_call(env, sleeps, capsys) -> None:
    code = main(["generate", "AI", "--source", "missing.md", "--out", "out"], sleep=sleeps)
    err = capsys.readouterr().err.strip()
    assert code == 2 and err == (
        "content-gen: error: cannot read source missing.md: No such file or directory"
    )
    assert len(env.requests) == 0 and not Path("out").exists()


def test_skip_unreadable_sources_goes_on_without_them(env, sleeps, capsys) -> None:
    Path("notes.md").write_text("Reviews within a day caught 30 percent more defects.\n")
    argv = ["generate", "AI", "--source", "missing.md", "--source", "notes.md", "--out", "out"]
    assert main([*argv, "--skip-unreadable-sources", "--channels", "linkedin"], sleep=sleeps) == 0
    captured = capsys.readouterr()
    assert "note: left out: cannot read source missing.md" in captured.err
    assert "Written from 1 sources: S1 notes.md" in captured.out


def test_a_calendar_may_not_fetch_private_addresses_unless_trusted() -> None:
    confined = Confinement(private_urls=False)
    with pytest.raises(SourceError, match=r"127\.0\.0\.1 is on a private network"):
        fetch_url("http://127.0.0.1:9/x", confined)
    with pytest.raises(SourceError, match=r"is on a private network \(169\.254\.169\.254\)"):
        fetch_url("http://169.254.169.254/latest/meta-data/", confined)


def test_sources_from_a_calendar_cell_or_a_toml_list() -> None:
    assert split_specs(" a.md ; https://x.org/p ;") == ["a.md", "https://x.org/p"]
    assert split_specs(["a.md", "b.pdf"]) == ["a.md", "b.pdf"]
    assert split_specs(None) == []
