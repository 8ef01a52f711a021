"""Revisions as edits: applied exactly, an edit that does not apply is an error, never a
silent no-op, and the revision then falls back to a full rewrite."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import Sleeps

from content_gen.channels.linkedin import LinkedInPost
from content_gen.cli import main
from content_gen.fake import FAIL, FakeGemini, Fault
from content_gen.fake.prose import linkedin
from content_gen.pipeline.edits import EditsDidNotApply, apply_edits, edits_schema
from content_gen.prompts import default_prompts_dir

TOPIC = "How small teams can adopt AI code review"
REVISED_OPENER = linkedin("a topic", None, True)["post"].split("\n")[0]
POST = LinkedInPost(
    post="Most teams start wrong.\n\nThey buy tools first.\n\nWhat would you try first?",
    hashtags=["SmallTeams", "Productivity"],
)


def edits(*changes: tuple[str, str, str]) -> object:
    return edits_schema(LinkedInPost).model_validate(
        {"edits": [{"field": f, "find": a, "replace": b} for f, a, b in changes]}
    )


def test_edits_apply_in_order_each_to_what_the_last_left() -> None:
    revised = apply_edits(
        POST,
        edits(
            ("post", "They buy tools first.", "They buy tools first, then stop."),
            ("post", "first, then stop.", "first and then give up."),
            ("hashtags", "Productivity", "Leadership"),
        ),
    )
    assert isinstance(revised, LinkedInPost)
    assert revised.post.splitlines()[2] == "They buy tools first and then give up."
    assert revised.hashtags == ["SmallTeams", "Leadership"]
    assert POST.post.splitlines()[2] == "They buy tools first."  # the draft is untouched


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("post", "They buy robots first.", "x"),
            'edit 1 \\(post\\): the passage "They buy robots',
        ),
        (("post", "first", "last"), "is in the draft 2 times, not once"),
        (("post", "", "x"), "names no passage to find"),
        (("post", "Most teams", "Most teams"), "changes nothing"),
        (("hashtags", "Growth", "x"), 'the passage "Growth" is not in the draft'),
    ],
)
def test_an_edit_that_does_not_apply_is_an_error_never_a_no_op(change, message: str) -> None:
    with pytest.raises(EditsDidNotApply, match=message):
        apply_edits(POST, edits(change))


def test_no_edits_at_all_is_an_error() -> None:
    with pytest.raises(EditsDidNotApply, match="no edits"):
        apply_edits(POST, edits())


def test_the_edits_schema_names_only_the_fields_that_can_be_edited() -> None:
    schema = edits_schema(LinkedInPost).model_json_schema()
    edit = schema["$defs"]["LinkedInPostEdit"]["properties"]["field"]
    assert edit["enum"] == [
        name for name, f in LinkedInPost.model_fields.items() if f.annotation in (str, list[str])
    ]
    assert "post" in edit["enum"] and "hashtags" in edit["enum"]
    with pytest.raises(ValueError):
        edits(("title", "a", "b"))


# --- in the quality loop -------------------------------------------------------------------------


def linkedin_attempts() -> list[dict]:
    (path,) = Path("out").glob("*/run.json")
    return json.loads(path.read_text())["channels"]["linkedin"]["attempts"]


def generate(sleeps: Sleeps, *args: str) -> int:
    return main(["generate", TOPIC, "--out", "out", "--channels", "linkedin", *args], sleep=sleeps)


def test_a_revision_comes_back_as_edits_and_costs_a_fraction_of_a_rewrite(
    env: FakeGemini, sleeps: Sleeps
) -> None:
    env.scores("linkedin", FAIL)
    assert generate(sleeps) == 0

    first, second = linkedin_attempts()
    assert second["revision"] == {"mode": "edits", "edits": 1}
    draft, revise = first["calls"][0], second["calls"][0]
    assert revise["step"] == "revise" and len(second["calls"]) == 2  # the edits, the judge
    assert revise["tokens"]["output_tokens"] < draft["tokens"]["output_tokens"] / 2
    saved = next(Path("out").glob("*/linkedin.md")).read_text()
    assert saved.startswith(REVISED_OPENER)  # the edit, applied


def test_edits_that_do_not_apply_fall_back_to_a_full_rewrite(
    env: FakeGemini, sleeps: Sleeps
) -> None:
    env.scores("linkedin", FAIL)
    wrong = {"edits": [{"field": "post", "find": "No such passage.", "replace": "Anything."}]}
    env.inject(Fault.reply(wrong), channel="linkedin", step="revise")

    assert generate(sleeps) == 0

    _, second = linkedin_attempts()
    assert second["revision"]["mode"] == "rewrite"
    assert (
        'the passage "No such passage." is not in the draft' in (second["revision"]["edits_failed"])
    )
    assert [c["step"] for c in second["calls"]] == ["revise", "revise", "judge"]
    assert env.count(channel="linkedin", step="revise") == 2
    saved = next(Path("out").glob("*/linkedin.md")).read_text()
    assert saved.startswith(REVISED_OPENER)  # the rewrite


def test_revise_rewrite_asks_for_the_whole_piece(env, sleeps, monkeypatch) -> None:
    monkeypatch.setenv("CONTENT_GEN_REVISE", "rewrite")
    env.scores("linkedin", FAIL)
    assert generate(sleeps) == 0
    assert linkedin_attempts()[1]["revision"] == {"mode": "rewrite"}


def test_a_prompts_folder_without_the_edits_template_takes_the_bundled_one(
    env, sleeps, monkeypatch
):
    own = Path("my-prompts")
    shutil.copytree(default_prompts_dir(), own)
    (own / "edits.md").unlink()  # a copy made before edits existed
    monkeypatch.setenv("CONTENT_GEN_PROMPTS_DIR", str(own))
    env.scores("linkedin", FAIL)
    assert generate(sleeps) == 0
    assert linkedin_attempts()[1]["revision"] == {"mode": "edits", "edits": 1}
