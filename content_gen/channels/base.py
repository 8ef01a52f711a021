"""What a channel is: a draft schema, its rules, its renderer, its parser and its prompt files.

Standard library only at import time (pydantic appears in annotations alone), so the registry
can name the channels without loading pydantic on the `--help` and `calendar check` paths.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import BaseModel

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
    #: The voice kit whose word rules every piece follows (--voice), if one is given.
    voice: VoiceKit | None = None
    #: The language every piece must be in, as a BCP 47 tag (--language), if one is given.
    language: str | None = None


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
    #: The channel's file format read back (what `render` wrote, or a person's edit of it)
    #: into a draft; raises FormatError with a one-line reason. The simulated note is gone.
    #: Without one, `content-gen check` cannot read the channel's files.
    parse: Callable[[str], Any] | None = None

    @property
    def filename(self) -> str:
        return f"{self.name}.md"

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

    def read(self, text: str) -> BaseModel:
        """A file in this channel's format as a draft (the simulated note removed)."""
        if self.parse is None:
            from ..errors import FormatError

            raise FormatError(f"the {self.name} channel has no parser for its files")
        return self.parse(unmark_simulated(text))

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


def unmark_simulated(text: str) -> str:
    """The text without the note `mark_simulated` put at its top or after its front matter."""
    if text.startswith(SIMULATED_NOTE):
        return text[len(SIMULATED_NOTE) :].lstrip("\n")
    if text.startswith("---\n"):
        return text.replace(f"\n{SIMULATED_NOTE}\n", "", 1)
    return text


def mark_simulated(text: str) -> str:
    """Put the simulated note at the top, after front matter if there is any."""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            cut = end + len("\n---\n")
            return f"{text[:cut]}\n{SIMULATED_NOTE}\n{text[cut:]}"
    return f"{SIMULATED_NOTE}\n\n{text}"
