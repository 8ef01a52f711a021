"""`content-gen learn`: the rules a person's edit of a piece proposes, one test per kind of
edit, what is not proposed, and the command from a generated run to an applied words.toml."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Sleeps
from test_cli import assert_usage_error, run_cli
from test_voice_kit import make_kit

from content_gen.cli import main
from content_gen.fake import FakeGemini, Fault
from content_gen.voice.kit import load_kit
from content_gen.voice.learn import propose

TOPIC = "How small teams can adopt AI code review"


def proposed(original: str, edited: str, kit=None) -> list[tuple[str, str]]:
    return [(p.kind, p.toml) for p in propose(original, edited, kit)]


class TestEachKindOfEdit:
    def test_a_deleted_phrase_becomes_a_banned_phrase(self) -> None:
        original = "A game-changing habit: review one change a day. It is a game-changing start."
        edited = "A habit: review one change a day. It is a start."
        assert proposed(original, edited) == [("banned", '[[banned]]\nwords = ["game-changing"]\n')]
        assert propose(original, edited)[0].reason == "you deleted it 2 times"

    def test_a_stock_phrase_swapped_for_a_plain_word_is_banned_too(self) -> None:
        original = "We leverage the review queue. It is a game changer for us."
        edited = "We use the review queue. It helps us."
        kinds = proposed(original, edited)
        assert ("banned", '[[banned]]\nwords = ["leverage"]\n') in kinds

    def test_a_respelt_term_becomes_a_preferred_term(self) -> None:
        original = "Send one e-mail a week. The e-mail links each change."
        edited = "Send one email a week. The email links each change."
        assert proposed(original, edited) == [
            ("preferred", '[[preferred]]\nuse = "email"\ninstead_of = ["e-mail"]\n')
        ]

    def test_a_term_replaced_the_same_way_twice_is_preferred(self) -> None:
        original = "Ask the customers first. The customers know what broke."
        edited = "Ask the clients first. The clients know what broke."
        assert proposed(original, edited) == [
            ("preferred", '[[preferred]]\nuse = "clients"\ninstead_of = ["customers"]\n')
        ]

    def test_a_recased_name_becomes_a_product_name(self) -> None:
        assert proposed("Our Github page lists it.", "Our GitHub page lists it.") == [
            ("name", '[[product_names]]\nnames = ["GitHub"]\n')
        ]

    def test_removing_every_emoji_becomes_an_emoji_policy(self) -> None:
        original = "We shipped it \U0001f680 and the team cheered \U0001f389."
        edited = "We shipped it and the team cheered."
        assert proposed(original, edited) == [("emoji", "[emoji]\nmax = 0\n")]

    def test_at_most_three_most_frequent_first(self) -> None:
        original = (
            "One e-mail a week, and a Github link. The e-mail is short, a game-changing habit. "
            "Ask the customers. The customers know. The e-mail helps."
        )
        edited = (
            "One email a week, and a GitHub link. The email is short, a habit. "
            "Ask the clients. The clients know. The email helps."
        )
        kinds = [kind for kind, _ in proposed(original, edited)]
        assert kinds == ["preferred", "preferred", "name"]  # x3, x2, then one of the x1s


class TestNotProposed:
    @pytest.mark.parametrize(
        ("original", "edited"),
        [
            # Rewording, grammar, a changed figure, a short word, a rewritten sentence.
            ("The teams review code daily.", "The team reviews code daily."),
            ("We cut the wait to 14 days.", "We cut the wait to 12 days."),
            ("It is very simple to start.", "It is simple to start."),
            (
                "Start small. Measure twice before you change anything at all in the process.",
                "Start small.",
            ),
            ("Our quarterly review of the roadmap.", "Our annual review of the roadmap."),
        ],
    )
    def test_ordinary_edits_propose_nothing(self, original: str, edited: str) -> None:
        assert proposed(original, edited) == []

    def test_a_word_kept_elsewhere_in_the_piece_is_not_banned(self) -> None:
        original = "A remarkable habit. Another remarkable result."
        assert proposed(original, "A habit. Another remarkable result.") == []

    def test_what_the_kit_already_has_is_not_proposed_again(self) -> None:
        kit = load_kit(make_kit())  # bans game-changing, prefers email, names GitHub
        original = "A game-changing e-mail about Github."
        assert proposed(original, "An email about GitHub.", kit) == []


# --- the command -----------------------------------------------------------------------------

POST = (
    "We moved our release notes from a wiki to one e-mail a week, a game-changing habit.\n\n"
    "Readers told us the wiki was where updates went to die. The e-mail gets opened.\n\n"
    "Our Github repository links each change to its pull request, so nobody has to ask.\n\n"
    "Which update does your team still post where nobody reads it?"
)
EDITED = (
    POST.replace("e-mail", "email").replace("Github", "GitHub").replace(", a game-changing", "")
)


@pytest.fixture
def edited_run(env: FakeGemini, sleeps: Sleeps, capsys) -> Path:
    """A generated LinkedIn post, then a person's edit of it saved over the file."""
    assert main(["voice", "init", "brand"]) == 0
    env.inject(Fault.reply({"post": POST, "hashtags": []}), channel="linkedin", step="draft")
    argv = ["generate", TOPIC, "--out", "out", "--channels", "linkedin", "--voice", "brand"]
    assert main(argv, sleep=sleeps) == 0
    (piece,) = Path("out").glob("*/linkedin.md")
    assert piece.read_text(encoding="utf-8") == POST + "\n"
    piece.write_text(EDITED + "\n", encoding="utf-8")
    capsys.readouterr()
    return piece


