"""What a channel is: a draft schema, its rules, its renderer, its parser and its prompt files.

Standard library only at import time (pydantic appears in annotations alone), so the registry
can name the channels without loading pydantic on the `--help` and `calendar check` paths.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import BaseModel

    from ..config import Settings
    from ..quality.claims import Evidence
    from ..quality.rules import Violation
    from ..voice.kit import VoiceKit


@dataclass(frozen=True)
class ChannelContext:
    """Facts a channel's rules and renderer may need: settings, and the job's date."""

    postal_address: str | None = None
    blog_min_words: int = 1000
    blog_max_words: int = 2000
    day: date | None = None
    #: What the piece may state as fact (None: the claims are not checked, as in `check`).
    evidence: Evidence | None = None
    #: (id, title, origin) of the sources, for the references a piece lists.
    sources: tuple[tuple[str, str, str], ...] = ()
    #: The email platform whose merge tags the newsletter's footer gets (publish/platforms.py).
    email_platform: str = "plain"
    #: Where the call to action links to (the job's, else CONTENT_GEN_CTA_URL).
    cta_url: str | None = None
    #: The site generator whose front matter the blog file has (plain, hugo, jekyll, astro).
    site_generator: str = "plain"
    #: Whether the blog file repeats the title as an H1.
    blog_h1: bool = False
    #: The voice kit whose word rules every piece follows (--voice), if one is given.
    voice: VoiceKit | None = None
    #: The language every piece must be in, as a BCP 47 tag (--language), if one is given.
    language: str | None = None

    @classmethod
    def of(cls, settings: Settings, voice: VoiceKit | None = None) -> ChannelContext:
        """The settings' part of the context (and the voice kit they name, loaded): the loop,
        `check`, the review page and `export` read a piece with the same settings."""
        return cls(
            postal_address=settings.postal_address,
            blog_min_words=settings.blog_min_words,
            blog_max_words=settings.blog_max_words,
            email_platform=settings.email_platform,
            cta_url=settings.cta_url,
            site_generator=settings.site_generator,
            blog_h1=settings.blog_h1,
            voice=voice,
            language=settings.language,
        )

    def for_run(self, manifest: Mapping[str, Any]) -> ChannelContext:
        """This context as the saved run `manifest` (its run.json) was written: with the
        settings it recorded and its own call-to-action URL, so its pieces are read, and their
        files made again, as that run made them. What run.json lacks (or holds malformed)
        stays as it is here."""
        settings = manifest.get("settings")
        settings = settings if isinstance(settings, Mapping) else {}
        inputs = manifest.get("inputs")
        own_cta = inputs.get("cta_url") if isinstance(inputs, Mapping) else None
        changes: dict[str, Any] = {}
        for name in _RECORDED:
            value = settings.get(name, ...)
            optional = name in _OPTIONAL and (value is None or isinstance(value, str))
            if optional or type(value) is type(getattr(self, name)):
                changes[name] = value
        if isinstance(own_cta, str) and own_cta:
            changes["cta_url"] = own_cta
        return replace(self, **changes)


#: The context's fields a run records in run.json's settings, under the same names.
_RECORDED = (
    *("postal_address", "blog_min_words", "blog_max_words", "email_platform"),
    *("cta_url", "site_generator", "blog_h1", "language"),
)
_OPTIONAL = ("postal_address", "cta_url", "language")


@dataclass(frozen=True)
class Channel:
    name: str
    label: str
    schema: type[BaseModel]
    #: The channel's own rules; the rules every channel shares run on `prose`.
    rules: Callable[[Any, ChannelContext], list[Violation]]
    #: The text the shared rules (placeholders, overused phrases, em dashes) look at.
    prose: Callable[[Any], str]
    render: Callable[[Any, ChannelContext], str]
    #: The channel's file format read back (what `render` wrote with this context, or a
    #: person's edit of it) into a draft; raises FormatError with a one-line reason. The
    #: simulated note is gone. Without one, `content-gen check` cannot read the channel's files.
    parse: Callable[[str, ChannelContext], Any] | None = None
    #: Files besides the piece's own, rendered from the same draft: {file name: text}. The
    #: newsletter's HTML and plain-text parts, LinkedIn's first comment. They are saved, and
    #: recorded in run.json with their SHA-256, together with the piece.
    extras: Callable[[Any, ChannelContext], dict[str, str]] | None = None
    #: What a piece's extra files hold that its own file does not (LinkedIn's first comment),
    #: put back into the draft read from its own file: (draft, {file name: text}, context).
    attach: Callable[[Any, dict[str, str], ChannelContext], Any] | None = None

    @property
    def filename(self) -> str:
        return f"{self.name}.md"

    def files(
        self, draft: BaseModel, ctx: ChannelContext, *, simulated: bool = False
    ) -> dict[str, str]:
        """Every file of the piece, its own first: {file name: text}; each marked as
        simulated if the simulated Gemini wrote it."""
        files = {self.filename: self.render(draft, ctx)} | (
            self.extras(draft, ctx) if self.extras else {}
        )
        return {n: mark_simulated(t) for n, t in files.items()} if simulated else files

    def prompt(self, step: str) -> str:
        """Template file for a step: writer, reviser or criteria."""
        return f"{self.name}/{step}.md"

    def check(
        self, draft: BaseModel, ctx: ChannelContext, published: str | None = None
    ) -> list[Violation]:
        """Every rule on the draft; each violation located (line, column) in the published
        text: `published` if given (a file as it is on disk), else the rendered draft.

        The claims rule runs only with evidence (the loop always has it; `check` has none),
        the voice kit's rules with a kit, and the language rules with a language."""
        from ..quality.claims import claims_rule
        from ..quality.rules import common_rules, locate
        from ..quality.tells import structural_tells

        prose = self.prose(draft)
        found = common_rules(prose) + structural_tells(prose, self.name) + self.rules(draft, ctx)
        if ctx.evidence is not None:
            found += claims_rule(prose, ctx.evidence)
        if ctx.voice is not None:
            found += ctx.voice.check(prose, self.name)
        if ctx.language:
            # Only here: the detector (and numpy) load when a language is asked for.
            from ..quality.language import language_rules

            found += language_rules(prose, ctx.language)
        return locate(found, self.render(draft, ctx) if published is None else published)

    def read(self, text: str, ctx: ChannelContext | None = None) -> BaseModel:
        """A file in this channel's format, as `render` writes it with `ctx`, as a draft (the
        simulated note removed)."""
        if self.parse is None:
            from ..errors import FormatError

            raise FormatError(f"the {self.name} channel has no parser for its files")
        return self.parse(unmark_simulated(text), ctx or ChannelContext())

    def read_piece(self, files: Mapping[str, str], ctx: ChannelContext) -> BaseModel:
        """A saved piece, from all of its files ({file name: text}, its own among them), as
        `files` wrote them with `ctx`: render it again and the files come back the same."""
        draft = self.read(files[self.filename], ctx)
        if self.attach is None:
            return draft
        extras = {n: unmark_simulated(t) for n, t in files.items() if n != self.filename}
        return self.attach(draft, extras, ctx)

    def used_claims(self, draft: BaseModel, ctx: ChannelContext) -> list[str]:
        """The ids of the plan's claims this draft uses."""
        from ..quality.claims import used_claims

        return used_claims(self.prose(draft), ctx.evidence.claims) if ctx.evidence else []


