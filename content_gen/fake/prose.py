"""The fake's canned prose: believable drafts for the built-in channels.

Each writer takes the topic, the postal address (when the prompt gives one) and whether this is
a revision, and returns the channel's draft as JSON data. A channel with no writer here gets a
value built from its schema.

The offline demo runs without a brief, so the drafts do what the prompts ask for then: they
give advice, invent no teams, customers, quotes or "we did" stories, and label their one
worked example as hypothetical. They pass every blocking rule, including the tells.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..storage import slugify


def mid_sentence(topic: str) -> str:
    """'How teams ...' -> 'how teams ...', but leave 'AI in ...' alone."""
    topic = topic.strip().rstrip("?.!")
    if len(topic) > 1 and topic[0].isupper() and not topic[1].isupper():
        topic = topic[0].lower() + topic[1:]
    return topic


def linkedin(topic: str, address: str | None, revised: bool) -> dict[str, Any]:
    opener = (
        "Most teams start this the wrong way round."
        if not revised
        else "The first step is smaller than most teams think."
    )
    post = "\n\n".join(
        [
            opener,
            f"This week I kept coming back to one question: {mid_sentence(topic)}?",
            "Here is a plan that fits a small team and four weeks.",
            "1. Start with one small, boring workflow. Pick something the team repeats every "
            "day, so you get feedback fast.",
            "2. Write down what good looks like before you change anything. Two or three "
            "numbers are enough.",
            "3. Review the results every Friday for fifteen minutes. Keep what helped, drop "
            "what did not.",
            "A hypothetical to make it concrete: if your team reviews twenty pull requests a "
            "week, timing three of them on Monday already gives you a baseline to compare "
            "against on Friday.",
            "Tooling matters less than you would expect. The habit of checking the numbers "
            "does most of the work.",
            "What is the one workflow you would try this on first?",
        ]
    )
    # No link of its own (the brief gives none): the tool adds the call-to-action URL, if any.
    return {
        "post": post,
        "hashtags": ["SmallTeams", "Productivity", "Leadership"],
        "first_comment": "",
    }


def newsletter(topic: str, address: str | None, revised: bool) -> dict[str, Any]:
    subject = "A four-week plan you can start on Monday"
    body = "\n\n".join(
        [
            "Hi there,",
            f"This issue is about one question worth a slow answer: {mid_sentence(topic)}?",
            "The short answer: start smaller than feels useful, and measure before you change "
            "anything.",
            "## What to do",
            "- Pick one workflow that happens every day, not a grand project.\n"
            "- Write down two numbers to watch before changing anything.\n"
            "- Meet for fifteen minutes every Friday to decide what to keep.",
            "## What to skip",
            "Buying tools first. A team that starts with a purchase tends to spend its first "
            "month on setup instead of learning.",
            "The weekly check-in matters more than the plan."
            + (
                " A hypothetical worked example: a review that takes forty minutes today, "
                "timed again each Friday for four weeks."
                if revised
                else ""
            ),
            "## A small experiment for this week",
            "Choose one task your team repeats daily. Time it on Monday. Change one thing on "
            "Tuesday. Time it again on Friday and share what you saw.",
        ]
    )
    footer = "You are receiving this because you subscribed. Unsubscribe at any time."
    if address:
        footer += f"\n{address}"
    return {
        "subject": subject,
        "preheader": "One daily workflow, two numbers to watch, and a Friday check-in",
        "body": body,
        "call_to_action": "Reply to this email with the workflow you will test this week.",
        "footer": footer,
    }


_BLOG_SECTIONS = {
    "Why this matters now": [
        "Small teams feel every hour they lose.",
        "A change that saves ten minutes a day gives back a full week each year.",
        "Large companies can absorb a slow start, but a team of five cannot.",
        "That is why the first experiment has to be small and cheap.",
        "It should also be easy to undo if the results are poor.",
        "A common way to fail is to change too much at once.",
        "A narrow target, measured honestly, is easier to learn from.",
        "They treat the first month as a learning exercise, not a rollout.",
        "This framing takes pressure off everyone involved.",
        "People are more willing to try something new when failure is cheap.",
        "It also makes the results easier to explain to the rest of the company.",
        "Time is not the only cost of a clumsy start.",
        "A bad first experience makes people wary of the next idea too.",
        "A small, careful trial protects the team's goodwill.",
        "It also gives you real numbers to show anyone who asks why.",
    ],
    "Where to start": [
        "Start by listing the tasks your team repeats every single day.",
        "Pick the one that annoys people most and happens most often.",
        "Write down how long it takes today, and how often it goes wrong.",
        "Those two numbers are your baseline.",
        "Without them, you will not know whether anything improved.",
        "Next, agree on what success would look like after four weeks.",
        "Keep the goal modest, such as cutting the time by a fifth.",
        "Share the plan with the whole team before you begin.",
        "Ask who wants to try it first, and let volunteers lead.",
        "Volunteers give better feedback than people who were told to take part.",
        "Finally, set a date for the first review and put it in the calendar.",
        "Keep the first trial to one team and one task.",
        "Resist the urge to add a second task halfway through.",
        "Write the plan on a single page that anyone can read in two minutes.",
        "Link that page from wherever the team already works.",
    ],
    "A four-week plan": [
        "In week one, run the new approach on a handful of real tasks.",
        "Keep notes on what felt faster and what felt awkward.",
        "Do not fix problems yet, just write them down.",
        "In week two, fix the two most common problems from your notes.",
        "Then run the same tasks again and compare the numbers.",
        "In week three, widen the trial to the rest of the team.",
        "New people will find problems the volunteers stopped noticing.",
        "Collect their notes in the same place as before.",
        "In week four, hold a short review and decide what to keep.",
        "Be willing to stop if the numbers did not move.",
        "A clear no is a useful result, because it frees time for the next idea.",
        "Keep each weekly review to fifteen minutes.",
        "Start with the numbers, then read the notes aloud.",
        "Agree on one change for the coming week and write it down.",
        "Assign an owner for that change before the meeting ends.",
    ],
    "What to measure": [
        "Measure time spent on the task, from start to finish.",
        "Measure how often the task has to be redone.",
        "Ask the team a simple question each Friday: did this help this week?",
        "Keep the answers short, a number from one to five is enough.",
        "Plot the numbers on one page so everyone can see the trend.",
        "Look for steady improvement rather than one great day.",
        "If one person carries all the gains, find out what they do differently.",
        "Share that practice with the others before drawing conclusions.",
        "Numbers will not tell the whole story, so keep the notes as well.",
        "The notes explain why a number moved, which matters for the next step.",
        "Together they make the final decision much easier.",
        "Resist measuring everything at once.",
        "Three numbers that people trust beat ten that nobody reads.",
        "Check that the numbers are easy to collect by hand.",
        "If collecting them takes longer than the task, simplify.",
    ],
    "Common mistakes to avoid": [
        "The first mistake is buying tools before you understand the problem.",
        "Tools bought early tend to shape the process around themselves.",
        "The second mistake is skipping the baseline measurement.",
        "Without it, every discussion becomes a matter of opinion.",
        "The third mistake is running the trial during a crunch.",
        "People under deadline pressure fall back on old habits.",
        "The fourth mistake is hiding poor results.",
        "A failed trial that is shared openly builds more trust than a quiet success.",
        "The last mistake is never deciding.",
        "Trials that drift on without a verdict wear people out.",
        "Set the end date at the start and keep to it.",
        "Another mistake is letting one enthusiast run everything alone.",
        "When that person is away, the trial quietly stops.",
        "Pair the enthusiast with a sceptic from the start.",
        "The sceptic's questions will make the final decision stronger.",
    ],
    "Bringing the rest of the team along": [
        "People support what they helped to shape.",
        "Invite the whole team to the first and last review.",
        "Show the baseline numbers before you show any results.",
        "Explain what you tried, what you measured and what you saw.",
        "Be honest about the parts that did not work.",
        "Ask each person which part they would keep and which they would drop.",
        "Write the answers down where everyone can see them.",
        "Then agree on the next small trial together.",
        "This rhythm matters more than any single result.",
        "Teams that review their work every week keep improving long after the first trial.",
        "Teams that stop reviewing drift back to old habits within a month.",
        "Protect the weekly review, even when the calendar is full.",
        "Fifteen minutes is a small price for a team that keeps learning.",
        "Over a year, those small reviews add up to a different way of working.",
    ],
}


@dataclass(frozen=True)
class BlogText:
    """One language's words for the canned blog post; `{topic}` is filled in mid-sentence."""

    guide: str  # what a short title gets after a colon
    meta: str
    meta_filler: str  # added until the description is long enough for the rules
    intro: tuple[str, str]
    sections: dict[str, list[str]]
    closing: tuple[str, str]  # the last section's heading and paragraph
    example: str  # the hypothetical a revision adds
    tags: tuple[str, ...] = ()


