"""bench/language.py still runs: a few texts of each kind, its section written with figures."""

from __future__ import annotations

import re
from pathlib import Path

from benching import smoke_section


def test_smoke_run_writes_the_language_section(tmp_path: Path) -> None:
    section = smoke_section("language", tmp_path)
    assert "- Manifest hashes: all stored files match" in section
    accuracy = r"^\| real pieces whose language is detected right \| \d+ of \d+ \([\d.]+%\) \| "
    assert re.search(accuracy + r">= 98% \| (pass|\*\*miss\*\*) \|$", section, re.M)
    for language in ("English (en)", "German (de)", "Japanese (ja)", "Chinese (zh)"):
        assert re.search(rf"^\| {re.escape(language)} \| \d+ \| [\d.]+% \| ", section, re.M)
    assert re.search(r"^\| mixed, 50% in another language \| \d+ \| ", section, re.M)
    assert re.search(r"^\| rule per text \(detect \+ verdict\) \| [\d.]+ ms \|", section, re.M)
