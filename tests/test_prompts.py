"""Prompt templates: strict rendering, and the bundled templates match what the code supplies."""

from __future__ import annotations

from pathlib import Path

import pytest

from content_gen import channels
from content_gen.errors import PromptError, UsageError
from content_gen.pipeline.worker import (
    JUDGE_VARIABLES,
    REVISER_VARIABLES,
    WRITER_VARIABLES,
    check_prompts,
)
from content_gen.prompts import PromptLibrary, default_prompts_dir


@pytest.fixture
def library(tmp_path: Path) -> PromptLibrary:
    (tmp_path / "linkedin").mkdir()
    (tmp_path / "linkedin" / "writer.md").write_text(
        "Write a LinkedIn post for {{ audience }}.\n\nTopic: {{topic}}\nDate: {{  today  }}\n\n",
        encoding="utf-8",
    )
    return PromptLibrary(tmp_path)


def test_render_substitutes_variables_with_or_without_spaces(library: PromptLibrary) -> None:
    text = library.render(
        "linkedin/writer.md",
        {"audience": "engineering managers", "topic": "Pricing pages", "today": "2025-03-14"},
    )
    assert text == (
        "Write a LinkedIn post for engineering managers.\n\n"
        "Topic: Pricing pages\nDate: 2025-03-14\n"
    )


def test_render_inserts_values_verbatim(library: PromptLibrary) -> None:
    # A topic that itself looks like a placeholder is content, not template.
    text = library.render(
        "linkedin/writer.md",
        {"audience": "marketers", "topic": "Why {{first_name}} tokens fail", "today": 20250314},
    )
    assert "Topic: Why {{first_name}} tokens fail" in text
    assert "Date: 20250314" in text


def test_render_ignores_extra_variables(library: PromptLibrary) -> None:
    text = library.render(
        "linkedin/writer.md",
        {"audience": "a", "topic": "b", "today": "c", "brief": "unused"},
    )
    assert "unused" not in text


def test_missing_variable_names_the_file_and_the_variable(
    library: PromptLibrary, tmp_path: Path
) -> None:
    with pytest.raises(PromptError) as info:
        library.render("linkedin/writer.md", {"audience": "marketers", "today": "2025-03-14"})
    message = str(info.value)
    assert str(tmp_path / "linkedin" / "writer.md") in message
    assert "{{topic}}" in message


def test_check_accepts_known_variables(library: PromptLibrary) -> None:
    library.check("linkedin/writer.md", ["audience", "topic", "today", "brief"])


def test_check_rejects_an_unknown_variable(library: PromptLibrary, tmp_path: Path) -> None:
    with pytest.raises(PromptError) as info:
        library.check("linkedin/writer.md", ["audience", "topic"])
    message = str(info.value)
    assert "{{today}}" in message
    assert str(tmp_path / "linkedin" / "writer.md") in message
    assert "{{audience}}, {{topic}}" in message  # what is available instead


def test_missing_file_names_the_path(tmp_path: Path) -> None:
    library = PromptLibrary(tmp_path)
    with pytest.raises(PromptError) as info:
        library.text("blog/writer.md")
    assert str(tmp_path / "blog" / "writer.md") in str(info.value)
    with pytest.raises(PromptError, match=r"blog/reviser\.md"):
        library.check("blog/reviser.md", ["topic"])
    with pytest.raises(PromptError, match=r"judge\.md"):
        library.render("judge.md", {})


def test_prompt_error_is_a_usage_error() -> None:
    assert issubclass(PromptError, UsageError)


def test_templates_are_read_once(library: PromptLibrary, tmp_path: Path) -> None:
    first = library.text("linkedin/writer.md")
    (tmp_path / "linkedin" / "writer.md").write_text("changed {{oops}}", encoding="utf-8")
    assert library.text("linkedin/writer.md") == first


def test_bundled_templates_pass_check_prompts() -> None:
    root = default_prompts_dir()
    assert (root / "judge.md").is_file()
    check_prompts(channels.parse(None), PromptLibrary(root))


@pytest.mark.parametrize("channel", list(channels.names()))
def test_bundled_templates_render_completely(channel: str) -> None:
    library = PromptLibrary(default_prompts_dir())
    variables = {name: f"<{name}>" for name in (*REVISER_VARIABLES, *JUDGE_VARIABLES)}
    for step, names in (
        ("writer", WRITER_VARIABLES),
        ("reviser", REVISER_VARIABLES),
        ("criteria", WRITER_VARIABLES),
    ):
        text = library.render(channels.get(channel).prompt(step), {n: variables[n] for n in names})
        assert "{{" not in text
        assert text.strip()
    assert "{{" not in library.render("judge.md", {n: variables[n] for n in JUDGE_VARIABLES})


def test_check_prompts_reports_a_broken_template(tmp_path: Path) -> None:
    for channel in channels.names():
        (tmp_path / channel).mkdir()
        for step in ("writer", "reviser", "criteria"):
            (tmp_path / channel / f"{step}.md").write_text("About {{topic}}.", encoding="utf-8")
    (tmp_path / "judge.md").write_text("Judge {{piece}} for {{reader}}.", encoding="utf-8")
    with pytest.raises(PromptError, match=r"\{\{reader\}\}"):
        check_prompts(channels.parse(None), PromptLibrary(tmp_path))


def test_your_own_prompts_folder_may_hold_only_the_templates_you_changed(tmp_path: Path) -> None:
    (tmp_path / "linkedin").mkdir()
    (tmp_path / "linkedin" / "writer.md").write_text("Mine. Topic: {{topic}}", encoding="utf-8")
    library = PromptLibrary.for_settings(tmp_path)

    check_prompts(channels.parse(None), library)  # plan.md, judge.md, ... from the bundle
    assert library.text("linkedin/writer.md") == "Mine. Topic: {{topic}}"
    assert library.text("judge.md") == (default_prompts_dir() / "judge.md").read_text()
