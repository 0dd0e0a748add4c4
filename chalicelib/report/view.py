"""A typed, read-only view of a summary.json mapping (contract sections 6 and 10) for the HTML page.

`read_summary` takes what the summary serialises to (a `dict` from `json.loads`, or a model's
`model_dump(mode="json")`) and reads every field once, defensively: a field of the wrong type or
missing reads as absent (None, empty), times become aware datetimes, numbers floats or ints, and a
URL survives only when it is http(s) with a host (`safe_url`). The templates then never check a type.

Fields that older summaries lack render as their absence: no `language` is English, no `comparison`
is no comparison section, an `engagement_rate` of the first shape (`denominator`, `denominator_value`,
`reason`) is read as well as section 10's (`units`, `followers`, `platforms`, `excluded`).

Pure: standard library only.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any, Literal, NamedTuple
from urllib.parse import urlsplit

from chalicelib.report.common import is_number, parse_time, platform_key, sorted_platforms, zone

Language = Literal["en", "fr"]
SEVERITIES = ("high", "medium", "low")

_SAFE_URL = re.compile(r"https?://[^\s\"'<>\\`\x00-\x1f\x7f]+", re.IGNORECASE)


def safe_url(value: object) -> str | None:
    """The URL when it is http(s) with a host and nothing that could break out of an attribute, else None."""
    if not isinstance(value, str) or not _SAFE_URL.fullmatch(value):
        return None
    try:
        host = urlsplit(value).hostname
    except ValueError:
        return None
    return value if host else None


@dataclass(frozen=True, slots=True)
class Counter:
    metric: str
    first: float | None
    last: float | None
    delta: float | None
    as_of: datetime | None
    unavailable: str | None  # the platform's refusal, when it refused


@dataclass(frozen=True, slots=True)
class Freshness:
    last_event_at: datetime | None
    last_pull_at: datetime | None
    last_error: str | None


@dataclass(frozen=True, slots=True)
class PlatformFigures:
    platform: str
    events: dict[str, float]  # kind -> net count, zeros left out
    counters: tuple[Counter, ...]  # by metric
    freshness: Freshness

    @property
    def total_events(self) -> float:
        return sum(self.events.values())


@dataclass(frozen=True, slots=True)
class Weights:
    version: str
    effective_from: str
    source: str
    kinds: dict[str, float]


class Excluded(NamedTuple):
    platform: str
    reason: str


@dataclass(frozen=True, slots=True)
class Rate:
    """Engagement units per follower over the same platforms (section 10), or why there is none."""

    value: float | None
    units: float | None  # the numerator: units on `platforms` only
    followers: float | None  # the denominator
    platforms: tuple[str, ...]  # where both are counted
    excluded: tuple[Excluded, ...]  # the others, with why
    denominator: str  # what the followers are called ("followers")
    reason: str | None  # why there is no value, when the summary says


@dataclass(frozen=True, slots=True)
class EventPoint:
    start: datetime
    events: dict[str, float]  # platform -> net events in the bucket


@dataclass(frozen=True, slots=True)
class CounterSeries:
    platform: str
    metric: str
    points: tuple[tuple[datetime, float], ...]  # in time order

    @property
    def whole(self) -> bool:
        """Every reading a whole number (popularity, an average, need not be)."""
        return not any(value % 1 for _, value in self.points)


@dataclass(frozen=True, slots=True)
class Series:
    hourly: bool
    points: tuple[EventPoint, ...]  # in time order
    counters: tuple[CounterSeries, ...]  # platforms in order, then metrics by name

    @property
    def has_events(self) -> bool:
        return any(count != 0 for point in self.points for count in point.events.values())

    @property
    def whole(self) -> bool:
        """Every count a whole number (the value axis then shows no fraction)."""
        return not any(count % 1 for point in self.points for count in point.events.values())


@dataclass(frozen=True, slots=True)
class ReleaseFigures:
    """A release's consumption over the window and its SNEP certification (contract section 12)."""

    upc: str
    title: str
    type: str
    release_date: str
    streams_premium: float | None
    streams_ad: float | None
    downloads: float | None
    physical_units: float | None
    equivalents: tuple[tuple[str, float | None], ...]  # (rule set id, units), by id
    unit: str  # album_units or stream_equivalents
    units: float | None
    level: str | None
    next_level: str | None
    next_units: float | None
    progress: float | None


