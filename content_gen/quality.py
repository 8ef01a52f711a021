"""Quality control: deterministic rules, the judge's verdict, and how attempts are compared.

The rules are free and run first; the judge is only asked when no blocking rule failed.
Rule ids and thresholds follow qc-spec.md; the overused-phrase list is a data file.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

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


# --- text helpers ----------------------------------------------------------------------------

# Letters and digits in any script; dashes, bullets and arrows are not words.
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\n{2,}")
_FENCE = re.compile(r"^```.*?^```[^\n]*$", re.MULTILINE | re.DOTALL)


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if word_count(s) > 0]


def quote(text: str, limit: int = 60) -> str:
    """A short excerpt for a message: enough for the reviser to find the spot."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --- rules for every channel -----------------------------------------------------------------

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


# --- LinkedIn --------------------------------------------------------------------------------

LINKEDIN_MAX_CHARS = 3000
# A hashtag starts with a letter: "Mistake #1" is a number, not a tag.
_HASHTAG = re.compile(r"(?<![\w&/])#([^\W\d_]\w*)")
_URL = re.compile(r"\bhttps?://\S+|\bwww\.\S+", re.IGNORECASE)
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s", re.MULTILINE)
_MD_RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$", re.MULTILINE)
_UNICODE_BOLD = re.compile("[\U0001d400-\U0001d7ff]")


def linkedin_rules(post: str) -> list[Violation]:
    """Rules for the post exactly as it will be pasted."""
    out: list[Violation] = []
    length = len(post)
    if length > LINKEDIN_MAX_CHARS:
        out.append(
            Violation(
                "linkedin.length",
                "block",
                f"{length} characters; LinkedIn cuts posts at {LINKEDIN_MAX_CHARS}: shorten it",
            )
        )
    elif not 500 <= length <= 2000:
        out.append(
            Violation(
                "linkedin.length",
                "warn",
                f"{length} characters; aim for 500-2,000",
            )
        )

    first = _first_sentence(post)
    if len(first) > 140:
        out.append(
            Violation(
                "linkedin.hook",
                "block" if len(first) > 210 else "warn",
                f'first sentence is {len(first)} characters ("{quote(first)}"); '
                'LinkedIn shows about 140 before "see more": end the hook sooner',
            )
        )

    markdown = []
    if "**" in post or "__" in post:
        markdown.append("bold markers (** or __)")
    if _MD_HEADING.search(post):
        markdown.append("# headings")
    if _MD_RULE.search(post):
        markdown.append("--- rules")
    if _UNICODE_BOLD.search(post):
        markdown.append("Unicode bold/italic letters")
    if markdown:
        out.append(
            Violation(
                "linkedin.markdown",
                "block",
                f"LinkedIn shows plain text only; remove {', '.join(markdown)}",
            )
        )

    tags = _HASHTAG.findall(post)
    if len(tags) > 3:
        out.append(
            Violation(
                "linkedin.hashtags",
                "block" if len(tags) > 5 else "warn",
                f"{len(tags)} hashtags; use at most 3",
            )
        )
    body, _, last = post.rstrip().rpartition("\n")
    if _HASHTAG.search(body) or (tags and _HASHTAG.sub("", last).strip()):
        out.append(
            Violation(
                "linkedin.hashtags_position",
                "warn",
                "put the hashtags together on the last line",
            )
        )
    urls = _URL.findall(post)
    if urls:
        out.append(
            Violation(
                "linkedin.url",
                "warn",
                f"link in the post ({quote(urls[0], 40)}); LinkedIn may show it to fewer people: "
                "consider moving it to the first comment",
            )
        )
    return out


def _first_sentence(text: str) -> str:
    text = text.strip()
    line = text.split("\n", 1)[0]
    match = re.search(r"[.!?](?=[\"')\]]*(?:\s|$))", line)
    return line[: match.end()] if match else line


# --- newsletter ------------------------------------------------------------------------------

