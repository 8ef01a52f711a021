"""bench/results.md holds the figures of every bench script, each in a section of its own.

A script replaces only its own section (between `<!-- section: NAME -->` and
`<!-- /section: NAME -->`), so running one script leaves the others' figures as they were.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results.md"
HEADER = (
    "# content-gen benchmarks\n\n"
    "Each section below is written by one script in bench/, from the code named in it; "
    "rerun a script to refresh its section only.\n"
)


def write_section(name: str, markdown: str, path: Path = RESULTS) -> None:
    """Put `markdown` in the section `name` of `path`, keeping every other section."""
    start, end = f"<!-- section: {name} -->", f"<!-- /section: {name} -->"
    block = f"{start}\n{markdown.strip()}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
