"""The fake's edit revisions: the passages a full revision would change, as find/replace edits.

The fake works out the revision it would have written whole, compares it paragraph by paragraph
with the current draft in the prompt, and answers with an edit for each paragraph that differs:
what a careful model returns, at the length such edits really take.
"""

from __future__ import annotations

import difflib
import json
from typing import Any

#: The field that carries each built-in channel's prose.
PROSE = ("post", "body", "article")
_MARK = "Current draft:"


def current_draft(prompt: str) -> dict[str, Any] | None:
    """The draft an edit prompt carries, as JSON data."""
    at = prompt.find(_MARK)
    start = prompt.find("{", at) if at != -1 else -1
    if start == -1:
        return None
    try:
        data, _ = json.JSONDecoder().raw_decode(prompt, start)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def edits_between(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Edits that turn `old` into `new` where their prose differs."""
    field = next((f for f in PROSE if f in old and f in new), None)
    if field is None:
        return {"edits": []}
    before, after = old[field].split("\n\n"), new[field].split("\n\n")
    edits = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        added = "\n\n".join(after[j1:j2])
        if op == "replace":
            edits.append(_edit(field, "\n\n".join(before[i1:i2]), added))
        elif op == "delete":
            edits.append(_edit(field, "\n\n" + "\n\n".join(before[i1:i2]), ""))
        elif op == "insert" and i1 > 0:
            edits.append(_edit(field, before[i1 - 1], f"{before[i1 - 1]}\n\n{added}"))
        elif op == "insert":
            edits.append(_edit(field, before[0], f"{added}\n\n{before[0]}"))
    return {"edits": edits}


def _edit(field: str, find: str, replace: str) -> dict[str, str]:
    return {"field": field, "find": find, "replace": replace}
