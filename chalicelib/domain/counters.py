"""Counters in a summary: for each tracked item, its earliest and latest snapshot in the window;
`first` and `last` summed over the campaign's items (popularity averaged), `delta = last - first`,
`as_of` the newest snapshot's time; all four `null` with `unavailable` when the platform refused
(there is no reading to date, only the reason of the newest refusal). Pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from chalicelib.platforms import registry

# Contract section 7: metric names per platform and kind of item (the registry's pulls).
CONTENT_METRICS: Mapping[str, tuple[str, ...]] = {
    name: pull.content_metrics for name, pull in registry.pulls() if pull.content_metrics
}
ACCOUNT_METRICS: Mapping[str, tuple[str, ...]] = {
    name: pull.account_metrics for name, pull in registry.pulls() if pull.account_metrics
}
AVERAGED = frozenset({"popularity"})


@dataclass(frozen=True, slots=True)
class Reading:
    """One stored snapshot: a value, or why the platform gave none."""

    at: datetime
    value: float | None
    unavailable: str | None = None
    title: str | None = None  # the content's title, when the pull that took it gave one


@dataclass(frozen=True, slots=True)
class ItemCounter:
    """The earliest and latest snapshot of one item's metric in the window."""

    metric: str
    first: Reading
    last: Reading


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 4)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def aggregate(counters: Iterable[ItemCounter]) -> dict[str, dict[str, Any]]:
    by_metric: dict[str, list[ItemCounter]] = {}
    for counter in counters:
        by_metric.setdefault(counter.metric, []).append(counter)
    result: dict[str, dict[str, Any]] = {}
    for metric, items in sorted(by_metric.items()):
        usable = [c for c in items if c.first.value is not None and c.last.value is not None]
        if not usable:
            newest = max(items, key=lambda c: c.last.at)
            reason = newest.last.unavailable or newest.first.unavailable or "The platform gave no value."
            result[metric] = {
                "first": None,
                "last": None,
                "delta": None,
                "as_of": None,
                "unavailable": reason,
            }
            continue
        first = sum(float(c.first.value or 0) for c in usable)
        last = sum(float(c.last.value or 0) for c in usable)
        if metric in AVERAGED:
            first, last = first / len(usable), last / len(usable)
        result[metric] = {
            "first": _number(first),
            "last": _number(last),
            "delta": _number(last - first),
            "as_of": _iso(max(c.last.at for c in usable)),
        }
    return result
