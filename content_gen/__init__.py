"""content-gen: one topic in, a LinkedIn post, a newsletter and a blog post out.

The public names below are imported on first use, so `content-gen --help` stays instant.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "Channel",
    "ChannelResult",
    "ContentGenError",
    "FakeGemini",
    "Job",
    "Session",
    "Settings",
    "Status",
    "TopicResult",
    "UsageError",
    "load_settings",
    "run_topic",
]

_HOME = {
    "Channel": "channels.base",
    "ChannelResult": "pipeline.results",
    "ContentGenError": "errors",
    "FakeGemini": "fake",
    "Job": "pipeline.results",
    "Session": "pipeline.session",
    "Settings": "config",
    "Status": "pipeline.results",
    "TopicResult": "pipeline.results",
    "UsageError": "errors",
    "load_settings": "config",
    "run_topic": "pipeline.orchestrator",
}


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(importlib.import_module(f".{_HOME[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
