"""One plan for all the pieces of a topic, made before the channels fan out.

One call writes the angle (the sentence a reader should remember), three to five key points,
the claims the pieces may use and the one call to action. Each claim names its source and
quotes it; the quote is then looked up in that source (whitespace, quotes and dashes folded),
and a claim whose quote is not there is dropped, the drop recorded. The channels write from
the verified plan, so the three pieces agree with each other and with the facts.

With --research the call may search the web (the API's Google Search tool); what it cites
becomes sources W1, W2, ... with the text the API says supports each claim.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from ..llm.seam import CallRecord, LLMRequest
from ..quality.claims import Claim, normalise
from ..quality.language import label
from ..sources import Source
from ..sources.model import made
from ..voice.kit import guide_text

if TYPE_CHECKING:
    from ..storage import RunDir
    from .results import Job
    from .runtime import Runtime

log = logging.getLogger("content_gen.plan")

PLAN_FILE = "plan.json"
PLAN_VARIABLES = (
    "topic",
    "brief",
    "audience",
    "today",
    "sources",
    "channels",
    "language",
    "voice_guide",
)


class PlannedClaim(BaseModel):
    text: str = Field(description="The claim in one sentence, as a piece may state it.")
    source: str = Field(description="The id of the source that supports it: S1, S2, ... or brief.")
    quote: str = Field(
        description="Words copied exactly from that source that support the claim (one or two "
        "sentences, no ellipses)."
    )


class Plan(BaseModel):
    """The plan all the pieces of one topic share."""

    angle: str = Field(description="The one sentence a reader should remember.")
    key_points: list[str] = Field(description="Three to five key points, one sentence each.")
    claims: list[PlannedClaim] = Field(
        description="Facts the pieces may use, each from a source; none if there are no sources."
    )
    call_to_action: str = Field(description="The one next step every piece ends with.")


@dataclass(frozen=True)
class Dropped:
    claim: PlannedClaim
    reason: str


@dataclass(frozen=True)
class TopicPlan:
    """The plan as checked: its verified claims (C1, C2, ...) and the ones dropped."""

    angle: str
    key_points: tuple[str, ...]
    call_to_action: str
    claims: tuple[Claim, ...] = ()
    dropped: tuple[Dropped, ...] = ()
    research: tuple[Source, ...] = ()  # pages the search tool cited
    calls: tuple[CallRecord, ...] = ()
    reused: bool = False

    def prompt_text(self) -> str:
        """The plan as the writers, reviser and judge read it."""
        lines = [f"Angle: {self.angle}", "Key points:"]
        lines += [f"- {point}" for point in self.key_points]
        if self.claims:
            lines.append(
                "Claims the pieces may use (each checked against its source; use no other "
                "figures or quotes, and copy figures as written here):"
            )
            lines += [f'- [{c.id}] {c.text} (source {c.source}: "{c.quote}")' for c in self.claims]
        else:
            lines.append(
                "Claims: none. There are no verified facts: give advice, use no figures, and "
                "label any example as hypothetical."
            )
        lines.append(f"Call to action (every piece ends with it): {self.call_to_action}")
        return "\n".join(lines)

    def record(self) -> dict[str, Any]:
        return {
            "angle": self.angle,
            "key_points": list(self.key_points),
            "call_to_action": self.call_to_action,
            "claims": [
                {"id": c.id, "text": c.text, "source": c.source, "quote": c.quote, "verified": True}
                for c in self.claims
            ]
            + [
                {
                    "text": d.claim.text,
                    "source": d.claim.source,
                    "quote": d.claim.quote,
                    "verified": False,
                    "dropped": d.reason,
                }
                for d in self.dropped
            ],
            "research": [s.record() | {"text": s.text} for s in self.research],
            "reused": self.reused,
            "calls": [c.as_dict() for c in self.calls],
        }


def make_plan(job: Job, channels: list[str], rt: Runtime, run_dir: RunDir) -> TopicPlan:
    """The verified plan for `job`, reused from the run directory when it was made before.

    Raises LLMError (RunHalted among them) if the call fails: the caller decides.
    """
    reused = _saved(run_dir, job)
    if reused is not None:
        return reused
    request = LLMRequest(
        rt.model,
        rt.prompts.render("plan.md", plan_variables(job, channels)),
        Plan,
        "plan",
        "plan",
        log_tag=job.log_tag("plan"),
        search=job.research,
    )
    reply = rt.llm.generate(request)
    assert isinstance(reply.value, Plan)
    research = tuple(
        made(f"W{n}", c.uri, "search", c.title, c.text, c.text.encode(), "text/plain")
        for n, c in enumerate(reply.citations, 1)
    )
    plan = verify(reply.value, [*job.sources, *research], job.brief, (reply.record,), research)
    # No fsync, as for the response cache: a killed run still leaves the whole file or none,
    # and one a power cut tore is read as no plan and made again. An fsync here would hold
    # up every channel, which all wait for the plan.
    text = json.dumps(_saved_form(plan, job), indent=2, ensure_ascii=False)
    run_dir.write(PLAN_FILE, text, durable=False)
    return plan


def plan_variables(job: Job, channels: list[str]) -> dict[str, object]:
    """What plan.md is filled in with."""
    return {
        "topic": job.topic,
        "brief": job.brief.strip() or "(none)",
        "audience": job.audience,
        "today": job.day.isoformat(),
        "sources": _sources_text(job.sources) or "(none)",
        "channels": ", ".join(channels),
        "language": label(job.language),
        "voice_guide": guide_text(job.voice),
    }


def verify(
    plan: Plan,
    sources: list[Source],
    brief: str,
    calls: tuple[CallRecord, ...] = (),
    research: tuple[Source, ...] = (),
) -> TopicPlan:
    """Keep the claims whose quote is in their source; drop, with the reason, the others."""
    texts = {s.id: normalise(s.text).casefold() for s in sources}
    if brief.strip():
        texts["brief"] = normalise(brief).casefold()
    kept: list[Claim] = []
    dropped: list[Dropped] = []
    cited = {c.id: normalise(c.text).casefold() for c in research}
    for claim in plan.claims:
        source = claim.source.strip()
        wanted = normalise(claim.quote).casefold().strip(" .\"'")
        if source.casefold() in ("web", "search") and research:
            # A fact found by searching: the API's grounding says which page supports it.
            source = next((i for i, text in cited.items() if wanted and wanted in text), source)
            texts |= cited
        if source not in texts:
            dropped.append(Dropped(claim, f"no source {source!r}"))
        elif len(wanted) < 12:
            dropped.append(Dropped(claim, "the quote is too short to check"))
        elif wanted not in texts[source]:
            dropped.append(Dropped(claim, f"the quote is not in {source}"))
        else:
            kept.append(Claim(f"C{len(kept) + 1}", claim.text.strip(), source, claim.quote.strip()))
    for drop in dropped:
        log.info("plan: dropped a claim (%s): %s", drop.reason, drop.claim.text)
    return TopicPlan(
        plan.angle.strip(),
        tuple(p.strip() for p in plan.key_points if p.strip())[:5],
        plan.call_to_action.strip(),
        tuple(kept),
        tuple(dropped),
        research,
        calls,
    )


def _sources_text(sources: tuple[Source, ...]) -> str:
    return "\n\n".join(f"[{s.id}] {s.title} ({s.origin})\n<<<\n{s.text}\n>>>" for s in sources)


def _saved_form(plan: TopicPlan, job: Job) -> dict[str, Any]:
    return plan.record() | {
        "topic": job.topic,
        "sources": [s.sha256 for s in job.sources],
        "brief_chars": len(job.brief),
        "language": job.language,
    }


def _saved(run_dir: RunDir, job: Job) -> TopicPlan | None:
    """The plan this run directory already has, if it was made from the same inputs."""
    found = saved_plan(run_dir)
    if found is None:
        return None
    plan, data = found
    same = (
        data.get("topic") == job.topic
        and data.get("sources") == [s.sha256 for s in job.sources]
        and data.get("brief_chars") == len(job.brief)
        # A plan in another language would end every piece with a foreign call to action.
        and data.get("language") == job.language
    )
    return plan if same else None


def saved_plan(run_dir: RunDir) -> tuple[TopicPlan, dict[str, Any]] | None:
    """The plan in the run directory's plan.json, and the file's data; None without one."""
    try:
        data = json.loads((run_dir.path / PLAN_FILE).read_text(encoding="utf-8"))
        claims = tuple(
            Claim(c["id"], c["text"], c["source"], c["quote"])
            for c in data["claims"]
            if c.get("verified")
        )
        research = tuple(
            Source(**{k: v for k, v in r.items() if k in _SOURCE}) for r in data["research"]
        )
        plan = TopicPlan(
            data["angle"],
            tuple(data["key_points"]),
            data["call_to_action"],
            claims,
            research=research,
            reused=True,
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return plan, data


_SOURCE = ("id", "origin", "kind", "title", "text", "media_type", "sha256", "fetched_at")
