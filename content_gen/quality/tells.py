"""Structural tells: the shapes of machine-made writing that a phrase list misses.

"It's not X. It's Y." contrasts, "The result?" answered by a fragment, runs of one-line
paragraphs, engagement bait, generic closing questions, throat-clearing openers, emoji bullets,
"whether you're a seasoned X or just starting out", three slogans in a row. Each is a rule
`tells.<id>` described in `data/tells.toml` (patterns, phrases, thresholds), so the list is
edited without touching code; several kinds in one piece block it as `tells.template`.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .rules import Level, Violation, overused_phrases, phrase_needle, phrase_regex
from .text import EMOJI, excerpt, prose_view, quote, word_count

DETECTORS = ("match", "short_paragraphs", "emoji_lines")
WHERE = ("anywhere", "opening", "closing")
#: Paragraphs that count as the opening of a piece (a newsletter's subject, preheader and
#: greeting come first) and as its closing.
OPENING_PARAGRAPHS, CLOSING_PARAGRAPHS = 4, 3

_HEADING = re.compile(r"^ {0,3}#{1,6}(?:\s|$)")
_LIST = re.compile(r"^\s*(?:[-*+\u2022\u2013]|\d{1,3}[.)])\s")
_HASHTAGS = re.compile(r"^(?:\s*#[^\W\d_]\w*)+\s*$")
_BLOCK_SYNTAX = re.compile(r"^\s*(?:\||>|<)")


@dataclass(frozen=True)
class Tell:
    id: str
    name: str
    advice: str
    warn_at: int
    block_at: int  # 0: never blocks on its own
    where: str
    channels: frozenset[str] | None
    detect: str
    patterns: tuple[re.Pattern[str], ...] = ()
    #: (needle, pattern): a phrase is only scanned for where its needle occurs (as in rules).
    phrases: tuple[tuple[str, re.Pattern[str]], ...] = ()
    min_paragraphs: int = 8
    ratio: float = 0.7
    max_words: int = 12
    per_100_words: float = 0.0
    #: "matches", or "lines": several matches on one line count once ("Agree? ♻️ Repost").
    count: str = "matches"

    def applies_to(self, channel: str | None) -> bool:
        return channel is None or self.channels is None or channel in self.channels


@dataclass(frozen=True)
class TellBook:
    tells: tuple[Tell, ...]
    #: Distinct kinds of tell in one piece that block it (stock phrases count as one kind).
    kinds_block_at: int


# Resolved once: every check asks for it, and resolving costs a system call per folder.
_TELLS_FILE = Path(__file__).resolve().parent / "data" / "tells.toml"


def default_tells_file() -> Path:
    return _TELLS_FILE


@cache
def load_tells(path: Path) -> TellBook:
    """The tells file, checked: a mistake in it names the file, the tell and the key."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    tells = tuple(_tell(entry, path) for entry in data.get("tell", []))
    return TellBook(tells, int(data.get("kinds_block_at", 0)))


def _tell(entry: dict[str, Any], path: Path) -> Tell:
    name = entry.get("id", "?")

    def bad(problem: str) -> ValueError:
        return ValueError(f"{path}: tell {name!r}: {problem}")

    detect = entry.get("detect", "match")
    where = entry.get("where", "anywhere")
    if detect not in DETECTORS:
        raise bad(f"detect must be one of {', '.join(DETECTORS)}, not {detect!r}")
    if where not in WHERE:
        raise bad(f"where must be one of {', '.join(WHERE)}, not {where!r}")
    count = entry.get("count", "matches")
    if count not in ("matches", "lines"):
        raise bad(f"count must be matches or lines, not {count!r}")
    flags = 0 if entry.get("case_sensitive") else re.IGNORECASE
    try:
        patterns = [re.compile(p, flags) for p in entry.get("patterns", [])]
    except re.error as exc:
        raise bad(f"pattern does not compile: {exc}") from None
    phrases = tuple((phrase_needle(p), phrase_regex(p)) for p in entry.get("phrases", []))
    if detect == "match" and not patterns and not phrases:
        raise bad("give it patterns or phrases")
    channels = entry.get("channels")
    try:
        return Tell(
            id=str(entry["id"]),
            name=str(entry.get("name", entry["id"])),
            advice=str(entry.get("advice", "rewrite it plainly")),
            warn_at=int(entry.get("warn_at", 1)),
            block_at=int(entry.get("block_at", 0)),
            where=where,
            channels=frozenset(channels) if channels else None,
            detect=detect,
            patterns=tuple(patterns),
            phrases=phrases,
            min_paragraphs=int(entry.get("min_paragraphs", 8)),
            ratio=float(entry.get("ratio", 0.7)),
            max_words=int(entry.get("max_words", 12)),
            per_100_words=float(entry.get("per_100_words", 0)),
            count=count,
        )
    except KeyError as exc:
        raise bad(f"missing key {exc}") from None


