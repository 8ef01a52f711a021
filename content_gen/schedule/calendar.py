"""The content calendar: dated topics in a CSV (as a spreadsheet exports it) or a TOML file.

A wrong row is reported with its line number and left out, so one typo does not stop the week's
other posts. Only a file that cannot be used at all (unreadable, not UTF-8, no `date` or
`topic` column, broken TOML, no rows) raises UsageError. Standard library only: `calendar
check` must stay instant.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit

from ..channels import parse_names
from ..errors import UsageError
from ..files import OUTSIDE_HINT, confine, read_text
from ..inputs import check_audience, check_topic, read_brief
from ..quality.language import check_tag
from ..sources.model import split_specs
from ..storage import run_dir_name
from ..voice.kit import VoiceKit, load_kit

COLUMNS = (
    *("date", "topic", "channels", "brief", "sources", "audience", "id"),
    *("cta_url", "voice", "language"),
)
REQUIRED = ("date", "topic")
ID_MAX_CHARS = 200
URL_MAX_CHARS = 2000
CALENDAR_MAX_BYTES = 5_000_000
LABEL_TOPIC_CHARS = 40

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_LINK = re.compile(r"^https?://[^\s<>\"']+$")
_TOML_ENTRY = re.compile(r"\s*\[\[\s*entry\s*\]\]")


@dataclass(frozen=True)
class Entry:
    """One row: what to write about, on which day, for which channels."""

    line: int
    day: date
    topic: str
    channels: tuple[str, ...]
    brief: Path | None = None
    brief_text: str = field(default="", repr=False)
    audience: str | None = None
    id: str | None = None
    #: Files (relative to the calendar, inside its folder) and http(s) URLs, read at run time.
    sources: tuple[str, ...] = ()
    #: Where this entry's call to action links to; None means CONTENT_GEN_CTA_URL.
    cta_url: str | None = None
    #: The voice kit this entry is written in (its folder, inside the calendar's), checked.
    voice: Path | None = None
    kit: VoiceKit | None = field(default=None, repr=False)
    #: The language this entry is written in, a BCP 47 tag; None: the run's setting.
    language: str | None = None

    @property
    def key(self) -> str:
        """Who this entry is across runs: its id if it has one, else its date and topic.

        Editing another row, reordering rows or changing this one's channels or brief keeps
        the key, so work already done is not redone.
        """
        return f"id:{self.id}" if self.id else f"{self.day.isoformat()} {self.topic}"

    @property
    def directory(self) -> str:
        """The run directory's name, as `generate` would make it."""
        return run_dir_name(self.day, self.topic)

    @property
    def label(self) -> str:
        """Short enough for a progress line."""
        topic = self.topic
        if len(topic) > LABEL_TOPIC_CHARS:
            topic = topic[: LABEL_TOPIC_CHARS - 3].rstrip() + "..."
        return f'{self.day.isoformat()} "{topic}"'


@dataclass(frozen=True)
class Problem:
    """A row left out, and why."""

    line: int
    message: str


@dataclass(frozen=True)
class Calendar:
    path: Path
    entries: tuple[Entry, ...]
    problems: tuple[Problem, ...] = ()
    #: Things worth saying that change nothing, such as a column this tool does not use.
    notes: tuple[str, ...] = ()

    def due(self, today: date) -> list[Entry]:
        """Entries dated today or earlier, oldest first (a back-log catches up in order)."""
        return sorted((e for e in self.entries if e.day <= today), key=lambda e: (e.day, e.line))

    def later(self, today: date) -> list[Entry]:
        return sorted((e for e in self.entries if e.day > today), key=lambda e: (e.day, e.line))


def load_calendar(path: Path, *, allow_outside: bool = False) -> Calendar:
    """Parse and check a calendar file: `.toml` as TOML, anything else as CSV.

    The files its rows name must lie inside the calendar's folder unless `allow_outside`.
    """
    try:
        # utf-8-sig: Excel's "CSV UTF-8" starts the file with a byte-order mark.
        text = read_text(path, label="calendar", limit=CALENDAR_MAX_BYTES)
    except UsageError as exc:
        if "not UTF-8" in str(exc):
            raise UsageError(f"{exc}; export it as CSV UTF-8 from your spreadsheet") from None
        raise
    parse = _toml_rows if path.suffix.lower() == ".toml" else _csv_rows
    rows, problems, notes = parse(path, text)
    entries: list[Entry] = []
    seen_keys: dict[str, int] = {}
    seen_dirs: dict[str, int] = {}
    kits: dict[str, VoiceKit] = {}  # rows naming one kit share one load of it
    for line, values in rows:
        try:
            entry = _entry(line, values, path.parent, allow_outside, kits)
            _check_unique(entry, seen_keys, seen_dirs)
        except UsageError as exc:
            problems.append(Problem(line, str(exc)))
            continue
        seen_keys[entry.key] = seen_dirs[entry.directory] = line
        entries.append(entry)
    if not entries and not problems:
        raise UsageError(f"calendar {path} has no entries")
    problems.sort(key=lambda p: p.line)
    return Calendar(path, tuple(entries), tuple(problems), tuple(notes))


