"""Pushes and their clashes (contract section 9). Pure.

Two pushes of different campaigns, of any labels, clash when they share a platform and are less than
the spacing (`PUSH_SPACING_HOURS`) apart. Archived campaigns' pushes clash with nothing.

The push index (chalicelib.adapters.push_index) keeps one entry per push and platform under the
push's UTC day, so that a clash check reads only the days within the spacing around each push:
`PUSH#<platform>#<YYYY-MM-DD>` / `<at, UTC, fixed width>#<campaign_id>#<push_id>`. Both parts are a
function of the push alone, so a retried write puts or deletes the same keys.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

from chalicelib.domain.campaign_views import CampaignOf

PUSH_PREFIX = "PUSH#"
# A key's time: always the same width, so that keys sort as their instants do.
_KEY_TIME = "%Y-%m-%dT%H:%M:%S.%fZ"


class PushView(Protocol):
    """What the clash rule reads of a push (chalicelib.models.campaign.PushBody)."""

    @property
    def push_id(self) -> str: ...

    @property
    def at(self) -> datetime: ...

    @property
    def platforms(self) -> Sequence[str]: ...

    @property
    def kind(self) -> str: ...

    @property
    def title(self) -> str: ...


class CampaignPushes(CampaignOf, Protocol):
    """What the clash rule reads of a campaign (chalicelib.models.campaign.Campaign)."""

    @property
    def archived(self) -> bool: ...

    @property
    def pushes(self) -> Sequence[PushView]: ...


@dataclass(frozen=True, slots=True)
class PushEntry:
    """One push as the index and the calendar see it: the push and the campaign it belongs to."""

    campaign_id: str
    label: str
    artist: str
    push_id: str
    at: datetime
    platforms: tuple[str, ...]
    kind: str
    title: str
    sequence: int = 0
    updated_at: datetime | None = None

    @property
    def identity(self) -> tuple[str, str]:
        return (self.campaign_id, self.push_id)


def entries_of(campaign: CampaignPushes) -> list[PushEntry]:
    """The campaign's pushes as entries; none for an archived campaign (it clashes with nothing)."""
    if campaign.archived:
        return []
    return [
        PushEntry(
            campaign_id=campaign.campaign_id,
            label=campaign.label,
            artist=campaign.artist,
            push_id=push.push_id,
            at=push.at,
            platforms=tuple(push.platforms),
            kind=push.kind,
            title=push.title,
            sequence=int(getattr(push, "sequence", 0) or 0),
            updated_at=getattr(push, "updated_at", None),
        )
        for push in campaign.pushes
    ]


# Index keys -----------------------------------------------------------------------------------------


def key_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(_KEY_TIME)


def day_partition(platform: str, day: date) -> str:
    return f"{PUSH_PREFIX}{platform}#{day.isoformat()}"


def index_keys(entry: PushEntry) -> list[tuple[str, str]]:
    """(pk, sk) of each of the entry's index items: one per platform, under its UTC day."""
    day = entry.at.astimezone(UTC).date()
    sort_key = f"{key_time(entry.at)}#{entry.campaign_id}#{entry.push_id}"
    return [(day_partition(platform, day), sort_key) for platform in entry.platforms]


@dataclass(frozen=True, slots=True)
class Range:
    """One index query: a partition and the sort keys of [start, end] in it."""

    partition: str
    start: datetime
    end: datetime


def ranges_around(entries: Iterable[PushEntry], spacing: timedelta) -> list[Range]:
    """The index queries that find every push within `spacing` of one of the entries, on one of its
    platforms: for each platform and UTC day the spacing reaches, the span of times it must cover
    (overlapping spans of one partition merged into one)."""
    spans: dict[str, list[tuple[datetime, datetime]]] = {}
    for entry in entries:
        at = entry.at.astimezone(UTC)
        low, high = at - spacing, at + spacing
        day = low.date()
        while day <= high.date():
            day_start = datetime(day.year, day.month, day.day, tzinfo=UTC)
            start, end = max(low, day_start), min(high, day_start + timedelta(days=1))
            for platform in entry.platforms:
                spans.setdefault(day_partition(platform, day), []).append((start, end))
            day += timedelta(days=1)
    ranges: list[Range] = []
    for partition in sorted(spans):
        merged: list[list[datetime]] = []
        for start, end in sorted(spans[partition]):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        ranges.extend(Range(partition, start, end) for start, end in merged)
    return ranges


# Clashes --------------------------------------------------------------------------------------------


