"""What every command shares: exit codes, argument helpers, settings from flags, logging.

Standard library only at import time: `--help` and argument errors must not pay for pydantic
or google-genai.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from ..config import Settings
    from ..voice.kit import VoiceKit

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

#: Replaces every wait (backoff, rate limit) in tests; None means really wait.
Sleep = Callable[[float], object] | None
Handler = Callable[[argparse.Namespace, Sleep], int]

log = logging.getLogger("content_gen")


class Parser(argparse.ArgumentParser):
    """argparse, but errors are one line, not usage plus message."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"content-gen: error: {message} (see '{self.prog} --help')\n")


def load_settings(cli: Mapping[str, Any]) -> Settings:
    """The settings for this command: its flags, then the environment, then `.env`."""
    from ..config import load_settings as load

    return load(cli=cli, environ=os.environ, env_file=Path(".env"))


def load_voice(settings: Settings) -> VoiceKit | None:
    """The voice kit the settings name (--voice, CONTENT_GEN_VOICE), checked; None without."""
    if settings.voice is None:
        return None
    from ..voice.kit import load_kit

    return load_kit(settings.voice)


class _Redacting(logging.Filter):
    """Tags every record with its channel, blanks the API key out of every message and drops
    control characters (a server's text may carry terminal escapes)."""

    def __init__(self, redact: Callable[[str], str]) -> None:
        super().__init__()
        self._redact = redact

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "channel"):
            record.channel = "-"
        from .report import clean

        message = record.getMessage()
        hidden = clean(self._redact(message))
        if hidden != message:
            record.msg, record.args = hidden, None
        return True


def setup_logging(verbose: int, settings: Settings) -> None:
    from ..redact import redactor

    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)-7s [%(channel)s] %(message)s", "%H:%M:%S")
    )
    handler.addFilter(_Redacting(redactor(*settings.secrets())))
    log.handlers[:] = [handler]
    log.setLevel(level)
    log.propagate = False


def shown(path: Path) -> str:
    """A path as the user would type it: relative when it is under the current directory."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
