"""`content-gen review [PATH]`: the local review page, until Ctrl-C.

PATH is an output folder (the default), one run directory, or a calendar, whose entries are
listed whether written or not. The page needs no API key until a piece is sent back.
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
import threading
import webbrowser
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UsageError
from .common import EXIT_OK, Sleep, load_settings, shown

if TYPE_CHECKING:
    from ..config import Settings
    from ..review.model import Folder


def review(args: argparse.Namespace, sleep: Sleep) -> int:
    settings = load_settings({"output_dir": args.out})
    folder, ledger = _folder(args, settings)

    from ..review.routes import make_app
    from ..review.server import ReviewServer

    app = make_app(folder, settings, ledger=ledger, offline=args.offline, sleep=sleep)
    try:
        server = ReviewServer(app, port=args.port)
    except OSError as exc:
        app.close()
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(f"port {args.port} is in use; choose another with --port") from None
        raise UsageError(f"cannot listen on 127.0.0.1:{args.port}: {exc.strerror}") from None
    count = app.warm()
    if folder.calendar is not None:
        what = f"{count} entries of {shown(folder.calendar.path)}"
    else:
        what = f"{count} run{'' if count == 1 else 's'} in {shown(folder.root)}"
    print(f"Reviewing {what}", flush=True)
    print(f"  {server.url}", flush=True)
    print("Anyone with this address can change the pieces: keep it to yourself.", flush=True)
    if not args.no_browser:
        _open(server.url)
    print("Press Ctrl-C to stop.", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        print("\nStopped.", flush=True)
    finally:
        server.server_close()
        app.close()
    return EXIT_OK


def _folder(args: argparse.Namespace, settings: Settings) -> tuple[Folder, Path | None]:
    """What PATH names, as the runs the page may show, and the ledger beside them."""
    from ..review.model import Folder

    path: Path = args.path or settings.output_dir
    if path.is_file():
        from ..schedule.calendar import load_calendar
        from ..schedule.ledger import DEFAULT_NAME

        calendar = load_calendar(path)
        root = settings.output_dir
        _check_folder(root, f"the calendar's output folder {root}")
        folder = Folder(root, calendar=calendar, today=args.today or date.today())
        return folder, args.ledger or root / DEFAULT_NAME
    _check_folder(path, str(path))
    if (path / "run.json").is_file():
        root = path.resolve().parent
        return Folder(root, runs=[path.resolve().name]), args.ledger or _ledger_in(root)
    return Folder(path), args.ledger or _ledger_in(path)


def _check_folder(path: Path, label: str) -> None:
    if not path.is_dir():
        raise UsageError(
            f"{label} is not a folder; name an output folder, a run directory or a calendar "
            "(write something first with content-gen generate)"
        )


def _ledger_in(root: Path) -> Path | None:
    from ..schedule.ledger import DEFAULT_NAME

    found = root / DEFAULT_NAME
    return found if found.is_file() else None


def _open(url: str) -> None:
    """Open the page in the browser, unless there is no screen to show it on.

    Without one, Python's webbrowser falls back to a text browser in this very terminal.
    """
    graphical = sys.platform in ("darwin", "win32") or any(
        os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY")
    )
    if not graphical:
        print("(No display here: open the address in a browser on this machine.)", flush=True)
        return
    threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
