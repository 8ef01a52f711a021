"""Learning from edits: what a person changed in a piece, as additions to the voice kit.

The piece content-gen wrote and the person's edit of it are compared word by word (difflib
over tokens, no model call), and up to three proposals come out, most frequent first:

- a word or short phrase they deleted, or replaced with a plain one, that is on the built-in
  list of stock phrases or gone from the whole piece: ban it ([[banned]]);
- a term they respelt (e-mail -> email, signup -> sign up), or replaced with the same other
  term more than once: prefer it ([[preferred]]);
- a name whose casing they corrected (Github -> GitHub): keep its casing ([[product_names]]);
- every emoji removed: no emoji ([emoji] max = 0).

Each proposal is a block of TOML appended to words.toml, so the file's comments and layout
stay as the person wrote them. Standard library only.
"""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from ..quality.rules import default_phrases_file, load_phrases
from ..quality.text import EMOJI
from .kit import VoiceKit

MAX_PROPOSALS = 3
MAX_PHRASE_WORDS = 4  # longer deletions are edits of content, not of wording
_TOKEN = re.compile(rf"[^\W_]+(?:['\u2019-][^\W_]+)*|{EMOJI.pattern}")
_ORDER = {"name": 0, "preferred": 1, "banned": 2, "emoji": 3}
# Small words a deletion takes with it (", a game-changing" -> "game-changing"): not the phrase.
_EDGE = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "for",
        "with",
        "as",
        "is",
        "it",
        "so",
    ]
)