# --- one row, whichever format it came from ----------------------------------------------------


def _entry(
    line: int,
    values: Mapping[str, object],
    base: Path,
    allow_outside: bool,
    kits: dict[str, VoiceKit],
) -> Entry:
    """The row as an Entry, or UsageError naming its first problem."""
    day = parse_day(values.get("date"), "; format the date column as 2026-11-21")
    topic = check_topic(_text(values, "topic"), long_hint=". Put the details in a brief file")
    channels = parse_names(_channels_text(values.get("channels")))
    audience = check_audience(_text(values, "audience"))
    entry_id = _text(values, "id") or None
    if entry_id and len(entry_id) > ID_MAX_CHARS:
        raise UsageError(f"the id is {len(entry_id)} characters; the maximum is {ID_MAX_CHARS}")
    brief_name = _text(values, "brief")
    # Relative to the calendar, so the calendar and its notes can move together.
    brief = _named_file(base, brief_name, "brief", allow_outside) if brief_name else None
    voice_name = _text(values, "voice")
    voice = _named_file(base, voice_name, "voice kit", allow_outside) if voice_name else None
    if voice is not None and voice_name not in kits:
        # Every file of a shared calendar's kit stays in the calendar's folder, as its briefs do.
        kits[voice_name] = load_kit(voice, root=None if allow_outside else base)
    return Entry(
        line=line,
        day=day,
        topic=topic,
        channels=channels,
        brief=brief,
        brief_text=read_brief(brief, label="brief"),
        audience=audience,
        id=entry_id,
        sources=_sources(values.get("sources"), base, allow_outside),
        cta_url=_cta_url(_text(values, "cta_url")),
        voice=voice,
        kit=kits.get(voice_name),
        language=_language(values),
    )


def _cta_url(text: str) -> str | None:
    if not text:
        return None
    if len(text) > URL_MAX_CHARS or not _LINK.match(text):
        raise UsageError(f"cta_url {text[:80]!r} is not an http:// or https:// URL")
    return text


def _language(values: Mapping[str, object]) -> str | None:
    tag = _text(values, "language")
    if not tag:
        return None
    try:
        return check_tag(tag)
    except ValueError as exc:
        raise UsageError(f"language {tag!r}: {exc}") from None


def _sources(value: object, base: Path, allow_outside: bool) -> tuple[str, ...]:
    """The row's sources, checked without fetching: files confined, URLs http(s) only."""
    if value is not None and not isinstance(value, str | list):
        raise UsageError(f"sources must be text, not {_type_name(value)}")
    specs = split_specs(value)
    for spec in specs:
        scheme = urlsplit(spec).scheme.lower()
        if scheme in ("http", "https"):
            continue
        if scheme and len(scheme) > 1:
            raise UsageError(f"source {spec}: only http:// and https:// URLs can be fetched")
        _named_file(base, spec, "source", allow_outside)
    return tuple(specs)


def _named_file(base: Path, name: str, label: str, allow_outside: bool) -> Path:
    """A file a row names, relative to the calendar's folder and, unless allowed, inside it."""
    path = base / name  # "~" is not expanded: a shared calendar must not reach a home folder
    if allow_outside:
        return path
    confine(path, base, label=label, hint=OUTSIDE_HINT)
    return path


def parse_day(value: object, hint: str = "") -> date:
    """A YYYY-MM-DD text (or a TOML date) as a date; UsageError saying what is wrong."""
    if isinstance(value, datetime):  # TOML date-times are dates too: refuse the time part
        raise UsageError(f"the date {value.isoformat()} has a time; give just the day (YYYY-MM-DD)")
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    if not text:
        raise UsageError("the date is empty; give it as YYYY-MM-DD")
    if not _DATE.fullmatch(text):
        raise UsageError(f"the date {text!r} is not in YYYY-MM-DD form{hint}")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"the date {text!r} does not exist") from None


def _text(values: Mapping[str, object], name: str) -> str:
    value = values.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise UsageError(f"{name} must be text, not {_type_name(value)}")
    return value.strip()


def _channels_text(value: object) -> str | None:
    """A TOML list of names or a `linkedin;blog` string, as one string."""
    if isinstance(value, list):
        if not all(isinstance(v, str) for v in value):
            raise UsageError("channels must be a list of channel names")
        return ",".join(value) or None
    if value is not None and not isinstance(value, str):
        raise UsageError(f"channels must be text, not {_type_name(value)}")
    return value


