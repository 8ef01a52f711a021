"""Email platforms and their merge tags, from `data/email_platforms.toml`.

Standard library only: the settings check the platform's name against this file.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "email_platforms.toml"
DEFAULT = "plain"


@dataclass(frozen=True)
class Platform:
    name: str
    label: str
    #: The tag the platform turns into the unsubscribe URL; None where it adds its own footer.
    unsubscribe: str | None = None
    address_html: str | None = None
    address_text: str | None = None

    @property
    def tags(self) -> tuple[str, ...]:
        """Every tag the tool puts in this platform's footer."""
        found = (self.unsubscribe, self.address_html, self.address_text)
        return tuple(dict.fromkeys(t for t in found if t))

    def footer_lines(self) -> list[str]:
        """The lines the tool adds under the writer's footer, in the markdown and text parts."""
        lines = [f"Unsubscribe: {self.unsubscribe}"] if self.unsubscribe else []
        return lines + ([self.address_text] if self.address_text else [])


@cache
def platforms() -> dict[str, Platform]:
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    return {
        name: Platform(
            name,
            str(table.get("label", name)),
            table.get("unsubscribe"),
            table.get("address_html"),
            table.get("address_text"),
        )
        for name, table in data.items()
    }


def platform(name: str) -> Platform:
    """The platform called `name`; KeyError for one the data file does not have."""
    return platforms()[name]
