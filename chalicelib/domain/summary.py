"""A campaign's summary (summary.json, schema v1: chalicelib.models.summary), built from its tallies.

Pure: the same stored events, snapshots and campaign give the same summary (invariant 4).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction
from typing import Any, Literal
from zoneinfo import ZoneInfo

from chalicelib.domain import attention
from chalicelib.domain.consumption.figures import DayTotals, certification, equivalents
from chalicelib.domain.consumption.rules import ReleaseType, Totals, rule_set
from chalicelib.domain.counters import ACCOUNT_METRICS
from chalicelib.domain.events import PLATFORM_ORDER
from chalicelib.domain.freshness import Freshness
from chalicelib.domain.rollups import Tally, Title
from chalicelib.domain.times import iso
from chalicelib.domain.weights import WeightTable
from chalicelib.models.summary import (
    SCHEMA_VERSION,
    Attention,
    Comparison,
    Consumption,
    EngagementRate,
    PlatformSummary,
    Series,
    Summary,
    TopContent,
)
from chalicelib.platforms import registry

__all__ = [
    "SCHEMA_VERSION",
    "ConsumptionInput",
    "Freshness",
    "ReleaseDays",
    "SummaryInput",
    "build_summary",
    "iso",
    "language_of",
    "newest_titles",
    "previous_window",
    "window_end",
]

HOURLY_UP_TO = timedelta(days=7)  # longer windows get daily points
TOP_CONTENT = 10
FOLLOWER_METRICS = ("followers", "fans")  # a platform's audience, as its pull names it
Language = Literal["fr", "en"]


@dataclass(frozen=True, slots=True)
class ReleaseDays:
    """A release of the campaign's artist and its day totals (never rows) from its release date up to
    the window's last day: (day, ISRC or None for the release's own rows, totals)."""

    upc: str
    title: str
    type: ReleaseType
    release_date: date
    days: tuple[DayTotals, ...] = ()


@dataclass(frozen=True, slots=True)
class ConsumptionInput:
    releases: tuple[ReleaseDays, ...] = ()


@dataclass(frozen=True, slots=True)
class SummaryInput:
    campaign: Mapping[str, Any]  # the campaign's fields, JSON-ready
    platforms: tuple[str, ...]  # the platforms it tracks
    starts_at: datetime
    ends_at: datetime
    timezone: str
    generated_at: datetime
    tally: Tally
    weights: WeightTable
    collisions: list[dict[str, Any]] = field(default_factory=list)
    # platform -> metric -> {"first", "last", "delta", "as_of"[, "unavailable"]} (scheduled pulls)
    counters: Mapping[str, Mapping[str, Mapping[str, Any]]] = field(default_factory=dict)
    counter_series: list[dict[str, Any]] = field(default_factory=list)
    freshness: Mapping[str, Freshness] = field(default_factory=dict)
    # platform -> the newest good reading of the campaign's items there, in the window
    last_good_at: Mapping[str, datetime] = field(default_factory=dict)
    language: Language = "en"
    # The counts of the window of equal length before this one (`previous_window`).
    previous: Tally = field(default_factory=Tally)
    # (platform, content id) -> its title, where a delivery or a pull gave one
    titles: Mapping[tuple[str, str], str] = field(default_factory=dict)
    # The artist's releases and their day totals (contract section 12); none when nothing was read.
    consumption: ConsumptionInput = field(default_factory=ConsumptionInput)
    # Abuse waves of the campaign's artist or tracked accounts that overlap the window (contract
    # section 11): {wave_id, platform, subject, started_at, ended_at, abusive, by_category}
    waves: Sequence[Mapping[str, Any]] = ()


def language_of(
    campaign_language: str | None, artist: str, label: str, artists: Mapping[tuple[str, str], str]
) -> Language:
    """The summary's language: the campaign's own, else that of its registered artist (the campaign's
    `artist` being the `artist_id` of an artist of its label, in `artists`: (label, artist_id) ->
    language), else English."""
    for language in (campaign_language, artists.get((label, artist))):
        if language == "fr":
            return "fr"
        if language == "en":
            return "en"
    return "en"


def newest_titles(*sources: Mapping[tuple[str, str], Title]) -> dict[tuple[str, str], str]:
    """Each content's newest title among those the deliveries (through rollups) and the pulls gave:
    a title can change, and the newest is the one the platform shows now."""
    newest: dict[tuple[str, str], Title] = {}
    for source in sources:
        for key, title in source.items():
            known = newest.get(key)
            if known is None or (title.at, title.text) > (known.at, known.text):
                newest[key] = title
    return {key: title.text for key, title in sorted(newest.items())}


def window_end(starts_at: datetime, ends_at: datetime, generated_at: datetime) -> datetime:
    return max(starts_at, min(ends_at, generated_at))


def previous_window(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    """The window of equal length just before [start, end): equal in elapsed time, so that a window
    across a DST change is compared with as many hours (a 25-hour Sunday with 25 hours)."""
    return start - (end - start), start


def build_summary(data: SummaryInput) -> Summary:
    start = data.starts_at.astimezone(UTC)
    end = window_end(data.starts_at, data.ends_at, data.generated_at).astimezone(UTC)
    zone = ZoneInfo(data.timezone)
    names = sorted(set(data.platforms) | _tallied(data.tally))
    platforms = {name: _platform(name, data) for name in names}
    events = {name: section.events for name, section in platforms.items()}
    total_events = sum(sum(kinds.values()) for kinds in events.values())
    units = round(sum(data.weights.units(dict(kinds)) for kinds in events.values()), 4)
    return Summary.model_validate(
        {
            "schema_version": SCHEMA_VERSION,
            "campaign": data.campaign,
            "generated_at": data.generated_at.astimezone(UTC),
            "window": {"from": data.starts_at, "to": end},
            "timezone": data.timezone,
            "language": data.language,
            "platforms": platforms,
            "totals": {"events": total_events, "engagement_units": units},
            "comparison": _comparison(data, names, start, end, events=total_events, units=units),
            "weights": data.weights.as_json(),
            "engagement_rate": _engagement_rate(data, events, names),
            "series": _series(data, start, end, zone),
            "top_content": _top_content(data.tally, data.campaign.get("tracked") or {}, data.titles),
            "collisions": data.collisions,
            "attention": _attention(data, start, end, zone),
            "consumption": consumption_section(data.consumption, *window_days(start, end, zone)),
            "moderation": _moderation(data),
        }
    )


# Consumption (contract section 12) --------------------------------------------------------------------


def window_days(start: datetime, end: datetime, zone: ZoneInfo) -> tuple[date, date]:
    """The days the window [start, end) touches in the campaign's timezone: reports are by day."""
    first = start.astimezone(zone).date()
    last = max(first, (end - timedelta(microseconds=1)).astimezone(zone).date())
    return first, last


