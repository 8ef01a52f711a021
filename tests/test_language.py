"""The language rules: a piece in the wrong language, a piece mixing two, and what is excepted."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_python

from content_gen.quality import language
from content_gen.quality.language import check_tag, detect, language_rules, same_language
from content_gen.quality.rules import locate

CORPUS = Path(__file__).resolve().parent.parent / "bench" / "corpus" / "language"

GERMAN = (
    "Kleine Teams haben selten Zeit für lange Einführungen. Deshalb lohnt es sich, mit einer "
    "einzigen Aufgabe zu beginnen, die jeden Tag wiederkehrt, und genau aufzuschreiben, wie "
    "lange sie heute dauert.\n\n"
    "Nach vier Wochen vergleicht das Team die Zahlen und entscheidet gemeinsam, was bleibt. "
    "Wer so vorgeht, lernt schneller als jemand, der gleich das ganze Vorgehen umstellt."
)
ENGLISH = (
    "Small teams rarely have time for long introductions. That is why it pays to start with "
    "one task that comes back every day, and to write down how long it takes today.\n\n"
    "After four weeks the team compares the numbers and decides together what stays. A team "
    "that works this way learns faster than one that changes everything at once."
)


class TestDetect:
    def test_whole_pieces(self) -> None:
        assert detect(GERMAN)[0] == "de" and detect(ENGLISH)[0] == "en"
        assert detect(GERMAN)[1] >= language.MIN_CONFIDENCE

    def test_japanese_and_chinese_by_script_even_with_latin_names(self) -> None:
        ja = "React チームは、GitHub と Visual Studio Code を使って新しい機能を毎週公開しています。"
        zh = "我们的团队使用 GitHub 和 Visual Studio Code 每周发布新的功能，并且持续改进。"
        assert detect(ja) == ("ja", 1.0) and detect(zh) == ("zh", 1.0)

    def test_too_little_text_is_undecided(self) -> None:
        assert detect("OK.") == ("und", 0.0)
        assert language_rules("Danke!", "en") == []

    def test_regional_tags_compare_on_their_base_language(self) -> None:
        assert same_language("pt", "pt-BR") and same_language("no", "nb")
        assert not same_language("es", "pt-BR")


class TestWrongLanguage:
    def test_an_english_piece_when_german_is_asked_for_blocks_with_its_place(self) -> None:
        (found,) = language_rules(ENGLISH, "de")
        assert (found.rule, found.level) == ("language.wrong", "block")
        assert found.message.startswith("the piece is in English (en), not German (de)")
        (placed,) = locate([found], "Subject line\n\n" + ENGLISH)
        assert (placed.line, placed.column) == (3, 1)

    def test_the_right_language_passes(self) -> None:
        assert language_rules(GERMAN, "de") == []
        assert language_rules(ENGLISH, "en-GB") == []

    def test_a_close_neighbour_is_told_apart(self) -> None:
        spanish = (CORPUS / "es" / "osg-12.md").read_text(encoding="utf-8")
        assert language_rules(spanish, "es") == []
        assert language_rules(spanish, "pt-BR")[0].rule == "language.wrong"


class TestMixed:
    def test_an_untranslated_paragraph_blocks(self) -> None:
        piece = GERMAN + "\n\n" + ENGLISH
        (found,) = language_rules(piece, "de")
        assert (found.rule, found.level) == ("language.mixed", "block")
        assert "in English" in found.message and found.excerpt
        assert found.excerpt.startswith("Small teams rarely")

    def test_one_short_foreign_paragraph_among_many_warns(self) -> None:
        aside = "After four weeks the team compares the numbers and decides what stays."
        piece = "\n\n".join([GERMAN] * 4 + [aside])
        (found,) = language_rules(piece, "de")
        assert (found.rule, found.level) == ("language.mixed", "warn")

    def test_the_real_page_its_translators_left_half_english_is_caught(self) -> None:
        page = (CORPUS / "de" / "osg-14.md").read_text(encoding="utf-8")
        assert [v.rule for v in language_rules(page, "de")] == ["language.mixed"]


class TestExcepted:
    @pytest.mark.parametrize(
        "addition",
        [
            # A quotation in the language's own quotation marks, and a block quote.
            "Sie sagte: „We ship small changes every single day and measure every one of them "
            "before we decide.“ Das hat uns überzeugt.",
            "> We ship small changes every single day and measure every one of them before we "
            "decide what to keep.",
            # Code, a URL and product names.
            "```\nfor change in changes: review(change)  # then ship it and measure it\n```",
            "Mehr dazu: https://example.com/how-we-review-code-and-ship-small-changes-every-day",
            "Wir nutzen GitHub Actions, Visual Studio Code, Google Workspace und Microsoft Teams.",
        ],
    )
    def test_quotes_code_urls_and_product_names_are_not_mixing(self, addition: str) -> None:
        assert language_rules(GERMAN + "\n\n" + addition + "\n\n" + GERMAN, "de") == []

    def test_corpus_pieces_with_english_quotes_pass(self) -> None:
        for path in sorted((CORPUS / "quoted").glob("*.md"))[:6]:
            expected = path.stem.split("-")[1]
            assert language_rules(path.read_text(encoding="utf-8"), expected) == [], path


class TestTags:
    @pytest.mark.parametrize(
        ("given", "kept"),
        [("de", "de"), ("pt-br", "pt-BR"), ("zh_hant", "zh-Hant"), ("EN-gb", "en-GB")],
    )
    def test_tags_are_normalised(self, given: str, kept: str) -> None:
        assert check_tag(given) == kept

    @pytest.mark.parametrize(
        ("given", "message"),
        [("german", "BCP 47"), ("de DE", "BCP 47"), ("xx", "does not know 'xx'"), ("", "BCP")],
    )
    def test_bad_tags_say_what_to_write(self, given: str, message: str) -> None:
        with pytest.raises(ValueError, match=message):
            check_tag(given)

    def test_the_known_languages_are_the_models(self) -> None:
        model = language._identifier()
        assert set(model.nb_classes) == language.SUPPORTED


def test_the_detector_loads_only_when_a_piece_is_checked(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "import content_gen.quality.language as language\n"
        "import content_gen.channels.blog\n"
        "assert 'py3langid' not in sys.modules and 'numpy' not in sys.modules\n"
        "language.detect('Kleine Teams haben selten Zeit für lange Einführungen in Werkzeuge.')\n"
        "assert 'py3langid' in sys.modules\n"
    )
    done = run_python("-c", code, cwd=tmp_path)
    assert done.returncode == 0, done.stderr


class TestCheckCommand:
    def test_check_language_blocks_a_file_in_another_language(self, capsys) -> None:
        from test_cli import run_cli

        Path("en.linkedin.md").write_text(ENGLISH, encoding="utf-8")
        Path("de.linkedin.md").write_text(GERMAN, encoding="utf-8")
        code, out, _ = run_cli(
            ["check", "en.linkedin.md", "de.linkedin.md", "--language", "de"], capsys
        )
        assert code == 1
        assert out.splitlines()[0].startswith(
            "en.linkedin.md:1:1: block language.wrong: the piece is in English (en), not German"
        )
        assert "de.linkedin.md" not in out.replace("de.linkedin.md: warn linkedin.length", "")

    def test_a_bad_tag_is_a_usage_error(self, capsys) -> None:
        from test_cli import assert_usage_error, run_cli

        Path("de.linkedin.md").write_text(GERMAN, encoding="utf-8")
        code, _, err = run_cli(["check", "de.linkedin.md", "--language", "deutsch"], capsys)
        assert_usage_error(code, err, "--language", "'deutsch'", "BCP 47")
