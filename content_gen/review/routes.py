"""The review page's routes: the list, a piece, its download, and the JSON actions.

    GET  /<token>/                         the list (?state=new|approved|sent_back|edited)
    GET  /<token>/run/<run>/<channel>      one piece
    GET  /<token>/run/<run>/<channel>/file the piece's file, to download
    GET  /<token>/api/jobs/<id>            a send-back's progress
    POST /<token>/api/check                the rules and the reader's view of edited text
    POST /<token>/api/run/<run>/<channel>/(approve|unapprove|save|send-back)

Every action names the version of the piece it was shown (`seen`, the file's SHA-256); one
that changed since is refused with 409, so two tabs cannot undo each other's work.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import jinja2

from ..channels.base import ChannelContext
from .actions import Change, Conflict, Desk, Gone, Unreadable
from .jobs import Busy, Jobs
from .model import PIECE_MAX_BYTES, Folder, Piece
from .pages import piece_context, read
from .state import STATES, label

if TYPE_CHECKING:
    from ..config import Settings
    from .sendback import Reviser

HERE = Path(__file__).resolve().parent
STATIC = {"app.js": "text/javascript; charset=utf-8", "style.css": "text/css; charset=utf-8"}
NOTE_MAX_CHARS = 2000


class HTTPError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


@dataclass(frozen=True)
class Response:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, data: Any, status: int = 200) -> Response:
        return cls(json.dumps(data, ensure_ascii=False).encode(), "application/json", status)


def make_app(
    folder: Folder,
    settings: Settings,
    *,
    ledger: Path | None = None,
    offline: bool = False,
    sleep: Callable[[float], object] | None = None,
) -> App:
    """The page for `folder`: its rules read with `settings` (as `content-gen check` does),
    its send-backs written with them, its review state copied to `ledger` if there is one."""
    from .sendback import Reviser

    reviser = Reviser(settings, offline=offline, sleep=sleep)
    ctx = ChannelContext.of(settings)
    return App(folder, Desk(ledger, ctx), reviser, ctx)


class App:
    """What one review page serves, and the writes it makes."""

    def __init__(self, folder: Folder, desk: Desk, reviser: Reviser, ctx: ChannelContext) -> None:
        self.folder, self.desk, self.reviser, self.ctx = folder, desk, reviser, ctx
        self.jobs = Jobs()
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )
        self.templates.filters["label"] = label
        self.templates.filters["url"] = lambda s: quote(str(s), safe="")
        # A row is frozen data: the same row renders the same, so each is rendered once.
        macro = self.templates.get_template("row.html").module.row  # type: ignore[attr-defined]
        self.templates.globals["render_row"] = functools.lru_cache(maxsize=8192)(macro)
        # Static files are read once: they never change while the page runs.
        self.static = {name: (HERE / "static" / name).read_bytes() for name in STATIC}

    def warm(self) -> int:
        """Read every run.json and render every row now, before the address is shown: the
        first view is then as fast as the next. Returns how many runs (or entries) there are."""
        self.get([], {}, base="/")
        return len(self.folder.rows())

    def close(self) -> None:
        self.reviser.close()  # a revision still running stops at its next request
        self.jobs.join(timeout=5)

    # -- GET --------------------------------------------------------------------------------

    def get(self, segments: list[str], query: dict[str, str], *, base: str) -> Response:
        match segments:
            case []:
                rows = self.folder.rows()
                state = query.get("state") if query.get("state") in STATES else None
                return self._page(
                    "index.html",
                    base,
                    rows=[r for r in rows if state in r.reviews] if state else rows,
                    total=len(rows),
                    state=state,
                    states=STATES,
                    counts={s: sum(1 for r in rows if s in r.reviews) for s in STATES},
                )
            case ["static", name] if name in STATIC:
                return Response(self.static[name], STATIC[name])
            case ["run", run, channel]:
                piece = self._piece(run, channel)
                ctx = self.ctx.for_run(piece.manifest)
                return self._page("piece.html", base, **piece_context(piece, ctx))
            case ["run", run, channel, "file"]:
                piece = self._piece(run, channel)
                name = f"{run}-{piece.path.name}"
                return Response(
                    piece.text.encode(),
                    "text/markdown; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'},
                )
            case ["api", "jobs", job_id]:
                job = self.jobs.get(job_id)
                if job is None:
                    raise HTTPError(HTTPStatus.NOT_FOUND, "no such job")
                return Response.json(job.snapshot())
        raise HTTPError(HTTPStatus.NOT_FOUND, "not found")

    def _page(self, template: str, base: str, **context: Any) -> Response:
        page = self.templates.get_template(template).render(base=base, **context)
        return Response(page.encode())

    def _piece(self, run: str, channel: str) -> Piece:
        piece = self.folder.piece(run, channel)
        if piece is None:
            raise HTTPError(HTTPStatus.NOT_FOUND, "no such piece")
        return piece

    # -- POST -------------------------------------------------------------------------------

    def post(self, segments: list[str], body: dict[str, Any]) -> Response:
        match segments:
            case ["api", "check"]:
                # As the piece's own run reads it, if the page names one (the editor does).
                shown = self.folder.piece(_text(body, "run"), _text(body, "channel"))
                ctx = self.ctx.for_run(shown.manifest) if shown else self.ctx
                extras = shown.extras if shown else {}
                reading = read(_text(body, "channel"), _text(body, "text"), ctx, extras)
                return Response.json(
                    {
                        "warnings": reading.violations,
                        "html": reading.view.html,
                        "lead": reading.view.lead,
                        "facts": reading.view.facts,
                        "problem": reading.view.problem,
                    }
                )
            case ["api", "run", run, channel, action]:
                return self._act(run, channel, action, body)
        raise HTTPError(HTTPStatus.NOT_FOUND, "not found")

    def _act(self, run: str, channel: str, action: str, body: dict[str, Any]) -> Response:
        piece = self._piece(run, channel)
        run_dir = self.folder.run_dir(run)
        assert run_dir is not None
        seen = _text(body, "seen")
        try:
            if action == "approve":
                return _changed(self.desk.approve(run_dir, channel, seen))
            if action == "unapprove":
                return _changed(self.desk.unapprove(run_dir, channel, seen))
            if action == "save":
                text = _text(body, "text")
                if len(text.encode()) > PIECE_MAX_BYTES:
                    raise HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "the piece is too long")
                return _changed(self.desk.save(run_dir, channel, seen, text))
            if action == "send-back":
                note = " ".join(_text(body, "note").split())
                if not note or len(note) > NOTE_MAX_CHARS:
                    raise HTTPError(
                        HTTPStatus.BAD_REQUEST,
                        f"write a note for the reviser (at most {NOTE_MAX_CHARS} characters)",
                    )
                return self._send_back(piece, seen, note)
        except Conflict as exc:
            raise HTTPError(HTTPStatus.CONFLICT, str(exc)) from None
        except Gone as exc:
            raise HTTPError(HTTPStatus.NOT_FOUND, str(exc)) from None
        except Unreadable as exc:
            raise HTTPError(HTTPStatus.UNPROCESSABLE_ENTITY, str(exc)) from None
        except OSError as exc:  # a full disk, a folder gone read-only: nothing was half-written
            message = f"could not save in {run}: {exc.strerror or exc}"
            raise HTTPError(HTTPStatus.INTERNAL_SERVER_ERROR, message) from None
        raise HTTPError(HTTPStatus.NOT_FOUND, "not found")

    def _send_back(self, piece: Piece, seen: str, note: str) -> Response:
        run_dir = self.folder.run_dir(piece.run)
        assert run_dir is not None
        key = (piece.run, piece.channel)
        try:
            if self.jobs.running(key):
                raise Busy("a revision of this piece is already running")
            change = self.desk.send_back(run_dir, piece.channel, seen, note)
            sent = self.folder.piece(piece.run, piece.channel) or piece
            job = self.jobs.start(
                key, lambda job: self.reviser.run(job, self.desk, run_dir, sent, note)
            )
        except Busy as exc:
            raise HTTPError(HTTPStatus.CONFLICT, str(exc)) from None
        return Response.json(job.snapshot() | {"review": change.review}, HTTPStatus.ACCEPTED)


def _changed(change: Change) -> Response:
    return Response.json({"review": change.review, "sha256": change.sha256, "notes": change.notes})


def _text(body: dict[str, Any], name: str) -> str:
    value = body.get(name, "")
    if not isinstance(value, str):
        raise HTTPError(HTTPStatus.BAD_REQUEST, f"{name} must be text")
    return value