def _check_unique(entry: Entry, keys: Mapping[str, int], dirs: Mapping[str, int]) -> None:
    if entry.key in keys:
        what = "id" if entry.id else "date and topic"
        raise UsageError(f"the same {what} as line {keys[entry.key]}; each entry must differ")
    if entry.directory in dirs:
        raise UsageError(
            f"would write to the same directory as line {dirs[entry.directory]} "
            f"({entry.directory}/); give one a different topic or date"
        )


def _type_name(value: object) -> str:
    return {bool: "true/false", int: "a number", float: "a number", list: "a list"}.get(
        type(value), "a " + type(value).__name__
    )


# --- CSV ---------------------------------------------------------------------------------------

Rows = list[tuple[int, dict[str, object]]]
Parsed = tuple[Rows, list[Problem], list[str]]


def _csv_rows(path: Path, text: str) -> Parsed:
    delimiter = _delimiter(text)
    lines = _numbered(path, text, delimiter)
    header_line, header = next(
        ((n, row) for n, row in lines if any(c.strip() for c in row)), (0, [])
    )
    if not header:
        raise UsageError(f"calendar {path} is empty; it needs a header row such as date,topic")
    columns = [c.strip().lower() for c in header]
    _check_header(path, header_line, columns)
    notes = [
        f"{path}:{header_line}: column {c!r} is not used (the columns are {', '.join(COLUMNS)})"
        for c in columns
        if c and c not in COLUMNS
    ]
    rows: Rows = []
    problems: list[Problem] = []
    for line, cells in lines:
        if not any(c.strip() for c in cells):
            continue  # spreadsheets export empty rows as ",,,"
        swallowed = _swallowed_rows(cells, delimiter=delimiter)
        if swallowed:
            problems.append(
                Problem(
                    line,
                    f'a quote (") opened here is closed only {swallowed} rows later, so those '
                    "rows were read as part of this one; close the quote or remove it",
                )
            )
            continue
        if len(cells) > len(columns):
            problems.append(
                Problem(
                    line,
                    f"{len(cells)} cells but the header has {len(columns)} columns "
                    "(is there an unquoted comma in the topic?)",
                )
            )
            continue
        rows.append((line, {c: v for c, v in zip(columns, cells, strict=False) if c}))
    return rows, problems, notes


def _numbered(path: Path, text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """Each row with the line it starts on (a quoted cell may span lines)."""
    # strict: a quote still open at the end of the file is an error, not a silent last cell.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise UsageError(f"{path}:{line}: not valid CSV: {exc}") from None
        yield line, row
        line = reader.line_num + 1


_ROW_START = r"\n\s*\d{4}-\d{2}-\d{2}\s*"


def _swallowed_rows(cells: list[str], *, delimiter: str) -> int:
    """How many rows an unbalanced quote pulled into one cell (they start with a date)."""
    row_start = re.compile(_ROW_START + re.escape(delimiter))
    return max((len(row_start.findall(cell)) for cell in cells), default=0)


def _delimiter(text: str) -> str:
    """Comma, or the semicolon or tab that some locales' spreadsheets export instead."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    return max((",", ";", "\t"), key=header.count)


def _check_header(path: Path, line: int, columns: list[str]) -> None:
    for name in REQUIRED:
        if name not in columns:
            raise UsageError(
                f"{path}:{line}: the header row has no {name!r} column; the columns are "
                "date, topic and optionally channels, brief, sources, audience, id, cta_url, "
                "voice, language"
            )
    named = [c for c in columns if c]
    for name in named:
        if named.count(name) > 1:
            raise UsageError(f"{path}:{line}: the header row has two {name!r} columns")


# --- TOML --------------------------------------------------------------------------------------


def _toml_rows(path: Path, text: str) -> Parsed:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"calendar {path} is not valid TOML: {exc}") from None
    except RecursionError:
        raise UsageError(f"calendar {path} nests tables or arrays too deeply to read") from None
    tables = data.get("entry")
    # tomllib gives no positions: each [[entry]] header's line stands for its table.
    lines = [n for n, line in enumerate(text.split("\n"), 1) if _TOML_ENTRY.match(line)]
    if not isinstance(tables, list) or len(lines) != len(tables):
        raise UsageError(
            f"calendar {path} has no [[entry]] tables; write each entry as an [[entry]] table"
        )
    notes = [
        f"{path}: key {k!r} is not used (entries go in [[entry]] tables)"
        for k in data
        if k != "entry"
    ]
    unused = sorted({k for table in tables for k in table if k not in COLUMNS})
    notes += [
        f"{path}: key {k!r} in [[entry]] is not used (the keys are {', '.join(COLUMNS)})"
        for k in unused
    ]
    return list(zip(lines, tables, strict=True)), [], notes
