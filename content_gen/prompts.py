"""Prompt templates: plain files with {{variable}} placeholders that anyone can edit.

A template that names a variable the code does not supply is an error at start-up, before any
API call, rather than a prompt that silently sends "{{topic}}" to the model.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path

from .errors import PromptError, UsageError
from .files import read_text

TEMPLATE_MAX_BYTES = 100_000

_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


def default_prompts_dir() -> Path:
    """The bundled templates: inside the installed package, or at the top of a source checkout."""
    package = Path(__file__).resolve().parent
    bundled = package / "prompts"
    return bundled if bundled.is_dir() else package.parent / "prompts"


class PromptLibrary:
    """Loads templates from one directory, once each, and renders them strictly.

    With a `fallback` directory, a template the first one does not have is taken from it:
    a user's own prompts folder may hold only the templates they changed (and keeps working
    when a new version of the tool adds a template).
    """

    def __init__(self, root: Path, fallback: Path | None = None) -> None:
        self.root = root
        self.fallback = fallback
        self._cache: dict[str, str] = {}
        self._lock = threading.Lock()

    @classmethod
    def for_settings(cls, prompts_dir: Path | None) -> PromptLibrary:
        """The user's templates (CONTENT_GEN_PROMPTS_DIR) over the bundled ones, or the bundled."""
        bundled = default_prompts_dir()
        return cls(prompts_dir, bundled) if prompts_dir else cls(bundled)

    def text(self, name: str) -> str:
        with self._lock:
            if name not in self._cache:
                path = self.root / name
                if self.fallback is not None and not (path.exists() or path.is_symlink()):
                    path = self.fallback / name
                try:
                    self._cache[name] = read_text(
                        path, label="prompt template", limit=TEMPLATE_MAX_BYTES
                    )
                except UsageError as exc:
                    raise PromptError(str(exc)) from None
            return self._cache[name]

    def has(self, name: str) -> bool:
        """Whether the library has this template, in its folder or the fallback."""
        folders = [self.root, *([self.fallback] if self.fallback is not None else [])]
        return any((folder / name).is_file() for folder in folders)

    def check(self, name: str, available: Iterable[str]) -> None:
        """Fail now if the template is missing or uses a variable outside `available`."""
        unknown = sorted(set(_PLACEHOLDER.findall(self.text(name))) - set(available))
        if unknown:
            raise PromptError(
                f"prompt template {self.root / name} uses {_braces(unknown)}, which is not "
                f"available here; use only {_braces(sorted(available))}"
            )

    def render(self, name: str, variables: Mapping[str, object]) -> str:
        text = self.text(name)

        def substitute(match: re.Match[str]) -> str:
            key = match.group(1)
            if key not in variables:
                raise PromptError(
                    f"prompt template {self.root / name} uses {{{{{key}}}}}, which is not "
                    f"available here; use only {_braces(sorted(variables))}"
                )
            return str(variables[key])

        return _PLACEHOLDER.sub(substitute, text).strip() + "\n"


def _braces(names: Iterable[str]) -> str:
    return ", ".join("{{" + n + "}}" for n in names)
