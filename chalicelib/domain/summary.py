"""A campaign's summary (summary.json, schema v1: chalicelib.models.summary), built from its tally.

Pure: the same stored events, snapshots and campaign give the same summary (invariant 4).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib.domain.rollups import Tally
from chalicelib.domain.times import iso
from chalicelib.domain.weights import WeightTable
from chalicelib.models.summary import SCHEMA_VERSION, Summary

__all__ = ["SCHEMA_VERSION", "Freshness", "SummaryInput", "build_summary", "iso", "window_end"]
HOURLY_UP_TO = timedelta(days=7)  # longer windows get daily points
TOP_CONTENT = 10


@dataclass(frozen=True, slots=True)
class Freshness:
    last_pull_at: datetime | None = None
    last_error: str | None = None


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


def window_end(starts_at: datetime, ends_at: datetime, generated_at: datetime) -> datetime:
    return max(starts_at, min(ends_at, generated_at))


def build_summary(data: SummaryInput) -> Summary:
    start = data.starts_at.astimezone(UTC)
    end = window_end(data.starts_at, data.ends_at, data.generated_at).astimezone(UTC)
    platforms = {name: _platform(name, data) for name in sorted(set(data.platforms) | _tallied(data.tally))}
    events = {name: section["events"] for name, section in platforms.items()}
    total_events = sum(sum(kinds.values()) for kinds in events.values())
    units = round(sum(data.weights.units(kinds) for kinds in events.values()), 4)
    return Summary.model_validate(
        {
            "schema_version": SCHEMA_VERSION,
            "campaign": dict(data.campaign),
            "generated_at": iso(data.generated_at.astimezone(UTC)),
            "window": {"from": iso(data.starts_at), "to": iso(end)},
            "timezone": data.timezone,
            "platforms": platforms,
            "totals": {"events": total_events, "engagement_units": units},
            "weights": data.weights.as_json(),
            "engagement_rate": _engagement_rate(units, data.counters),
            "series": _series(data, start, end),
            "top_content": _top_content(data.tally, data.campaign.get("tracked") or {}),
            "collisions": data.collisions,
            "attention": attention(data.collisions),
        }
    )


def attention(collisions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What a lead should look at, most severe first (contract section 10 grows it): for now each
    collision and each push clash, both of severity low, in the order `collisions` lists them."""
    items: list[dict[str, Any]] = []
    for found in collisions:
        if found.get("type") == "push_clash":
            platforms = list(found.get("platforms") or [])
            named = f" ({found['campaign_id']}: {found['title']})" if "campaign_id" in found else ""
            message = (
                f"Push {found['push_id']} clashes with a push of {found['label']}{named} on "
                f"{', '.join(platforms)}, {found['hours_apart']:g} h apart (at {found['at']})."
            )
            code = "push_clash"
        else:
            platforms = sorted({str(shared["platform"]) for shared in found.get("shared", [])})
            message = (
                f"Campaign {found['campaign_id']} ({found['name']}) tracks the same "
                f"{'items' if len(found.get('shared', [])) != 1 else 'item'} from {found['from']} to "
                f"{found['to']}: its figures count the same events."
            )
            code = "collision"
        item: dict[str, Any] = {"severity": "low", "code": code}
        if len(platforms) == 1:
            item["platform"] = platforms[0]
        item["message"] = message
        items.append(item)
    return items


def _tallied(tally: Tally) -> set[str]:
    return {platform for platform, _ in tally.events}


def _platform(name: str, data: SummaryInput) -> dict[str, Any]:
    kinds = {kind: count for (platform, kind), count in sorted(data.tally.events.items()) if platform == name}
    freshness = data.freshness.get(name, Freshness())
    return {
        "events": {kind: count for kind, count in kinds.items() if count != 0},
        "counters": {metric: dict(values) for metric, values in sorted(data.counters.get(name, {}).items())},
        "freshness": {
            "last_event_at": iso(data.tally.last_event_at.get(name)),
            "last_pull_at": iso(freshness.last_pull_at),
            "last_error": freshness.last_error,
        },
    }


def _engagement_rate(units: float, counters: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> dict[str, Any]:
    """Engagement units per follower of the tracked accounts (latest pulled counts)."""
    followers = [
        values["last"]
        for metrics in counters.values()
        for metric, values in metrics.items()
        if metric in {"followers", "fans"} and isinstance(values.get("last"), int | float)
    ]
    denominator = sum(followers)
    if not followers or denominator <= 0:
        return {
            "value": None,
            "numerator": "engagement_units",
            "denominator": "followers",
            "denominator_value": None,
            "reason": "No follower count of the tracked accounts has been pulled yet.",
        }
    return {
        "value": round(units / denominator, 6),
        "numerator": "engagement_units",
        "denominator": "followers",
        "denominator_value": denominator,
        "reason": None,
    }


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


def _series(data: SummaryInput, start: datetime, end: datetime) -> dict[str, Any]:
    zone = ZoneInfo(data.timezone)
    hourly = end - start <= HOURLY_UP_TO
    by_platform: dict[str, list[tuple[datetime, int]]] = {}
    for (platform, quarter), net in data.tally.quarters.items():
        by_platform.setdefault(platform, []).append((quarter, net))
    points = []
    for bucket_start, bucket_end in _buckets(start, end, zone, hourly):
        events = {
            platform: sum(net for quarter, net in quarters if bucket_start <= quarter < bucket_end)
            for platform, quarters in sorted(by_platform.items())
        }
        points.append({"start": iso(bucket_start.astimezone(zone)), "events": events})
    return {
        "granularity": "hour" if hourly else "day",
        "timezone": data.timezone,
        "points": points,
        "counters": data.counter_series,
    }


# Links made from an id alone, where the platform has such a link.
_CONTENT_URLS = {
    "youtube": "https://www.youtube.com/watch?v={}",
    "x": "https://x.com/i/web/status/{}",
    "facebook": "https://www.facebook.com/{}",
}
_ACCOUNT_URLS = {
    "youtube": "https://www.youtube.com/channel/{}",
    "x": "https://x.com/i/user/{}",
    "facebook": "https://www.facebook.com/{}",
}


def content_url(platform: str, content_id: str) -> str | None:
    """A link to the content on its platform, where its id alone makes one."""
    template = _CONTENT_URLS.get(platform)
    return None if template is None else template.format(content_id)


def account_url(platform: str, account_id: str) -> str | None:
    """A link to an account on its platform, where its id alone makes one."""
    template = _ACCOUNT_URLS.get(platform)
    return None if template is None else template.format(account_id)


def _top_content(tally: Tally, tracked: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The most engaged content. Account-level events (an X follow) stand on the account's id, so a
    tracked account that is not also tracked content links to the account, not to a post."""

    def url(platform: str, content_id: str) -> str | None:
        ids = tracked.get(platform) or {}
        if content_id in (ids.get("accounts") or ()) and content_id not in (ids.get("content") or ()):
            return account_url(platform, content_id)
        return content_url(platform, content_id)

    ranked = sorted(tally.by_content.items(), key=lambda item: (-item[1], item[0]))
    return [
        {"platform": platform, "content_id": content_id, "events": count, "url": url(platform, content_id)}
        for (platform, content_id), count in ranked[:TOP_CONTENT]
        if count > 0
    ]