# Real HTML elements only, so "<Enter>", "<name>" or generics like List<String> are not HTML.
_HTML_ELEMENTS = (
    "a|abbr|article|aside|audio|b|base|blockquote|body|br|button|caption|center|cite|code|col|"
    "colgroup|dd|del|div|dl|dt|em|figcaption|figure|font|footer|form|h[1-6]|head|header|hr|html|"
    "i|iframe|img|input|ins|label|li|link|main|mark|meta|nav|ol|p|picture|pre|q|s|script|"
    "section|small|source|span|strike|strong|style|sub|sup|svg|table|tbody|td|tfoot|th|thead|"
    "title|tr|u|ul|video"
)
_HTML = re.compile(rf"</?(?:{_HTML_ELEMENTS})(?:\s[^<>]*)?/?>", re.IGNORECASE)
# Markdown code spans and fences may show HTML on purpose.
_CODE = re.compile(r"```.*?```|`[^`\n]+`", re.DOTALL)
_SUBJECT_LINE = re.compile(r"^\s*(?:\*\*)?subject(?:\*\*)?\s*:", re.IGNORECASE | re.MULTILINE)


def newsletter_rules(
    subject: str, preheader: str, body: str, footer: str, postal_address: str | None
) -> list[Violation]:
    out: list[Violation] = []
    subject, preheader = subject.strip(), preheader.strip()
    problems = []
    if not 20 <= len(subject) <= 60:
        problems.append(f"{len(subject)} characters (aim for 20-60)")
    if word_count(subject) > 9:
        problems.append(f"{word_count(subject)} words (aim for 9 or fewer)")
    letters = [c for c in subject if c.isalpha()]
    if len(letters) >= 4 and all(c.isupper() for c in letters):
        problems.append("all capitals")
    if subject.count("!") > 1:
        problems.append(f"{subject.count('!')} exclamation marks")
    if problems:
        out.append(
            Violation(
                "newsletter.subject",
                "warn",
                f'subject "{quote(subject)}": ' + "; ".join(problems),
            )
        )

    if len(preheader) < 30:
        out.append(
            Violation(
                "newsletter.preheader",
                "block",
                f"preheader is {len(preheader)} characters; write 40-90 characters that extend the "
                "subject",
            )
        )
    elif not 40 <= len(preheader) <= 90:
        out.append(
            Violation(
                "newsletter.preheader",
                "warn",
                f"preheader is {len(preheader)} characters; aim for 40-90",
            )
        )
    if preheader and preheader.casefold() == subject.casefold():
        out.append(
            Violation(
                "newsletter.preheader_repeats_subject",
                "block",
                "preheader repeats the subject; use it to add a second reason to open",
            )
        )

    if _HTML.search(_CODE.sub("", body)):
        out.append(
            Violation(
                "newsletter.html",
                "block",
                "body contains HTML tags; write plain text/markdown so a plain-text version exists",
            )
        )
    if _SUBJECT_LINE.search(body):
        out.append(
            Violation(
                "newsletter.subject_in_body",
                "block",
                'remove the "Subject:" line from the body; the subject is its own field',
            )
        )

    if "unsubscribe" not in footer.casefold():
        out.append(
            Violation(
                "newsletter.footer_unsubscribe",
                "block",
                "footer has no unsubscribe line; add one (CAN-SPAM)",
            )
        )
    if postal_address and _squash(postal_address) not in _squash(footer):
        out.append(
            Violation(
                "newsletter.footer_address",
                "block",
                f'footer must include the postal address exactly: "{postal_address}"',
            )
        )
    return out


def _squash(text: str) -> str:
    return " ".join(text.casefold().replace(",", " ").split())