def consumption_section(given: ConsumptionInput, first: date, last: date) -> Consumption:
    """Each release's totals and equivalents over [first, last] (each day by its own rule sets), and its
    SNEP certification on everything since its release up to `last`."""
    releases = []
    overall = Totals()
    for release in given.releases:
        window = [day for day in release.days if first <= day[0] <= last]
        totals = sum((t for _, _, t in window), Totals())
        overall = overall + totals
        snep_units = sum(
            (
                units
                for rule_id, units in equivalents(
                    release.type, (d for d in release.days if d[0] <= last)
                ).items()
                if rule_set(rule_id).family == "snep"
            ),
            start=Fraction(0),
        )
        reached = certification(release.type, snep_units)
        releases.append(
            {
                "upc": release.upc,
                "title": release.title,
                "type": release.type,
                "release_date": release.release_date.isoformat(),
                **_figures(totals),
                "equivalents": {
                    rule_id: round(float(units), 3)
                    for rule_id, units in equivalents(release.type, window).items()
                },
                "certification": {
                    "scheme": "snep",
                    "unit": reached.unit,
                    "units": round(float(reached.units), 3),
                    "level": reached.level,
                    "next_level": reached.next_level,
                    "next_units": reached.next_units,
                    "progress": round(reached.progress, 4),
                    "source": reached.source,
                },
            }
        )
    return Consumption.model_validate(
        {"from": first.isoformat(), "to": last.isoformat(), **_figures(overall), "releases": releases}
    )


