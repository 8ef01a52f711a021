"""The voice kit folder: loading, the one-line errors of a bad kit, samples within a budget."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from content_gen.errors import UsageError
from content_gen.voice import kit as voice
from content_gen.voice.kit import load_kit, samples_text, words_text

WORDS = """\
# Our words.
[[banned]]
words = ["synergy", "game-changing"]
why = "hype"

[[preferred]]
use = "email"
instead_of = ["e-mail"]

[[product_names]]
names = ["GitHub"]
"""


def make_kit(
    root: Path = Path("brand"),
    *,
    style: str | None = "# How we write\n\nPlainly.\n",
    words: str | None = WORDS,
    samples: dict[str, str] | None = None,
) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    if style is not None:
        (root / "style.md").write_text(style, encoding="utf-8")
    if words is not None:
        (root / "words.toml").write_text(words, encoding="utf-8")
    default = {"linkedin/launch.md": "We shipped it."}
    for name, text in (default if samples is None else samples).items():
        path = root / "samples" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def error_of(path: Path) -> str:
    with pytest.raises(UsageError) as caught:
        load_kit(path)
    message = str(caught.value)
    assert "\n" not in message
    return message


class TestLoading:
    def test_a_kit_with_its_three_parts(self) -> None:
        kit = load_kit(make_kit(style="<!-- a note for editors -->\n# How we write\n\nPlainly."))
        assert kit.guide == "# How we write\n\nPlainly."  # comments are not the guide
        assert [s.name for s in kit.samples] == ["samples/linkedin/launch.md"]
        assert kit.words.rule_ids() == ["voice.banned", "voice.preferred", "voice.name"]
        assert kit.judged("linkedin")

    def test_each_part_is_optional_but_not_all(self) -> None:
        assert load_kit(make_kit(style=None, samples={})).guide == ""
        assert not load_kit(make_kit(Path("w"), style=None, samples={})).judged("blog")
        Path("empty").mkdir()
        assert "voice kit empty is empty" in error_of(Path("empty"))

    def test_the_writers_view_of_the_words(self) -> None:
        kit = load_kit(make_kit())
        assert words_text(kit, "blog").splitlines() == [
            '- Never use (hype): "synergy", "game-changing".',
            '- Write "email", never "e-mail".',
            "- Write these names exactly so: GitHub.",
        ]
        assert words_text(None, "blog") == "(none)"


class TestBadKits:
    def test_a_missing_folder(self) -> None:
        message = error_of(Path("nowhere"))
        assert message == (
            "voice kit nowhere does not exist; create one with: content-gen voice init nowhere"
        )

    def test_malformed_toml_names_file_and_line(self) -> None:
        kit = make_kit(words='[[banned]]\nwords = ["a", "b"\nlevel = "block"\n')
        assert re.fullmatch(r"brand/words\.toml:3: not valid TOML: .+", error_of(kit))

    def test_a_regex_that_does_not_compile_names_its_line(self) -> None:
        kit = make_kit(
            words="[[banned]]\nwords = ['x']\npatterns = [\n  'ok',\n  '(unclosed',\n]\n"
        )
        message = error_of(kit)
        assert message.startswith("brand/words.toml:5: pattern '(unclosed' does not compile: ")

    def test_an_unknown_key_names_its_line(self) -> None:
        kit = make_kit(
            words='[[banned]]\nwords = ["x"]\n\n[[preferred]]\nuse = "a"\nistead_of = ["b"]\n'
        )
        assert error_of(kit) == (
            "brand/words.toml:6: unknown key 'istead_of' in [preferred]; use use, instead_of, "
            "level, channels, why"
        )

    @pytest.mark.parametrize(
        ("words", "expected"),
        [
            ("[banned_words]\nwords = ['x']\n", ":1: unknown table 'banned_words'"),
            ("[[banned]]\nwords = ['x']\nlevel = 'stop'\n", ':3: level must be "block" or'),
            ("[[banned]]\nwords = ['x', '']\n", ":2: words has an empty entry"),
            ("[[banned]]\nwords = ['x']\nchannels = ['tiktok']\n", ":3: unknown channel 'tiktok'"),
            ("[[preferred]]\ninstead_of = ['x']\n", ":1: [preferred] needs use = "),
            ("[emoji]\nmax = -1\n", ":2: max must be a whole number"),
            ("[[banned]]\nwhy = 'no words'\n", ":1: [[banned]] needs words or patterns"),
        ],
    )
    def test_each_mistake_is_one_line_with_its_place(self, words: str, expected: str) -> None:
        message = error_of(make_kit(words=words))
        assert message.startswith("brand/words.toml" + expected), message

    def test_a_sample_that_is_not_utf8(self) -> None:
        kit = make_kit()
        (kit / "samples" / "linkedin" / "old.md").write_bytes(b"First line\nCaf\xe9 au lait\n")
        assert error_of(kit) == (
            "brand/samples/linkedin/old.md:2: not UTF-8 text; save it as UTF-8"
        )

    def test_an_empty_sample(self) -> None:
        kit = make_kit(samples={"blog/draft.md": "  \n\n"})
        assert error_of(kit) == (
            "brand/samples/blog/draft.md:1: the sample is empty; paste a piece into it"
        )

    def test_an_empty_style_guide(self) -> None:
        kit = make_kit(style="<!-- only a note -->\n")
        assert error_of(kit).startswith("brand/style.md:1: the style guide is empty")

    @pytest.mark.parametrize(
        ("name", "expected"),
        [
            ("sample/linkedin/a.md", "unknown folder 'sample'"),
            ("samples/tiktok/a.md", "samples go in a folder per channel"),
            ("samples/blog/a.txt", "a sample is a .md file"),
        ],
    )
    def test_misplaced_files_are_named(self, name: str, expected: str) -> None:
        kit = make_kit()
        (kit / name).parent.mkdir(parents=True, exist_ok=True)
        (kit / name).write_text("text", encoding="utf-8")
        assert expected in error_of(kit)

    def test_a_calendar_kit_cannot_reach_outside_its_folder(self, tmp_path: Path) -> None:
        outside = tmp_path / "secret.md"
        outside.write_text("not a sample", encoding="utf-8")
        kit = make_kit(Path("cal/brand"))
        (kit / "samples" / "linkedin" / "leak.md").symlink_to(outside)
        with pytest.raises(UsageError, match="outside"):
            load_kit(kit, root=Path("cal"))
        assert load_kit(kit).samples  # without a root (a flag the user typed) it may


class TestSamples:
    def test_the_channels_own_first_then_the_others(self) -> None:
        kit = load_kit(
            make_kit(
                samples={"linkedin/b.md": "Post B.", "linkedin/a.md": "Post A.", "blog/x.md": "X."}
            )
        )
        assert [s.name for s in kit.chosen("linkedin").used] == [
            "samples/linkedin/a.md",
            "samples/linkedin/b.md",
        ]
        assert [s.name for s in kit.chosen("newsletter").used] == [
            "samples/blog/x.md",
            "samples/linkedin/a.md",
            "samples/linkedin/b.md",
        ]

    def test_at_most_three_within_the_budget(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(voice, "SAMPLE_BUDGET_CHARS", 100)
        samples = {f"blog/{n}.md": "x" * size for n, size in enumerate([40, 70, 30, 10, 10])}
        chosen = load_kit(make_kit(samples=samples)).chosen("blog")
        assert [s.name for s in chosen.used] == [
            "samples/blog/0.md",
            "samples/blog/2.md",
            "samples/blog/3.md",
        ]
        assert [(s.name, why) for s, why in chosen.left_out] == [
            ("samples/blog/1.md", "over the prompt budget of 100 chars"),
            ("samples/blog/4.md", "3 samples already chosen"),
        ]

    def test_a_sample_too_long_for_any_prompt_is_cut_at_a_paragraph(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(voice, "SAMPLE_BUDGET_CHARS", 30)
        kit = load_kit(make_kit(samples={"blog/long.md": "First paragraph.\n\n" + "y" * 50}))
        chosen = kit.chosen("blog")
        assert chosen.cut == "First paragraph."
        assert chosen.record()["used"][0]["cut_to_chars"] == 16

    def test_samples_are_shown_as_examples_named_with_their_file(self) -> None:
        text = samples_text(load_kit(make_kit()), "linkedin")
        assert text == (
            "Sample 1 (one of our LinkedIn posts, samples/linkedin/launch.md):\n<<<\n"
            "We shipped it.\n>>>"
        )


class TestStarterKit:
    def test_voice_init_writes_a_kit_that_loads(self, capsys) -> None:
        from content_gen.cli import main

        assert main(["voice", "init", "brand"]) == 0
        assert capsys.readouterr().out.startswith("Wrote a starter voice kit in brand/:")
        assert sorted(str(p) for p in Path("brand").rglob("*")) == [
            "brand/samples",
            "brand/samples/README.md",
            "brand/samples/blog",
            "brand/samples/linkedin",
            "brand/samples/newsletter",
            "brand/style.md",
            "brand/words.toml",
        ]
        kit = load_kit(Path("brand"))
        assert kit.guide.startswith("# How we write") and "<!--" not in kit.guide
        assert kit.samples == () and kit.words.rule_ids() == []  # the examples are commented

    def test_every_example_in_the_starter_words_toml_works_uncommented(self, capsys) -> None:
        from content_gen.cli import main

        main(["voice", "init", "brand"])
        words = Path("brand/words.toml")
        lines = words.read_text(encoding="utf-8").splitlines()
        words.write_text(
            "\n".join(line[1:] if re.match(r"#[\[a-z]", line) else line for line in lines),
            encoding="utf-8",
        )
        kit = load_kit(Path("brand"))
        assert kit.words.rule_ids() == [
            "voice.banned",
            "voice.preferred",
            "voice.name",
            "voice.disclaimer",
            "voice.emoji",
            "voice.hashtags",
        ]

    def test_voice_init_never_overwrites(self, capsys) -> None:
        from test_cli import assert_usage_error, run_cli

        Path("brand").mkdir()
        Path("brand/style.md").write_text("Ours.", encoding="utf-8")
        code, _, err = run_cli(["voice", "init", "brand"], capsys)
        assert_usage_error(code, err, "brand is not empty")
        assert Path("brand/style.md").read_text(encoding="utf-8") == "Ours."
