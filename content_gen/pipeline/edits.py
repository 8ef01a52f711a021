"""Revisions as edits: the reviser returns find/replace edits of the passages it changes, not
the whole piece again.

Output tokens cost several times input tokens, and a revision changes a few passages of a piece
the model would otherwise write out in full. The edits are applied deterministically, in
order, each to the text the ones before it left: an edit whose passage is not there, or is
there more than once, is an error, never a silent no-op. When the edits do not apply (or the
piece they leave does not fit the channel's schema), the revision falls back to a full rewrite,
and the attempt records why.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, get_args, get_origin

from pydantic import BaseModel, Field, ValidationError, create_model

from ..llm.seam import LLMRequest
from ..quality.text import quote

if TYPE_CHECKING:
    from .runtime import Runtime
    from .tally import Progress

TEMPLATE = "edits.md"
#: Below this size (the draft as JSON, about 150 tokens, a hundred words) the passages an
#: edit quotes and replaces come to about the whole piece, and a rewrite cannot fail to apply.
EDITS_FROM_CHARS = 600

_models: dict[type[BaseModel], type[BaseModel]] = {}
_lock = threading.Lock()


class EditsDidNotApply(ValueError):
    """The reviser's edits cannot be applied as given: the message says which and why."""


def editable(schema: type[BaseModel]) -> list[str]:
    """The fields edits may change: text, and lists of text."""
    names = []
    for name, info in schema.model_fields.items():
        kind = info.annotation
        if kind is str or (get_origin(kind) is list and get_args(kind) == (str,)):
            names.append(name)
    return names


def edits_schema(schema: type[BaseModel]) -> type[BaseModel]:
    """The reply schema of an edit revision of `schema`: a list of find/replace edits whose
    `field` is one of its editable fields."""
    with _lock:
        if schema not in _models:
            # One of the editable fields' names, as the schema's enum.
            names: Any = Literal.__getitem__(tuple(editable(schema)))
            edit = create_model(
                f"{schema.__name__}Edit",
                field=(names, Field(description="The part of the piece it changes.")),
                find=(
                    str,
                    Field(description="The exact passage to replace, copied from the draft."),
                ),
                replace=(str, Field(description="The text that takes its place.")),
            )
            _models[schema] = create_model(
                f"{schema.__name__}Edits",
                __doc__=f"Edits that revise a {schema.__name__}, applied in order.",
                edits=(list[edit], Field(description="The changes, in order.")),  # type: ignore[valid-type]
            )
        return _models[schema]


def apply_edits(draft: BaseModel, edits: BaseModel) -> BaseModel:
    """`draft` with `edits` applied, as a new draft of its schema; EditsDidNotApply if any
    edit cannot be applied exactly once, or the result does not fit the schema."""
    changes = list(getattr(edits, "edits", []))
    if not changes:
        raise EditsDidNotApply("the reviser returned no edits")
    data: dict[str, Any] = draft.model_dump()
    for number, change in enumerate(changes, 1):
        name, find, new = change.field, change.find, change.replace
        where = f"edit {number} ({name})"
        if not find:
            raise EditsDidNotApply(f"{where} names no passage to find")
        if find == new:
            raise EditsDidNotApply(f"{where} changes nothing")
        value = data[name]
        if isinstance(value, str):
            data[name] = _once(value, find, new, where)
            continue
        hits = [i for i, item in enumerate(value) if find in item]
        if len(hits) != 1:
            raise EditsDidNotApply(_count_problem(where, find, len(hits)))
        value[hits[0]] = _once(value[hits[0]], find, new, where)
    try:
        return type(draft).model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        problem = first["msg"]
        raise EditsDidNotApply(f"the edited piece does not fit its schema: {problem}") from None


def _once(text: str, find: str, new: str, where: str) -> str:
    count = text.count(find)
    if count != 1:
        raise EditsDidNotApply(_count_problem(where, find, count))
    return text.replace(find, new, 1)


def _count_problem(where: str, find: str, count: int) -> str:
    if count == 0:
        return f'{where}: the passage "{quote(find)}" is not in the draft'
    return f'{where}: the passage "{quote(find)}" is in the draft {count} times, not once'


def use_edits(rt: Runtime, draft: BaseModel) -> bool:
    """Whether this revision asks for edits: by the setting, and, on auto, by the draft's size."""
    if rt.revise == "rewrite" or not editable(type(draft)) or not rt.prompts.has(TEMPLATE):
        return False
    return rt.revise == "edits" or len(draft.model_dump_json()) >= EDITS_FROM_CHARS


def revise(
    rt: Runtime,
    rewrite: LLMRequest,
    draft: BaseModel,
    variables: dict[str, object],
    call: Callable[[LLMRequest], Any],
    progress: Progress,
) -> BaseModel:
    """The revised draft: from edits where they are cheaper and apply, else rewritten whole."""
    if not use_edits(rt, draft):
        progress.revision = {"mode": "rewrite"}
        return call(rewrite)
    fields = ", ".join(editable(type(draft)))
    request = LLMRequest(
        rewrite.model,
        rt.prompts.render(TEMPLATE, variables | {"fields": fields}),
        edits_schema(type(draft)),
        rewrite.channel,
        rewrite.step,
        rewrite.attempt,
        model_setting=rewrite.model_setting,
        log_tag=rewrite.log_tag,
        meter=rewrite.meter,
    )
    edits = call(request)
    try:
        revised = apply_edits(draft, edits)
    except EditsDidNotApply as exc:
        progress.revision = {"mode": "rewrite", "edits_failed": str(exc)}
        return call(rewrite)
    progress.revision = {"mode": "edits", "edits": len(edits.edits)}
    return revised
