"""`content-gen voice init DIR`: a commented starter voice kit to edit."""

from __future__ import annotations

import argparse
from importlib import resources
from pathlib import Path

from ..errors import UsageError
from .common import EXIT_OK, Sleep

#: The starter kit's files (in content_gen/voice/data/), and what each is for.
STARTER = {
    "style.md": "the style guide: tone, point of view, sentences, what you never do",
    "words.toml": "banned words, preferred terms, product names, disclaimers, emoji, hashtags",
    "samples/README.md": "what goes in samples/linkedin/, samples/newsletter/, samples/blog/",
}
SAMPLE_FOLDERS = ("linkedin", "newsletter", "blog")


def init(args: argparse.Namespace, sleep: Sleep) -> int:
    folder: Path = args.directory
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file, not a folder; name a folder for the voice kit")
    if folder.exists() and any(folder.iterdir()):
        raise UsageError(
            f"{folder} is not empty; name a new folder (a starter kit never overwrites files)"
        )
    data = resources.files("content_gen.voice") / "data"
    try:
        for name in STARTER:
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text((data / name).read_text(encoding="utf-8"), encoding="utf-8")
        for channel in SAMPLE_FOLDERS:
            (folder / "samples" / channel).mkdir(exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot write the voice kit in {folder}: {exc.strerror}") from None
    width = max(len(name) for name in STARTER) + 2
    print(f"Wrote a starter voice kit in {folder}/:")
    for name, what in STARTER.items():
        print(f"  {name:<{width}} {what}")
    print(
        "Edit the files, put past pieces in the samples folders, then use it with:\n"
        f"  content-gen generate TOPIC --voice {folder}\n"
        f"  content-gen check FILE --voice {folder}"
    )
    return EXIT_OK
