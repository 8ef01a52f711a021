"""A voice kit: the folder of plain files that says how the company writes.

    brand-voice/
        style.md                  the guide in prose: tone, point of view, what we never do
        words.toml                banned words, preferred terms, product names, disclaimers,
                                  emoji and hashtag policy (see words.py)
        samples/<channel>/*.md    past pieces the company is proud of

Everything is read and checked before any API call: a missing folder, a malformed words.toml,
a pattern that does not compile, an empty or non-UTF-8 sample is one line naming the file (and
the line). The writer and the judge get the guide and the few samples that fit a prompt
budget; which ones, run.json says. Standard library only (calendar check loads kits).
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import channels as registry
from ..errors import UsageError
from ..files import OUTSIDE_HINT, confine, read_bytes
from ..quality.rules import Violation
from .rules import WordRules
from .words import parse_words

STYLE, WORDS, SAMPLES = "style.md", "words.toml", "samples"
FILE_MAX_BYTES = 200_000  # a sample as long as the longest brief
#: What one prompt may spend on samples, and how many it shows: enough to hear a voice,
#: little enough that the samples do not crowd out the plan and the brief.
SAMPLE_BUDGET_CHARS = 9_000
SAMPLES_PER_PROMPT = 3
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_README = re.compile(r"readme(?:\.\w+)?", re.IGNORECASE)


@dataclass(frozen=True)
class Sample:
    """One past piece: its channel, its path inside the kit, and its text."""

    channel: str
    name: str  # e.g. samples/linkedin/launch-post.md
    text: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()


@dataclass(frozen=True)
class Chosen:
    """The samples a channel's prompts show, and the ones left out with the reason."""

    used: tuple[Sample, ...] = ()
    left_out: tuple[tuple[Sample, str], ...] = ()
    cut: str | None = None  # the one sample shortened to fit, if none fitted whole

    def record(self) -> dict[str, Any]:
        return {
            "used": [
                {"file": s.name, "chars": len(s.text), "sha256": s.sha256}
                | ({"cut_to_chars": len(self.cut)} if self.cut and i == 0 else {})
                for i, s in enumerate(self.used)
            ],
            "left_out": [{"file": s.name, "reason": why} for s, why in self.left_out],
        }

    def texts(self) -> list[tuple[Sample, str]]:
        return [(s, self.cut if self.cut and i == 0 else s.text) for i, s in enumerate(self.used)]


@dataclass(frozen=True)
class VoiceKit:
    path: Path
    guide: str = ""
    words: WordRules = field(default_factory=WordRules)
    samples: tuple[Sample, ...] = ()

    def check(self, prose: str, channel: str | None = None) -> list[Violation]:
        """The kit's word rules on a piece (`Channel.check` calls this, like its own rules)."""
        return self.words.check(prose, channel)

    def judged(self, channel: str) -> bool:
        """Whether the judge can score how well a piece matches the voice: it needs the guide
        or a sample to compare against."""
        return bool(self.guide or self.chosen(channel).used)

    def chosen(self, channel: str) -> Chosen:
        return _choose(self.samples, channel)

    def record(self, channels: list[str]) -> dict[str, Any]:
        """What run.json says of the kit: where it is, its rules, each channel's samples."""
        return {
            "directory": str(self.path),
            "style_guide": STYLE if self.guide else None,
            "rules": self.words.rule_ids(),
            "words": self.words.record(),
            "samples": {name: self.chosen(name).record() for name in channels},
        }


def load_kit(path: Path, *, root: Path | None = None) -> VoiceKit:
    """The kit in folder `path`, checked; UsageError naming the file (and line) otherwise.

    With `root`, every file must lie inside it, links followed (a calendar's kit stays inside
    the calendar's folder, so a shared calendar cannot send ~/.ssh as a "sample")."""
    shown = str(path)
    if not path.is_dir():
        what = "is not a folder" if path.exists() else "does not exist"
        raise UsageError(
            f"voice kit {shown} {what}; create one with: content-gen voice init {shown}"
        )
    if root is not None:
        confine(path, root, label="voice kit", hint=OUTSIDE_HINT)
    _no_strangers(path)
    guide = _guide(path, root)
    words_file = path / WORDS
    words = (
        parse_words(_text(words_file, root), f"{shown}{os.sep}{WORDS}")
        if words_file.exists()
        else WordRules()
    )
    samples = _samples(path, root)
    if not guide and not samples and not words_file.exists():
        raise UsageError(
            f"voice kit {shown} is empty: add {STYLE}, {WORDS} or {SAMPLES}/<channel>/*.md "
            f"(content-gen voice init {shown} writes a starter kit)"
        )
    return VoiceKit(path, guide, words, tuple(samples))


