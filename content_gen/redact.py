"""Keeping the API key out of everything the tool prints, logs or writes.

One mechanism for every place a text leaves the process (log lines, errors in run.json and the
ledger, terminal output). A server that echoes the key may echo it whole, URL-encoded, or cut
short ("AIzaSyD3x..."), so each of those forms is blanked, not only the exact key.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import quote, quote_plus

MASK = "[redacted]"
#: The shortest piece of a key that counts as the key: shorter, and ordinary words match.
PREFIX_MIN = 8

Redact = Callable[[str], str]


def redactor(*secrets: str | None) -> Redact:
    """A function that blanks every given secret, in every form above, out of a text."""
    patterns = [
        _prefix_pattern(form)
        for secret in secrets
        if secret and len(secret) >= 4
        for form in dict.fromkeys((secret, quote(secret, safe=""), quote_plus(secret)))
    ]
    if not patterns:
        return _unchanged
    # Longest forms first, so an encoded key is not half-matched by the plain one.
    combined = re.compile("|".join(sorted(patterns, key=len, reverse=True)))

    def redact(text: str) -> str:
        return combined.sub(MASK, text)

    return redact


def _prefix_pattern(secret: str) -> str:
    """A regex for the secret or any prefix of it at least PREFIX_MIN characters long."""
    head = min(PREFIX_MIN, len(secret))
    tail = ""
    for char in reversed(secret[head:]):
        tail = f"(?:{re.escape(char)}{tail})?"
    return re.escape(secret[:head]) + tail


def _unchanged(text: str) -> str:
    return text
