"""`content-gen generate TOPIC`: every channel for one topic, in parallel, then a summary."""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from ..inputs import check_topic, read_brief
from .common import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    Sleep,
    load_settings,
    load_voice,
    setup_logging,
)
from .report import (
    clean,
    fit,
    halted_line,
    print_notes,
    print_table,
    progress_line,
    result_cells,
    totals_line,
    warnings_note,
    width,
)

if TYPE_CHECKING:
    from ..channels.base import Channel
    from ..config import Settings
    from ..pipeline.results import ChannelResult, Job, TopicResult
    from ..pipeline.session import CachePolicy

#: The flags a retry command repeats, so the retry writes what the first run was asked for.
_REPEATED = (
    *("brief", "audience", "model", "judge_model", "max_revisions"),
    *("cta_url", "voice", "language", "max_cost"),
)


def generate(args: argparse.Namespace, sleep: Sleep) -> int:
    topic = check_topic(
        args.topic,
        empty_hint="; say what to write about, e.g. "
        'content-gen generate "How small teams can adopt AI code review"',
        long_hint=". Put the details in a --brief file",
    )
    brief = read_brief(args.brief)

    from .. import channels as registry

    channels = registry.parse(args.channels)
    settings = load_settings(
        {
            "output_dir": args.out,
            "audience": args.audience,
            "model": args.model,
            "judge_model": args.judge_model,
            "max_revisions": args.max_revisions,
            "cta_url": args.cta_url,
            "voice": args.voice,
            "language": args.language,
            "max_cost": args.max_cost,
        }
    )
    setup_logging(args.verbose, settings)
    voice = load_voice(settings)  # a bad kit is one line, before any API call

    from ..pipeline.results import Job
    from ..pipeline.session import Session
    from ..sources import load_sources
    from ..storage import prepare_root, sweep

    day = _earlier_run(args.into, topic) if args.into else date.today()
    if args.estimate:
        job = Job(topic, brief, settings.audience, day, voice=voice, language=settings.language)
        return _estimate(args, settings, channels, job)
    # A new run asks the model afresh; a resumed one (--into) reuses every reply it paid for.
    cache: CachePolicy = "off" if args.no_cache else "reuse" if args.cache or args.into else "fresh"
    with Session.open(
        settings, channels, offline=args.offline, sleep=sleep, cache=cache
    ) as session:
        print_notes(session.notes)
        # Before any API call, and before anything is created: a source that cannot be read
        # stops the run here (unless the user said to go on without it).
        sources, unreadable = load_sources(
            args.source, skip_unreadable=args.skip_unreadable_sources
        )
        for problem in unreadable:
            print(f"content-gen: note: left out: {problem}", file=sys.stderr)
        # Only once the key and the prompts are known to be good: a bad setup creates nothing.
        prepare_root(settings.output_dir)
        sweep(settings.output_dir)  # what a killed run left half-written
        job = Job(
            topic=topic,
            brief=brief,
            audience=settings.audience,
            day=day,
            sources=tuple(sources),
            research=args.research,
            voice=voice,
            language=settings.language,
        )
        names = ", ".join(c.name for c in channels)
        mode = " (offline: simulated Gemini)" if args.offline else ""
        print(f'Writing {names} for "{clean(topic)}"{mode}', file=sys.stderr)
        result = session.run(
            job,
            channels,
            sequential=args.sequential,
            inputs={
                "brief_file": str(args.brief) if args.brief else None,
                "brief_chars": len(brief),
                "audience": job.audience,
            },
            on_result=_print_progress,
            into=args.into,
        )
        halted = session.runtime.halt.error
    if args.json:
        print(json.dumps(result.manifest, indent=2, ensure_ascii=False))
    else:
        _print_summary(result, args)
    if halted is not None:
        print(halted_line(str(halted)), file=sys.stderr if args.json else sys.stdout)
    if result.manifest_error:
        print(f"content-gen: error: {result.manifest_error}", file=sys.stderr)
    if result.interrupted:
        return EXIT_INTERRUPTED
    return EXIT_OK if result.ok else EXIT_FAILED


def _estimate(
    args: argparse.Namespace, settings: Settings, channels: list[Channel], job: Job
) -> int:
    """What this run would cost, worked out without calling the model."""
    from dataclasses import replace

    from ..pipeline.estimate import Estimator
    from ..pipeline.plan import PLAN_FILE
    from ..sources import load_sources
    from .estimates import show

    sources, _ = load_sources(args.source, skip_unreadable=True)
    estimator = Estimator(settings, channels, batch=False)
    planned = args.into is not None and (args.into / PLAN_FILE).is_file()
    estimator.topic(replace(job, sources=tuple(sources)), channels, plan=not planned)
    names = ", ".join(c.name for c in channels)
    notes = []
    if settings.max_cost is not None and estimator.result.total.cost[2] > settings.max_cost:
        notes.append(
            f"At its most it would pass --max-cost {settings.max_cost:g}: the run stops "
            "before the call that would cross it."
        )
    title = f'Estimate for "{clean(job.topic)}": {names}'
    return show(estimator, title, as_json=args.json, notes=notes)


