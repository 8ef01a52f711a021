"""Blog posts as WordPress drafts, through the REST API, signed in with an application password.

Only ever a draft (`"status": "draft"` on every create; nothing here updates or publishes a
post): making it live is a person's step in WordPress. Never two drafts of one piece: before
creating, the site is asked for a post with the piece's slug in any status, and one with the
same title is taken as this piece's (a run killed between the create and its record made it);
one with another title is a clash, reported, and nothing is created, since WordPress would
quietly make a second post as "<slug>-2". The outcome is recorded in run.json and the ledger
(`exports.wordpress`: post id, link, status) as export.py records files.

Requests go to `/?rest_route=/wp/v2/...`, which every WordPress answers, pretty permalinks or
not. A platform's error becomes one line, "wordpress: HTTP 401 rest_not_logged_in: ...",
recorded with the piece and tried again on the next run. The application password is never
printed, logged or written: every line that leaves this module is redacted.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from ..errors import ContentGenError, UsageError
from ..redact import Redact, redactor
from .markup import to_html
from .pieces import DONE, FAILED, Book, Piece

#: Every status but trash: a draft someone moved on (scheduled, published) is still this piece.
STATUSES = "draft,pending,future,private,publish"
RESPONSE_MAX_BYTES = 5_000_000
TIMEOUT_SECONDS = 30.0
DESTINATION = "wordpress"


class PlatformError(ContentGenError):
    """The platform refused, or could not be reached: one line, recorded, retried next run."""


@dataclass(frozen=True)
class Outcome:
    """created (a new draft), found (the site had it: now recorded), already (recorded by an
    earlier run), failed (with the platform's line), skipped (not a blog post)."""

    piece: Piece
    state: str
    post_id: int | None = None
    link: str | None = None
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "run": self.piece.run,
            "channel": self.piece.channel,
            "state": self.state,
            "post_id": self.post_id,
            "link": self.link,
            "error": self.error,
        }


