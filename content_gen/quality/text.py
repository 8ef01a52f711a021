"""Text helpers every rule shares: words, sentences, short quotes, where a match is, and masks.

A rule that reads prose reads `prose_view(text)`: the same text with code, URLs, link targets
and reference-link syntax blanked out to spaces. Lengths and line breaks are kept, so an
offset found in the view is the same offset in the text, and line and column can be reported.

Words and lengths work in languages written without spaces: Japanese and Chinese characters
count as the fraction of a word they carry (bench/corpus/language/README.md, "CJK word
counting"), sentences end at 。！？ too, and a soft length target counts a full-width
character as two.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Letters and digits in any script; dashes, bullets and arrows are not words.
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
# CJK sentences end at 。！？ with no space after them.
_SENTENCE_END = re.compile(
    r"(?<=[.!?])[\"')\]]*\s+|(?<=[\u3002\uff01\uff1f])[\u300d\u300f\uff09\"')\]]*\s*"
    r"|\n[ \t]*\n"
)
# Japanese kana and kanji, Chinese hanzi: scripts written without spaces between words.
HAN_KANA = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
KANA = re.compile(r"[\u3040-\u30ff]")
#: Characters per English word in translations of the same documents: Japanese (text with
#: kana) 2.86, Chinese 1.65 (160 document pairs; bench/corpus/language/README.md).
CHARS_PER_WORD = {"ja": 3.0, "zh": 1.6}
# Full-width characters of Japanese and Chinese text: hanzi, kana, CJK punctuation and the
# full-width forms. They take about twice the width of a Latin letter on screen.
_WIDE = re.compile(
    r"[\u2e80-\u303e\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f"
    r"\uff00-\uff60\uffe0-\uffe6]"
)
# Emoji and pictographs (not arrows or bullets, which plain lists use).
EMOJI = re.compile(
    "[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff\u3030\u303d\u3297\u3299]"
)
# A hashtag starts with a letter: "Mistake #1" is a number, not a tag.
HASHTAG = re.compile(r"(?<![\w&/])#([^\W\d_]\w*)")

_FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_BLANK = re.compile(r"^[ \t]*$")
_INDENTED = re.compile(r"^(?: {4}|\t)")
_LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])\s")
_CODE_SPAN = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_URL = re.compile(r"<?\b(?:https?://|ftp://|mailto:|www\.)[^\s<>]+>?", re.IGNORECASE)
# Bare domains and e-mail addresses: "delvingbitcoin.org", "news@example.com".
_DOMAIN = re.compile(
    r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"
    r"|\b(?:[a-z0-9-]+\.)+(?:com|org|net|io|dev|rs|gov|edu|app|ai|co|uk|de|me|info|sh|so|xyz)\b"
    r"(?:/[^\s)\]>]*)?",
    re.IGNORECASE,
)
# [text](target) and [text][label]: the brackets and what follows them are syntax, not prose.
_INLINE_LINK = re.compile(r'(!?\[)([^\]\n]*)(\])(\([^)\s]*(?:\s+"[^"\n]*")?\))')
_REFERENCE_LINK = re.compile(r"(!?\[)([^\[\]\n]+)(\])(\[[^\[\]\n]*\])")
_REFERENCE_DEF = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]*\S.*$", re.MULTILINE)
_FOOTNOTE = re.compile(r"\[\^[^\]\s]+\]")
_SHORTCUT = re.compile(r"\[([^\[\]\n]+)\](?![(\[:])")


def word_count(text: str) -> int:
    """Words as an English reader counts them, in any script (see `word_equivalents`)."""
    return round(word_equivalents(text))


def word_equivalents(text: str) -> float:
    """Words, with Japanese and Chinese characters counted as the part of a word they carry.

    A run of kanji and kana has no spaces, so counting runs of letters would make a real
    1,000-word article about 280 words. Each such character counts 1/3 of a word in Japanese
    (text with kana) and 1/1.6 in Chinese; everything else counts as words, as before."""
    if HAN_KANA.search(text) is None:
        return float(len(_WORD.findall(text)))
    han_kana = HAN_KANA.findall(text)
    words = len(_WORD.findall(HAN_KANA.sub(" ", text)))
    japanese = len(KANA.findall(text)) * 20 >= len(han_kana)
    return words + len(han_kana) / CHARS_PER_WORD["ja" if japanese else "zh"]


def has_cjk(text: str) -> bool:
    """Whether the text has Japanese or Chinese characters (written without spaces)."""
    return HAN_KANA.search(text) is not None


def width(text: str) -> int:
    """The length of `text` for soft targets: a full-width CJK character counts as two.

    Japanese and Chinese say in half the characters what English says, in glyphs twice as
    wide, so "aim for 500-2,000 characters" means 250-1,000 of them. Hard platform caps
    (LinkedIn's 3,000, a slug's 60) count characters, whatever the script."""
    return len(text) + len(_WIDE.findall(text))


def characters(text: str) -> str:
    """The length a soft-target message reports: "44 characters", with the width if it differs."""
    wide = width(text)
    if wide == len(text):
        return f"{len(text)} characters"
    return f"{len(text)} characters ({wide} counting each full-width one as two)"


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if word_count(s) > 0]


def quote(text: str, limit: int = 60) -> str:
    """A short excerpt for a message: enough for the reviser to find the spot."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def squash(text: str) -> str:
    """Casefolded, commas dropped, whitespace collapsed: for "does the footer say X" checks."""
    return " ".join(text.casefold().replace(",", " ").split())


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of `offset` in `text`."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def excerpt(text: str, start: int, end: int | None = None, limit: int = 50) -> str:
    """The text from `start` to `end` (or the end of its line), as written, on one line."""
    stop = text.find("\n", start)
    stop = len(text) if stop == -1 else stop
    if end is not None:
        stop = min(stop, max(end, start + 1))
    return text[start : min(stop, start + limit)].rstrip()


