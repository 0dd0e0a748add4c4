"""How a summary writes times. Pure.

JSON keeps each time's own offset (the campaign's, for the window's start and the series), with a zero
offset written `Z`; the CSV writes every time in UTC to the second, one format a spreadsheet can sort.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import overload


@overload
def iso(moment: datetime) -> str: ...


@overload
def iso(moment: None) -> None: ...


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 with the time's own offset; `Z` for a zero offset. None stays None."""
    if moment is None:
        return None
    if moment.utcoffset() == timedelta(0):
        return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return moment.isoformat()


def utc_seconds(moment: datetime) -> str:
    """`YYYY-MM-DDTHH:MM:SSZ`: UTC, to the second (a fraction is cut, never rounded up)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