@dataclass(frozen=True)
class WordPress:
    url: str
    user: str
    password: str = field(repr=False)
    timeout: float = TIMEOUT_SECONDS
    redact: Redact = field(init=False, repr=False)

    def __post_init__(self) -> None:
        token = self._token()
        object.__setattr__(self, "redact", redactor(self.password, token))

    @classmethod
    def of(cls, url: str | None, user: str | None, password: str | None) -> WordPress:
        """The site the settings name; UsageError saying which setting is missing or unsafe."""
        missing = [
            name
            for name, value in (
                ("CONTENT_GEN_WORDPRESS_URL", url),
                ("CONTENT_GEN_WORDPRESS_USER", user),
                ("CONTENT_GEN_WORDPRESS_APP_PASSWORD", password),
            )
            if not value
        ]
        if missing:
            raise UsageError(
                f"set {', '.join(missing)} (an application password: WordPress, Users, "
                "Profile, Application Passwords)"
            )
        assert url and user and password
        parts = urlsplit(url)
        if parts.scheme != "https" and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise UsageError(
                f"CONTENT_GEN_WORDPRESS_URL {url!r} must be https://: the application password "
                "would cross the network in clear text"
            )
        return cls(url.rstrip("/"), user, password)

    def _token(self) -> str:
        return base64.b64encode(f"{self.user}:{self.password}".encode()).decode()

    # -- the API ----------------------------------------------------------------------------

    def check_user(self) -> None:
        """A wrong password is no error to WordPress: it answers as to anyone, and only the
        lookup fails, confusingly. Asking who we are first gives the plain 401."""
        me = self._call("GET", "users/me", {"context": "edit", "_fields": "id,capabilities"})
        if not (me.get("capabilities") or {}).get("edit_posts"):
            raise PlatformError(f"wordpress: the user {self.user} may not write posts")

    def find(self, slug: str) -> dict[str, Any] | None:
        found = self._call(
            "GET",
            "posts",
            {
                "slug": slug,
                "status": STATUSES,
                "context": "edit",
                "_fields": "id,status,link,title",
            },
        )
        return found[0] if isinstance(found, list) and found else None

    def create_draft(self, title: str, html: str, excerpt: str, slug: str) -> dict[str, Any]:
        body = {"title": title, "content": html, "excerpt": excerpt, "slug": slug}
        return dict(self._call("POST", "posts", body=body | {"status": "draft"}))

    def _call(
        self, method: str, route: str, query: dict[str, str] | None = None, body: Any = None
    ) -> Any:
        params = urllib.parse.urlencode({"rest_route": f"/wp/v2/{route}", **(query or {})})
        request = urllib.request.Request(
            f"{self.url}/?{params}",
            data=json.dumps(body).encode() if body is not None else None,
            method=method,
            headers={
                "Authorization": f"Basic {self._token()}",
                "Content-Type": "application/json",
                "Accept": "application/json",
                "User-Agent": "content-gen",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read(RESPONSE_MAX_BYTES)
                status = response.status
        except urllib.error.HTTPError as exc:
            try:
                body = exc.read(RESPONSE_MAX_BYTES)
            finally:
                exc.close()  # it holds the connection
            raise PlatformError(self.redact(_line(exc.code, body))) from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", None) or exc
            raise PlatformError(
                self.redact(f"wordpress: cannot reach {self.url}: {reason}")
            ) from None
        try:
            return json.loads(raw)
        except ValueError:
            raise PlatformError(
                f"wordpress: HTTP {status} from {self.url} is not the REST API's JSON; "
                "is CONTENT_GEN_WORDPRESS_URL the site's address?"
            ) from None


def _line(status: int, raw: bytes) -> str:
    """WordPress's error ({"code", "message", "data"}) as one line."""
    try:
        error = json.loads(raw)
        detail = f"{error['code']}: {error['message']}"
    except (ValueError, KeyError, TypeError):
        text = raw.decode("utf-8", "replace").strip()
        detail = text.splitlines()[0][:200] if text else "no details"
    return f"wordpress: HTTP {status} {' '.join(detail.split())}"


# --- publishing pieces ---------------------------------------------------------------------


def publish_drafts(pieces: list[Piece], site: WordPress, book: Book) -> list[Outcome]:
    outcomes: list[Outcome] = []
    signed_in: PlatformError | None = None
    checked = False
    for piece in pieces:
        if piece.channel != "blog":
            continue  # WordPress takes blog posts
        earlier = book.done(piece, DESTINATION)
        if earlier is not None:
            outcomes.append(Outcome(piece, "already", earlier.get("post_id"), earlier.get("link")))
            continue
        if not checked:
            checked = True
            try:
                site.check_user()
            except PlatformError as exc:
                signed_in = exc
        if signed_in is not None:
            outcomes.append(_failed(piece, book, str(signed_in)))
            continue
        outcomes.append(_publish(piece, site, book))
    return outcomes


def _publish(piece: Piece, site: WordPress, book: Book) -> Outcome:
    from ..channels import get
    from ..channels.blog import BlogPost, safe_slug, without_h1

    try:
        draft = get("blog").read(piece.text())
    except (OSError, UnicodeDecodeError, UsageError) as exc:
        return _failed(piece, book, f"cannot read the piece: {exc}")
    assert isinstance(draft, BlogPost)
    title, slug = draft.title.strip(), safe_slug(draft)
    try:
        post = site.find(slug)
        state = "found"
        if post is not None and _title(post) != " ".join(title.casefold().split()):
            raise PlatformError(
                f"wordpress: the site has a post with the slug {slug} (id {post.get('id')}, "
                f'"{(post.get("title") or {}).get("raw", "")}") that is not this piece; nothing '
                "was created: change one of the slugs"
            )
        if post is None:
            html = to_html(without_h1(draft.article.strip()))  # the theme shows the title
            post = site.create_draft(title, html, draft.meta_description.strip(), slug)
            state = "created"
    except PlatformError as exc:
        return _failed(piece, book, str(exc))
    post_id, link = int(post["id"]), str(post.get("link") or "")
    data = {
        "state": DONE,
        "post_id": post_id,
        "status": post.get("status"),
        "link": link,
        "site": site.url,
        "targets": [link],
        "source_sha256": piece.sha256,
    }
    try:
        book.record(piece, DESTINATION, data)
    except OSError as exc:
        # The draft exists: the next run finds it by its slug and records it then.
        return Outcome(piece, state, post_id, link, f"run.json could not record it: {exc}")
    return Outcome(piece, state, post_id, link)


def _title(post: dict[str, Any]) -> str:
    title = post.get("title") or {}
    raw = title.get("raw") if isinstance(title, dict) else title
    return " ".join(str(raw or "").casefold().split())


def _failed(piece: Piece, book: Book, error: str) -> Outcome:
    return Outcome(piece, FAILED, error=book.fail(piece, DESTINATION, error))
