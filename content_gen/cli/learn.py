"""`content-gen learn EDITED_FILE`: what a person's edit of a piece says about the voice kit.

The original is the piece content-gen wrote: found through the run.json beside the edited file
(the saved attempt's text), or given with --original. The proposals are shown as a diff of the
kit's words.toml; --apply writes it. No API call is made.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import FormatError, UsageError
from ..files import read_text
from .common import EXIT_OK, Sleep, load_settings, shown
from .report import clean

MAX_FILE_BYTES = 1_000_000


def learn(args: argparse.Namespace, sleep: Sleep) -> int:
    from .. import channels as registry
    from ..voice.kit import WORDS, load_kit
    from ..voice.learn import appended, propose
    from ..voice.words import parse_words

    edited_path: Path = args.file
    edited = read_text(edited_path, label="edited file", limit=MAX_FILE_BYTES)
    manifest = _manifest(edited_path) if args.original is None else None
    channel = _channel(args.channel, edited_path, manifest)
    if args.original is not None:
        original = read_text(args.original, label="--original", limit=MAX_FILE_BYTES)
    else:
        original = _generated(edited_path, manifest, channel)
    spec = registry.get(channel)
    kit_dir = _kit_dir(args.voice, manifest, edited_path)
    kit = load_kit(kit_dir)
    proposals = propose(_prose(spec, original), _prose(spec, edited), kit)
    words_file = kit_dir / WORDS
    before = words_file.read_text(encoding="utf-8") if words_file.exists() else ""
    after = appended(before, proposals, edited_path.name, date.today()) if proposals else before
    parse_words(after, str(words_file))  # what --apply writes must load
    if proposals and args.apply:
        from ..storage import atomic_write

        try:
            atomic_write(words_file, after)
        except OSError as exc:
            raise UsageError(f"cannot write {words_file}: {exc.strerror}") from None
    if args.json:
        found = [p.as_dict() for p in proposals]
        print(json.dumps({"kit": str(kit_dir), "applied": args.apply, "proposals": found}))
    elif not proposals:
        print(
            f"Nothing to learn from {shown(edited_path)}: nothing it deleted or replaced makes "
            "a rule the kit does not already have."
        )
    elif args.apply:
        print(f"Added {len(proposals)} rule(s) to {shown(words_file)}:")
        for proposal in proposals:
            print(f"- {clean(proposal.summary)} ({clean(proposal.reason)})")
    else:
        _print_proposals(proposals, before, after, words_file, args)
    return EXIT_OK


def _print_proposals(
    proposals: list[Any], before: str, after: str, words_file: Path, args: argparse.Namespace
) -> None:
    print(f"From your edit of {shown(args.file)}, {len(proposals)} rule(s) for the voice kit:")
    for n, proposal in enumerate(proposals, 1):
        print(f"{n}. {clean(proposal.summary)}: {clean(proposal.reason)}")
    print()
    name = shown(words_file)
    diff = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=name,
        tofile=f"{name} (proposed)",
    )
    sys.stdout.writelines(clean(line.rstrip("\n")) + "\n" for line in diff)
    command = ["content-gen", "learn", str(args.file), "--apply"]
    if args.original is not None:
        command[3:3] = ["--original", str(args.original)]
    if args.voice is not None:
        command[3:3] = ["--voice", str(args.voice)]
    print(f"\nAdd them with: {clean(' '.join(command))}")


def _manifest(edited: Path) -> dict[str, Any]:
    """The run.json beside the edited file: it holds the text content-gen wrote."""
    from ..storage import RunDir

    manifest = RunDir(edited.parent).read_manifest()
    if manifest is None:
        raise UsageError(
            f"no readable run.json beside {edited}; pass the piece content-gen wrote with "
            "--original FILE"
        )
    return manifest


def _channel(given: str | None, edited: Path, manifest: dict[str, Any] | None) -> str:
    from .. import channels as registry

    if given is not None:
        registry.get(given.strip().lower())  # an unknown name is a usage error
        return given.strip().lower()
    named = registry.for_file(edited.name)
    records = (manifest or {}).get("channels") or {}
    recorded = [
        c for c, r in records.items() if isinstance(r, dict) and r.get("file") == edited.name
    ]
    found = named or (recorded[0] if recorded else None)
    if found is None:
        raise UsageError(
            f"cannot tell the channel of {edited.name}: call it <name>.<channel>.md or pass "
            "--channel"
        )
    return found


def _generated(edited: Path, manifest: dict[str, Any] | None, channel: str) -> str:
    """The text content-gen saved for `channel`: its saved attempt's, as run.json keeps it."""
    record = ((manifest or {}).get("channels") or {}).get(channel)
    if not isinstance(record, dict) or not record.get("file"):
        raise UsageError(
            f"the run.json beside {edited} has no saved {channel} piece; pass the original "
            "with --original FILE"
        )
    best = record.get("best_attempt")
    attempts = [a for a in record.get("attempts") or [] if isinstance(a, dict)]
    text = next((a.get("text") for a in attempts if a.get("number") == best), None)
    if not isinstance(text, str):
        raise UsageError(
            f"the run.json beside {edited} does not keep the text content-gen wrote (a run "
            "from before this version); pass it with --original FILE"
        )
    return text


def _kit_dir(given: str | None, manifest: dict[str, Any] | None, edited: Path) -> Path:
    """The kit to add to: --voice, else CONTENT_GEN_VOICE, else the one the run used."""
    settings = load_settings({"voice": given})
    if settings.voice is not None:
        return settings.voice
    voice = (manifest or {}).get("voice")
    if isinstance(voice, dict) and isinstance(voice.get("directory"), str):
        return Path(voice["directory"])
    raise UsageError(f"name the voice kit to add rules to: content-gen learn {edited} --voice DIR")


def _prose(spec: Any, text: str) -> str:
    """What the rules read of a piece; a file whose format the edit broke is compared whole."""
    from ..channels.base import unmark_simulated

    try:
        return str(spec.prose(spec.read(text)))
    except FormatError:
        return unmark_simulated(text)
