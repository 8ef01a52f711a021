"""One plan per topic, its claims checked against their sources, and every figure in a piece
traced to a claim, the brief or a source."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from conftest import Page, Sleeps, WebServer, visible
from test_sources import ARTICLE, pdf

from content_gen.cli import main
from content_gen.fake import FakeGemini, Fault
from content_gen.fake.planning import WEB_PAGE
from content_gen.quality.claims import Claim, Evidence, claims_rule, consistency, figures

TOPIC = "How small teams can adopt AI code review"
NOTES = "# Team notes\n\nOur reviews now take 18 minutes on average, down from 45 minutes.\n"


def generate(sleeps: Sleeps, *args: str) -> int:
    return main(["generate", TOPIC, "--out", "out", *args], sleep=sleeps)


def run_dir() -> Path:
    (path,) = visible(Path("out"))
    return path


def manifest() -> dict:
    return json.loads((run_dir() / "run.json").read_text())


def test_two_files_and_a_page_make_a_plan_whose_claims_all_quote_them(
    env: FakeGemini, sleeps: Sleeps, web: WebServer
) -> None:
    Path("notes.md").write_text(NOTES)
    Path("report.pdf").write_bytes(pdf("In 2025 the median review took 26 hours to start."))
    web.pages["/article"] = Page(ARTICLE)
    sources = ["--source", "notes.md", "--source", "report.pdf", "--source", web.url("/article")]

    assert generate(sleeps, *sources) == 0

    m = manifest()
    assert [s["id"] for s in m["sources"]] == ["S1", "S2", "S3"]
    assert m["sources"][2]["origin"] == web.url("/article") and m["sources"][2]["sha256"]
    claims = m["plan"]["claims"]
    assert [c["source"] for c in claims] == ["S1", "S2", "S3"]
    texts = {"S1": NOTES, "S2": "In 2025 the median review took 26 hours to start."}
    for claim in claims:
        assert claim["verified"] is True
        if claim["source"] in texts:
            assert claim["quote"] in texts[claim["source"]]
    # The plan went to every writer; each piece used claims, and only verified figures.
    plan_prompt = next(r.prompt for r in env.requests if r.step == "plan")
    assert "[S1] Team notes (notes.md)" in plan_prompt and "26 hours" in plan_prompt
    for name, channel in m["channels"].items():
        assert channel["passed"] is True and channel["claims_used"], name
        assert not [v for v in channel["attempts"][-1]["rules"] if v["rule"].startswith("claims")]
    blog = (run_dir() / "blog.md").read_text()
    references = blog.split("\n## References\n\n", 1)[1]
    assert references.startswith("- Team notes (notes.md)")
    # A page the newsletter's main claim came from is linked; files are not.
    assert m["consistency"] == []


def test_an_invented_figure_blocks_the_piece_until_it_is_revised(env: FakeGemini, sleeps):
    Path("notes.md").write_text(NOTES)
    env.inject(Fault.invent_figure(), channel="blog", step="draft")

    assert generate(sleeps, "--source", "notes.md", "--channels", "blog") == 0

    first, second = manifest()["channels"]["blog"]["attempts"]
    (block,) = [v for v in first["rules"] if v["rule"] == "claims.figures"]
    assert block["level"] == "block" and '"73%"' in block["message"]
    assert first["judge"] is None and second["passed"] is True
    assert "73%" not in (run_dir() / "blog.md").read_text()
    assert [r.step for r in env.requests if r.channel == "blog"] == ["draft", "revise", "judge"]


def test_with_nothing_to_draw_on_any_figure_is_invented(env: FakeGemini, sleeps):
    env.inject(Fault.invent_figure(), channel="linkedin", step="draft")

    assert generate(sleeps, "--channels", "linkedin") == 0

    m = manifest()
    assert m["sources"] == [] and m["plan"]["claims"] == []
    plan_text = next(r.prompt for r in env.requests if r.channel == "linkedin")
    assert "Claims: none. There are no verified facts" in plan_text
    first = m["channels"]["linkedin"]["attempts"][0]
    assert [v["rule"] for v in first["rules"] if v["level"] == "block"] == ["claims.figures"]


def test_a_misquoted_source_drops_the_claim_and_says_so(env: FakeGemini, sleeps, capsys):
    Path("notes.md").write_text(NOTES)
    env.inject(Fault.misquote(), step="plan")

    assert generate(sleeps, "--source", "notes.md") == 0

    (claim,) = manifest()["plan"]["claims"]
    assert claim["verified"] is False and claim["dropped"] == "the quote is not in S1"
    assert all(not c["claims_used"] for c in manifest()["channels"].values())
    plan = json.loads((run_dir() / "plan.json").read_text())
    assert plan["claims"][0]["dropped"] == "the quote is not in S1"
    assert "the plan dropped 1 claim(s) whose quote is not in its source" in capsys.readouterr().out


def test_research_cites_a_page_and_verifies_the_claim_from_its_grounding(env: FakeGemini, sleeps):
    assert generate(sleeps, "--research") == 0

    plan_request = next(r for r in env.requests if r.step == "plan")
    m = manifest()
    assert m["research"] is True
    (page,) = m["plan"]["research"]
    assert (page["id"], page["origin"], page["kind"]) == ("W1", WEB_PAGE["uri"], "search")
    assert page["title"] == WEB_PAGE["title"] and WEB_PAGE["text"] in page["text"]
    (claim,) = m["plan"]["claims"]
    assert claim["verified"] is True and claim["source"] == "W1"
    blog = (run_dir() / "blog.md").read_text()
    assert f"- [{WEB_PAGE['title']}]({WEB_PAGE['uri']})" in blog
    assert "Source: [" in (run_dir() / "newsletter.md").read_text()
    assert plan_request.step == "plan"


def test_without_research_the_plan_cannot_search(env: FakeGemini, sleeps):
    assert generate(sleeps, "--channels", "linkedin") == 0
    assert manifest()["plan"]["research"] == [] and manifest()["research"] is False


def test_a_failed_plan_call_leaves_the_channels_to_write_without_one(env, sleeps, capsys):
    env.inject(Fault.http(400, "Invalid request."), step="plan")

    assert generate(sleeps) == 0

    m = manifest()
    assert m["plan"]["error"].startswith("request refused (400 INVALID_ARGUMENT)")
    assert all(c["passed"] for c in m["channels"].values())
    assert "- no plan: request refused" in capsys.readouterr().out
    assert m["usage"]["calls"] == 7  # the failed plan call is counted too


def test_a_calendar_entry_with_a_source_that_cannot_be_read_waits(env, sleeps, web, capsys):
    Path("notes.md").write_text(NOTES)
    Path("cal.csv").write_text(
        "date,topic,channels,sources\n"
        f"2026-11-20,First topic,linkedin,notes.md;{web.url('/gone')}\n"
        "2026-11-21,Second topic,linkedin,notes.md\n"
    )
    argv = ["calendar", "run", "cal.csv", "--out", "out", "--today", "2026-11-21"]

    assert main([*argv, "--allow-private-urls"], sleep=sleeps) == 1

    out = capsys.readouterr().out
    assert "First topic" in out and "HTTP 404 Not Found" in out
    topics = {r.prompt.split("Topic: ", 1)[1].split("\n", 1)[0] for r in env.requests}
    assert topics == {"Second topic"}  # nothing was paid for the first entry


def test_a_calendar_page_on_this_machine_needs_trust(env, sleeps, web, capsys):
    web.pages["/notes"] = Page(ARTICLE)
    Path("cal.csv").write_text(
        f"date,topic,channels,sources\n2026-11-21,A topic,linkedin,{web.url('/notes')}\n"
    )
    argv = ["calendar", "run", "cal.csv", "--out", "out", "--today", "2026-11-21"]

    assert main(argv, sleep=sleeps) == 1
    assert "is on a private network" in capsys.readouterr().out and web.hits == []
    assert main([*argv, "--allow-private-urls"], sleep=sleeps) == 0
    assert web.hits == ["/notes"]


# --- the claims rule and the consistency check on their own ----------------------------------


def test_figures_are_numbers_a_reader_takes_as_facts() -> None:
    found = [f.text for f in figures("In 2025, 40% of 12 teams saved $4,000; 3 steps, 1. first")]
    assert found == ["2025", "40%", "12", "$4,000"]
    assert figures("Python 3.12, GPT-4, B2B, 24/7, #AI2025, `x = 512`, https://x.org/2024") == ()
    assert [f.value for f in figures("1.2 million users")] == [Decimal("1.2")]


def test_the_claims_rule_names_what_no_evidence_holds() -> None:
    evidence = Evidence.of(["Reviews take 18 minutes, down from 45 minutes."])
    assert claims_rule("Reviews now take 18 minutes, not 45.", evidence) == []
    (figure,) = claims_rule("Reviews now take 12 minutes.", evidence)
    assert figure.rule == "claims.figures" and '"12"' in figure.message
    quoted = 'As one lead said, "we never merge anything that nobody has reviewed at all".'
    (quote,) = claims_rule(quoted, evidence)
    assert quote.rule == "claims.quotes"
    said = Evidence.of(["We never merge anything that nobody has reviewed at all."])
    assert claims_rule(quoted, said) == []  # quotes match with curly or straight marks, any case


def test_the_pieces_are_checked_against_each_other() -> None:
    claim = Claim("C1", "Reviews take 18 minutes on average, down from 45.", "S1", "x")
    pieces = {
        "linkedin": "Our reviews take 18 minutes on average now. Pick one task and time it.",
        "blog": "Reviews take 25 minutes on average, down from 45. Pick one task and time it.",
    }
    conflicts = consistency(pieces, [claim], "Pick one task and time it.")
    assert [c.kind for c in conflicts] == ["figure"]
    assert "blog states 25, 45 for claim C1" in conflicts[0].message
    cta = consistency({"blog": "Subscribe for more."}, [], "Pick one task and time it this week.")
    assert [c.kind for c in cta] == ["call_to_action"]