def _figures(totals: Totals) -> dict[str, int]:
    return {
        "streams_premium": totals.premium,
        "streams_ad": totals.ad,
        "downloads": totals.downloads,
        "physical_units": totals.physical,
    }


def _moderation(data: SummaryInput) -> dict[str, Any]:
    """Per platform and overall `{texts, abusive, by_category, abusive_share}`, and the waves: counts
    only, never a text (contract section 11)."""
    overall: dict[str, Any] = {"texts": 0, "abusive": 0, "by_category": {}}
    platforms: dict[str, Any] = {}
    for platform in sorted(data.tally.moderation, key=_platform_rank):
        counted = data.tally.moderation[platform]
        platforms[platform] = _moderation_figures(counted.texts, counted.abusive, counted.by_category)
        overall["texts"] += counted.texts
        overall["abusive"] += counted.abusive
        for category, n in counted.by_category.items():
            overall["by_category"][category] = overall["by_category"].get(category, 0) + n
    waves = [
        {**wave, "live": wave.get("ended_at") is None}
        for wave in sorted(data.waves, key=lambda w: (w["started_at"], w["platform"], w["wave_id"]))
    ]
    return {
        "platforms": platforms,
        "overall": _moderation_figures(overall["texts"], overall["abusive"], overall["by_category"]),
        "waves": waves,
    }


def _moderation_figures(texts: int, abusive: int, by_category: Mapping[str, int]) -> dict[str, Any]:
    return {
        "texts": texts,
        "abusive": abusive,
        "by_category": dict(sorted(by_category.items())),
        "abusive_share": round(abusive / texts, 4) if texts else None,
    }


def _platform_rank(platform: str) -> tuple[int, str]:
    if platform in PLATFORM_ORDER:
        return (PLATFORM_ORDER.index(platform), "")
    return (len(PLATFORM_ORDER), platform)


def _tallied(tally: Tally) -> set[str]:
    return {platform for platform, _ in tally.events}


def _net_events(tally: Tally, platform: str) -> dict[str, int]:
    return {kind: n for (name, kind), n in sorted(tally.events.items()) if name == platform and n != 0}


def _platform(name: str, data: SummaryInput) -> PlatformSummary:
    freshness = data.freshness.get(name, Freshness())
    return PlatformSummary.model_validate(
        {
            "events": _net_events(data.tally, name),
            "counters": {
                metric: dict(values) for metric, values in sorted(data.counters.get(name, {}).items())
            },
            "freshness": {
                "last_event_at": data.tally.last_event_at.get(name),
                "last_pull_at": freshness.last_pull_at,
                "last_error": freshness.last_error,
            },
        }
    )


# The comparison with the previous window --------------------------------------------------------------


def _comparison(
    data: SummaryInput, names: list[str], start: datetime, end: datetime, *, events: int, units: float
) -> Comparison:
    """The previous window's net events per platform and kind, its totals, and the percent change of
    this window's totals against them (null when the previous figure is 0)."""
    previous_start, previous_end = previous_window(start, end)
    zone = ZoneInfo(data.timezone)
    per_platform = {
        name: _net_events(data.previous, name) for name in sorted(set(names) | _tallied(data.previous))
    }
    previous_events = sum(sum(kinds.values()) for kinds in per_platform.values())
    previous_units = round(sum(data.weights.units(kinds) for kinds in per_platform.values()), 4)
    return Comparison.model_validate(
        {
            # In the campaign's time zone, as a lead reads it.
            "window": {"from": previous_start.astimezone(zone), "to": previous_end.astimezone(zone)},
            "platforms": {name: {"events": kinds} for name, kinds in per_platform.items()},
            "totals": {"events": previous_events, "engagement_units": previous_units},
            "change": {
                "events": percent_change(events, previous_events),
                "engagement_units": percent_change(units, previous_units),
            },
        }
    )


