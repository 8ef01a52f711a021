"""Command line: parse, validate everything, then run; errors become one line and an exit code.

Exit codes: 0 every requested channel saved; 1 at least one channel failed (the rest are
saved); 2 usage or configuration error, found before any API call; 130 interrupted.
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import sys
import threading
from importlib import import_module
from typing import NoReturn

from .common import EXIT_INTERRUPTED, EXIT_USAGE, Sleep
from .parser import build_parser


def main(argv: list[str] | None = None, *, sleep: Sleep = None) -> int:
    """Run the command line; `sleep` replaces every wait (backoff, rate limit) in tests."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    module, function = args.handler.split(":")
    try:
        handler = getattr(import_module(f"{__package__}.{module}"), function)
        return int(handler(args, sleep))
    except KeyboardInterrupt:
        print("content-gen: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:
        from ..errors import UsageError

        if isinstance(exc, UsageError):
            from .report import clean

            print(f"content-gen: error: {clean(str(exc))}", file=sys.stderr)
            return EXIT_USAGE
        raise


def run() -> NoReturn:
    """Console-script entry point."""
    # cron, systemd and CI stop jobs with SIGTERM: treat it like Ctrl-C, keeping finished work.
    signal.signal(signal.SIGTERM, _interrupt)
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    if any(
        t.is_alive() and not t.daemon
        for t in threading.enumerate()
        if t is not threading.main_thread()
    ):
        # After Ctrl-C a worker may still be blocked in a request; its output is already
        # accounted for and every file is written atomically, so do not wait for it.
        logging.shutdown()
        os._exit(code)
    # Tearing the interpreter down runs the cycle collector over everything google-genai and
    # pydantic built: 0.3-0.5 s after the last reply (bench/results.md, item 3). Frozen objects
    # are skipped and left to the OS to reclaim; atexit handlers (logging's flush) still run.
    gc.freeze()
    sys.exit(code)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