def test_learn_shows_a_diff_and_apply_adds_the_rules(edited_run: Path, capsys) -> None:
    code, out, _ = run_cli(["learn", str(edited_run)], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[1:4] == [
        '1. prefer "email" to "e-mail": you replaced "e-mail" with "email" 2 times',
        '2. write "GitHub" exactly so: you changed "Github" to "GitHub"',
        '3. ban "game-changing": you deleted it',
    ]
    assert "+++ brand/words.toml (proposed)" in out and '+instead_of = ["e-mail"]' in out
    assert out.rstrip().endswith(f"Add them with: content-gen learn {edited_run} --apply")
    before = Path("brand/words.toml").read_text(encoding="utf-8")

    code, out, _ = run_cli(["learn", str(edited_run), "--apply"], capsys)
    assert code == 0 and out.startswith("Added 3 rule(s) to brand/words.toml:")
    after = Path("brand/words.toml").read_text(encoding="utf-8")
    assert after.startswith(before.rstrip("\n"))  # the comments stay as they were
    kit = load_kit(Path("brand"))
    assert kit.words.rule_ids() == ["voice.banned", "voice.preferred", "voice.name"]
    # The original now breaks the rules the edit taught; the edit does not.
    Path("original.linkedin.md").write_text(POST, encoding="utf-8")
    code, out, _ = run_cli(
        ["check", "original.linkedin.md", str(edited_run), "--voice", "brand"], capsys
    )
    assert code == 1 and "original.linkedin.md:1:47: block voice.preferred" in out
    assert (
        f"{edited_run}: warn linkedin.length" in out
        and "voice." not in out.split(str(edited_run))[1]
    )
    # Learnt once, not twice.
    code, out, _ = run_cli(["learn", str(edited_run)], capsys)
    assert out.startswith("Nothing to learn from")


def test_run_json_keeps_the_text_learn_compares_with(edited_run: Path) -> None:
    record = json.loads((edited_run.parent / "run.json").read_text())["channels"]["linkedin"]
    (attempt,) = record["attempts"]
    assert attempt["text"] == POST + "\n"


def test_an_original_given_by_hand_needs_no_run(capsys) -> None:
    make_kit(words=None)
    Path("mine.md").write_text(POST, encoding="utf-8")
    Path("edit.linkedin.md").write_text(EDITED, encoding="utf-8")
    code, out, _ = run_cli(
        ["learn", "edit.linkedin.md", "--original", "mine.md", "--voice", "brand", "--json"],
        capsys,
    )
    assert code == 0
    found = json.loads(out)
    assert [p["kind"] for p in found["proposals"]] == ["preferred", "name", "banned"]
    assert not Path("brand/words.toml").exists()  # shown, not written


@pytest.mark.parametrize(
    ("setup", "argv", "needle"),
    [
        ("none", ["learn", "edit.linkedin.md", "--voice", "brand"], "no readable run.json"),
        ("old", ["learn", "run/linkedin.md", "--voice", "brand"], "--original FILE"),
        ("new", ["learn", "run/linkedin.md"], "--voice DIR"),
    ],
)
def test_what_learn_needs_is_asked_for_in_one_line(setup, argv, needle, capsys) -> None:
    make_kit()
    Path("edit.linkedin.md").write_text(EDITED, encoding="utf-8")
    if setup != "none":  # "old": a run.json from before the text was kept; "new": no kit
        Path("run").mkdir()
        Path("run/linkedin.md").write_text(EDITED, encoding="utf-8")
        attempt = {"number": 1} | ({"text": POST} if setup == "new" else {})
        record = {"file": "linkedin.md", "best_attempt": 1, "attempts": [attempt]}
        Path("run/run.json").write_text(json.dumps({"channels": {"linkedin": record}}))
    code, _, err = run_cli(argv, capsys)
    assert_usage_error(code, err, needle)
