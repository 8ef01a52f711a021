"""The language of a piece, and paragraphs in another one: the `language.*` rules.

They run only when a run or `check` is given a language (`--language`, BCP 47: de, pt-BR,
ja). The detector is py3langid (BSD-3-Clause, its model inside the wheel, so it works
offline), restricted to its two-letter ISO 639-1 languages; it and numpy are imported on the
first piece checked, never on `--help` or a run without a language. Figures and the choice
of detector: bench/corpus/language/README.md and bench/results.md (section `language`).

1. *Clean*, keeping offsets: what may rightly be in another language is blanked out. Code,
   URLs and link syntax (as every prose rule skips them), HTML, block quotes, quoted spans
   in any language's quotation marks, name-like tokens (CamelCase, ALLCAPS, letters with
   digits, snake_case, @handles, #tags) and lines that are mostly capitalised names. This is
   how quotations and product names are excepted.
2. *Chunk*: the cleaned paragraphs.
3. *Judge* each chunk: mostly-CJK chunks by their script (kana: ja, Hangul: ko, else zh),
   the others by py3langid.
4. *Decide*: the whole piece confidently in another language, with less than BLOCK_SHARE of
   its words in the expected one, blocks (`language.wrong`). Otherwise chunks of at least
   MIN_CHUNK_WORDS confidently in another language are foreign (`language.mixed`): they block
   when they hold more than BLOCK_SHARE of the judged words or one of them has
   BLOCK_CHUNK_WORDS, and warn when smaller.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .rules import Level, Violation
from .text import HAN_KANA, KANA, blank, excerpt, prose_view, quote, word_equivalents

#: Shorter chunks (headings, one-line calls to action) are not judged: too unreliable.
MIN_CHUNK_WORDS = 12
MIN_CONFIDENCE = 0.9
BLOCK_SHARE = 0.2  # of the words in judged chunks
BLOCK_CHUNK_WORDS = 40  # one untranslated paragraph of this size blocks on its own

#: The languages the detector knows: py3langid's two-letter labels, less Latin, Sanskrit,
#: Esperanto and Volapük (no marketing piece is written in them, and short English lines
#: get them). Kept here so that checking a --language needs no model; a test compares it
#: with the model's own list.
_SUPPORTED_CODES = (
    "af am an ar as az ba be bg bn br bs ca cs cy da de dz el en es et eu fa fi fo fr fy ga "
    "gd gl gu ha he hi hr ht hu hy id ig is it ja jv ka kk km kn ko ku ky lb lg ln lo lt lv "
    "mg mk ml mn mr ms mt my ne nl nn no oc om or pa pl ps pt qu ro ru rw se si sk sl sn so "
    "sq sr st sv sw ta te tg th tk tl tr tt ug uk ur uz vi wa xh yo zh zu"
)
SUPPORTED = frozenset(_SUPPORTED_CODES.split())
_NORWEGIAN = frozenset({"no", "nb", "nn"})
#: Names for messages and prompts; other languages are named by their code.
NAMES = {
    "ar": "Arabic",
    "bg": "Bulgarian",
    "ca": "Catalan",
    "cs": "Czech",
    "da": "Danish",
    "de": "German",
    "el": "Greek",
    "en": "English",
    "es": "Spanish",
    "et": "Estonian",
    "fa": "Persian",
    "fi": "Finnish",
    "fr": "French",
    "gl": "Galician",
    "he": "Hebrew",
    "hi": "Hindi",
    "hr": "Croatian",
    "hu": "Hungarian",
    "id": "Indonesian",
    "it": "Italian",
    "ja": "Japanese",
    "ko": "Korean",
    "lt": "Lithuanian",
    "lv": "Latvian",
    "ms": "Malay",
    "nb": "Norwegian",
    "nl": "Dutch",
    "nn": "Norwegian",
    "no": "Norwegian",
    "pl": "Polish",
    "pt": "Portuguese",
    "ro": "Romanian",
    "ru": "Russian",
    "sk": "Slovak",
    "sl": "Slovenian",
    "sr": "Serbian",
    "sv": "Swedish",
    "th": "Thai",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "vi": "Vietnamese",
    "zh": "Chinese",
}
_REGIONS = {"pt-BR": "Brazilian Portuguese", "pt-PT": "European Portuguese"}
_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")

Classifier = Callable[[str], tuple[str, float]]


# --- language tags ---------------------------------------------------------------------------


def check_tag(tag: str) -> str:
    """A BCP 47 tag in its usual case (pt-br -> pt-BR); ValueError saying what to write."""
    tag = tag.strip().replace("_", "-")
    if not _TAG.fullmatch(tag):
        raise ValueError("expected a BCP 47 language tag such as de, es, pt-BR or ja")
    base, *rest = tag.split("-")
    if base.lower() not in SUPPORTED | _NORWEGIAN:
        raise ValueError(
            f"the language detector does not know {base!r}; use a two-letter ISO 639-1 code "
            "such as de, es, pt-BR or ja"
        )
    subtags = [_subtag(part) for part in rest]
    return "-".join([base.lower(), *subtags])


def _subtag(part: str) -> str:
    if len(part) == 2 and part.isalpha():
        return part.upper()  # a region: BR
    if len(part) == 4 and part.isalpha():
        return part.title()  # a script: Hant
    return part.lower()


def base(tag: str) -> str:
    return tag.lower().replace("_", "-").split("-")[0]


def name(tag: str) -> str:
    """How prompts and messages name a language: "German", "Brazilian Portuguese", "xx"."""
    return _REGIONS.get(tag) or NAMES.get(base(tag), tag)


def label(tag: str | None) -> str:
    """How the prompts name the language: "German (de)"; English when none is set."""
    return "English" if tag is None else f"{name(tag)} ({tag})"


def same_language(lang: str, expected: str) -> bool:
    """Is detected `lang` (ISO 639-1) the language of BCP 47 tag `expected` (pt-BR -> pt)?"""
    want = base(expected)
    return lang == want or (want in _NORWEGIAN and lang in _NORWEGIAN)


# --- the detector ----------------------------------------------------------------------------

_loaded: list[Any] = []
_loading = threading.Lock()


def _identifier() -> Any:
    """py3langid's model, loaded once (0.5-1.3 s, about 130 MB) by whichever worker asks first."""
    with _loading:
        if not _loaded:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
            # Two-letter codes only: drops labels such as pcm (Nigerian Pidgin, which it
            # gives to short English lines) and yue and wuu (for Chinese).
            ident.set_languages(sorted(SUPPORTED))
            _loaded.append(ident)
        return _loaded[0]


