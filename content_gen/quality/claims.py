"""Every figure and quotation in a piece traced to what the pieces were written from.

The evidence is the plan's verified claims, the brief, the sources and the topic. A figure is
a number a reader takes as a fact: a percentage, money, a date or year, a decimal, a count
above ten (small counts such as "three steps" are structure, not facts). A quotation is a
passage of six words or more in quotation marks. Anything of either kind not found in the
evidence was invented, and blocks the piece with its text named.

Code, URLs and hashtags are not prose; a version after a name ("Python 3.12") is not a figure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from .rules import Violation
from .text import quote, sentences

_NOT_PROSE = re.compile(
    r"```.*?```|`[^`\n]+`|\bhttps?://\S+|\bwww\.\S+|(?<![\w&])#\w+|^(?: {4}|\t).*$",
    re.DOTALL | re.MULTILINE,
)
# A number, with what makes it a figure around it: currency before; %, k, m, bn or a scale
# word after. Not part of a word or a name ("B2B", "GPT-4"), not a list marker ("1.").
_FIGURE = re.compile(
    r"(?P<money>[$€£¥])?\s?"
    r"(?<![\w.,/-])(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?![\w.,/]\d)"
    r"(?P<unit>\s?(?:%|percent\b|per cent\b|[kKmM]\b|bn\b|x\b|million\b|billion\b|thousand\b))?"
)
_LIST_MARKER = re.compile(r"^\s*\d+[.)]\s", re.MULTILINE)
_VERSION = re.compile(r"[A-Z][\w+]*\s(?:v)?\d+(?:\.\d+)+\b")
_QUOTED = re.compile(r"[\"\u201c]([^\"\u201c\u201d\n]{20,}?)[\"\u201d]")
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
QUOTE_MIN_WORDS = 6
SMALL_COUNT = 10

# Curly quotes and the dash family, as a model and a source may each type them.
_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00a0": " ",
    }
)
_EMPHASIS = re.compile(r"(\*\*|__|[*_`])(?=\S)|(?<=\S)(\*\*|__|[*_`])")


def normalise(text: str) -> str:
    """Text as quotes are compared: quotes, dashes and whitespace folded, emphasis dropped."""
    return " ".join(_EMPHASIS.sub("", text.translate(_FOLD)).split())


def prose_only(text: str) -> str:
    """The text without code, URLs, hashtags or list markers, which hold no claims."""
    return _LIST_MARKER.sub(" ", _NOT_PROSE.sub(" ", text))


@dataclass(frozen=True)
class Figure:
    text: str  # as written, e.g. "$4,000" or "40%"
    value: Decimal


# Cached: a piece's prose and its plan's claims are read for figures by the claims rule, by the
# renderer (which sources it cites) and by run.json (which claims it used), several times over.
@lru_cache(maxsize=256)
def figures(text: str) -> tuple[Figure, ...]:
    """The figures in a text (see the module's docstring for what counts)."""
    prose = _VERSION.sub(" ", prose_only(text))
    found = []
    for match in _FIGURE.finditer(prose):
        try:
            value = Decimal(match.group("number").replace(",", ""))
        except InvalidOperation:
            continue
        is_year = 1900 <= value <= 2100 and "." not in match.group("number")
        qualified = bool(match.group("money") or match.group("unit"))
        if not (qualified or is_year or "." in match.group("number") or value > SMALL_COUNT):
            continue
        found.append(Figure(match.group(0).strip(), value))
    return tuple(found)


def quotations(text: str) -> list[str]:
    """Passages in quotation marks long enough to be a quote, not a phrase or a title."""
    return [
        q.strip()
        for q in _QUOTED.findall(prose_only(text))
        if len(_WORD.findall(q)) >= QUOTE_MIN_WORDS
    ]


@dataclass(frozen=True)
class Claim:
    """A claim the plan made and its source's quote confirmed."""

    id: str
    text: str
    source: str
    quote: str


@dataclass(frozen=True)
class Evidence:
    """What a piece may state as fact, and the claims it may use."""

    texts: tuple[str, ...] = ()  # normalised: the brief, the sources, the topic
    claims: tuple[Claim, ...] = ()
    _values: frozenset[Decimal] = field(default=frozenset(), repr=False)

    @classmethod
    def of(cls, texts: Iterable[str], claims: Sequence[Claim] = ()) -> Evidence:
        all_texts = [*texts, *(f"{c.text} {c.quote}" for c in claims)]
        values = {f.value for t in all_texts for f in figures(t)}
        # A number stated in words in the evidence ("forty percent") is not matched; the
        # writer is told to copy figures as the claims give them.
        values |= {
            Decimal(n.replace(",", ""))
            for t in all_texts
            for n in re.findall(r"\d[\d,]*(?:\.\d+)?", t)
        }
        return cls(tuple(normalise(t) for t in all_texts), tuple(claims), frozenset(values))

    def supports_figure(self, figure: Figure) -> bool:
        return figure.value in self._values

    def supports_quote(self, passage: str) -> bool:
        wanted = normalise(passage).casefold()
        return any(wanted in text.casefold() for text in self.texts)


def claims_rule(prose: str, evidence: Evidence) -> list[Violation]:
    """Block figures and quotations the evidence does not hold, naming each of them."""
    out = []
    invented = list(
        dict.fromkeys(f.text for f in figures(prose) if not evidence.supports_figure(f))
    )
    if invented:
        shown = ", ".join(f'"{f}"' for f in invented[:6])
        out.append(
            Violation(
                "claims.figures",
                "block",
                f"figures that no claim, brief or source gives: {shown}; use only the plan's "
                "figures, or say it without a number",
            )
        )
    made_up = [q for q in quotations(prose) if not evidence.supports_quote(q)]
    if made_up:
        shown = ", ".join(f'"{quote(q, 50)}"' for q in made_up[:3])
        out.append(
            Violation(
                "claims.quotes",
                "block",
                f"quotations found in no claim, brief or source: {shown}; quote only the "
                "plan's claims word for word, or paraphrase without quotation marks",
            )
        )
    return out


def used_claims(prose: str, claims: Sequence[Claim]) -> list[str]:
    """The ids of the claims a piece uses: their figures, or a stretch of their words."""
    text = normalise(prose).casefold()
    values = {f.value for f in figures(prose)}
    used = []
    for claim in claims:
        own = {f.value for f in figures(f"{claim.text} {claim.quote}")}
        words = _content_words(claim.text)
        shared = sum(1 for w in words if w in text)
        if (own and own & values and shared >= min(2, len(words))) or (
            words and shared / len(words) >= 0.6
        ):
            used.append(claim.id)
    return used


@dataclass(frozen=True)
class Conflict:
    kind: str  # "figure" or "call_to_action"
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "message": self.message}


