"""The talent radar's score (contract section 13), pure: no boto3, no Chalice.

Per artist, from its daily audience readings (one per platform and UTC day, the day's latest):

- audience `A(day)` = the sum over platforms of each platform's latest reading at or before `day`;
- size `s = log10(1 + A)`;
- `d` = the latest day with a reading; `d0` = the latest day with a reading at or before `d - 28`,
  else the earliest day with a reading when it is at least 21 days before `d`, else growth is null;
- growth `g = s(d) - s(d0)`, both audiences summed over the same platforms: those with a reading at or
  before `d0` (a platform first read after `d0` would look like growth; one that stopped answering is
  carried at its last reading, so it adds no growth and no fall);
- momentum `z` = the robust z-score of `g` within the label's watchlist: `(g - median) / (1.4826 x MAD)`,
  null with fewer than 5 artists with a growth, and null when the MAD is 0;
- band: `explosive` z >= 3, `rising` z >= 2, `growing` z >= 1, `declining` z <= -1, else `steady`;
  a null z has no band.

Every function takes readings already grouped per artist, reads each once, and is O(readings).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from chalicelib.platforms import registry

# The platforms whose public API gives any account's audience (the registry says which).
RADAR_PLATFORMS: tuple[str, ...] = tuple(name for name, _ in registry.watched())
LOOKBACK_DAYS = 28
MIN_HISTORY_DAYS = 21
MIN_ARTISTS = 5
MAD_SCALE = 1.4826  # makes the MAD of normally distributed values estimate their standard deviation

Band = Literal["explosive", "rising", "growing", "steady", "declining"]
BAND_ORDER: tuple[Band, ...] = ("explosive", "rising", "growing", "steady", "declining")


@dataclass(frozen=True, slots=True)
class Reading:
    """One platform's audience on one UTC day (the day's latest reading)."""

    platform: str
    day: date
    audience: int


@dataclass(frozen=True, slots=True)
class Growth:
    """What one artist's readings say, before the watchlist is compared: `growth` null when the
    history is too short (`reason` says why)."""

    day: date | None
    audience: int | None
    size: float | None
    growth: float | None
    d0: date | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Score:
    day: date | None
    audience: int | None
    size: float | None
    growth: float | None
    z: float | None
    band: Band | None
    reason: str | None = None  # why growth or z is null, for people (not part of the contract's shape)

    def public(self) -> dict[str, object]:
        return {
            "day": self.day.isoformat() if self.day else None,
            "audience": self.audience,
            "size": self.size,
            "growth": self.growth,
            "z": self.z,
            "band": self.band,
        }


def size_of(audience: int) -> float:
    return math.log10(1 + audience)


class _Timeline:
    """One artist's readings as per-platform day-sorted series; `at(day, platforms)` sums each
    platform's latest reading at or before `day`."""

    def __init__(self, readings: Iterable[Reading]) -> None:
        latest: dict[tuple[str, date], int] = {}
        for reading in readings:
            latest[(reading.platform, reading.day)] = reading.audience  # the store keeps one per day
        series: dict[str, list[tuple[date, int]]] = {}
        for (platform, day), audience in latest.items():
            series.setdefault(platform, []).append((day, audience))
        for points in series.values():
            points.sort()
        self.series = series
        self.days = sorted({day for _, day in latest})

    def first_day(self, platform: str) -> date:
        return self.series[platform][0][0]

    def value_at(self, platform: str, day: date) -> int | None:
        """The platform's latest reading at or before `day` (a backwards walk: days are near the end)."""
        points = self.series[platform]
        for index in range(len(points) - 1, -1, -1):
            if points[index][0] <= day:
                return points[index][1]
        return None

    def audience_at(self, day: date, platforms: Iterable[str]) -> int:
        return sum(value for p in platforms if (value := self.value_at(p, day)) is not None)


def _d0(days: Sequence[date], d: date) -> date | None:
    """The comparison day (see the module's rules), or None when the history is too short."""
    cutoff = d - timedelta(days=LOOKBACK_DAYS)
    candidates = [day for day in days if day <= cutoff]
    if candidates:
        return candidates[-1]
    earliest = days[0]
    return earliest if earliest <= d - timedelta(days=MIN_HISTORY_DAYS) else None


