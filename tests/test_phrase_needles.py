"""Skipping phrases whose rarest word is absent must not change what the rule finds."""

from __future__ import annotations

import pytest

from content_gen.fake.prose import WRITERS as _WRITERS
from content_gen.quality import rules as quality

PHRASES = [
    line.strip()
    for line in quality.default_phrases_file().read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]


@pytest.mark.parametrize("phrase", PHRASES)
def test_every_listed_phrase_is_found_in_any_case_and_apostrophe(phrase: str) -> None:
    written = phrase.replace("*", "career")
    for variant in {written, written.upper(), written.title(), written.replace("'", "\u2019")}:
        found = quality.overused_phrases(f"Plain words first. {variant} and plain words after.")
        assert found and f'"{phrase}"' in found[0].message, variant


def test_the_same_violations_as_scanning_for_every_phrase(monkeypatch) -> None:
    texts = [
        "\n\n".join(str(v) for v in writer("How teams adopt AI", None, revised).values())
        for writer in _WRITERS.values()
        for revised in (False, True)
    ]
    texts.append(
        "Let\u2019s dive in: DELVING into the tapestry of synergies, we leveraged a robust, "
        "seamless, game-changer landscape. It's worth noting that this plays a crucial role. "
        "Take your career to the next level. I hope this email finds you well. Moreover..."
    )
    found = [quality.overused_phrases(text) for text in texts]
    monkeypatch.setattr(quality, "_needle", lambda phrase: "")  # every phrase is scanned
    assert found == [quality.overused_phrases(text) for text in texts]
    assert found[-1] and found[-1][0].level == "block"
