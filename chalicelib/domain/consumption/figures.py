"""A release's equivalents over a span of days, by the rule set of each day, and SNEP certification.

Input is aggregates, never rows: (day, isrc or None for the release itself, totals). Each day's totals
go to the rule set in force that day (one per family), then each rule set converts what it received.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from functools import lru_cache
from importlib import resources
from typing import Any

from chalicelib.domain.consumption.rules import ReleaseFigures, ReleaseType, RuleSet, Totals, applicable

DayTotals = tuple[date, str | None, Totals]


def figures_by_rule(
    release_type: ReleaseType, days: Iterable[DayTotals], among: Iterable[RuleSet] | None = None
) -> dict[RuleSet, ReleaseFigures]:
    """What each rule set in force on some of the days receives of the release's totals."""
    rules_of_day: dict[date, list[RuleSet]] = {}
    among = None if among is None else tuple(among)
    tracks: dict[RuleSet, dict[str, Totals]] = defaultdict(dict)
    release: dict[RuleSet, Totals] = defaultdict(Totals)
    for day, isrc, totals in days:
        if day not in rules_of_day:
            rules_of_day[day] = applicable(day, among)
        for rule in rules_of_day[day]:
            if isrc is None:
                release[rule] = release[rule] + totals
            else:
                tracks[rule][isrc] = tracks[rule].get(isrc, Totals()) + totals
    return {
        rule: ReleaseFigures(release_type, tracks.get(rule, {}), release.get(rule, Totals()))
        for rule in sorted(set(tracks) | set(release), key=lambda r: (r.family, r.effective_from))
    }


def equivalents(
    release_type: ReleaseType, days: Iterable[DayTotals], among: Iterable[RuleSet] | None = None
) -> dict[str, Fraction]:
    """Rule set id -> the release's equivalents by that rule set over the days it was in force."""
    return {rule.id: rule.equivalents(f) for rule, f in figures_by_rule(release_type, days, among).items()}


# SNEP certification -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Threshold:
    level: str
    name: str
    units: int


@dataclass(frozen=True, slots=True)
class Thresholds:
    source: str
    album: tuple[Threshold, ...]
    single: tuple[Threshold, ...]

    def table(self, release_type: ReleaseType) -> tuple[Threshold, ...]:
        return self.single if release_type == "single" else self.album


def parse_thresholds(text: str) -> Thresholds:
    raw = json.loads(text)

    def table(rows: list[Mapping[str, Any]]) -> tuple[Threshold, ...]:
        levels = tuple(Threshold(r["level"], r["name"], int(r["units"])) for r in rows)
        if [t.units for t in levels] != sorted({t.units for t in levels}):
            raise ValueError("thresholds must ascend")
        return levels

    return Thresholds(raw["source"], table(raw["album"]), table(raw["single"]))


@lru_cache(maxsize=1)
def snep_thresholds() -> Thresholds:
    text = resources.files(__package__).joinpath("data/snep_certifications.json").read_text("utf-8")
    return parse_thresholds(text)


@dataclass(frozen=True, slots=True)
class Certification:
    units: Fraction
    unit: str  # album_units or stream_equivalents
    level: str | None  # the highest level reached, None below the first
    next_level: str | None  # None once the highest is reached
    next_units: int | None
    progress: float  # share of the way to next_units (1.0 once the highest is reached)
    source: str


def certification(
    release_type: ReleaseType, units: Fraction, thresholds: Thresholds | None = None
) -> Certification:
    """The SNEP level `units` reach and the progress to the next level."""
    thresholds = thresholds or snep_thresholds()
    table = thresholds.table(release_type)
    reached = [t for t in table if units >= t.units]
    ahead = [t for t in table if units < t.units]
    following = ahead[0] if ahead else None
    return Certification(
        units=units,
        unit="stream_equivalents" if release_type == "single" else "album_units",
        level=reached[-1].level if reached else None,
        next_level=following.level if following else None,
        next_units=following.units if following else None,
        progress=float(min(units / following.units, Fraction(1))) if following else 1.0,
        source=thresholds.source,
    )
