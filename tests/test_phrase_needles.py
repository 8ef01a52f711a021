"""Skipping phrases whose rarest word is absent must not change what the rule finds."""

from __future__ import annotations

import pytest

from content_gen.fake.prose import WRITERS as _WRITERS
from content_gen.quality import rules as quality

PHRASES = quality.load_phrases(quality.default_phrases_file())


@pytest.mark.parametrize("phrase", PHRASES, ids=[p.text for p in PHRASES])
def test_every_listed_phrase_is_found_in_any_case_and_apostrophe(phrase) -> None:
    written = phrase.text.replace("*", "career")
    for variant in {written, written.upper(), written.title(), written.replace("'", "\u2019")}:
        text = f"Plain words first. {variant} and plain words after."
        hits, _ = quality.find_phrases(text, PHRASES)
        assert phrase in hits, variant


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
    monkeypatch.setattr(quality, "phrase_needle", lambda phrase: "")  # every phrase is scanned
    quality.find_phrases.cache_clear()
    assert found == [quality.overused_phrases(text) for text in texts]
    quality.find_phrases.cache_clear()
    assert found[-1] and found[-1][0].level == "block"