def _earlier_run(path: Path, topic: str) -> date:
    """The date of the earlier run of `topic` in `path`, which --into writes into."""
    from ..storage import RunDir

    manifest = RunDir(path).read_manifest() if path.is_dir() else None
    if manifest is None:
        raise UsageError(f"--into {path} is not a run directory (it has no readable run.json)")
    if manifest.get("topic") != topic:
        raise UsageError(
            f"--into {path} holds a run of {clean(str(manifest.get('topic')))!r}, not of this topic"
        )
    try:
        return date.fromisoformat(path.resolve().name[:10])
    except ValueError:
        return date.today()


def _print_progress(result: ChannelResult, run_dir: Path) -> None:
    if result.status == "stopped":
        return  # the one line at the end says why every stopped channel stopped
    print(fit("  " + progress_line(result), width(sys.stderr)), file=sys.stderr, flush=True)


def _print_summary(result: TopicResult, args: argparse.Namespace) -> None:
    results = list(result.results.values())
    rows: list[tuple[str, ...]] = [
        ("channel", "result", "score", "attempts", "tokens", "cost", "time", "warnings", "file")
    ]
    rows += [
        (r.channel, *result_cells(r), str(len(r.warnings)) if r.file else "-", r.file or "-")
        for r in results
    ]
    print()
    print_table(rows, left={0, 1, 8})
    print("\n" + totals_line(results, result.seconds, result.usage))
    print(_saved_line(result))
    # What the rules still say about each saved piece (warnings never block): the count and
    # the first, cut to the terminal; `content-gen check` lists them all.
    limit = width(sys.stdout)
    for r in results:
        note = warnings_note(r)
        if note is not None:
            print(fit(clean(note), limit))
    for r in results:
        if r.status == "below_bar":
            print(
                f"- {r.channel}: did not meet the quality bar in {len(r.attempts)} attempts; "
                "the best one was saved (the judge's notes are in run.json)"
            )
        elif r.status == "failed":
            print(f"- {r.channel} failed: {clean(r.error or '').rstrip('.')}.")
    for line in plan_notes(result.manifest):
        print(line)
    failed = [r.channel for r in results if r.status == "failed"]
    if failed:
        them = "it" if len(failed) == 1 else "them"
        print(f"Retry {them} with: {retry_command(args, failed, result.run_dir.path)}")
    if result.interrupted:
        print("Interrupted: finished channels were kept; run.json records the rest.")


def plan_notes(manifest: dict[str, Any]) -> list[str]:
    """What the summary says of the sources, the plan and the pieces' agreement."""
    lines = []
    sources = manifest.get("sources") or []
    plan = manifest.get("plan") or {}
    research = plan.get("research") or []
    if sources or research:
        shown = ", ".join(f"{s['id']} {clean(str(s['origin']))}" for s in [*sources, *research])
        lines.append(f"Written from {len(sources) + len(research)} sources: {shown}")
    if plan.get("error"):
        lines.append(f"- no plan: {plan['error']}; the pieces were written without one")
    dropped = [c for c in plan.get("claims") or [] if not c.get("verified")]
    if dropped:
        lines.append(
            f"- the plan dropped {len(dropped)} claim(s) whose quote is not in its source: "
            f'"{clean(dropped[0]["text"])[:60]}" ({dropped[0]["dropped"]}); see run.json'
        )
    for conflict in manifest.get("consistency") or []:
        lines.append(f"- the pieces disagree: {clean(conflict['message'])}")
    return lines


def _saved_line(result: TopicResult) -> str:
    """What was saved where, and what was not, in one line."""
    path = f"{result.run_dir.path}{os.sep}"
    simulated = " (simulated content: --offline)" if result.manifest.get("simulated") else ""
    files = [r.file for r in result.results.values() if r.file]
    missing = [name for name, r in result.results.items() if not r.file]
    if not files:
        return f"Nothing saved: no channel finished; run.json in {path} records why."
    if not missing:
        return f"Saved in {path}{simulated}"
    return f"Saved {', '.join(files)} in {path}{simulated}; not saved: {', '.join(missing)}."


def retry_command(args: argparse.Namespace, channels: list[str], run_dir: Path) -> str:
    """The command that redoes just `channels` in this run's directory, with its flags."""
    words = ["content-gen", "generate", args.topic, "--channels", ",".join(channels)]
    words += ["--into", str(run_dir)]
    for name in _REPEATED:
        value = getattr(args, name, None)
        if value is not None:
            words += ["--" + name.replace("_", "-"), str(value)]
    for source in args.source:
        words += ["--source", source]
    if args.research:
        words.append("--research")
    if args.offline:
        words.append("--offline")
    return clean(shlex.join(words))