@dataclass(frozen=True)
class Proposal:
    """One addition to the kit: what it is, why, and the TOML that adds it."""

    kind: str  # banned, preferred, name or emoji
    term: str  # the phrase banned, the term replaced, the name; "" for emoji
    summary: str  # 'ban "game-changing"'
    reason: str  # "you deleted it 2 times"
    toml: str
    count: int = 1
    at: int = 0  # where in the piece it was first seen, for a stable order

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "term": self.term,
            "summary": self.summary,
            "reason": self.reason,
            "toml": self.toml,
        }


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _string(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(value, ensure_ascii=False)


def _whole(phrase: str, text: str) -> bool:
    """Whether `phrase` is still in `text` as words, ignoring case."""
    pattern = r"(?<!\w)" + r"\s+".join(re.escape(w) for w in phrase.split()) + r"(?!\w)"
    return re.search(pattern, text, re.IGNORECASE) is not None


def _stock(phrase: str) -> bool:
    """On the built-in list of phrases and words LLMs overuse."""
    return any(p.pattern.fullmatch(phrase) for p in load_phrases(default_phrases_file()))


def propose(original: str, edited: str, kit: VoiceKit | None = None) -> list[Proposal]:
    """Up to MAX_PROPOSALS additions to the kit that the edit of `original` into `edited`
    shows, none that the kit already has."""
    old, new = _tokens(original), _tokens(edited)
    deleted: Counter[str] = Counter()
    replaced: Counter[tuple[str, str]] = Counter()
    first: dict[object, int] = {}
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        gone, came = " ".join(old[i1:i2]), " ".join(new[j1:j2])
        if op == "delete" and i2 - i1 <= MAX_PHRASE_WORDS:
            gone = _trimmed(old[i1:i2])
            if gone:
                deleted[gone] += 1
                first.setdefault(gone, i1)
        elif op == "replace" and max(i2 - i1, j2 - j1) <= MAX_PHRASE_WORDS:
            replaced[(gone, came)] += 1
            first.setdefault((gone, came), i1)
    found = [
        *_names(replaced, first),
        *_preferred(replaced, first, edited),
        *_banned(deleted, replaced, first, edited),
        *_emoji(original, edited),
    ]
    fresh = [p for p in found if not _known(p, kit)]
    fresh.sort(key=lambda p: (-p.count, _ORDER[p.kind], p.at))
    unique = list({p.toml: p for p in fresh}.values())
    return unique[:MAX_PROPOSALS]


def _trimmed(words: list[str]) -> str:
    while words and words[0].casefold() in _EDGE:
        words = words[1:]
    while words and words[-1].casefold() in _EDGE:
        words = words[:-1]
    return " ".join(words)


def _times(n: int) -> str:
    return "" if n == 1 else f" {n} times"


def _names(replaced: Counter[tuple[str, str]], first: dict[object, int]) -> list[Proposal]:
    out = []
    for (gone, came), n in replaced.items():
        if gone != came and gone.casefold() == came.casefold() and not came.islower():
            out.append(
                Proposal(
                    "name",
                    came,
                    f'write "{came}" exactly so',
                    f'you changed "{gone}" to "{came}"{_times(n)}',
                    f"[[product_names]]\nnames = [{_string(came)}]\n",
                    n,
                    first[(gone, came)],
                )
            )
    return out


def _preferred(
    replaced: Counter[tuple[str, str]], first: dict[object, int], edited: str
) -> list[Proposal]:
    out = []
    for (gone, came), n in replaced.items():
        if gone.casefold() == came.casefold() or _has_digit(gone + came) or _whole(gone, edited):
            continue  # a casing fix, a changed figure, or a word they kept elsewhere
        # The same letters spelt another way is a house spelling; a different word replaced
        # once is rewording ("teams" -> "team" is grammar), twice is a preference.
        respelt = _letters(gone) == _letters(came)
        if not respelt and n < 2:
            continue
        out.append(
            Proposal(
                "preferred",
                gone,
                f'prefer "{came}" to "{gone}"',
                f'you replaced "{gone}" with "{came}"{_times(n)}',
                f"[[preferred]]\nuse = {_string(came)}\ninstead_of = [{_string(gone)}]\n",
                n,
                first[(gone, came)],
            )
        )
    return out


def _banned(
    deleted: Counter[str],
    replaced: Counter[tuple[str, str]],
    first: dict[object, int],
    edited: str,
) -> list[Proposal]:
    """Phrases deleted, or swapped for plainer words, that are gone from the whole piece."""
    removed: Counter[str] = Counter(deleted)
    for (gone, came), n in replaced.items():
        if _stock(gone) and gone.casefold() != came.casefold():
            removed[gone] += n
            first.setdefault(gone, first[(gone, came)])
    out = []
    for phrase, n in removed.items():
        words = phrase.split()
        if _whole(phrase, edited) or _has_digit(phrase) or EMOJI.search(phrase):
            continue
        # A lone short word ("very", "just") or a run of small words is ordinary editing.
        telling = _stock(phrase) or (max(len(w) for w in words) >= (6 if len(words) == 1 else 4))
        if not telling:
            continue
        out.append(
            Proposal(
                "banned",
                phrase,
                f'ban "{phrase}"',
                f"you deleted it{_times(n)}",
                f"[[banned]]\nwords = [{_string(phrase)}]\n",
                n,
                first.get(phrase, 0),
            )
        )
    return out


def _emoji(original: str, edited: str) -> list[Proposal]:
    found = list(EMOJI.finditer(original))
    if len(found) < 2 or EMOJI.search(edited):
        return []  # one emoji removed is taste; all of them, a policy
    return [
        Proposal(
            "emoji",
            "",
            "no emoji",
            f"you removed all {len(found)} emoji",
            "[emoji]\nmax = 0\n",
            1,
            found[0].start(),
        )
    ]


def _letters(text: str) -> str:
    return "".join(c for c in text.casefold() if c.isalnum())


def _has_digit(text: str) -> bool:
    return any(c.isdigit() for c in text)


def _known(proposal: Proposal, kit: VoiceKit | None) -> bool:
    """Whether the kit already has this rule (or, for emoji, any emoji rule)."""
    if kit is None:
        return False
    words = kit.words
    if proposal.kind == "emoji":
        return words.emoji is not None
    texts: Iterable[str]
    if proposal.kind == "name":
        texts = (t.text for n in words.names for t in n.names)
    elif proposal.kind == "preferred":
        texts = (t.text for p in words.preferred for t in p.instead)
    else:
        texts = (t.text for b in words.banned for t in b.terms)
    return proposal.term.casefold() in {t.casefold() for t in texts}


def appended(words_toml: str, proposals: list[Proposal], source: str, today: date) -> str:
    """words.toml with the proposals added at its end, under a comment saying where from."""
    head = words_toml.rstrip("\n")
    blocks = [f"# Learnt from your edit of {source} (content-gen learn, {today.isoformat()})"]
    blocks += [p.toml.rstrip("\n") for p in proposals]
    return (head + "\n\n" if head else "") + "\n\n".join(blocks) + "\n"