def blog_in(text: BlogText, topic: str, revised: bool) -> dict[str, Any]:
    """The blog post in `text`'s language: a title the rules accept, its sections, the slug."""
    core = topic.strip().rstrip("?.!")
    title = core if len(core) >= 30 else f"{core}: {text.guide}"
    if len(title) > 60:
        title = title[:57].rsplit(" ", 1)[0]
    meta = text.meta.format(topic=mid_sentence(topic))
    if len(meta) > 160:
        meta = meta[:157].rsplit(" ", 1)[0] + "..."
    while len(meta) < 120:
        meta += text.meta_filler
    paragraphs = [f"# {title}", text.intro[0].format(topic=mid_sentence(topic)), text.intro[1]]
    for heading, lines in text.sections.items():
        paragraphs.append(f"## {heading}")
        for i in range(0, len(lines), 4):
            paragraphs.append(" ".join(lines[i : i + 4]))
    paragraphs += [f"## {text.closing[0]}", text.closing[1]]
    if revised:
        paragraphs.insert(3, text.example)
    article = "\n\n".join(paragraphs)
    return {
        "title": title,
        "slug": slugify(title),
        "meta_description": meta,
        "article": article,
        "tags": list(text.tags),
    }


BLOG = BlogText(
    guide="a practical guide",
    meta="A practical four-week plan for small teams: {topic}. What to measure, what to avoid, "
    "and how to decide.",
    meta_filler=" Simple steps.",
    intro=(
        "This guide is about one practical question: {topic}.",
        "It is written for small teams with little time and no spare budget. "
        "Each section ends with something you can do this week.",
    ),
    sections=_BLOG_SECTIONS,
    closing=(
        "Your next step",
        "Pick one daily task today and write down how long it takes. "
        "That single number is the start of your first trial. "
        "Share it with your team on Friday and agree on the first change to test.",
    ),
    example="A hypothetical example: a team of five whose daily review takes forty minutes "
    "could aim for thirty after four weeks, and check it with the same stopwatch.",
    tags=("small-teams", "process", "measurement"),
)


Writer = Callable[[str, str | None, bool], dict[str, Any]]


def writers(linkedin: Writer, newsletter: Writer, blog: BlogText) -> dict[str, Writer]:
    """One language's drafts of the built-in channels, by channel: (topic, postal address,
    revised) -> the draft's fields."""
    return {
        "linkedin": linkedin,
        "newsletter": newsletter,
        "blog": lambda topic, address, revised: blog_in(blog, topic, revised),
    }


WRITERS = writers(linkedin, newsletter, BLOG)
blog = WRITERS["blog"]