@dataclass(frozen=True)
class _Paragraph:
    start: int
    text: str
    prose: bool  # not a heading, list, table, quote, HTML or hashtag line


def _paragraphs(view: str) -> list[_Paragraph]:
    """Runs of non-blank lines (a masked code block is blank), each marked prose or not."""
    out = []
    lines: list[str] = []
    start = offset = 0
    for line in [*view.splitlines(keepends=True), ""]:
        if line.strip():
            if not lines:
                start = offset
            lines.append(line)
        elif lines:
            text = "".join(lines).rstrip("\n")
            syntax = _HEADING, _LIST, _HASHTAGS, _BLOCK_SYNTAX
            out.append(_Paragraph(start, text, not any(p.match(text) for p in syntax)))
            lines = []
        offset += len(line)
    return out


def _edges(paragraphs: list[_Paragraph], where: str) -> list[tuple[int, int]]:
    """The spans a tell looks in: everything, or the first or last few paragraphs of text."""
    if where == "anywhere":
        return [(0, 1 << 62)]
    body = [p for p in paragraphs if p.prose or _LIST.match(p.text)]
    edge = body[:OPENING_PARAGRAPHS] if where == "opening" else body[-CLOSING_PARAGRAPHS:]
    return [(p.start, p.start + len(p.text)) for p in edge]


def _matches(tell: Tell, view: str, folded: str, paragraphs: list[_Paragraph]) -> list[int]:
    """Where the tell occurs: the offsets of its matches, one per occurrence."""
    if tell.detect == "emoji_lines":
        found = []
        for m in re.finditer(r"(?m)^[ \t]*(\S)", view):
            if EMOJI.match(m.group(1)):
                found.append(m.start(1))
        return found
    if tell.detect == "short_paragraphs":
        prose = [p for p in paragraphs if p.prose]
        short = [
            p for p in prose if "\n" not in p.text.strip() and word_count(p.text) <= tell.max_words
        ]
        if len(prose) >= tell.min_paragraphs and len(short) >= tell.ratio * len(prose):
            return [short[0].start]
        return []
    # An opening or closing tell reads only its paragraphs (and a little past, for a match
    # that starts inside and runs on).
    patterns = [*tell.patterns, *(p for needle, p in tell.phrases if needle in folded)]
    starts = sorted(
        {
            m.start()
            for lo, hi in _edges(paragraphs, tell.where)
            for pattern in patterns
            for m in pattern.finditer(view, lo, min(hi + 200, len(view)))
            if m.start() < hi
        }
    )
    if tell.count == "lines":
        lines = {view.count("\n", 0, at): at for at in reversed(starts)}
        starts = sorted(lines.values())
    if tell.per_100_words and len(starts) * 100 < tell.per_100_words * word_count(view):
        return []
    return starts


def structural_tells(
    text: str,
    channel: str | None = None,
    tells_file: Path | None = None,
    phrases_file: Path | None = None,
) -> list[Violation]:
    """The tells found in `text` (prose only), and `tells.template` when there are many kinds."""
    book = load_tells(tells_file or default_tells_file())
    view = prose_view(text)
    folded = view.casefold()
    paragraphs = _paragraphs(view)
    out: list[Violation] = []
    for tell in book.tells:
        if not tell.applies_to(channel):
            continue
        found = _matches(tell, view, folded, paragraphs)
        if len(found) < tell.warn_at or not found:
            continue
        level: Level = "block" if tell.block_at and len(found) >= tell.block_at else "warn"
        shown = quote(excerpt(text, found[0]), 50)
        times = f" x{len(found)}" if len(found) > 1 else ""
        out.append(
            Violation(
                f"tells.{tell.id}",
                level,
                f'{tell.name}{times} ("{shown}"); {tell.advice}',
                excerpt(text, found[0]),
            )
        )
    kinds = [v.rule.removeprefix("tells.") for v in out]
    kinds += [v.rule.replace("_", " ") for v in overused_phrases(text, phrases_file)]
    if book.kinds_block_at and len(kinds) >= book.kinds_block_at:
        out.append(
            Violation(
                "tells.template",
                "block",
                f"{len(kinds)} kinds of machine-made writing in one piece ({', '.join(kinds)}); "
                "rewrite it in your own words and shape",
            )
        )
    return out


def tell_ids(tells_file: Path | None = None) -> Sequence[str]:
    """Every rule id this module can report, for documentation and the bench."""
    book = load_tells(tells_file or default_tells_file())
    return [f"tells.{t.id}" for t in book.tells] + ["tells.template"]
