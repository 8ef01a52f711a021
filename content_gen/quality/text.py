"""Text helpers every rule shares: words, sentences, short quotes for messages."""

from __future__ import annotations

import re

# Letters and digits in any script; dashes, bullets and arrows are not words.
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\n{2,}")
FENCE = re.compile(r"^```.*?^```[^\n]*$", re.MULTILINE | re.DOTALL)


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if word_count(s) > 0]


def quote(text: str, limit: int = 60) -> str:
    """A short excerpt for a message: enough for the reviser to find the spot."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def squash(text: str) -> str:
    """Casefolded, commas dropped, whitespace collapsed: for "does the footer say X" checks."""
    return " ".join(text.casefold().replace(",", " ").split())
