"""The channel registry. Each channel is one module here (schema, rules, renderer) plus its
templates under `prompts/<name>/` (writer.md, reviser.md, criteria.md).

To add a channel, write `content_gen/channels/<name>.py` defining `CHANNEL = Channel(...)`, add
its name to `BUILT_IN`, and add its templates. A channel made at run time (a plug-in, a test)
is added with `register()`.

Naming the channels imports nothing: `calendar check` and argument errors stay instant. A
channel's module (and pydantic with it) is imported the first time the channel is used.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from importlib import import_module

from ..errors import UsageError
from .base import Channel, ChannelContext, mark_simulated

__all__ = [
    "BUILT_IN",
    "Channel",
    "ChannelContext",
    "for_file",
    "get",
    "load",
    "mark_simulated",
    "names",
    "parse",
    "parse_names",
    "register",
    "unregister",
]

#: The built-in channels, in the order runs write and report them.
BUILT_IN = ("linkedin", "newsletter", "blog")

_registered: dict[str, Channel] = {}
_loaded: dict[str, Channel] = {}
_lock = threading.Lock()


def names() -> tuple[str, ...]:
    return BUILT_IN + tuple(n for n in _registered if n not in BUILT_IN)


def get(name: str) -> Channel:
    if name in _registered:
        return _registered[name]
    if name not in BUILT_IN:
        raise UsageError(f"unknown channel {name!r}; choose from {', '.join(names())}")
    with _lock:
        if name not in _loaded:
            _loaded[name] = import_module(f"{__name__}.{name}").CHANNEL
        return _loaded[name]


def register(channel: Channel) -> None:
    """Make a channel available by name (a built-in of the same name is replaced)."""
    _registered[channel.name] = channel


def unregister(name: str) -> None:
    _registered.pop(name, None)


def for_file(filename: str) -> str | None:
    """The channel a file's name says it holds: `linkedin.md` (as `generate` names it) or
    `<anything>.linkedin.md`; None if the name says none."""
    name = filename.lower()
    for channel in names():
        if name == f"{channel}.md" or name.endswith(f".{channel}.md"):
            return channel
    return None


def parse_names(spec: str | None) -> tuple[str, ...]:
    """`linkedin,blog` or `linkedin;blog` -> those names, in the order given; empty -> all."""
    known = names()
    if spec is None or not spec.strip():
        return known
    wanted = [n.strip().lower() for n in spec.replace(";", ",").split(",") if n.strip()]
    unknown = [n for n in wanted if n not in known]
    if unknown:
        raise UsageError(f"unknown channel {unknown[0]!r}; choose from {', '.join(known)}")
    return tuple(dict.fromkeys(wanted))


def parse(spec: str | None) -> list[Channel]:
    """`linkedin,blog` -> those channels, in the order given; None or empty -> all."""
    return load(parse_names(spec))


def load(channel_names: Sequence[str]) -> list[Channel]:
    return [get(name) for name in channel_names]