def shared_platforms(one: PushEntry, other: PushEntry, spacing: timedelta) -> list[str]:
    """The platforms on which the two pushes clash: shared, of different campaigns, less than
    `spacing` apart (none otherwise), in the first push's order."""
    if one.campaign_id == other.campaign_id or abs(one.at - other.at) >= spacing:
        return []
    theirs = set(other.platforms)
    return [platform for platform in one.platforms if platform in theirs]


def hours_apart(one: datetime, other: datetime) -> float:
    return round(abs((one - other).total_seconds()) / 3600, 2)


def iso(moment: datetime) -> str:
    if moment.utcoffset() == timedelta(0):
        return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return moment.isoformat()


def clash_warning(mine: PushEntry, other: PushEntry, platforms: list[str], visible: bool) -> dict[str, Any]:
    """`{type, push_id, label, at, platforms, hours_apart[, campaign_id, title]}`: `push_id` is ours;
    the rest describes the other push; `platforms` those both use. The other push's campaign and
    title only when the reader may read that campaign."""
    warning: dict[str, Any] = {
        "type": "push_clash",
        "push_id": mine.push_id,
        "label": other.label,
        "at": iso(other.at),
        "platforms": platforms,
        "hours_apart": hours_apart(mine.at, other.at),
    }
    if visible:
        warning["campaign_id"] = other.campaign_id
        warning["title"] = other.title
    return warning


def clashes(
    mine: Sequence[PushEntry],
    others: Iterable[PushEntry],
    spacing: timedelta,
    visible: Callable[[str], bool],
) -> list[dict[str, Any]]:
    """Every clash of `mine` with `others` (entries of `mine`'s own campaign are skipped), ordered by
    our push's time, then the other's; `visible(label)` says whether the reader may read a label."""
    candidates = list({entry.identity: entry for entry in others}.values())
    found: list[tuple[datetime, str, datetime, str, str, dict[str, Any]]] = []
    for push in mine:
        for other in candidates:
            platforms = shared_platforms(push, other, spacing)
            if platforms:
                warning = clash_warning(push, other, platforms, visible(other.label))
                found.append((push.at, push.push_id, other.at, other.campaign_id, other.push_id, warning))
    return [item[-1] for item in sorted(found, key=lambda item: item[:-1])]


def spacing_of(hours: int) -> timedelta:
    return timedelta(hours=hours)


class ClashFinder:
    """Every push's clashes among many (a calendar, a publish run): per platform, the pushes sorted
    by time, so that each lookup reads only the pushes within the spacing (not every pair)."""

    def __init__(self, entries: Iterable[PushEntry], spacing: timedelta) -> None:
        self._spacing = spacing
        self._by_platform: dict[str, list[tuple[datetime, PushEntry]]] = {}
        for entry in {entry.identity: entry for entry in entries}.values():
            for platform in entry.platforms:
                self._by_platform.setdefault(platform, []).append((entry.at.astimezone(UTC), entry))
        for listed in self._by_platform.values():
            listed.sort(key=lambda item: (item[0], item[1].identity))
        self._times = {platform: [at for at, _ in listed] for platform, listed in self._by_platform.items()}

    def of(self, entry: PushEntry) -> list[tuple[PushEntry, list[str]]]:
        """The pushes `entry` clashes with, each with the platforms they share, by time."""
        from bisect import bisect_left, bisect_right

        at = entry.at.astimezone(UTC)
        near: dict[tuple[str, str], PushEntry] = {}
        for platform in entry.platforms:
            times = self._times.get(platform, [])
            low, high = bisect_left(times, at - self._spacing), bisect_right(times, at + self._spacing)
            for _, other in self._by_platform.get(platform, [])[low:high]:
                near.setdefault(other.identity, other)
        found = []
        for other in near.values():
            platforms = shared_platforms(entry, other, self._spacing)
            if platforms:
                found.append((other, platforms))
        return sorted(found, key=lambda item: (item[0].at, item[0].identity))

    def warnings(self, mine: Sequence[PushEntry], visible: Callable[[str], bool]) -> list[dict[str, Any]]:
        """`clashes(mine, ...)` through the sorted lists: the same warnings, in the same order."""
        found = [
            (push.at, push.push_id, other.at, other.campaign_id, other.push_id, platforms, push, other)
            for push in mine
            for other, platforms in self.of(push)
        ]
        found.sort(key=lambda item: item[:5])
        return [
            clash_warning(push, other, platforms, visible(other.label))
            for *_, platforms, push, other in found
        ]