def cited_sources(prose: str, ctx: ChannelContext) -> list[tuple[str, str, str]]:
    """(id, title, origin) of the sources whose claims the text uses, first used first."""
    if ctx.evidence is None:
        return []
    from ..quality.claims import used_claims

    by_claim = {c.id: c.source for c in ctx.evidence.claims}
    ids = list(dict.fromkeys(by_claim[c] for c in used_claims(prose, ctx.evidence.claims)))
    known = {source[0]: source for source in ctx.sources}
    return [known[i] for i in ids if i in known]


def reference(source: tuple[str, str, str]) -> str:
    """A source as a markdown list item: a link for a web page, the file's name otherwise."""
    _, title, origin = source
    if origin.startswith(("http://", "https://")):
        return f"- [{title}]({origin})"
    name = origin.rsplit("/", 1)[-1]
    return f"- {title} ({name})" if title and title != name else f"- {name}"


SIMULATED_NOTE = (
    "SIMULATED: written by content-gen --offline against its built-in fake Gemini, "
    "not by a real model."
)


_HTML_NOTE = f"<!-- {SIMULATED_NOTE} -->"


def unmark_simulated(text: str) -> str:
    """The text without the note `mark_simulated` put at its top or after its front matter."""
    if _HTML_NOTE in text:
        return text.replace(_HTML_NOTE, "", 1)
    if text.startswith(SIMULATED_NOTE):
        return text[len(SIMULATED_NOTE) :].lstrip("\n")
    if text.startswith("---\n"):
        return text.replace(f"\n{SIMULATED_NOTE}\n", "", 1)
    return text


def mark_simulated(text: str) -> str:
    """Put the simulated note at the top, after front matter if there is any; in an HTML
    document, as a comment after its doctype (text before it would break the page)."""
    if text.startswith("<!DOCTYPE"):
        doctype, _, rest = text.partition(">")
        return f"{doctype}>{_HTML_NOTE}{rest}"
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            cut = end + len("\n---\n")
            return f"{text[:cut]}\n{SIMULATED_NOTE}\n{text[cut:]}"
    return f"{SIMULATED_NOTE}\n\n{text}"
