"""`content-gen check FILE...`: the quality loop's rules on files, for a writer or a CI job.

A file is read exactly as `generate` wrote it (front matter, the `--offline` note and all) or
as a person edited it, with the channel's own parser; the rules are the ones the loop runs,
with the same settings (postal address, blog length, voice kit, language). No API call is
made.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import FormatError, UsageError
from ..files import read_text
from .common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, Sleep, load_settings, load_voice
from .report import clean, plural

if TYPE_CHECKING:
    from ..channels import ChannelContext
    from ..quality.rules import Violation

#: Far above any real post (the longest blog in bench/corpus is under 40 KB).
MAX_FILE_BYTES = 1_000_000


@dataclass(frozen=True)
class FileResult:
    """One file: its channel and violations, or why it could not be checked."""

    path: Path
    channel: str | None = None
    violations: tuple[Violation, ...] = ()
    error: str | None = None

    @property
    def blocking(self) -> list[Violation]:
        return [v for v in self.violations if v.level == "block"]

    @property
    def warnings(self) -> list[Violation]:
        return [v for v in self.violations if v.level == "warn"]

    @property
    def status(self) -> str:
        if self.error is not None:
            return "error"
        return "blocked" if self.blocking else "passed"

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "channel": self.channel,
            "status": self.status,
            "error": self.error,
            "blocking": len(self.blocking),
            "warnings": len(self.warnings),
            "violations": [v.as_dict() for v in self.violations],
        }


@dataclass
class _Totals:
    files: list[FileResult] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def exit_code(self) -> int:
        if self.count("error"):
            return EXIT_USAGE
        return EXIT_FAILED if self.count("blocked") else EXIT_OK

    def as_dict(self) -> dict[str, Any]:
        return {
            "files": len(self.files),
            "passed": self.count("passed"),
            "blocked": self.count("blocked"),
            "errors": self.count("error"),
            "warnings": sum(len(f.warnings) for f in self.files),
            "exit_code": self.exit_code,
        }


def check(args: argparse.Namespace, sleep: Sleep) -> int:
    from .. import channels as registry

    if args.channel is not None:
        registry.get(args.channel.strip().lower())  # an unknown name is a usage error
    settings = load_settings({"voice": args.voice, "language": args.language})
    ctx = registry.ChannelContext.of(settings, voice=load_voice(settings))
    totals = _Totals([check_file(path, args.channel, ctx) for path in args.files])
    if args.json:
        print(
            json.dumps(
                {"files": [f.as_dict() for f in totals.files], "summary": totals.as_dict()},
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        _print_lines(totals)
    return totals.exit_code


def check_file(path: Path, channel: str | None, ctx: ChannelContext) -> FileResult:
    """One file through its channel's parser and rules; never raises for a bad file."""
    from .. import channels as registry

    try:
        text = read_text(path, label="file", limit=MAX_FILE_BYTES, name="the file")
    except UsageError as exc:
        return FileResult(path, error=str(exc))
    name = channel.strip().lower() if channel else registry.for_file(path.name)
    if name is None:
        known = ", ".join(registry.names())
        return FileResult(
            path,
            error=f"cannot tell its channel from the name: call it <name>.<channel>.md "
            f"({known}) or pass --channel",
        )
    spec = registry.get(name)
    try:
        draft = spec.read(text, ctx)
    except FormatError as exc:
        return FileResult(path, name, error=f"not a {name} file: {exc}")
    from ..quality.rules import in_order

    return FileResult(path, name, tuple(in_order(spec.check(draft, ctx, text))))


def _print_lines(totals: _Totals) -> None:
    """One line per problem, `FILE:LINE:COLUMN: level rule: message` (what editors jump to)."""
    for result in totals.files:
        where = clean(str(result.path))
        if result.error is not None:
            print(f"{where}: error: {result.error}")
            continue
        for v in result.violations:
            at = f"{where}:{v.line}:{v.column}" if v.line is not None else where
            print(f"{at}: {v.level} {v.rule}: {clean(v.message)}")
    print(_summary(totals))


def _summary(totals: _Totals) -> str:
    """'3 files: 1 blocked, 2 passed, 4 warnings' (and any that could not be checked)."""
    parts = [f"{totals.count('blocked')} blocked", f"{totals.count('passed')} passed"]
    warnings = sum(len(f.warnings) for f in totals.files)
    parts.append(plural(warnings, "warning"))
    if totals.count("error"):
        parts.append(f"{totals.count('error')} could not be checked")
    return f"{plural(len(totals.files), 'file')}: " + ", ".join(parts)
