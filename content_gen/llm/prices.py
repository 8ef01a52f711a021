"""What calls cost in dollars: the price table (`data/prices.toml`) and the pricer that uses it.

The table is a data file a non-programmer edits; a user's own file (CONTENT_GEN_PRICES_FILE)
replaces the models it lists. Each call is priced by the day it was made, so a run's cost
stays what it was when a price changes. A model the table does not know is priced as unknown,
never as free. Standard library only: the settings check a prices file without pydantic.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import astuple, dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..files import read_text
from .seam import Usage

BUNDLED = Path(__file__).resolve().parent / "data" / "prices.toml"
PRICES_MAX_BYTES = 1_000_000
MILLION = 1_000_000
_RATES = ("input", "output", "cached_input")
_LONG = tuple(f"{name}_long" for name in _RATES)
_MODEL_KEYS = {*_RATES, *_LONG, "long_context_threshold", "changes", "deprecated"}
_CHANGE_KEYS = {"from", *_RATES, *_LONG}
_TOP_KEYS = {"checked", "source", "batch_discount", "models"}
# "models/gemini-3.8-flash" and a served version such as "gemini-3.8-flash-001" price as the
# model they name.
_VERSION = re.compile(r"-\d{3}$")


@dataclass(frozen=True)
class Rates:
    """US dollars per million tokens."""

    input: float
    output: float
    cached_input: float


@dataclass(frozen=True)
class Period:
    """The prices in force from `start` (None: from the beginning) until the next period."""

    start: date | None
    rates: Rates
    long: Rates | None = None


@dataclass(frozen=True)
class ModelPrices:
    name: str
    periods: tuple[Period, ...]
    long_context_threshold: int | None = None
    deprecated: str | None = None

    def rates(self, day: date, prompt_tokens: int = 0) -> Rates:
        period = self.periods[0]
        for candidate in self.periods[1:]:
            if candidate.start is not None and candidate.start <= day:
                period = candidate
        threshold = self.long_context_threshold
        if period.long is not None and threshold is not None and prompt_tokens > threshold:
            return period.long  # the whole request, cached input included
        return period.rates


@dataclass(frozen=True)
class PriceTable:
    checked: date
    source: str
    batch_discount: float
    models: Mapping[str, ModelPrices]
    #: The files it was read from, for messages.
    origin: str = "the bundled price table"

    def lookup(self, model: str) -> ModelPrices | None:
        name = model.removeprefix("models/")
        return self.models.get(name) or self.models.get(_VERSION.sub("", name))

    def cost(self, model: str, usage: Usage, day: date, *, batch: bool = False) -> float | None:
        """The dollars `usage`'s tokens cost on `day`, or None if the model has no price."""
        prices = self.lookup(model)
        if prices is None:
            return None
        rates = prices.rates(day, usage.prompt_tokens)
        # Cached tokens are part of the prompt tokens, billed at their own rate.
        fresh = max(usage.prompt_tokens - usage.cached_tokens, 0)
        dollars = (
            fresh * rates.input
            + usage.cached_tokens * rates.cached_input
            + usage.output_tokens * rates.output
        ) / MILLION
        return dollars * (self.batch_discount if batch else 1.0)

    def worst_case(
        self, model: str, prompt_tokens: int, output_tokens: int, day: date, *, batch: bool
    ) -> float | None:
        """The most a call can cost: every prompt token at the full rate, every output token."""
        usage = Usage(prompt_tokens=prompt_tokens, output_tokens=output_tokens)
        return self.cost(model, usage, day, batch=batch)

    def notes(self, models: Mapping[str, str]) -> list[str]:
        """Warnings about the models a run uses (setting -> model): unknown or deprecated."""
        notes = []
        for setting, model in models.items():
            prices = self.lookup(model)
            if prices is None:
                notes.append(
                    f"no price for {model} ({setting}) in {self.origin}: its costs are shown as "
                    "unknown; add it to a file named by CONTENT_GEN_PRICES_FILE"
                )
            elif prices.deprecated:
                notes.append(
                    f"{model} ({setting}) is deprecated ({prices.deprecated}); set {setting} "
                    "to a current model"
                )
        return list(dict.fromkeys(notes))


class Pricer:
    """Prices calls on the day they are made (UTC)."""

    def __init__(self, table: PriceTable, today: Callable[[], date] | None = None) -> None:
        self.table = table
        self._today = today or (lambda: datetime.now(UTC).date())

    def today(self) -> date:
        return self._today()

    def charge(self, model: str, usage: Usage, *, batch: bool = False) -> Usage:
        """`usage` with its cost filled in (or counted as unpriced: unknown, not free)."""
        cost = self.table.cost(model, usage, self.today(), batch=batch)
        if cost is None:
            return replace(usage, unpriced=usage.unpriced + 1)
        return replace(usage, cost_usd=usage.cost_usd + cost)

    def worst_case(
        self, model: str, prompt_tokens: int, output_tokens: int, *, batch: bool = False
    ) -> float | None:
        return self.table.worst_case(model, prompt_tokens, output_tokens, self.today(), batch=batch)