@dataclass(frozen=True, slots=True)
class ConsumptionFigures:
    first_day: str
    last_day: str
    streams_premium: float | None
    streams_ad: float | None
    downloads: float | None
    physical_units: float | None
    releases: tuple[ReleaseFigures, ...]


@dataclass(frozen=True, slots=True)
class TopItem:
    rank: int
    platform: str
    content_id: str
    title: str | None
    url: str | None  # only an http(s) URL with a host
    events: float | None


@dataclass(frozen=True, slots=True)
class Shared:
    platform: str
    kind: str  # account or content
    id: str


@dataclass(frozen=True, slots=True)
class Collision:
    campaign_id: str
    name: str
    start: datetime | None
    end: datetime | None
    shared: tuple[Shared, ...]


@dataclass(frozen=True, slots=True)
class PushClash:
    push_id: str
    label: str
    campaign_id: str | None  # only when the reader may read the other campaign
    title: str | None
    at: datetime | None
    platforms: tuple[str, ...]
    hours_apart: float | None


@dataclass(frozen=True, slots=True)
class Attention:
    severity: str  # high, medium, low; anything else is shown as it is, after them
    code: str
    platform: str | None
    message: str


@dataclass(frozen=True, slots=True)
class Comparison:
    """The window of equal length just before this one (section 10)."""

    start: datetime | None
    end: datetime | None
    events: float | None
    units: float | None
    change_events: float | None  # percent against the previous figure, None when that was 0
    change_units: float | None
    platform_events: dict[str, float]  # platform -> net events in the previous window


@dataclass(frozen=True, slots=True)
class Tracked:
    platform: str
    kind: Literal["accounts", "content"]
    ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Campaign:
    campaign_id: str
    name: str
    label: str
    artist: str
    starts_at: datetime | None
    ends_at: datetime | None
    archived: bool
    tracked: tuple[Tracked, ...]


@dataclass(frozen=True, slots=True)
class ModerationRow:
    platform: str | None  # None: all platforms
    texts: float
    abusive: float
    share: float | None
    by_category: tuple[tuple[str, float], ...]  # most first


@dataclass(frozen=True, slots=True)
class WaveRow:
    platform: str
    started_at: datetime | None
    ended_at: datetime | None
    abusive: float
    by_category: tuple[tuple[str, float], ...]


@dataclass(frozen=True, slots=True)
class ModerationView:
    rows: tuple[ModerationRow, ...] = ()  # per platform, then all platforms
    waves: tuple[WaveRow, ...] = ()


@dataclass(frozen=True, slots=True)
class SummaryView:
    schema_version: str
    language: Language
    campaign: Campaign
    generated_at: datetime | None
    window_from: datetime | None
    window_to: datetime | None
    zone: tzinfo | None  # None: the zone is unknown here, times keep their own offsets
    zone_name: str
    platforms: tuple[PlatformFigures, ...]  # in the usual platform order
    total_events: float | None
    total_units: float | None
    weights: Weights
    rate: Rate
    series: Series
    top_content: tuple[TopItem, ...]
    collisions: tuple[Collision, ...]
    push_clashes: tuple[PushClash, ...]
    attention: tuple[Attention, ...]  # most severe first
    comparison: Comparison | None
    consumption: ConsumptionFigures | None = None  # None in summaries written before section 12
    moderation: ModerationView = ModerationView()


# -- reading ------------------------------------------------------------------------------------------


def _map(value: object) -> Mapping[str, Any]:
    if type(value) is dict:  # what json.loads and model_dump give: skip the slower ABC check
        return value
    return value if isinstance(value, Mapping) else {}


def _list(value: object) -> Sequence[Any]:
    return value if isinstance(value, list | tuple) else ()


