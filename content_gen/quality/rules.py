"""Rules every channel shares: placeholders and chatbot leaks, overused phrases, em dashes.

A rule reads text and returns Violations; a blocking one means "no editor would publish this
as is", a warning is reported and fed to the reviser. Rule ids and thresholds follow
qc-spec.md; the overused-phrase list is a data file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from .text import quote, word_count

Level = Literal["block", "warn"]


@dataclass(frozen=True)
class Violation:
    rule: str
    level: Level
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "level": self.level, "message": self.message}


def blocking(violations: Iterable[Violation]) -> list[Violation]:
    return [v for v in violations if v.level == "block"]


_PLACEHOLDERS = [
    # "[Your Name]", but not a markdown link such as "[your free template](https://...)".
    re.compile(
        r"\[(?:your|insert|add|company|first name|name|link|url|date|product|author|"
        r"todo|tbd|placeholder)\b[^\]\n]{0,60}\](?!\()",
        re.IGNORECASE,
    ),
    re.compile(r"\{\{[^{}\n]{1,60}\}\}"),
    re.compile(r"\blorem ipsum\b", re.IGNORECASE),
    # The chatbot's voice ("As an AI language model, I..."), not "As an AI engineer, ...".
    re.compile(r"\bas an ai(?: language model| assistant| model|,\s*i\b)", re.IGNORECASE),
    re.compile(
        r"\b(?:here(?:'|\u2019)?s|here is) (?:a|the|your) (?:revised|rewritten|updated|improved) "
        r"(?:version|draft|post)\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:my (?:knowledge|training)(?: data)? (?:cutoff|cut-off)|"
        r"as of my (?:last|latest) (?:update|training|knowledge update))\b",
        re.IGNORECASE,
    ),
]


def placeholder_leaks(text: str) -> list[Violation]:
    found = [m.group(0) for pattern in _PLACEHOLDERS for m in pattern.finditer(text)]
    if not found:
        return []
    shown = ", ".join(f'"{quote(f, 40)}"' for f in dict.fromkeys(found))
    return [
        Violation(
            "placeholder",
            "block",
            f"placeholder or chatbot leak: {shown}; replace it with real content or remove it",
        )
    ]


@cache
def _phrase_patterns(path: Path) -> tuple[tuple[str, re.Pattern[str]], ...]:
    patterns = []
    for line in path.read_text(encoding="utf-8").splitlines():
        phrase = line.strip()
        if not phrase or phrase.startswith("#"):
            continue
        patterns.append((phrase, _phrase_regex(phrase)))
    return tuple(patterns)


def _phrase_regex(phrase: str) -> re.Pattern[str]:
    words = phrase.lower().split()
    if len(words) == 1 and "*" not in phrase:
        return re.compile(rf"\b{_inflected(words[0])}\b", re.IGNORECASE)
    parts = [r"\w+(?:\s+\w+)?" if w == "*" else re.escape(w) for w in words]
    body = r"\s+".join(parts).replace("'", "['\u2019]")
    return re.compile(rf"\b{body}\b", re.IGNORECASE)


def _inflected(word: str) -> str:
    """The word and its usual inflections: delve -> delving, synergy -> synergies."""
    if word.endswith("e") and len(word) > 3:
        return re.escape(word[:-1]) + "(?:e|es|ed|ing)"
    if word.endswith("y") and len(word) > 3 and word[-2] not in "aeiou":
        return re.escape(word[:-1]) + "(?:y|ies|ied|ying)"
    return re.escape(word) + "(?:s|es|ed|ing|ly)?"


def default_phrases_file() -> Path:
    return Path(__file__).resolve().parent / "data" / "overused_phrases.txt"


def overused_phrases(text: str, phrases_file: Path | None = None) -> list[Violation]:
    hits: dict[str, int] = {}
    taken: list[tuple[int, int]] = []
    # Longest phrases first, so "plays a crucial role" is not counted again as "crucial".
    patterns = sorted(
        _phrase_patterns(phrases_file or default_phrases_file()), key=lambda p: -len(p[0])
    )
    folded = text.casefold()
    for phrase, pattern in patterns:
        # Dozens of case-insensitive scans were most of the rules' cost on a blog post
        # (bench/results.md): skip those whose rarest word is nowhere in the text.
        if _needle(phrase) not in folded:
            continue
        for match in pattern.finditer(text):
            if any(start <= match.start() < end for start, end in taken):
                continue
            taken.append(match.span())
            hits[phrase] = hits.get(phrase, 0) + 1
    if not hits:
        return []
    words = max(word_count(text), 1)
    per_100 = sum(hits.values()) * 100 / words
    # A single use is not "overuse" however short the piece, so density needs two or more.
    dense = sum(hits.values()) >= 2 and per_100 > 1
    level: Level = "block" if len(hits) >= 3 or dense else "warn"
    listed = ", ".join(f'"{p}"' + (f" x{n}" if n > 1 else "") for p, n in hits.items())
    return [
        Violation(
            "overused_phrases",
            level,
            f"overused LLM phrases ({len(hits)} distinct, {per_100:.1f} per 100 words): {listed}; "
            "say it in plain words",
        )
    ]


@cache
def _needle(phrase: str) -> str:
    """Text that every match of the phrase's pattern contains, casefolded.

    A single word loses its last letter (inflections: delve -> delving, synergy -> synergies);
    otherwise the longest word, cut at apostrophes (which match either ' or \u2019) and never
    the "*" wildcard.
    """
    words = phrase.casefold().split()
    if len(words) == 1:
        return words[0][:-1]
    pieces = [piece for word in words if word != "*" for piece in re.split("['\u2019]", word)]
    return max(pieces, key=len)


def em_dashes(text: str) -> list[Violation]:
    count = text.count("\u2014")
    per_100 = count * 100 / max(word_count(text), 1)
    if per_100 <= 1:
        return []
    return [
        Violation(
            "em_dashes",
            "warn",
            f"{count} em dashes ({per_100:.1f} per 100 words; people use about 0.3); "
            "use commas, colons or full stops instead",
        )
    ]


def common_rules(prose: str) -> list[Violation]:
    return placeholder_leaks(prose) + overused_phrases(prose) + em_dashes(prose)
