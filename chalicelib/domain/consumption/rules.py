"""The charts' conversion rule sets (contract section 12), loaded from `data/rule_sets.json`.

A rule set applies to the days in [effective_from, effective_to]; a row counts by the rule set of its
own day, so a chart week across a change (Billboard, 2026-01-17) counts each day by its own rule. The
figures are exact fractions: the tests' hand-computed examples compare exactly, and rounding happens
once, where a figure is shown.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

ReleaseType = Literal["album", "ep", "single"]
Method = Literal["snep", "billboard", "occ", "riaa"]
FAMILIES = ("snep", "billboard", "occ", "riaa")


@dataclass(frozen=True, slots=True)
class Totals:
    """What rows add up to: streams by tier, downloads, physical units."""

    premium: int = 0
    ad: int = 0
    downloads: int = 0
    physical: int = 0

    def __add__(self, other: Totals) -> Totals:
        return Totals(
            self.premium + other.premium,
            self.ad + other.ad,
            self.downloads + other.downloads,
            self.physical + other.physical,
        )

    @property
    def streams(self) -> int:
        return self.premium + self.ad

    @property
    def sales(self) -> int:
        return self.downloads + self.physical


@dataclass(frozen=True, slots=True)
class ReleaseFigures:
    """A release's totals over some days: per track (ISRC) and for the release itself (rows that name
    the UPC alone: album downloads and physical units)."""

    release_type: ReleaseType
    tracks: Mapping[str, Totals] = field(default_factory=dict)
    release: Totals = Totals()

    @property
    def track_downloads(self) -> int:
        return sum(t.downloads + t.physical for t in self.tracks.values())


@dataclass(frozen=True, slots=True, eq=False)  # one object per rule set: hashed by identity
class RuleSet:
    id: str
    family: str
    chart: str
    effective_from: date
    effective_to: date | None
    source: str
    method: Method
    params: Mapping[str, Any]
    notes: str

    def applies_on(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)

    def unit(self, release_type: ReleaseType) -> str:
        if self.method == "snep" and release_type == "single":
            return "stream_equivalents"
        if self.method in ("occ", "riaa") and release_type == "single":
            return "single_units"
        return "album_units"

    def equivalents(self, figures: ReleaseFigures) -> Fraction:
        return _METHODS[self.method](self.params, figures)


def _snep(params: Mapping[str, Any], figures: ReleaseFigures) -> Fraction:
    divisor = params["ad_divisor"]

    def weighted(totals: Totals) -> Fraction:
        return totals.premium + (Fraction(totals.ad, divisor) if divisor else Fraction(0))

    streams = [weighted(t) for t in figures.tracks.values()]
    if figures.release_type == "single":
        downloads = figures.track_downloads + figures.release.sales
        return sum(streams, Fraction(0)) + int(params["download_streams"]) * downloads
    dominant = max(streams, default=Fraction(0)) * Fraction(str(params["dominant_share"]))
    album_streams = int(params["album_streams"])
    return (sum(streams, Fraction(0)) - dominant) / album_streams + figures.release.sales


def _billboard(params: Mapping[str, Any], figures: ReleaseFigures) -> Fraction:
    premium = sum(t.premium for t in figures.tracks.values())
    ad = sum(t.ad for t in figures.tracks.values())
    return (
        Fraction(premium, params["paid_streams"]) + Fraction(ad, params["ad_streams"]) + figures.release.sales
    )


def _occ(params: Mapping[str, Any], figures: ReleaseFigures) -> Fraction:
    premium_ratio, ad_ratio = params["premium_streams"], params["ad_streams"]
    if figures.release_type == "single":
        streams = sum(
            (Fraction(t.premium, premium_ratio) + Fraction(t.ad, ad_ratio) for t in figures.tracks.values()),
            Fraction(0),
        )
        return streams + figures.track_downloads + figures.release.sales
    # Each track's streams in premium terms (free streams at the singles' ratio), most streamed first.
    weighted = sorted(
        (t.premium + Fraction(t.ad * premium_ratio, ad_ratio) for t in figures.tracks.values()), reverse=True
    )[: params["album_tracks"]]
    capped, others = weighted[: params["capped_tracks"]], weighted[params["capped_tracks"] :]
    if others:
        mean = sum(others, Fraction(0)) / len(others)
        capped = [min(streams, mean) for streams in capped]
    return sum(capped + others, Fraction(0)) / int(params["album_streams"]) + figures.release.sales


def _riaa(params: Mapping[str, Any], figures: ReleaseFigures) -> Fraction:
    streams = sum(t.streams for t in figures.tracks.values())
    if figures.release_type == "single":
        return Fraction(streams, params["single_streams"]) + figures.track_downloads + figures.release.sales
    return Fraction(streams, params["album_streams"]) + figures.release.sales


_METHODS = {"snep": _snep, "billboard": _billboard, "occ": _occ, "riaa": _riaa}


def _rule_set(raw: Mapping[str, Any]) -> RuleSet:
    return RuleSet(
        id=raw["id"],
        family=raw["family"],
        chart=raw["chart"],
        effective_from=date.fromisoformat(raw["effective_from"]),
        effective_to=date.fromisoformat(raw["effective_to"]) if raw["effective_to"] else None,
        source=raw["source"],
        method=raw["method"],
        params=dict(raw["params"]),
        notes=raw["notes"],
    )


def parse_rule_sets(text: str) -> tuple[RuleSet, ...]:
    """Rule sets from their JSON; ValueError when two of a family overlap or a method is unknown."""
    rule_sets = tuple(_rule_set(raw) for raw in json.loads(text)["rule_sets"])
    for rule in rule_sets:
        if rule.method not in _METHODS:
            raise ValueError(f"{rule.id}: unknown method {rule.method}")
        if rule.effective_to is not None and rule.effective_to < rule.effective_from:
            raise ValueError(f"{rule.id}: effective_to is before effective_from")
    for family in {rule.family for rule in rule_sets}:
        ordered = sorted((r for r in rule_sets if r.family == family), key=lambda r: r.effective_from)
        for earlier, later in itertools.pairwise(ordered):
            if earlier.effective_to is None or earlier.effective_to >= later.effective_from:
                raise ValueError(f"{earlier.id} and {later.id} overlap")
    return rule_sets


@lru_cache(maxsize=1)
def rule_sets() -> tuple[RuleSet, ...]:
    """The shipped rule sets (read once per process, on first use)."""
    text = resources.files(__package__).joinpath("data/rule_sets.json").read_text("utf-8")
    return parse_rule_sets(text)


def rule_set(rule_id: str) -> RuleSet:
    for rule in rule_sets():
        if rule.id == rule_id:
            return rule
    raise KeyError(rule_id)


def applicable(day: date, among: Iterable[RuleSet] | None = None) -> list[RuleSet]:
    """The rule sets in force on `day`: at most one per family (none before a family's first)."""
    return [rule for rule in (rule_sets() if among is None else among) if rule.applies_on(day)]
