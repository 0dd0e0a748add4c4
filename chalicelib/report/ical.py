"""calendar.ics: a feed's calendar as iCalendar (RFC 5545), built with the `icalendar` package.

One VEVENT per push of the feed's labels: a stable UID (`push-<campaign_id>-<push_id>@...`), DTSTAMP
and LAST-MODIFIED the push's last change, SEQUENCE its count of changes, SUMMARY its artist, kind and
title, DESCRIPTION its campaign, platforms and every clash (another label's push named by its label,
kind, platforms and time only). One all-day VEVENT per campaign window (`window-<campaign_id>@...`),
DTEND the day after the window's last day in the campaign's time zone. No METHOD: calendar
applications subscribe to it. The same stored data give the same bytes, so an ETag can stand for
them. icalendar folds lines at 75 octets and escapes text as RFC 5545 says.

`icalendar` is imported when a feed is rendered, never at import: no other route pays for it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from chalicelib.domain.calendar import Calendar, Window
from chalicelib.domain.pushes import PushEntry

PRODID = "-//engagement-tracker//group calendar//EN"
UID_DOMAIN = "engagement-tracker"


def push_uid(entry: PushEntry) -> str:
    return f"push-{entry.campaign_id}-{entry.push_id}@{UID_DOMAIN}"


def window_uid(window: Window) -> str:
    return f"window-{window.campaign_id}@{UID_DOMAIN}"


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(microsecond=0)


def _last_day(window: Window) -> tuple[date, date]:
    """The window's first day and the day after its last, in the campaign's time zone."""
    zone = ZoneInfo(window.timezone)
    first = window.starts_at.astimezone(zone).date()
    last = (window.ends_at.astimezone(zone) - timedelta(microseconds=1)).date()
    return first, last + timedelta(days=1)


def render_ics(name: str, calendar: Calendar) -> bytes:
    from icalendar import Calendar as ICalendar
    from icalendar import Event

    ics = ICalendar()
    ics.add("prodid", PRODID)
    ics.add("version", "2.0")
    ics.add("calscale", "GREGORIAN")
    ics.add("x-wr-calname", name)
    for entry in calendar.pushes:
        event = Event()
        event.add("uid", push_uid(entry))
        stamp = _utc(entry.updated_at or entry.at)
        event.add("dtstamp", stamp)
        event.add("last-modified", stamp)
        event.add("sequence", entry.sequence)
        event.add("dtstart", _utc(entry.at))
        event.add("summary", f"{entry.artist} \u00b7 {entry.kind}: {entry.title}")
        lines = [
            f"Campaign: {entry.campaign_id} ({entry.label})",
            f"Platforms: {', '.join(entry.platforms)}",
        ]
        clashes = calendar.clashes_of(entry)
        if clashes:
            lines.append(f"Clashes ({len(clashes)}):")
            lines.extend(f"- {clash.sentence()}" for clash in clashes)
        event.add("description", "\n".join(lines))
        event.add("categories", [entry.kind])
        ics.add_component(event)
    for window in calendar.windows:
        first, after_last = _last_day(window)
        event = Event()
        event.add("uid", window_uid(window))
        event.add("dtstamp", _utc(window.updated_at))
        event.add("last-modified", _utc(window.updated_at))
        event.add("dtstart", first)
        event.add("dtend", after_last)
        event.add("summary", f"{window.artist} \u00b7 campaign: {window.name}")
        event.add(
            "description",
            f"Campaign {window.campaign_id} ({window.label}), from {window.starts_at.isoformat()} "
            f"to {window.ends_at.isoformat()} ({window.timezone}).",
        )
        event.add("transp", "TRANSPARENT")
        ics.add_component(event)
    body: bytes = ics.to_ical()
    return body
