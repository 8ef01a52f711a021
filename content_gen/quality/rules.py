"""Rules every channel shares: placeholders and chatbot leaks, overused phrases, em dashes.

A rule reads text and returns Violations; a blocking one means "no editor would publish this
as is", a warning is reported and never blocks alone. Rules that read prose read its
`prose_view`, so code, URLs and link syntax are never taken for writing. Rule ids and
thresholds follow qc-spec.md and bench/results.md (section `rules`); the phrase list is a
data file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Literal

from .text import excerpt, line_and_column, prose_view, quote, word_count

Level = Literal["block", "warn"]


@dataclass(frozen=True)
class Violation:
    """One problem a rule found, and where: `excerpt` is the text as written where it starts;
    `line` and `column` (1-based) are filled in by `locate` against the published text."""

    rule: str
    level: Level
    message: str
    excerpt: str | None = None
    line: int | None = None
    column: int | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"rule": self.rule, "level": self.level, "message": self.message}
        if self.line is not None:
            out |= {"line": self.line, "column": self.column}
        if self.excerpt:
            out["excerpt"] = self.excerpt
        return out


def blocking(violations: Iterable[Violation]) -> list[Violation]:
    return [v for v in violations if v.level == "block"]


def warnings(violations: Iterable[Violation]) -> list[Violation]:
    return [v for v in violations if v.level == "warn"]


def in_order(violations: Iterable[Violation]) -> list[Violation]:
    """Blocking problems first, then by place in the file; unplaced ones last of their level."""
    return sorted(
        violations,
        key=lambda v: (v.level != "block", v.line is None, v.line or 0, v.column or 0),
    )


def locate(violations: Sequence[Violation], text: str) -> list[Violation]:
    """The violations with line and column of their excerpt in `text` (the published piece).

    Where the excerpt occurs more than once, the first place a reader reads it as prose
    (not in code or a URL) wins; a violation with no excerpt, or one not found, keeps none.
    """
    view = prose_view(text)
    out = []
    for v in violations:
        if v.excerpt and v.line is None:
            found = [m.start() for m in re.finditer(re.escape(v.excerpt), text)]
            prose = [i for i in found if view[i : i + len(v.excerpt)] == v.excerpt]
            if prose or found:
                line, column = line_and_column(text, (prose or found)[0])
                v = replace(v, line=line, column=column)
        out.append(v)
    return out


_PLACEHOLDERS = [
    # "[Your Name]". A markdown link ("[your free template](...)", "[Add a macro][rfc466]")
    # is not one: prose_view has already removed its brackets.
    re.compile(
        r"\[(?:your|insert|add|company|first name|name|link|url|date|product|author|"
        r"todo|tbd|placeholder)\b[^\]\n]{0,60}\](?!\()",
        re.IGNORECASE,
    ),
    # A mail-merge field, but not a GitHub Actions expression ("${{ secrets.KEY }}") or a
    # JSX object ("style={{ color }}") written outside a code span.
    re.compile(r"(?<![$=])\{\{[^{}\n]{1,60}\}\}"),
    # The other email platforms' merge tags (publish/data/email_platforms.toml): Mailchimp's
    # "*|UNSUB|*", MailerLite's "{$unsubscribe}". The writer never writes one: the footer's
    # are the tool's, added after these rules ran (channels/newsletter.py).
    re.compile(r"\*\|[A-Z][A-Z0-9_:]{0,40}\|\*"),
    re.compile(r"\{\$[a-z_]{1,40}\}"),
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
    view = prose_view(text)
    found = sorted(
        (m.start(), m.end()) for pattern in _PLACEHOLDERS for m in pattern.finditer(view)
    )
    if not found:
        return []
    shown = ", ".join(f'"{quote(f, 40)}"' for f in dict.fromkeys(text[s:e] for s, e in found))
    return [
        Violation(
            "placeholder",
            "block",
            f"placeholder or chatbot leak: {shown}; replace it with real content or remove it",
            excerpt(text, *found[0]),
        )
    ]


# --- overused phrases -------------------------------------------------------------------------

#: Distinct distinctive phrases ([tells] in the data file) that block a piece on their own.
#: Of 107 real texts in bench/corpus two use one ("it's important to note", "elevate your"),
#: none two; 11 of 36 slop pieces use two or more.
PHRASES_BLOCK_AT = 2
#: Distinct everyday words ([words]) that warn; they never block (qc-spec.md, 2026-12-01).
#: One alone is ordinary English ("a robust test suite"); 3 real texts in 107 use two or more.
WORDS_WARN_AT = 2


@dataclass(frozen=True)
class Phrase:
    text: str
    pattern: re.Pattern[str]
    #: True for an everyday word, which only ever warns; False for a distinctive tell.
    everyday: bool

    @property
    def single_word(self) -> bool:
        return " " not in self.text


# Resolved once: every check asks for it, and resolving costs a system call per folder.
_PHRASES_FILE = Path(__file__).resolve().parent / "data" / "overused_phrases.txt"


def default_phrases_file() -> Path:
    return _PHRASES_FILE


@cache
def load_phrases(path: Path) -> tuple[Phrase, ...]:
    """The phrase file: `[tells]` and `[words]` sections, one phrase a line, `#` comments."""
    phrases = []
    section = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        if entry.startswith("[") and entry.endswith("]"):
            section = entry[1:-1].strip().lower()
            continue
        everyday = section == "words" or (section != "tells" and len(entry.split()) == 1)
        phrases.append(Phrase(entry, phrase_regex(entry), everyday))
    # Longest first, so "plays a crucial role" is not counted again as "crucial".
    return tuple(sorted(phrases, key=lambda p: -len(p.text)))


def phrase_regex(phrase: str) -> re.Pattern[str]:
    """A phrase as written in a data file: case-insensitive, either apostrophe, "*" = 1-2 words."""
    words = phrase.lower().split()
    if len(words) == 1 and re.fullmatch(r"\w+(?:-\w+)*", words[0]):
        return re.compile(rf"\b{_inflected(words[0])}\b", re.IGNORECASE)
    parts = [r"\w+(?:\s+\w+)?" if w == "*" else re.escape(w) for w in words]
    body = r"\s+".join(parts).replace("'", "['\u2019]")
    start = r"\b" if body[:1].isalnum() or body.startswith("\\w") else ""
    end = r"\b" if phrase[-1:].isalnum() else ""
    return re.compile(rf"{start}{body}{end}", re.IGNORECASE)


def _inflected(word: str) -> str:
    """The word and its usual inflections: delve -> delving, synergy -> synergies."""
    if word.endswith("e") and len(word) > 3:
        return re.escape(word[:-1]) + "(?:e|es|ed|ing)"
    if word.endswith("y") and len(word) > 3 and word[-2] not in "aeiou":
        return re.escape(word[:-1]) + "(?:y|ies|ied|ying)"
    return re.escape(word) + "(?:s|es|ed|ing|ly)?"


# What may come before the first word of a sentence (headings, bullets, quotes, brackets).
_SENTENCE_START = frozenset(".!?:;\n#>-*+\u2022|")


def is_name(text: str, start: int, word: str) -> bool:
    """A capitalised word in mid-sentence is a name ("we debug it with Delve"), not the word."""
    if not word[:1].isupper() or word.isupper():
        return False
    before = text[:start].rstrip(" \t\"'\u201c\u2018(_*[")
    return bool(before) and before[-1] not in _SENTENCE_START


@lru_cache(maxsize=64)
def find_phrases(
    text: str, phrases: tuple[Phrase, ...]
) -> tuple[dict[Phrase, int], dict[Phrase, int]]:
    """Each phrase found in the prose of `text`: how often, and where first.

    Cached: the phrase rule and the tells' template count both ask, for the same text.
    """
    view = prose_view(text)
    folded = view.casefold()
    hits: dict[Phrase, int] = {}
    first: dict[Phrase, int] = {}
    taken: list[tuple[int, int]] = []
    for phrase in phrases:
        # Dozens of case-insensitive scans were most of the rules' cost on a blog post
        # (bench/results.md): skip those whose rarest word is nowhere in the text.
        if phrase_needle(phrase.text) not in folded:
            continue
        for match in phrase.pattern.finditer(view):
            if any(start <= match.start() < end for start, end in taken):
                continue
            if phrase.single_word and is_name(view, match.start(), match.group(0)):
                continue
            taken.append(match.span())
            hits[phrase] = hits.get(phrase, 0) + 1
            first.setdefault(phrase, match.start())
    return hits, first


def overused_phrases(text: str, phrases_file: Path | None = None) -> list[Violation]:
    hits, first = find_phrases(text, load_phrases(phrases_file or default_phrases_file()))
    tells = {p: n for p, n in hits.items() if not p.everyday}
    words = {p: n for p, n in hits.items() if p.everyday}
    out = []
    if tells:
        level: Level = "block" if len(tells) >= PHRASES_BLOCK_AT else "warn"
        out.append(
            _phrases_violation("overused_phrases", level, "stock LLM phrases", tells, first, text)
        )
    if len(words) >= WORDS_WARN_AT:
        out.append(
            _phrases_violation("overused_words", "warn", "words LLMs overuse", words, first, text)
        )
    return out


def _phrases_violation(
    rule: str,
    level: Level,
    what: str,
    hits: dict[Phrase, int],
    first: dict[Phrase, int],
    text: str,
) -> Violation:
    where = min(first[p] for p in hits)
    listed = ", ".join(f'"{p.text}"' + (f" x{n}" if n > 1 else "") for p, n in hits.items())
    per_100 = sum(hits.values()) * 100 / max(word_count(prose_view(text)), 1)
    return Violation(
        rule,
        level,
        f"{what} ({len(hits)} distinct, {per_100:.1f} per 100 words): {listed}; "
        "say it in plain words",
        excerpt(text, where),
    )


@cache
def phrase_needle(phrase: str) -> str:
    """Text that every match of the phrase's pattern contains, casefolded.

    A single word loses its last letter (inflections: delve -> delving, synergy -> synergies);
    otherwise the longest word, cut at apostrophes (which match either ' or \u2019) and never
    the "*" wildcard.
    """
    words = phrase.casefold().split()
    if len(words) == 1:
        return words[0][:-1] if len(words[0]) > 3 else words[0]
    pieces = [piece for word in words if word != "*" for piece in re.split("['\u2019]", word)]
    return max(pieces, key=len)


def em_dashes(text: str) -> list[Violation]:
    view = prose_view(text)
    count = view.count("\u2014")
    per_100 = count * 100 / max(word_count(view), 1)
    if per_100 <= 1:
        return []
    return [
        Violation(
            "em_dashes",
            "warn",
            f"{count} em dashes ({per_100:.1f} per 100 words; people use about 0.3); "
            "use commas, colons or full stops instead",
            excerpt(text, view.find("\u2014")),
        )
    ]


def common_rules(prose: str) -> list[Violation]:
    return placeholder_leaks(prose) + overused_phrases(prose) + em_dashes(prose)