def growth_of(readings: Iterable[Reading]) -> Growth:
    """One artist's audience, size and growth at its latest day with a reading."""
    timeline = _Timeline(readings)
    if not timeline.days:
        return Growth(None, None, None, None, reason="no readings")
    d = timeline.days[-1]
    audience = timeline.audience_at(d, timeline.series)
    d0 = _d0(timeline.days, d)
    if d0 is None:
        reason = f"less than {MIN_HISTORY_DAYS} days of readings"
        return Growth(d, audience, size_of(audience), None, reason=reason)
    compared = [p for p in timeline.series if timeline.first_day(p) <= d0]
    growth = size_of(timeline.audience_at(d, compared)) - size_of(timeline.audience_at(d0, compared))
    return Growth(d, audience, size_of(audience), growth, d0=d0)


def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def robust_z(values: Mapping[str, float]) -> tuple[dict[str, float | None], str | None]:
    """Each value's robust z-score within the set: `(g - median) / (1.4826 x MAD)`; all null (with the
    reason) under 5 values or when the MAD is 0."""
    if len(values) < MIN_ARTISTS:
        return dict.fromkeys(values), f"fewer than {MIN_ARTISTS} artists with a growth"
    centre = median(list(values.values()))
    mad = median([abs(g - centre) for g in values.values()])
    if mad == 0:
        return dict.fromkeys(values), "the growths' median absolute deviation is 0"
    scale = MAD_SCALE * mad
    return {key: (g - centre) / scale for key, g in values.items()}, None


def band_of(z: float | None) -> Band | None:
    if z is None:
        return None
    if z >= 3:
        return "explosive"
    if z >= 2:
        return "rising"
    if z >= 1:
        return "growing"
    if z <= -1:
        return "declining"
    return "steady"


def score_watchlist(readings_by_artist: Mapping[str, Iterable[Reading]]) -> dict[str, Score]:
    """Every artist of one label's watchlist scored: growths first, then z within the list."""
    growths = {radar_id: growth_of(readings) for radar_id, readings in readings_by_artist.items()}
    return score_growths(growths)


def score_growths(growths: Mapping[str, Growth]) -> dict[str, Score]:
    known = {radar_id: g.growth for radar_id, g in growths.items() if g.growth is not None}
    zs, why_not = robust_z(known)
    scores: dict[str, Score] = {}
    for radar_id, g in growths.items():
        z = zs.get(radar_id)
        reason = g.reason if g.growth is None else (why_not if z is None else None)
        scores[radar_id] = Score(g.day, g.audience, g.size, g.growth, z, band_of(z), reason)
    return scores


def readings_until(readings: Iterable[Reading], day: date) -> list[Reading]:
    return [r for r in readings if r.day <= day]


def daily_audience(readings: Iterable[Reading], first: date, last: date) -> list[tuple[date, int | None]]:
    """A(day) for every day of [first, last] (None before the first reading): a sparkline's points."""
    timeline = _Timeline(readings)
    points: list[tuple[date, int | None]] = []
    # One forward pass per platform, so a long range stays linear.
    cursors = dict.fromkeys(timeline.series, 0)
    current: dict[str, int] = {}
    day = first
    while day <= last:
        for platform, points_of in timeline.series.items():
            index = cursors[platform]
            while index < len(points_of) and points_of[index][0] <= day:
                current[platform] = points_of[index][1]
                index += 1
            cursors[platform] = index
        points.append((day, sum(current.values()) if current else None))
        day += timedelta(days=1)
    return points


def ranked(scores: Mapping[str, Score]) -> list[str]:
    """Radar ids by z (highest first), then growth, then those without a z, by id for ties."""

    def key(radar_id: str) -> tuple[int, float, int, float, str]:
        score = scores[radar_id]
        return (
            score.z is None,
            -(score.z or 0.0),
            score.growth is None,
            -(score.growth or 0.0),
            radar_id,
        )

    return sorted(scores, key=key)
