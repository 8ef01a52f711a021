"""words.toml read and checked: every mistake is one line naming the file and the line.

The file is for people who do not program, so the checks are strict and the messages say
what to write: an unknown key (a typo would otherwise switch a rule off without a word), a
level that is not block or warn, a pattern that does not compile, an empty word, a channel
that does not exist. tomllib gives no positions, so `_Lines` finds them in the text.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from typing import Any

from .. import channels as registry
from ..errors import UsageError
from ..quality.rules import phrase_regex
from .rules import (
    Banned,
    Disclaimer,
    EmojiLimit,
    Hashtags,
    Names,
    Preferred,
    Scope,
    Term,
    WordRules,
)

SCOPE_KEYS = ("level", "channels", "why")
#: Each table the file may hold: whether it is a list of groups ([[banned]]), and its keys.
TABLES: dict[str, tuple[bool, tuple[str, ...]]] = {
    "banned": (True, ("words", "patterns", *SCOPE_KEYS)),
    "preferred": (True, ("use", "instead_of", *SCOPE_KEYS)),
    "product_names": (True, ("names", *SCOPE_KEYS)),
    "disclaimer": (True, ("text", *SCOPE_KEYS)),
    "emoji": (False, ("max", *SCOPE_KEYS)),
    "hashtags": (False, ("max", "allowed", "required", *SCOPE_KEYS)),
}
DEFAULT_LEVEL = {"emoji": "warn", "hashtags": "warn"}  # the rest block
#: Where hashtags matter unless the kit says otherwise: the channel that carries them.
DEFAULT_CHANNELS = {"hashtags": frozenset({"linkedin"})}
_TOML_AT = re.compile(r"\s*\(at line (\d+), column \d+\)$")


class _Lines:
    """Where tables and keys are in the file's text (tomllib keeps no positions)."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.tables: dict[tuple[str, int], int] = {}
        self.keys: dict[tuple[str, int, str], int] = {}
        seen: Counter[str] = Counter()
        current = ("", 0)
        for number, raw in enumerate(self.lines, 1):
            line = raw.strip()
            if (found := re.match(r"\[\[\s*([\w.-]+)\s*\]\]", line)) is not None:
                current = (found[1], seen[found[1]])
                seen[found[1]] += 1
                self.tables[current] = number
            elif (found := re.match(r"\[\s*([\w.-]+)\s*\]", line)) is not None:
                current = (found[1], 0)
                self.tables[current] = number
            elif (found := re.match(r"([\w-]+|\"[^\"]*\"|'[^']*')\s*=", line)) is not None:
                self.keys.setdefault((*current, found[1].strip("\"'")), number)

    def of(self, table: str, index: int = 0, key: str | None = None, value: str = "") -> int:
        """The line of a key (or of one value in it), else of its table, else 1."""
        start = self.keys.get((table, index, key or ""), 0) or self.tables.get((table, index), 0)
        if value and start:
            for number in range(start, len(self.lines) + 1):
                line = self.lines[number - 1]
                if value in line or value.replace("\\", "\\\\") in line:
                    return number
        return start or 1