def _text(value: object) -> str:
    """A string as it is; a number or a bool as JSON writes it; anything else (null) as ""."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if is_number(value):
        return str(value)
    return ""


def _optional_text(value: object) -> str | None:
    text = _text(value)
    return text or None


def _number(value: object) -> float | None:
    kind = type(value)
    if kind is int:  # not bool, whose type is bool
        return value  # type: ignore[return-value]
    if kind is float or is_number(value):
        return value if math.isfinite(value) else None  # type: ignore[arg-type,return-value]
    return None


def _counts(value: object) -> dict[str, float]:
    """name -> number, left out when not a finite number or zero."""
    found: dict[str, float] = {}
    for key, count in _map(value).items():
        number = _number(count)
        if number is not None and number != 0:
            found[str(key)] = number
    return found


def _language(value: object) -> Language:
    """`fr` or `en`; English when absent or anything else."""
    return "fr" if value == "fr" else "en"


def _campaign(data: Mapping[str, Any]) -> Campaign:
    tracked: list[Tracked] = []
    entries = _map(data.get("tracked"))
    for platform in sorted_platforms(str(key) for key in entries):
        entry = _map(entries.get(platform))
        for kind in ("accounts", "content"):
            ids = tuple(_text(value) for value in _list(entry.get(kind)) if _text(value))
            if ids:
                tracked.append(Tracked(platform, "accounts" if kind == "accounts" else "content", ids))
    return Campaign(
        campaign_id=_text(data.get("campaign_id")),
        name=_text(data.get("name")),
        label=_text(data.get("label")),
        artist=_text(data.get("artist")),
        starts_at=parse_time(data.get("starts_at")),
        ends_at=parse_time(data.get("ends_at")),
        archived=data.get("archived") is True,
        tracked=tuple(tracked),
    )


def _counter(metric: str, data: Mapping[str, Any]) -> Counter:
    unavailable = None
    if "unavailable" in data:
        unavailable = _text(data.get("unavailable")) or "no reason given"
    return Counter(
        metric=metric,
        first=_number(data.get("first")),
        last=_number(data.get("last")),
        delta=_number(data.get("delta")),
        as_of=parse_time(data.get("as_of")),
        unavailable=unavailable,
    )


def _platforms(data: Mapping[str, Any]) -> tuple[PlatformFigures, ...]:
    found = []
    for platform in sorted_platforms(str(key) for key in data):
        entry = _map(data.get(platform))
        counters = _map(entry.get("counters"))
        fresh = _map(entry.get("freshness"))
        found.append(
            PlatformFigures(
                platform=platform,
                events=_counts(entry.get("events")),
                counters=tuple(_counter(str(metric), _map(counters[metric])) for metric in sorted(counters)),
                freshness=Freshness(
                    last_event_at=parse_time(fresh.get("last_event_at")),
                    last_pull_at=parse_time(fresh.get("last_pull_at")),
                    last_error=_optional_text(fresh.get("last_error")),
                ),
            )
        )
    return tuple(found)


def _weights(data: Mapping[str, Any]) -> Weights:
    kinds = {
        str(kind): number
        for kind, weight in _map(data.get("kinds")).items()
        if (number := _number(weight)) is not None
    }
    return Weights(
        version=_text(data.get("version")),
        effective_from=_text(data.get("effective_from")),
        source=_text(data.get("source")),
        kinds=kinds,
    )


def _excluded(value: object) -> tuple[Excluded, ...]:
    """`[{platform, reason}]`, `{platform: reason}` or `[platform]`: whichever the summary holds."""
    if isinstance(value, Mapping):
        pairs = [(str(platform), _text(reason)) for platform, reason in value.items()]
    else:
        pairs = []
        for item in _list(value):
            if isinstance(item, Mapping):
                pairs.append((_text(item.get("platform")), _text(item.get("reason") or item.get("why"))))
            elif isinstance(item, str):
                pairs.append((item, ""))
    pairs = [(platform, reason) for platform, reason in pairs if platform]
    pairs.sort(key=lambda pair: platform_key(pair[0]))
    return tuple(Excluded(*pair) for pair in pairs)


def _rate(data: Mapping[str, Any], total_units: float | None) -> Rate:
    followers = _number(data.get("followers"))
    if followers is None:
        followers = _number(data.get("denominator_value"))
    units = _number(data.get("units"))
    if units is None and "units" not in data:  # the first shape: over every platform's units
        units = total_units
    denominator = data.get("denominator")
    return Rate(
        value=_number(data.get("value")),
        units=units,
        followers=followers,
        platforms=tuple(sorted_platforms(_text(p) for p in _list(data.get("platforms")) if _text(p))),
        excluded=_excluded(data.get("excluded")),
        denominator=denominator if isinstance(denominator, str) and denominator else "followers",
        reason=_optional_text(data.get("reason")),
    )


def _readings(points: Sequence[Any]) -> tuple[tuple[datetime, float], ...]:
    """(at, value) pairs in time order; a point without both is left out. A year of daily readings
    per metric is the largest part of a summary, hence one comprehension and no call per point."""
    pairs = [
        (at, value)
        for point in points
        if type(point) is dict
        and (at := parse_time(point.get("at"))) is not None
        and (value := _number(point.get("value"))) is not None
    ]
    pairs.sort(key=lambda pair: pair[0])
    return tuple(pairs)


def _series(data: Mapping[str, Any], typed_counters: Sequence[CounterSeries] | None) -> Series:
    points = [
        EventPoint(start, _counts(point.get("events")))
        for point in _list(data.get("points"))
        if type(point) is dict and (start := parse_time(point.get("start"))) is not None
    ]
    points.sort(key=lambda point: point.start)
    counters = (
        list(typed_counters)
        if typed_counters is not None
        else [
            CounterSeries(
                _text(_map(entry).get("platform")),
                _text(_map(entry).get("metric")),
                _readings(_list(_map(entry).get("points"))),
            )
            for entry in _list(data.get("counters"))
        ]
    )
    counters.sort(key=lambda series: (platform_key(series.platform), series.metric))
    return Series(
        hourly=data.get("granularity") == "hour",
        points=tuple(points),
        counters=tuple(counters),
    )


def _consumption(value: object) -> ConsumptionFigures | None:
    if not isinstance(value, Mapping):
        return None
    releases = []
    for raw in _list(value.get("releases")):
        release = _map(raw)
        certification = _map(release.get("certification"))
        releases.append(
            ReleaseFigures(
                upc=_text(release.get("upc")),
                title=_text(release.get("title")),
                type=_text(release.get("type")),
                release_date=_text(release.get("release_date")),
                streams_premium=_number(release.get("streams_premium")),
                streams_ad=_number(release.get("streams_ad")),
                downloads=_number(release.get("downloads")),
                physical_units=_number(release.get("physical_units")),
                equivalents=tuple(
                    (str(rule), _number(units))
                    for rule, units in sorted(_map(release.get("equivalents")).items())
                ),
                unit=_text(certification.get("unit")),
                units=_number(certification.get("units")),
                level=_optional_text(certification.get("level")),
                next_level=_optional_text(certification.get("next_level")),
                next_units=_number(certification.get("next_units")),
                progress=_number(certification.get("progress")),
            )
        )
    return ConsumptionFigures(
        first_day=_text(value.get("from")),
        last_day=_text(value.get("to")),
        streams_premium=_number(value.get("streams_premium")),
        streams_ad=_number(value.get("streams_ad")),
        downloads=_number(value.get("downloads")),
        physical_units=_number(value.get("physical_units")),
        releases=tuple(releases),
    )


def _top_content(items: Sequence[Any]) -> tuple[TopItem, ...]:
    found = []
    for rank, raw in enumerate(items, start=1):
        item = _map(raw)
        found.append(
            TopItem(
                rank=rank,
                platform=_text(item.get("platform")),
                content_id=_text(item.get("content_id")),
                title=_optional_text(item.get("title")),
                url=safe_url(item.get("url")),
                events=_number(item.get("events")),
            )
        )
    return tuple(found)


def _collisions(items: Sequence[Any]) -> tuple[tuple[Collision, ...], tuple[PushClash, ...]]:
    collisions, clashes = [], []
    for raw in items:
        item = _map(raw)
        if item.get("type") == "push_clash":
            clashes.append(
                PushClash(
                    push_id=_text(item.get("push_id")),
                    label=_text(item.get("label")),
                    campaign_id=_optional_text(item.get("campaign_id")),
                    title=_optional_text(item.get("title")),
                    at=parse_time(item.get("at")),
                    platforms=tuple(_text(p) for p in _list(item.get("platforms")) if _text(p)),
                    hours_apart=_number(item.get("hours_apart")),
                )
            )
            continue
        shared = tuple(
            Shared(_text(_map(s).get("platform")), _text(_map(s).get("type")), _text(_map(s).get("id")))
            for s in _list(item.get("shared"))
        )
        collisions.append(
            Collision(
                campaign_id=_text(item.get("campaign_id")),
                name=_text(item.get("name")),
                start=parse_time(item.get("from")),
                end=parse_time(item.get("to")),
                shared=shared,
            )
        )
    return tuple(collisions), tuple(clashes)


def _attention(items: Sequence[Any]) -> tuple[Attention, ...]:
    found = [
        Attention(
            severity=_text(_map(item).get("severity")),
            code=_text(_map(item).get("code")),
            platform=_optional_text(_map(item).get("platform")),
            message=_text(_map(item).get("message")),
        )
        for item in items
    ]

    def rank(item: Attention) -> int:
        return SEVERITIES.index(item.severity) if item.severity in SEVERITIES else len(SEVERITIES)

    return tuple(sorted(found, key=rank))  # stable: the summary's order within a severity


def _comparison(value: object) -> Comparison | None:
    if not isinstance(value, Mapping):
        return None
    window, totals, change = _map(value.get("window")), _map(value.get("totals")), _map(value.get("change"))
    platform_events = {
        str(platform): sum(_counts(_map(entry).get("events")).values())
        for platform, entry in _map(value.get("platforms")).items()
    }
    return Comparison(
        start=parse_time(window.get("from")),
        end=parse_time(window.get("to")),
        events=_number(totals.get("events")),
        units=_number(totals.get("engagement_units")),
        change_events=_number(change.get("events")),
        change_units=_number(change.get("engagement_units")),
        platform_events=platform_events,
    )


def _by_category(value: object) -> tuple[tuple[str, float], ...]:
    counts = _counts(value)
    return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _moderation_row(platform: str | None, data: Mapping[str, Any]) -> ModerationRow:
    return ModerationRow(
        platform,
        _number(data.get("texts")) or 0,
        _number(data.get("abusive")) or 0,
        _number(data.get("abusive_share")),
        _by_category(data.get("by_category")),
    )


def _moderation(value: object) -> ModerationView:
    data = _map(value)
    platforms = _map(data.get("platforms"))
    rows = [_moderation_row(name, _map(platforms[name])) for name in platforms]
    if rows:
        rows.append(_moderation_row(None, _map(data.get("overall"))))
    waves = tuple(
        WaveRow(
            _text(wave.get("platform")),
            parse_time(wave.get("started_at")),
            parse_time(wave.get("ended_at")),
            _number(wave.get("abusive")) or 0,
            _by_category(wave.get("by_category")),
        )
        for wave in map(_map, _list(data.get("waves")))
    )
    return ModerationView(tuple(rows), waves)


def read_summary(
    summary: Mapping[str, Any], *, counters: Sequence[CounterSeries] | None = None
) -> SummaryView:
    """The typed view of a summary.json mapping (see the module's docstring). `counters`, when given,
    are the counter series already typed (from the summary's model), and `series.counters` is not read."""
    campaign = _map(summary.get("campaign"))
    zone_name = _text(summary.get("timezone")) or _text(campaign.get("timezone"))
    totals = _map(summary.get("totals"))
    total_units = _number(totals.get("engagement_units"))
    collisions, clashes = _collisions(_list(summary.get("collisions")))
    return SummaryView(
        schema_version=_text(summary.get("schema_version")),
        language=_language(summary.get("language")),
        campaign=_campaign(campaign),
        generated_at=parse_time(summary.get("generated_at")),
        window_from=parse_time(_map(summary.get("window")).get("from")),
        window_to=parse_time(_map(summary.get("window")).get("to")),
        zone=zone(zone_name),
        zone_name=zone_name,
        platforms=_platforms(_map(summary.get("platforms"))),
        total_events=_number(totals.get("events")),
        total_units=total_units,
        weights=_weights(_map(summary.get("weights"))),
        rate=_rate(_map(summary.get("engagement_rate")), total_units),
        series=_series(_map(summary.get("series")), counters),
        top_content=_top_content(_list(summary.get("top_content"))),
        collisions=collisions,
        push_clashes=clashes,
        attention=_attention(_list(summary.get("attention"))),
        comparison=_comparison(summary.get("comparison")),
        consumption=_consumption(summary.get("consumption")),
        moderation=_moderation(summary.get("moderation")),
    )