def load_prices(path: Path | None = None) -> PriceTable:
    """The bundled table, with the models and settings of `path` (if given) replacing its own.

    Raises UsageError naming the file, the entry and what is wrong with it.
    """
    data = _read(BUNDLED)
    origin = "the bundled price table"
    if path is not None:
        own = _read(path)
        data = {**data, **{k: v for k, v in own.items() if k != "models"}}
        data["models"] = {**data.get("models", {}), **own.get("models", {})}
        origin = f"{path} (over the bundled price table)"
    return _table(data, origin, path or BUNDLED)


def _read(path: Path) -> dict[str, Any]:
    text = read_text(path, label="prices file", limit=PRICES_MAX_BYTES)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"prices file {path} is not valid TOML: {exc}") from None
    _only(data, _TOP_KEYS, path, "")
    if not isinstance(data.get("models", {}), dict):
        raise UsageError(f"prices file {path}: models must be a table of models")
    return data


def _table(data: Mapping[str, Any], origin: str, path: Path) -> PriceTable:
    discount = _number(data.get("batch_discount", 0.5), path, "batch_discount")
    if not 0 < discount <= 1:
        raise UsageError(
            f"prices file {path}: batch_discount must be more than 0 and at most 1 (the share "
            f"of the Standard price a Batch API call costs), not {discount:g}"
        )
    models = {name: _model(name, entry, path) for name, entry in (data.get("models") or {}).items()}
    return PriceTable(
        checked=_day(data.get("checked"), path, "checked"),
        source=str(data.get("source", "")),
        batch_discount=discount,
        models=models,
        origin=origin,
    )


def _model(name: str, entry: Any, path: Path) -> ModelPrices:
    where = f"models.{name}"
    if not isinstance(entry, dict):
        raise UsageError(f"prices file {path}: {where} must be a table of prices")
    _only(entry, _MODEL_KEYS, path, where)
    periods = [Period(None, _rates(entry, path, where), _long(entry, path, where))]
    changes = entry.get("changes", [])
    if not isinstance(changes, list):
        raise UsageError(f"prices file {path}: {where}.changes must be a list of [[changes]]")
    for n, change in enumerate(changes, 1):
        at = f"{where}.changes[{n}]"
        if not isinstance(change, dict):
            raise UsageError(f"prices file {path}: {at} must be a table of prices")
        _only(change, _CHANGE_KEYS, path, at)
        # A change names the prices that change; the others carry on.
        merged = {**_flat(periods[-1]), **change}
        start = _day(change.get("from"), path, f"{at}.from")
        periods.append(Period(start, _rates(merged, path, at), _long(merged, path, at)))
    starts = [p.start for p in periods[1:] if p.start is not None]
    if starts != sorted(starts):
        raise UsageError(f"prices file {path}: {where}.changes must be in date order")
    threshold = entry.get("long_context_threshold")
    if threshold is not None and (not isinstance(threshold, int) or threshold < 1):
        raise UsageError(
            f"prices file {path}: {where}.long_context_threshold must be a whole number of "
            f"tokens, not {threshold!r}"
        )
    deprecated = entry.get("deprecated")
    return ModelPrices(
        name,
        tuple(periods),
        threshold,
        str(deprecated) if deprecated not in (None, False) else None,
    )


def _rates(entry: Mapping[str, Any], path: Path, where: str) -> Rates:
    missing = [name for name in _RATES if name not in entry]
    if missing:
        raise UsageError(f"prices file {path}: {where} has no {missing[0]} price")
    return Rates(*(_number(entry[name], path, f"{where}.{name}") for name in _RATES))


def _long(entry: Mapping[str, Any], path: Path, where: str) -> Rates | None:
    if not any(name in entry for name in _LONG):
        return None
    missing = [name for name in _LONG if name not in entry]
    if missing:
        raise UsageError(f"prices file {path}: {where} has no {missing[0]} price")
    return Rates(*(_number(entry[name], path, f"{where}.{name}") for name in _LONG))


def _flat(period: Period) -> dict[str, float]:
    """A period's prices as a prices file writes them, for a change to start from."""
    flat = dict(zip(_RATES, astuple(period.rates), strict=True))
    if period.long is not None:
        flat |= dict(zip(_LONG, astuple(period.long), strict=True))
    return flat


def _number(value: Any, path: Path, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise UsageError(f"prices file {path}: {where} must be a number, not {value!r}")
    if value < 0:
        raise UsageError(f"prices file {path}: {where} must not be negative, not {value:g}")
    return float(value)


def _day(value: Any, path: Path, where: str) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise UsageError(
            f"prices file {path}: {where} must be a date such as 2027-01-01, not {value!r}"
        ) from None


def _only(entry: Mapping[str, Any], known: set[str], path: Path, where: str) -> None:
    unknown = sorted(set(entry) - known)
    if unknown:
        at = f"{where}." if where else ""
        raise UsageError(
            f"prices file {path}: unknown entry {at}{unknown[0]}; use only "
            f"{', '.join(sorted(known))}"
        )


def money(usd: float | None) -> str:
    """$0.0123 under a dollar (a call costs fractions of a cent), $12.34 from one; None: unknown."""
    if usd is None:
        return "unknown"
    return f"${usd:,.4f}" if abs(usd) < 1 else f"${usd:,.2f}"