def classify(text: str) -> tuple[str, float]:
    """(ISO 639-1 code, confidence 0-1) of cleaned text; ("und", 0.0) when it has no letters."""
    if not re.search(r"[^\W\d_]", text):
        return "und", 0.0
    lang, conf = _identifier().classify(text)
    return (str(lang), float(conf)) if conf > 0 else ("und", 0.0)


_HANGUL = re.compile(r"[\uac00-\ud7af]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")


def _by_script(chunk: str) -> tuple[str, float] | None:
    """ja, zh or ko from the script alone, for chunks mostly in those scripts; else None.

    Statistical detectors stumble on CJK text with Latin product names in it; the script
    does not."""
    hangul = len(_HANGUL.findall(chunk))
    han_kana = len(HAN_KANA.findall(chunk))
    latin = len(_LATIN.findall(chunk))
    if hangul >= 10 and hangul > latin / 2:
        return "ko", 1.0
    if han_kana < 10 or han_kana < latin / 2:
        return None
    return ("ja", 1.0) if len(KANA.findall(chunk)) * 20 >= han_kana else ("zh", 1.0)


def judge(chunk: str, classifier: Classifier | None = None) -> tuple[str, float]:
    """(language, confidence) of one piece of cleaned text."""
    return _by_script(chunk) or (classifier or classify)(chunk)


# --- cleaning, offsets kept ------------------------------------------------------------------

_FRONT = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
_HTML = re.compile(r"<[^<>\n]*>|&(?:#\d+|#x[0-9a-fA-F]+|\w+);")
_BLOCKQUOTE = re.compile(r"^[ \t]*>.*$", re.MULTILINE)
# Quoted spans, by the quotation marks each language uses; up to one paragraph long.
_QUOTED = re.compile(
    r"\"[^\"\n]{1,800}\"|\u201c[^\u201d\n]{1,800}\u201d|\u201e[^\u201c\u201d\n]{1,800}[\u201c\u201d]"
    r"|\u00ab[^\u00bb\n]{1,800}\u00bb|\u00bb[^\u00ab\n]{1,800}\u00ab|\u2018[^\u2019\n]{1,800}\u2019"
    r"|\u201a[^\u2018\u2019\n]{1,800}[\u2018\u2019]|\u300c[^\u300d\n]{1,800}\u300d"
    r"|\u300e[^\u300f\n]{1,800}\u300f"
)
# Product names and identifiers: GitHub, iPhone, useState, HTTP, GPT-4, React19, snake_case,
# @handles and #hashtags.
_NAMEISH = re.compile(
    r"\b(?:[A-Za-z]*[a-z][A-Z][A-Za-z]*|[A-Z]{2,}s?|[A-Za-z]+[-_]?\d[\w.-]*|\d+[A-Za-z]+\w*"
    r"|\w+_\w+)\b|(?<!\w)[@#]\w+"
)
_MARKUP = re.compile(r"^[ \t]*(?:#{1,6}|[-*+]|\d+[.)])[ \t]+|[*_~|]+", re.MULTILINE)
_PARAGRAPH = re.compile(r"(?:[^\n]*\S[^\n]*(?:\n|$))+")