def parse_words(text: str, shown: str) -> WordRules:
    """words.toml's text as compiled rules; UsageError "FILE:LINE: problem" for any mistake."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = _TOML_AT.search(message)
        line = found.group(1) if found else "1"
        raise UsageError(f"{shown}:{line}: not valid TOML: {_TOML_AT.sub('', message)}") from None
    lines = _Lines(text)
    for name in data:
        if name not in TABLES:
            known = ", ".join(f"[[{t}]]" if many else f"[{t}]" for t, (many, _) in TABLES.items())
            raise UsageError(
                f"{shown}:{lines.of(name, key=name)}: unknown table {name!r}; use {known}"
            )

    def groups(name: str) -> list[tuple[int, dict[str, Any]]]:
        value = data.get(name)
        many = TABLES[name][0]
        if value is None:
            return []
        if isinstance(value, dict):
            return [(0, value)]  # [banned] written with one bracket: one group
        if many and isinstance(value, list) and all(isinstance(v, dict) for v in value):
            return list(enumerate(value))
        raise UsageError(f"{shown}:{lines.of(name, key=name)}: {name} must be a table, [{name}]")

    reader = _Reader(shown, lines)
    return WordRules(
        banned=tuple(reader.banned(i, g) for i, g in groups("banned")),
        preferred=tuple(reader.preferred(i, g) for i, g in groups("preferred")),
        names=tuple(reader.names(i, g) for i, g in groups("product_names")),
        disclaimers=tuple(reader.disclaimer(i, g) for i, g in groups("disclaimer")),
        emoji=next((reader.emoji(g) for _, g in groups("emoji")), None),
        hashtags=next((reader.hashtags(g) for _, g in groups("hashtags")), None),
    )


class _Reader:
    """One table at a time, each value checked, errors placed at their line."""

    def __init__(self, shown: str, lines: _Lines) -> None:
        self.shown, self.lines = shown, lines

    def fail(
        self, table: str, index: int, key: str | None, problem: str, value: str = ""
    ) -> UsageError:
        return UsageError(f"{self.shown}:{self.lines.of(table, index, key, value)}: {problem}")

    def keys(self, table: str, index: int, group: dict[str, Any]) -> None:
        allowed = TABLES[table][1]
        for key in group:
            if key not in allowed:
                raise self.fail(
                    table, index, key, f"unknown key {key!r} in [{table}]; use {', '.join(allowed)}"
                )

    def strings(self, table: str, index: int, group: dict[str, Any], key: str) -> list[str]:
        value = group.get(key, [])
        value = [value] if isinstance(value, str) else value
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(
                table, index, key, f'{key} must be a list of texts, e.g. ["one", "two"]'
            )
        for item in value:
            if not item.strip():
                raise self.fail(table, index, key, f"{key} has an empty entry; remove it")
        return [v.strip() for v in value]

    def text(self, table: str, index: int, group: dict[str, Any], key: str) -> str:
        value = group.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(table, index, key, f'[{table}] needs {key} = "..." (a text)')
        return value.strip()

    def scope(self, table: str, index: int, group: dict[str, Any]) -> Scope:
        self.keys(table, index, group)
        level = group.get("level", DEFAULT_LEVEL.get(table, "block"))
        if level not in ("block", "warn"):
            raise self.fail(
                table, index, "level", f'level must be "block" or "warn", not {level!r}'
            )
        why = group.get("why", "")
        if not isinstance(why, str):
            raise self.fail(table, index, "why", "why must be a text")
        channels = DEFAULT_CHANNELS.get(table)
        if "channels" in group:
            names = self.strings(table, index, group, "channels")
            unknown = [n for n in names if n not in registry.names()]
            if unknown:
                raise self.fail(
                    table,
                    index,
                    "channels",
                    f"unknown channel {unknown[0]!r}; choose from {', '.join(registry.names())}",
                    unknown[0],
                )
            channels = frozenset(names)
        return Scope(level, channels, why.strip())

    def banned(self, index: int, group: dict[str, Any]) -> Banned:
        scope = self.scope("banned", index, group)
        words = self.strings("banned", index, group, "words")
        terms = [Term(w, phrase_regex(w)) for w in words]
        for pattern in self.strings("banned", index, group, "patterns"):
            terms.append(Term(pattern, self.compiled(index, pattern)))
        if not terms:
            raise self.fail("banned", index, None, "[[banned]] needs words or patterns")
        return Banned(scope, tuple(terms))

    def compiled(self, index: int, pattern: str) -> re.Pattern[str]:
        try:
            return re.compile(pattern, re.IGNORECASE)
        except re.error as exc:
            raise self.fail(
                "banned", index, "patterns", f"pattern {pattern!r} does not compile: {exc}", pattern
            ) from None

    def preferred(self, index: int, group: dict[str, Any]) -> Preferred:
        scope = self.scope("preferred", index, group)
        use = self.text("preferred", index, group, "use")
        instead = self.strings("preferred", index, group, "instead_of")
        if not instead:
            raise self.fail("preferred", index, None, '[[preferred]] needs instead_of = ["..."]')
        terms = []
        for word in instead:
            if word.casefold() == use.casefold():  # a casing preference: "Email" -> "email"
                pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)")
            else:
                pattern = phrase_regex(word)
            terms.append(Term(word, pattern))
        return Preferred(scope, use, tuple(terms))

    def names(self, index: int, group: dict[str, Any]) -> Names:
        scope = self.scope("product_names", index, group)
        names = self.strings("product_names", index, group, "names")
        if not names:
            raise self.fail("product_names", index, None, '[[product_names]] needs names = ["..."]')
        return Names(scope, tuple(Term(n, _name_pattern(n)) for n in names))

    def disclaimer(self, index: int, group: dict[str, Any]) -> Disclaimer:
        scope = self.scope("disclaimer", index, group)
        return Disclaimer(scope, self.text("disclaimer", index, group, "text"))

    def count(self, table: str, value: object, key: str = "max") -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(table, 0, key, f"{key} must be a whole number, 0 or more")
        return value

    def emoji(self, group: dict[str, Any]) -> EmojiLimit:
        scope = self.scope("emoji", 0, group)
        value = group.get("max", 0)
        if isinstance(value, dict):
            unknown = [n for n in value if n not in registry.names()]
            if unknown:
                raise self.fail("emoji", 0, "max", f"unknown channel {unknown[0]!r} in max")
            most: dict[str | None, int] = {n: self.count("emoji", v) for n, v in value.items()}
        else:
            most = {None: self.count("emoji", value)}
        return EmojiLimit(scope, most)

    def hashtags(self, group: dict[str, Any]) -> Hashtags:
        scope = self.scope("hashtags", 0, group)
        most = self.count("hashtags", group["max"]) if "max" in group else None
        allowed = self.strings("hashtags", 0, group, "allowed")
        required = self.strings("hashtags", 0, group, "required")
        # "#Acme" or "Acme": the kit may write a tag either way.
        required = [t.lstrip("#") for t in required]
        listed = frozenset(t.lstrip("#").casefold() for t in allowed + required)
        return Hashtags(scope, most, listed if allowed else None, tuple(required))


def _name_pattern(name: str) -> re.Pattern[str]:
    """A product name in any casing, as a whole name: not inside a word, a handle, a hashtag
    or a path ("github" in "@github", "#github", "/github" is not the name written)."""
    body = r"\s+".join(re.escape(part) for part in name.split())
    return re.compile(rf"(?<![\w#@/.]){body}(?!\w|\.\w)", re.IGNORECASE)