# --- blog ------------------------------------------------------------------------------------

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$", re.MULTILINE)
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def blog_rules(
    title: str, slug: str, meta_description: str, article: str, min_words: int, max_words: int
) -> list[Violation]:
    out: list[Violation] = []
    prose = _FENCE.sub("", article)
    headings = [(len(m.group(1)), m.group(2).strip()) for m in _HEADING.finditer(prose)]
    h1 = [text for level, text in headings if level == 1]
    if len(h1) != 1:
        out.append(
            Violation(
                "blog.h1",
                "block",
                f"the article has {len(h1)} H1 headings; use exactly one, the title",
            )
        )
    elif _squash(h1[0]) != _squash(title):
        out.append(
            Violation(
                "blog.h1",
                "block",
                f'the H1 "{quote(h1[0])}" must be the title "{quote(title)}"',
            )
        )
    h2 = sum(1 for level, _ in headings if level == 2)
    if h2 < 2:
        out.append(
            Violation(
                "blog.sections",
                "block",
                f"{h2} H2 sections; structure the article with at least 2",
            )
        )
    previous = 1
    for level, text in headings:
        if level > previous + 1:
            out.append(
                Violation(
                    "blog.heading_levels",
                    "warn",
                    f'heading "{quote(text, 40)}" jumps from H{previous} to H{level}',
                )
            )
            break
        previous = level

    if not 30 <= len(title.strip()) <= 60:
        out.append(
            Violation(
                "blog.title_length",
                "warn",
                f"title is {len(title.strip())} characters; aim for 30-60",
            )
        )
    meta = meta_description.strip()
    if not 120 <= len(meta) <= 160:
        out.append(
            Violation(
                "blog.meta_description",
                "warn",
                f"meta description is {len(meta)} characters; aim for 120-160",
            )
        )
    if not _SLUG.match(slug) or len(slug) > 60:
        out.append(
            Violation(
                "blog.slug",
                "block",
                f'slug "{quote(slug, 70)}" must be lowercase words joined by single hyphens, '
                "at most 60 characters",
            )
        )

    words = word_count(_HEADING.sub("", prose))
    if not min_words <= words <= max_words:
        out.append(
            Violation(
                "blog.length",
                "warn",
                f"{words} words; aim for {min_words:,}-{max_words:,}",
            )
        )
    body_sentences = sentences(_HEADING.sub("", prose))
    long = [s for s in body_sentences if word_count(s) > 20]
    if body_sentences and len(long) / len(body_sentences) > 0.25:
        out.append(
            Violation(
                "blog.readability",
                "warn",
                f"{len(long)} of {len(body_sentences)} sentences run over 20 words "
                f'(e.g. "{quote(long[0])}"); split the long ones',
            )
        )
    return out


# --- the judge -------------------------------------------------------------------------------

CRITERIA = ("relevance", "hook", "clarity", "specificity", "call_to_action", "factual_care")


class CriterionScore(BaseModel):
    score: int = Field(ge=1, le=5, description="1-5 on the anchored scale in the instructions")
    evidence: str = Field(description="a short quote from the piece that justifies the score")
    fix: str = Field(description="one concrete change that would raise the score; empty if 5")


class Judgement(BaseModel):
    """A skeptical editor's review of one piece, criterion by criterion."""

    relevance: CriterionScore
    hook: CriterionScore
    clarity: CriterionScore
    specificity: CriterionScore
    call_to_action: CriterionScore
    factual_care: CriterionScore

    def scores(self) -> dict[str, int]:
        return {name: getattr(self, name).score for name in CRITERIA}


@dataclass(frozen=True)
class QualityBar:
    """Pass: every criterion >= min_score, mean >= min_mean, factual care a full 5."""

    min_score: int = 3
    min_mean: float = 4.0
    min_gain: float = 0.25  # stop revising when the mean improves by less than this

    def passes(self, judgement: Judgement) -> bool:
        scores = judgement.scores()
        return (
            min(scores.values()) >= self.min_score
            and statistics.fmean(scores.values()) >= self.min_mean
            and scores["factual_care"] == 5
        )

    def fixes(self, judgement: Judgement) -> list[str]:
        """The criteria to work on, so that passing ones are left alone."""
        weak = [
            name
            for name in CRITERIA
            if getattr(judgement, name).score < 4
            or (name == "factual_care" and judgement.factual_care.score < 5)
        ]
        if not weak and not self.passes(judgement):
            weak = [name for name in CRITERIA if getattr(judgement, name).score < 5]
        return [
            f"{name.replace('_', ' ')} ({getattr(judgement, name).score}/5): "
            f"{getattr(judgement, name).fix.strip() or 'raise this score'}"
            for name in weak
        ]


def mean_score(judgement: Judgement | None) -> float | None:
    return None if judgement is None else round(statistics.fmean(judgement.scores().values()), 3)


def rank(blocked: bool, judgement: Judgement | None) -> tuple[bool, int, float]:
    """Higher is better: no blocking rule failed, then the weakest criterion, then the mean."""
    if judgement is None:
        return (not blocked, 0, 0.0)
    scores = judgement.scores()
    return (not blocked, min(scores.values()), statistics.fmean(scores.values()))


def feedback(violations: Sequence[Violation], fixes: Sequence[str]) -> str:
    """What the reviser is told: rule violations first (they are certain), then the judge."""
    lines = [f"- [{v.level}] {v.message}" for v in violations]
    lines += [f"- [editor] {fix}" for fix in fixes]
    return "\n".join(lines) if lines else "- No specific problems were flagged; tighten the piece."
