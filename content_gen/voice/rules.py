"""A voice kit's word rules (words.toml) as Violations, through the built-in rules' machinery.

Banned words and phrases, preferred terms, product names with their exact casing, required
disclaimers, and emoji and hashtag limits. Each group blocks or warns as the kit says. Like
every prose rule they read `prose_view`, so code, URLs and link syntax are never taken for
writing, and each violation carries an excerpt that `locate` turns into a line and column.
Standard library only: `calendar check` validates kits without loading pydantic.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..quality.claims import normalise
from ..quality.rules import Level, Violation
from ..quality.text import EMOJI, HASHTAG, excerpt, prose_view, quote, squash

RULE_IDS = (
    "voice.banned",
    "voice.preferred",
    "voice.name",
    "voice.disclaimer",
    "voice.emoji",
    "voice.hashtags",
)
# One emoji as a reader sees it: a pictograph with its skin tone, variation selector and
# zero-width-joined parts ("👍🏽", "👨‍👩‍👧" are one each).
_EMOJI_CLUSTER = re.compile(
    rf"(?:{EMOJI.pattern})(?:[\ufe0f\U0001f3fb-\U0001f3ff]|\u200d(?:{EMOJI.pattern}))*"
)


@dataclass(frozen=True)
class Scope:
    """Where a group of rules applies: its level, and the channels it is for (None: all)."""

    level: Level = "block"
    channels: frozenset[str] | None = None
    why: str = ""

    def applies(self, channel: str | None) -> bool:
        return channel is None or self.channels is None or channel in self.channels

    def because(self) -> str:
        return f" ({self.why})" if self.why else ""


@dataclass(frozen=True)
class Term:
    """A word, phrase or pattern as the kit writes it, and what it matches."""

    text: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class Banned:
    scope: Scope
    terms: tuple[Term, ...]


@dataclass(frozen=True)
class Preferred:
    scope: Scope
    use: str
    instead: tuple[Term, ...]


@dataclass(frozen=True)
class Names:
    scope: Scope
    names: tuple[Term, ...]  # case-insensitive patterns; Term.text has the exact casing


@dataclass(frozen=True)
class Disclaimer:
    scope: Scope
    text: str


@dataclass(frozen=True)
class EmojiLimit:
    scope: Scope
    #: Most emoji a piece may have, per channel (None: the default for every channel).
    most: dict[str | None, int]


@dataclass(frozen=True)
class Hashtags:
    scope: Scope
    most: int | None = None
    allowed: frozenset[str] | None = None  # casefolded, without "#"
    required: tuple[str, ...] = ()


@dataclass(frozen=True)
class WordRules:
    """Everything words.toml says, compiled; empty when the kit has no words.toml."""

    banned: tuple[Banned, ...] = ()
    preferred: tuple[Preferred, ...] = ()
    names: tuple[Names, ...] = ()
    disclaimers: tuple[Disclaimer, ...] = ()
    emoji: EmojiLimit | None = None
    hashtags: Hashtags | None = None

    def check(self, prose: str, channel: str | None = None) -> list[Violation]:
        """The kit's rules on a piece's prose (what the channel's shared rules read)."""
        view = prose_view(prose)
        out: list[Violation] = []
        out += _banned(view, prose, [b for b in self.banned if b.scope.applies(channel)])
        out += _preferred(view, prose, [p for p in self.preferred if p.scope.applies(channel)])
        out += _names(view, prose, [n for n in self.names if n.scope.applies(channel)])
        out += _disclaimers(view, [d for d in self.disclaimers if d.scope.applies(channel)])
        if self.emoji is not None and self.emoji.scope.applies(channel):
            out += _emoji(view, prose, self.emoji, channel)
        if self.hashtags is not None and self.hashtags.scope.applies(channel):
            out += _hashtags(view, prose, self.hashtags)
        return out

    def rule_ids(self) -> list[str]:
        """The voice rules this kit turns on, for run.json."""
        present = {
            "voice.banned": self.banned,
            "voice.preferred": self.preferred,
            "voice.name": self.names,
            "voice.disclaimer": self.disclaimers,
            "voice.emoji": self.emoji,
            "voice.hashtags": self.hashtags,
        }
        return [rule for rule in RULE_IDS if present[rule]]

    def record(self) -> dict[str, Any]:
        """What run.json says of the rules: each group's level and what it holds."""
        return {
            "banned": [_scoped(b.scope, words=[t.text for t in b.terms]) for b in self.banned],
            "preferred": [
                _scoped(p.scope, use=p.use, instead_of=[t.text for t in p.instead])
                for p in self.preferred
            ],
            "product_names": [
                _scoped(n.scope, names=[t.text for t in n.names]) for n in self.names
            ],
            "disclaimers": [_scoped(d.scope, text=d.text) for d in self.disclaimers],
            "emoji": None
            if self.emoji is None
            else _scoped(self.emoji.scope, max=_most(self.emoji)),
            "hashtags": None
            if self.hashtags is None
            else _scoped(
                self.hashtags.scope,
                max=self.hashtags.most,
                allowed=sorted(self.hashtags.allowed or ()),
                required=list(self.hashtags.required),
            ),
        }

    def brief(self, channel: str) -> list[str]:
        """The rules as lines a writer can follow, for the channel."""
        lines = []
        for b in self.banned:
            if b.scope.applies(channel):
                shown = ", ".join(f'"{t.text}"' for t in b.terms)
                lines.append(f"- Never use{b.scope.because()}: {shown}.")
        for p in self.preferred:
            if p.scope.applies(channel):
                shown = ", ".join(f'"{t.text}"' for t in p.instead)
                lines.append(f'- Write "{p.use}", never {shown}{p.scope.because()}.')
        names = [t.text for n in self.names if n.scope.applies(channel) for t in n.names]
        if names:
            lines.append("- Write these names exactly so: " + ", ".join(names) + ".")
        for d in self.disclaimers:
            if d.scope.applies(channel):
                lines.append(f'- Include this disclaimer word for word: "{d.text}"')
        if self.emoji is not None and self.emoji.scope.applies(channel):
            most = self.emoji.most.get(channel, self.emoji.most.get(None))
            if most is not None:
                lines.append("- No emoji." if most == 0 else f"- At most {most} emoji.")
        if self.hashtags is not None and self.hashtags.scope.applies(channel):
            lines += _hashtag_brief(self.hashtags)
        return lines


def _scoped(scope: Scope, **values: Any) -> dict[str, Any]:
    channels = sorted(scope.channels) if scope.channels is not None else None
    return {**values, "level": scope.level, "channels": channels, "why": scope.why or None}


def _most(limit: EmojiLimit) -> Any:
    return limit.most.get(None) if list(limit.most) == [None] else dict(limit.most)


def _hashtag_brief(tags: Hashtags) -> list[str]:
    lines = []
    if tags.most is not None:
        lines.append(f"- At most {tags.most} hashtags.")
    if tags.allowed is not None:
        lines.append("- Use only these hashtags: " + ", ".join(sorted(tags.allowed)) + ".")
    if tags.required:
        lines.append("- Always include these hashtags: " + ", ".join(tags.required) + ".")
    return lines


# --- the checks ------------------------------------------------------------------------------


def _by_level(groups: Iterable[tuple[Level, str, int, str]]) -> dict[Level, list[tuple[str, int]]]:
    """Found items as {level: [(description, where)]}, keeping the order found."""
    out: dict[Level, list[tuple[str, int]]] = {}
    for level, text, at, _ in groups:
        out.setdefault(level, []).append((text, at))
    return out


def _listed(found: Sequence[tuple[str, int]]) -> str:
    counts: dict[str, int] = {}
    for text, _ in found:
        counts[text] = counts.get(text, 0) + 1
    return ", ".join(f"{t}" + (f" x{n}" if n > 1 else "") for t, n in counts.items())


def _violations(
    rule: str, found: list[tuple[Level, str, int, str]], prose: str, what: str, advice: str
) -> list[Violation]:
    out = []
    for level, items in _by_level(sorted(found, key=lambda f: f[2])).items():
        whys = sorted({why for lv, _, _, why in found if lv == level and why})
        because = f" ({'; '.join(whys)})" if whys else ""
        where = min(at for _, at in items)
        out.append(
            Violation(
                rule,
                level,
                f"{what}{because}: {_listed(items)}; {advice}",
                excerpt(prose, where),
            )
        )
    return out


def _banned(view: str, prose: str, groups: list[Banned]) -> list[Violation]:
    found = [
        (group.scope.level, f'"{m.group(0)}"', m.start(), group.scope.why)
        for group in groups
        for term in group.terms
        for m in term.pattern.finditer(view)
    ]
    return _violations(
        "voice.banned", found, prose, "words the voice kit bans", "say it another way"
    )


def _preferred(view: str, prose: str, groups: list[Preferred]) -> list[Violation]:
    found = [
        (group.scope.level, f'"{m.group(0)}" (write "{group.use}")', m.start(), group.scope.why)
        for group in groups
        for term in group.instead
        for m in term.pattern.finditer(view)
        if m.group(0) != group.use
    ]
    return _violations(
        "voice.preferred", found, prose, "terms the voice kit replaces", "use the kit's terms"
    )


def _names(view: str, prose: str, groups: list[Names]) -> list[Violation]:
    found = []
    for group in groups:
        for name in group.names:
            for m in name.pattern.finditer(view):
                written = m.group(0)
                if written == name.text or _plain_word(written, name.text):
                    continue
                found.append(
                    (group.scope.level, f'"{written}" (write "{name.text}")', m.start(), "")
                )
    return _violations(
        "voice.name", found, prose, "names written in the wrong case", "write them exactly so"
    )


def _plain_word(written: str, name: str) -> bool:
    """A name whose only capital is its first letter (Notion, Slack) is also a word: "the
    notion of" in lower case is the word, not the name."""
    return written.islower() and name[:1].isupper() and name[1:] == name[1:].lower()


def _disclaimers(view: str, groups: list[Disclaimer]) -> list[Violation]:
    text = squash(normalise(view))
    return [
        Violation(
            "voice.disclaimer",
            d.scope.level,
            f'the disclaimer the voice kit requires is missing: "{quote(d.text, 80)}"; add it '
            "word for word",
        )
        for d in groups
        if squash(normalise(d.text)) not in text
    ]


def _emoji(view: str, prose: str, limit: EmojiLimit, channel: str | None) -> list[Violation]:
    most = limit.most.get(channel, limit.most.get(None))
    found = list(_EMOJI_CLUSTER.finditer(view))
    if most is None or len(found) <= most:
        return []
    allowed = "none" if most == 0 else f"at most {most}"
    return [
        Violation(
            "voice.emoji",
            limit.scope.level,
            f"{len(found)} emoji ({' '.join(m.group(0) for m in found[:5])}); the voice kit "
            f"allows {allowed}{limit.scope.because()}",
            excerpt(prose, found[0].start()),
        )
    ]


def _hashtags(view: str, prose: str, tags: Hashtags) -> list[Violation]:
    found = list(HASHTAG.finditer(view))
    problems = []
    if tags.most is not None and len(found) > tags.most:
        problems.append(f"{len(found)} hashtags (at most {tags.most})")
    if tags.allowed is not None:
        other = [m for m in found if m.group(1).casefold() not in tags.allowed]
        if other:
            problems.append("not on the kit's list: " + ", ".join(m.group(0) for m in other))
    present = {m.group(1).casefold() for m in found}
    missing = [t for t in tags.required if t.lstrip("#").casefold() not in present]
    if missing:
        problems.append("missing: " + ", ".join("#" + t.lstrip("#") for t in missing))
    if not problems:
        return []
    return [
        Violation(
            "voice.hashtags",
            tags.scope.level,
            "hashtags: " + "; ".join(problems) + tags.scope.because(),
            excerpt(prose, found[0].start()) if found else None,
        )
    ]