def _no_strangers(path: Path) -> None:
    """A misspelt file ("sample/", "word.toml") would switch part of the kit off silently."""
    for entry in sorted(path.iterdir()):
        name = entry.name
        if name.startswith(".") or _README.fullmatch(name) or name in (STYLE, WORDS, SAMPLES):
            continue
        raise UsageError(
            f"voice kit {path}: unknown {'folder' if entry.is_dir() else 'file'} {name!r}; a kit "
            f"holds {STYLE}, {WORDS} and {SAMPLES}/<channel>/"
        )


def _text(path: Path, root: Path | None) -> str:
    """A kit file's text; a file that is not UTF-8 is named with the line it breaks on."""
    if root is not None:
        confine(path, root, label="voice kit file", hint=OUTSIDE_HINT)
    data = read_bytes(path, label="voice kit file", limit=FILE_MAX_BYTES, name=str(path))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UsageError(f"{path}:{line}: not UTF-8 text; save it as UTF-8") from None


def _guide(path: Path, root: Path | None) -> str:
    style = path / STYLE
    if not style.exists():
        return ""
    # HTML comments are notes to whoever edits the guide, not part of it.
    guide = _COMMENT.sub("", _text(style, root)).strip()
    if not guide:
        raise UsageError(f"{style}:1: the style guide is empty; write it, or delete the file")
    return guide


def _samples(path: Path, root: Path | None) -> list[Sample]:
    folder = path / SAMPLES
    if not folder.exists():
        return []
    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder; put samples in {SAMPLES}/<channel>/*.md")
    found = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith(".") or _README.fullmatch(entry.name):
            continue
        if not entry.is_dir() or entry.name not in registry.names():
            raise UsageError(
                f"{entry}: samples go in a folder per channel: "
                + ", ".join(f"{SAMPLES}/{n}/" for n in registry.names())
            )
        for file in sorted(entry.iterdir()):
            if file.name.startswith(".") or _README.fullmatch(file.name):
                continue
            if file.suffix.lower() != ".md":
                raise UsageError(f"{file}: a sample is a .md file (plain text is fine inside)")
            text = _text(file, root).strip()
            if not text:
                raise UsageError(f"{file}:1: the sample is empty; paste a piece into it")
            found.append(Sample(entry.name, f"{SAMPLES}/{entry.name}/{file.name}", text))
    return found


def _choose(samples: tuple[Sample, ...], channel: str) -> Chosen:
    """Up to SAMPLES_PER_PROMPT samples within SAMPLE_BUDGET_CHARS: the channel's own, in name
    order, else the other channels' (a voice carries across channels). If none fits whole,
    the first is cut at a paragraph to fit."""
    own = [s for s in samples if s.channel == channel]
    candidates = own or list(samples)
    used: list[Sample] = []
    left_out: list[tuple[Sample, str]] = []
    total = 0
    for sample in candidates:
        if len(used) == SAMPLES_PER_PROMPT:
            left_out.append((sample, f"{SAMPLES_PER_PROMPT} samples already chosen"))
        elif total + len(sample.text) > SAMPLE_BUDGET_CHARS:
            left_out.append((sample, f"over the prompt budget of {SAMPLE_BUDGET_CHARS:,} chars"))
        else:
            used.append(sample)
            total += len(sample.text)
    if used or not candidates:
        return Chosen(tuple(used), tuple(left_out))
    first = candidates[0]
    cut = first.text[:SAMPLE_BUDGET_CHARS].rsplit("\n\n", 1)[0].strip()
    return Chosen((first,), tuple(left_out[1:]), cut or first.text[:SAMPLE_BUDGET_CHARS])


def guide_text(kit: VoiceKit | None) -> str:
    return kit.guide if kit is not None and kit.guide else "(none)"


def words_text(kit: VoiceKit | None, channel: str) -> str:
    lines = kit.words.brief(channel) if kit is not None else []
    return "\n".join(lines) if lines else "(none)"


def samples_text(kit: VoiceKit | None, channel: str) -> str:
    """The samples as the prompts show them: each delimited and named, with its channel."""
    if kit is None:
        return "(none)"
    shown = []
    for n, (sample, text) in enumerate(kit.chosen(channel).texts(), 1):
        label = registry.get(sample.channel).label
        shown.append(f"Sample {n} (one of our {label}s, {sample.name}):\n<<<\n{text}\n>>>")
    return "\n\n".join(shown) or "(none)"