def blank(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with each span's characters turned to spaces, line breaks kept."""
    if not spans:
        return text
    out, at = [], 0
    for start, end in sorted(spans):
        if end <= at:
            continue
        start = max(start, at)
        out.append(text[at:start])
        out.append(re.sub(r"[^\n]", " ", text[start:end]))
        at = end
    out.append(text[at:])
    return "".join(out)


def _code_blocks(text: str) -> list[tuple[int, int]]:
    """Fenced blocks (``` or ~~~, closed or running to the end) and indented code blocks."""
    spans: list[tuple[int, int]] = []
    offset, fence, fence_start = 0, "", 0
    previous_blank, in_indented, in_list = True, False, False
    for line in text.splitlines(keepends=True):
        bare = line.rstrip("\r\n")
        if fence:
            stripped = bare.strip()
            if stripped.startswith(fence) and set(stripped) <= {fence[0]}:
                spans.append((fence_start, offset + len(bare)))
                fence = ""
        elif (opening := _FENCE_OPEN.match(bare)) is not None:
            fence, fence_start = opening.group(1), offset
            in_indented = False
        elif _BLANK.match(bare):
            previous_blank = True
            offset += len(line)
            continue
        elif _INDENTED.match(bare) and (in_indented or (previous_blank and not in_list)):
            # Four spaces after a list item continue the item; anywhere else they are code.
            spans.append((offset, offset + len(bare)))
            in_indented = True
        else:
            in_indented = False
            if _LIST_ITEM.match(bare):
                in_list = True
            elif previous_blank and not bare.startswith((" ", "\t")):
                in_list = False
        previous_blank = False
        offset += len(line)
    if fence:
        spans.append((fence_start, len(text)))
    return spans


def code_view(text: str) -> str:
    """`text` with fenced and indented code blocks, code spans and HTML comments blanked."""
    masked = blank(text, _code_blocks(text))
    spans = [m.span() for m in _CODE_SPAN.finditer(masked) if "\n\n" not in m.group(0)]
    spans += [m.span() for m in _HTML_COMMENT.finditer(masked)]
    return blank(masked, spans)


@lru_cache(maxsize=64)
def prose_view(text: str) -> str:
    """What a reader reads as prose: `code_view` without URLs, domains and link syntax.

    Link text stays (it is prose) but loses its brackets, so "[Add a macro][rfc466]" is not
    mistaken for a "[Add ...]" placeholder; a bare "[label]" that a reference definition
    names is a link too.
    """
    masked = code_view(text)
    labels = {
        m.group(0).split("]:", 1)[0].strip().lstrip("[").casefold()
        for m in _REFERENCE_DEF.finditer(masked)
    }
    spans = [m.span() for m in _REFERENCE_DEF.finditer(masked)]
    spans += [m.span() for m in _FOOTNOTE.finditer(masked)]
    for pattern in (_INLINE_LINK, _REFERENCE_LINK):
        for m in pattern.finditer(masked):
            spans += [m.span(1), m.span(3), m.span(4)]
    if labels:
        for m in _SHORTCUT.finditer(masked):
            if m.group(1).strip().casefold() in labels:
                spans += [(m.start(), m.start() + 1), (m.end() - 1, m.end())]
    masked = blank(masked, spans)
    return blank(
        masked,
        [m.span() for m in _URL.finditer(masked)] + [m.span() for m in _DOMAIN.finditer(masked)],
    )