def percent_change(current: float, previous: float) -> float | None:
    """(current - previous) / |previous| in percent, to one decimal; None when previous is 0 (a
    negative previous, net counts can be, still gives the direction of the change)."""
    if previous == 0:
        return None
    change = round((current - previous) / abs(previous) * 100, 1)
    return change + 0.0  # never -0.0


# The engagement rate ------------------------------------------------------------------------------------


def _engagement_rate(
    data: SummaryInput, events: Mapping[str, Mapping[str, int]], names: list[str]
) -> EngagementRate:
    """Engagement units per follower, numerator and denominator over the same platforms: those whose
    follower count (`followers`, or Deezer's `fans`) is known; the others excluded, with why."""
    included: list[str] = []
    excluded: list[dict[str, str]] = []
    followers: float = 0
    for name in names:
        count, why = _follower_count(name, data)
        if count is None:
            excluded.append({"platform": name, "reason": why})
            continue
        included.append(name)
        followers += count
    units = round(sum(data.weights.units(dict(events.get(name, {}))) for name in included), 4)
    followers = int(followers) if float(followers).is_integer() else round(followers, 4)
    value = round(units / followers, 6) if followers > 0 else None
    if value is not None:
        reason = None
    elif not included:
        reason = "No follower count of the tracked accounts has been pulled yet."
    else:
        reason = "The tracked accounts have no followers."
    return EngagementRate.model_validate(
        {
            "value": value,
            "units": units,
            "followers": followers,
            "platforms": included,
            "excluded": excluded,
            "numerator": "engagement_units",
            "denominator": "followers",
            "denominator_value": followers if value is not None else None,
            "reason": reason,
        }
    )


def _follower_count(name: str, data: SummaryInput) -> tuple[float | None, str]:
    """The platform's latest follower count in the window, or None and why there is none."""
    counters = data.counters.get(name, {})
    for metric in FOLLOWER_METRICS:
        values = counters.get(metric)
        if values is None:
            continue
        last = values.get("last")
        if isinstance(last, int | float) and not isinstance(last, bool):
            return float(last), ""
        return None, f"Its follower count is unavailable: {values.get('unavailable') or 'no value was given'}"
    if not any(metric in FOLLOWER_METRICS for metric in ACCOUNT_METRICS.get(name, ())):
        return None, "It has no follower count (its events come by webhook only)."
    tracked = (data.campaign.get("tracked") or {}).get(name) or {}
    if not tracked.get("accounts"):
        return None, "The campaign tracks none of its accounts, whose followers would be counted."
    return None, "No follower count of its tracked accounts has been pulled in the window yet."


# The series ---------------------------------------------------------------------------------------------


def _buckets(
    start: datetime, end: datetime, zone: ZoneInfo, hourly: bool
) -> Iterator[tuple[datetime, datetime]]:
    """Local hours or local days covering [start, end), as UTC ranges (DST-aware)."""
    local = start.astimezone(zone)
    if hourly:
        # The local hour's start: on :30 and :45 offsets that is not on a UTC hour.
        bucket = local.replace(minute=0, second=0, microsecond=0).astimezone(UTC)
        while bucket < end:
            yield bucket, bucket + timedelta(hours=1)
            bucket += timedelta(hours=1)
        return
    day = local.date()
    while True:
        bucket = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
        following = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
        if bucket >= end:
            return
        yield bucket, following
        day += timedelta(days=1)