def consistency(
    pieces: Mapping[str, str], claims: Sequence[Claim], call_to_action: str
) -> list[Conflict]:
    """What the pieces of one topic disagree on: a claim's figure, or the call to action."""
    out = []
    claimed = {c.id: {f.value for f in figures(f"{c.text} {c.quote}")} for c in claims}
    for claim in claims:
        own = claimed[claim.id]
        others = set().union(*(v for k, v in claimed.items() if k != claim.id))
        words = _content_words(claim.text)
        if not own or len(words) < 3:
            continue
        for channel, prose in pieces.items():
            for sentence in sentences(prose_only(prose)):
                lowered = sentence.casefold()
                if sum(1 for w in words if w in lowered) < max(3, len(words) // 2):
                    continue
                # A figure in a sentence about this claim that is neither the claim's nor
                # another claim's: the pieces tell the same fact with different numbers.
                stated = {f.value for f in figures(sentence)}
                if stated - own - others:
                    numbers = ", ".join(f.text for f in figures(sentence))
                    out.append(
                        Conflict(
                            "figure",
                            f"{channel} states {numbers} for claim {claim.id} "
                            f'("{quote(claim.text, 60)}"), which gives '
                            + ", ".join(str(v) for v in sorted(own)),
                        )
                    )
                    break
    wanted = _content_words(call_to_action)
    if wanted:
        for channel, prose in pieces.items():
            ending = " ".join(prose.split()[-120:]).casefold()
            if sum(1 for w in wanted if w in ending) / len(wanted) < 0.5:
                out.append(
                    Conflict(
                        "call_to_action",
                        f"{channel} does not end with the plan's call to action (\""
                        f'{quote(call_to_action, 60)}")',
                    )
                )
    return out


_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "that",
        "the",
        "their",
        "this",
        "to",
        "was",
        "we",
        "were",
        "will",
        "with",
        "you",
        "your",
    ]
)


def _content_words(text: str) -> list[str]:
    return [w for w in (m.casefold() for m in _WORD.findall(text)) if w not in _STOP and len(w) > 2]
