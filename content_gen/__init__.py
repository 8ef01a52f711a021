"""content-gen: one topic in, a LinkedIn post, a newsletter and a blog post out.

The public names below are imported on first use, so `content-gen --help` stays instant.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "CHANNELS",
    "Channel",
    "ChannelResult",
    "ContentGenError",
    "FakeGemini",
    "Job",
    "Session",
    "Settings",
    "TopicResult",
    "UsageError",
    "load_settings",
    "run_topic",
]

_HOME = {
    "CHANNELS": "channels",
    "Channel": "channels",
    "ChannelResult": "worker",
    "ContentGenError": "errors",
    "FakeGemini": "fake_gemini",
    "Job": "worker",
    "Session": "session",
    "Settings": "config",
    "TopicResult": "orchestrator",
    "UsageError": "errors",
    "load_settings": "config",
    "run_topic": "orchestrator",
}


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(importlib.import_module(f".{_HOME[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