def _per_bucket(
    tally: Tally, start: datetime, end: datetime, zone: ZoneInfo, hourly: bool
) -> list[tuple[datetime, dict[str, int]]]:
    """Net events per platform in each local hour or day of [start, end): every platform with
    events in the window appears in every bucket (0 when quiet). Each quarter is placed by bisection,
    so a year of hours costs no more than its quarters."""
    buckets = list(_buckets(start, end, zone, hourly))
    starts = [bucket_start for bucket_start, _ in buckets]
    platforms = sorted({platform for platform, _ in tally.quarters})
    sums = [dict.fromkeys(platforms, 0) for _ in buckets]
    for (platform, quarter), net in tally.quarters.items():
        index = bisect_right(starts, quarter) - 1
        if index >= 0 and quarter < buckets[index][1]:
            sums[index][platform] += net
    return list(zip(starts, sums, strict=True))


def _series(data: SummaryInput, start: datetime, end: datetime, zone: ZoneInfo) -> Series:
    hourly = end - start <= HOURLY_UP_TO
    points = [
        {"start": bucket_start.astimezone(zone), "events": events}
        for bucket_start, events in _per_bucket(data.tally, start, end, zone, hourly)
    ]
    return Series.model_validate(
        {
            "granularity": "hour" if hourly else "day",
            "timezone": data.timezone,
            "points": points,
            "counters": data.counter_series,
        }
    )


# Top content ----------------------------------------------------------------------------------------------

# Links made from an id alone, where the platform has such a link (the registry's).
_CONTENT_URLS = {name: t.content_url for name, t in registry.tracked() if t.content_url}
_ACCOUNT_URLS = {name: t.account_url for name, t in registry.tracked() if t.account_url}


def content_url(platform: str, content_id: str) -> str | None:
    """A link to the content on its platform, where its id alone makes one."""
    template = _CONTENT_URLS.get(platform)
    return None if template is None else template.format(content_id)


def account_url(platform: str, account_id: str) -> str | None:
    """A link to an account on its platform, where its id alone makes one."""
    template = _ACCOUNT_URLS.get(platform)
    return None if template is None else template.format(account_id)


def _top_content(
    tally: Tally, tracked: Mapping[str, Any], titles: Mapping[tuple[str, str], str]
) -> list[TopContent]:
    """The most engaged content. Account-level events (an X follow) stand on the account's id, so a
    tracked account that is not also tracked content links to the account, not to a post."""

    def url(platform: str, content_id: str) -> str | None:
        ids = tracked.get(platform) or {}
        if content_id in (ids.get("accounts") or ()) and content_id not in (ids.get("content") or ()):
            return account_url(platform, content_id)
        return content_url(platform, content_id)

    ranked = sorted(tally.by_content.items(), key=lambda item: (-item[1], item[0]))
    return [
        TopContent(
            platform=platform,
            content_id=content_id,
            events=count,
            url=url(platform, content_id),
            title=titles.get((platform, content_id)),
        )
        for (platform, content_id), count in ranked[:TOP_CONTENT]
        if count > 0
    ]


# Attention -----------------------------------------------------------------------------------------------


def _attention(data: SummaryInput, start: datetime, end: datetime, zone: ZoneInfo) -> list[Attention]:
    """Most severe first (chalicelib.domain.attention): what the pulls say of each platform, spikes
    in the window's hours, then the collisions and push clashes."""
    health = {
        name: attention.PlatformHealth(
            error=shown.last_error,
            error_kind=shown.error_kind,
            last_good_at=data.last_good_at.get(name),
            last_event_at=data.tally.last_event_at.get(name),
        )
        for name, shown in data.freshness.items()
    }
    hours = [
        attention.Hour(bucket_start, events)
        for bucket_start, events in _per_bucket(data.tally, start, end, zone, hourly=True)
    ]
    items = [
        *attention.pull_items(health, data.language),
        *attention.stale_items(health, start, end, zone, data.language),
        *attention.spike_items(hours, zone, data.language),
        *attention.collision_items(data.collisions, data.language),
        *attention.wave_items(
            [{**wave, "live": wave.get("ended_at") is None} for wave in data.waves], zone, data.language
        ),
    ]
    return [Attention.model_validate(item.as_json()) for item in attention.most_severe_first(items)]