def cleaned(text: str) -> str:
    """`text` with everything that may rightly be in another language blanked to spaces."""
    view = prose_view(text)
    for pattern in (_FRONT, _HTML, _BLOCKQUOTE, _QUOTED, _NAMEISH, _MARKUP):
        view = blank(view, [m.span() for m in pattern.finditer(view)])
    return view


def _is_name_list(line: str) -> bool:
    """A line of names ("Slack, Notion, Google Docs"): mostly capitalised Latin words, and
    little CJK text around them."""
    cjk = len(HAN_KANA.findall(line))
    words = re.findall(r"[^\W\d_]+", HAN_KANA.sub(" ", line))
    if not words or cjk > sum(map(len, words)) / 3:
        return False
    return sum(w[0].isupper() for w in words) / len(words) >= 0.7


@dataclass(frozen=True)
class Chunk:
    """One cleaned paragraph: where it starts in the text, and what it was judged to be."""

    start: int
    text: str
    words: float
    lang: str = "und"
    conf: float = 0.0


def chunks(text: str) -> list[Chunk]:
    """The cleaned paragraphs of `text`, lines of names left out, each with its offset."""
    out = []
    for par in _PARAGRAPH.finditer(cleaned(text)):
        lines = [(par.start() + m.start(), m.group(0)) for m in re.finditer(r"[^\n]+", par[0])]
        kept = [(at, line) for at, line in lines if line.strip() and not _is_name_list(line)]
        if not kept:
            continue
        joined = " ".join(" ".join(line.split()) for _, line in kept)
        at, first = kept[0]
        start = at + len(first) - len(first.lstrip())
        out.append(Chunk(start, joined, word_equivalents(joined)))
    return out


# --- the verdict -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """What the detector made of a piece: its language as a whole, and its judged chunks."""

    lang: str
    conf: float
    judged: tuple[Chunk, ...]

    def wrong(self, expected: str) -> bool:
        """In another language as a whole: detected so with confidence, and not even a fifth of
        it in the expected one (more than that is a mixed piece, whose foreign paragraphs the
        reviser is told to translate)."""
        if self.lang == "und" or self.conf < MIN_CONFIDENCE or same_language(self.lang, expected):
            return False
        judged = sum(c.words for c in self.judged)
        own = sum(
            c.words
            for c in self.judged
            if c.conf >= MIN_CONFIDENCE and same_language(c.lang, expected)
        )
        return not judged or own / judged < BLOCK_SHARE

    def foreign(self, expected: str) -> list[Chunk]:
        """Judged chunks confidently in a language other than `expected`."""
        return [
            c
            for c in self.judged
            if c.lang != "und" and c.conf >= MIN_CONFIDENCE and not same_language(c.lang, expected)
        ]


def read(text: str, classifier: Classifier | None = None) -> Reading:
    """The piece's language (on its prose: quotes, code and names excepted) and its chunks of
    at least MIN_CHUNK_WORDS words, each judged."""
    found = chunks(text)
    whole = "\n\n".join(c.text for c in found)
    lang, conf = judge(whole, classifier) if word_equivalents(whole) >= 3 else ("und", 0.0)
    judged = tuple(
        Chunk(c.start, c.text, c.words, *judge(c.text, classifier))
        for c in found
        if c.words >= MIN_CHUNK_WORDS
    )
    return Reading(lang, conf, judged)


def detect(text: str, classifier: Classifier | None = None) -> tuple[str, float]:
    """(language, confidence) of a whole piece; ("und", 0.0) for too little text."""
    reading = read(text, classifier)
    return reading.lang, reading.conf


def language_rules(prose: str, expected: str) -> list[Violation]:
    """`language.wrong` or `language.mixed` for a piece that should be in `expected`."""
    reading = read(prose)
    want = name(expected)
    if reading.wrong(expected):
        first = reading.judged[0].start if reading.judged else 0
        return [
            Violation(
                "language.wrong",
                "block",
                f"the piece is in {name(reading.lang)} ({reading.lang}), not {want} "
                f"({expected}); write all of it in {want}",
                excerpt(prose, first) or None,
            )
        ]
    foreign = reading.foreign(expected)
    if not foreign:
        return []
    judged = sum(c.words for c in reading.judged)
    words = sum(c.words for c in foreign)
    level: Level = (
        "block"
        if words / judged > BLOCK_SHARE or max(c.words for c in foreign) >= BLOCK_CHUNK_WORDS
        else "warn"
    )
    langs = ", ".join(sorted({name(c.lang) for c in foreign}))
    return [
        Violation(
            "language.mixed",
            level,
            f"{len(foreign)} paragraph(s) in {langs}, {words:.0f} of {judged:.0f} words, not in "
            f'{want} ("{quote(foreign[0].text, 50)}"); translate them (quotations and product '
            "names may stay as they are)",
            excerpt(prose, foreign[0].start),
        )
    ]
