"""The group calendar (contract section 9): campaigns' windows and pushes, clashes marked. Pure.

A calendar is drawn for some labels (the caller's, one of them, a feed's): their campaigns' windows
and their pushes in full. Every other label's push in the range is shown with its label, time,
platforms and kind only. Archived campaigns are left out (their pushes clash with nothing).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from chalicelib.domain.campaign_views import ScheduledCampaign
from chalicelib.domain.pushes import CampaignPushes, ClashFinder, PushEntry, entries_of, hours_apart, iso

MAX_RANGE = timedelta(days=400)


class CalendarCampaign(CampaignPushes, ScheduledCampaign, Protocol):
    @property
    def name(self) -> str: ...

    @property
    def updated_at(self) -> datetime: ...


@dataclass(frozen=True, slots=True)
class Window:
    campaign_id: str
    name: str
    label: str
    artist: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    updated_at: datetime

    def as_json(self) -> dict[str, Any]:
        return {
            "campaign_id": self.campaign_id,
            "name": self.name,
            "label": self.label,
            "artist": self.artist,
            "starts_at": iso(self.starts_at),
            "ends_at": iso(self.ends_at),
            "timezone": self.timezone,
        }


@dataclass(frozen=True, slots=True)
class Clash:
    """A clash of one push with another, as a reader of the first sees the second."""

    other: PushEntry
    platforms: list[str]
    hours_apart: float
    visible: bool  # whether the reader may read the other push's campaign

    def as_json(self, push_id: str) -> dict[str, Any]:
        warning: dict[str, Any] = {
            "type": "push_clash",
            "push_id": push_id,
            "label": self.other.label,
            "at": iso(self.other.at),
            "platforms": self.platforms,
            "hours_apart": self.hours_apart,
        }
        if self.visible:
            warning["campaign_id"] = self.other.campaign_id
            warning["title"] = self.other.title
        return warning

    def sentence(self) -> str:
        """`columbia-fr video on youtube, 5.5 h apart (2026-11-20T10:00:00Z)`, plus the other push's
        campaign and title when readable."""
        named = f": {self.other.campaign_id}, {self.other.title}" if self.visible else ""
        return (
            f"{self.other.label} {self.other.kind} on {', '.join(self.platforms)}, {self.hours_apart:g} h "
            f"apart ({iso(self.other.at)}){named}"
        )


@dataclass(frozen=True, slots=True)
class Calendar:
    """What a calendar shows: windows and pushes of its labels, others' pushes, and each push's clashes."""

    windows: list[Window]
    pushes: list[PushEntry]  # of the calendar's labels, by time
    others: list[PushEntry]  # of every other label, by time
    clashes: dict[tuple[str, str], list[Clash]]  # push identity -> its clashes

    def clashes_of(self, push: PushEntry) -> list[Clash]:
        return self.clashes.get(push.identity, [])


def build_calendar(
    campaigns: Iterable[CalendarCampaign],
    shown: Callable[[str], bool],
    readable: Callable[[str], bool],
    spacing: timedelta,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
) -> Calendar:
    """The calendar of the labels `shown` says, in [start, end) (everything when unbounded).
    `readable` says which labels' campaigns a clash may name."""
    live = [campaign for campaign in campaigns if not campaign.archived]
    everything = [entry for campaign in live for entry in entries_of(campaign)]
    finder = ClashFinder(everything, spacing)

    def in_range(moment: datetime) -> bool:
        return (start is None or moment >= start) and (end is None or moment < end)

    windows = sorted(
        (
            Window(c.campaign_id, c.name, c.label, c.artist, c.starts_at, c.ends_at, c.timezone, c.updated_at)
            for c in live
            if shown(c.label) and (end is None or c.starts_at < end) and (start is None or c.ends_at > start)
        ),
        key=lambda w: (w.starts_at, w.campaign_id),
    )
    ordered = sorted((e for e in everything if in_range(e.at)), key=lambda e: (e.at, e.identity))
    mine = [entry for entry in ordered if shown(entry.label)]
    others = [entry for entry in ordered if not shown(entry.label)]
    found: dict[tuple[str, str], list[Clash]] = {}
    for entry in ordered:
        clashing = finder.of(entry)
        if clashing:
            found[entry.identity] = [
                Clash(other, platforms, hours_apart(entry.at, other.at), readable(other.label))
                for other, platforms in clashing
            ]
    return Calendar(windows, mine, others, found)


def calendar_json(calendar: Calendar, start: datetime, end: datetime, spacing: timedelta) -> dict[str, Any]:
    """GET /calendar's answer."""
    pushes: list[tuple[datetime, tuple[str, str], dict[str, Any]]] = []
    for entry in calendar.pushes:
        clashes = calendar.clashes_of(entry)
        pushes.append(
            (
                entry.at,
                entry.identity,
                {
                    "label": entry.label,
                    "campaign_id": entry.campaign_id,
                    "artist": entry.artist,
                    "push_id": entry.push_id,
                    "at": iso(entry.at),
                    "platforms": list(entry.platforms),
                    "kind": entry.kind,
                    "title": entry.title,
                    "clash": bool(clashes),
                    "clashes": [clash.as_json(entry.push_id) for clash in clashes],
                },
            )
        )
    for entry in calendar.others:
        shown = {
            "label": entry.label,
            "at": iso(entry.at),
            "platforms": list(entry.platforms),
            "kind": entry.kind,
            "clash": bool(calendar.clashes_of(entry)),
        }
        pushes.append((entry.at, entry.identity, shown))
    pushes.sort(key=lambda item: (item[0], item[1]))
    return {
        "from": iso(start),
        "to": iso(end),
        "push_spacing_hours": round(spacing.total_seconds() / 3600, 2),
        "campaigns": [window.as_json() for window in calendar.windows],
        "pushes": [shown for *_, shown in pushes],
    }


def labels_of(campaigns: Sequence[CampaignPushes]) -> list[str]:
    """The labels of the campaigns that are not archived, sorted."""
    return sorted({campaign.label for campaign in campaigns if not campaign.archived})
