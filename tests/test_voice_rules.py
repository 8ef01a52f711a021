"""The voice kit's word rules: what each catches, what it leaves alone, and `check --voice`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import levels
from test_cli import run_cli
from test_voice_kit import make_kit

from content_gen import channels
from content_gen.channels import ChannelContext
from content_gen.voice.kit import load_kit
from content_gen.voice.words import parse_words

POST = (
    "We moved our release notes from a wiki to one e-mail a week.\n\n"
    "Readers told us the wiki was where updates went to die. The e-mail gets opened.\n\n"
    "Our Github repository links each change to its pull request, so nobody has to ask.\n\n"
    "Which update does your team still post where nobody reads it?\n\n"
    "#ReleaseNotes #Acme"
)


def rules(words: str, text: str, channel: str = "linkedin") -> dict[str, str]:
    return levels(parse_words(words, "words.toml").check(text, channel))


def violations(words: str, text: str, channel: str = "linkedin") -> list:
    return parse_words(words, "words.toml").check(text, channel)


class TestBanned:
    def test_words_and_phrases_block_by_default_with_the_kits_reason(self) -> None:
        (found,) = violations(
            '[[banned]]\nwords = ["synergy", "world-class"]\nwhy = "hype"\n',
            "Real synergies come from a world-class team.",
        )
        assert (found.rule, found.level) == ("voice.banned", "block")
        assert found.message == (
            'words the voice kit bans (hype): "synergies", "world-class"; say it another way'
        )
        assert found.excerpt.startswith("synergies")

    def test_patterns_and_a_warn_level(self) -> None:
        words = "[[banned]]\npatterns = ['\\bbest[- ]in[- ]class\\b']\nlevel = 'warn'\n"
        assert rules(words, "Our best-in-class support.") == {"voice.banned": "warn"}

    def test_code_and_urls_are_not_writing(self) -> None:
        words = '[[banned]]\nwords = ["synergy"]\n'
        text = "Run `synergy --check`, see https://example.com/synergy and [docs](synergy.md)."
        assert violations(words, text) == []

    def test_a_group_for_some_channels_only(self) -> None:
        words = '[[banned]]\nwords = ["hey folks"]\nchannels = ["blog"]\n'
        assert rules(words, "Hey folks, a note.", "linkedin") == {}
        assert rules(words, "Hey folks, a note.", "blog") == {"voice.banned": "block"}


class TestPreferred:
    WORDS = '[[preferred]]\nuse = "email"\ninstead_of = ["e-mail"]\n'

    def test_the_other_spelling_blocks_and_names_the_kits_term(self) -> None:
        (found,) = violations(self.WORDS, POST)
        assert found.message == (
            'terms the voice kit replaces: "e-mail" (write "email") x2; use the kit\'s terms'
        )

    def test_the_kits_own_term_passes(self) -> None:
        assert violations(self.WORDS, "One email a week.") == []

    def test_a_casing_preference_leaves_the_preferred_casing_alone(self) -> None:
        words = '[[preferred]]\nuse = "email"\ninstead_of = ["Email", "E-Mail"]\n'
        assert violations(words, "Send one email.") == []
        assert rules(words, "Send one Email.") == {"voice.preferred": "block"}


class TestProductNames:
    WORDS = '[[product_names]]\nnames = ["GitHub", "iPhone", "Notion"]\n'

    def test_wrong_casing_blocks(self) -> None:
        (found,) = violations(self.WORDS, "Our Github page and the IPHONE app.")
        assert found.message == (
            'names written in the wrong case: "Github" (write "GitHub"), "IPHONE" '
            '(write "iPhone"); write them exactly so'
        )

    def test_handles_hashtags_paths_and_urls_are_not_the_name(self) -> None:
        text = "Follow @github and #github, clone github.com/acme/x or ~/src/github/x."
        assert violations(self.WORDS, text) == []

    def test_a_name_that_is_also_a_word_is_left_alone_in_lower_case(self) -> None:
        assert violations(self.WORDS, "We had a notion of it.") == []
        assert rules(self.WORDS, "We use NOTION daily.") == {"voice.name": "block"}


class TestPolicies:
    def test_a_required_disclaimer(self) -> None:
        words = '[[disclaimer]]\ntext = "Opinions are my own."\nchannels = ["linkedin"]\n'
        assert rules(words, POST) == {"voice.disclaimer": "block"}
        assert rules(words, POST + "\n\nOpinions are my own.") == {}
        assert rules(words, POST, "blog") == {}

    def test_emoji_are_counted_as_a_reader_sees_them(self) -> None:
        words = "[emoji]\nmax = { linkedin = 1, blog = 0 }\n"
        assert rules(words, "Shipped \U0001f44d\U0001f3fd today.") == {}  # one, with skin tone
        (found,) = violations(words, "Shipped \U0001f680 and \U0001f389.")
        assert (found.rule, found.level) == ("voice.emoji", "warn")
        assert "2 emoji" in found.message and "allows at most 1" in found.message
        assert rules(words, "Shipped \U0001f680.", "blog") == {"voice.emoji": "warn"}

    def test_hashtags_count_list_and_required(self) -> None:
        words = '[hashtags]\nmax = 2\nallowed = ["Acme", "SmallTeams"]\nrequired = ["#Acme"]\n'
        (found,) = violations(words, "A post.\n\n#ReleaseNotes #Growth #Tips")
        assert found.message == (
            "hashtags: 3 hashtags (at most 2); not on the kit's list: #ReleaseNotes, #Growth, "
            "#Tips; missing: #Acme"
        )
        assert violations(words, "A post.\n\n#Acme #SmallTeams") == []
        assert violations(words, "A blog.\n\n#Growth", "blog") == []  # hashtags: LinkedIn only


class TestThroughTheChannels:
    def test_channel_check_places_the_kits_violations_in_the_file(self) -> None:
        kit = load_kit(make_kit())
        spec = channels.get("linkedin")
        text = POST.replace("Our Github", "Our game-changing Github")
        draft = spec.read(text)
        found = spec.check(draft, ChannelContext(voice=kit), text)
        placed = {v.rule: (v.level, v.line, v.column) for v in found if v.rule.startswith("voice")}
        assert placed == {
            "voice.banned": ("block", 5, 5),
            "voice.preferred": ("block", 1, 47),
            "voice.name": ("block", 5, 19),
        }


class TestCheckCommand:
    def test_check_voice_applies_the_kit_to_any_file(self, capsys) -> None:
        make_kit()
        Path("draft.linkedin.md").write_text(POST, encoding="utf-8")
        code, out, _ = run_cli(["check", "draft.linkedin.md", "--voice", "brand"], capsys)
        assert code == 1
        assert "draft.linkedin.md:1:47: block voice.preferred: " in out
        assert "draft.linkedin.md:5:5: block voice.name: " in out
        code, out, _ = run_cli(["check", "draft.linkedin.md"], capsys)
        assert code == 0 and "voice." not in out

    def test_the_setting_works_as_the_flag_does(self, monkeypatch, capsys) -> None:
        make_kit()
        monkeypatch.setenv("CONTENT_GEN_VOICE", "brand")
        Path("draft.linkedin.md").write_text(POST, encoding="utf-8")
        code, out, _ = run_cli(["check", "draft.linkedin.md", "--json"], capsys)
        rules_found = {v["rule"] for v in json.loads(out)["files"][0]["violations"]}
        assert code == 1 and {"voice.preferred", "voice.name"} <= rules_found

    @pytest.mark.parametrize(
        ("kit", "expected"),
        [
            (None, "voice kit nowhere does not exist"),
            ("[[banned]]\nwords = [\n", "nowhere/words.toml:"),
        ],
    )
    def test_a_bad_kit_is_one_line_and_exit_2(self, kit, expected, capsys) -> None:
        if kit is not None:
            make_kit(Path("nowhere"), words=kit)
        Path("draft.linkedin.md").write_text(POST, encoding="utf-8")
        code, _, err = run_cli(["check", "draft.linkedin.md", "--voice", "nowhere"], capsys)
        assert code == 2 and len(err.strip().splitlines()) == 1 and expected in err
