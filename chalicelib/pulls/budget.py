"""A daily allowance of units that a pull must not overspend. Pure.

YouTube's Data API gives 10,000 units a day, reset at midnight Pacific time (`America/Los_Angeles`,
so the day follows daylight saving), and a videos or channels page costs 1 unit. X's pay-per-use API
bills every post read; its budget here is a number of reads per UTC day that the label chose. Both stop
`reserve` units short of the limit, so a manual check or a retry the next hour still has room.

The state (which day, how many units used) is a plain dict, so a job can store it between runs;
the limit, reserve and timezone are configuration, given again when the state is loaded.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from zoneinfo import ZoneInfo

YOUTUBE_DAILY_UNITS = 10_000
YOUTUBE_TIMEZONE = "America/Los_Angeles"
YOUTUBE_RESERVE = 500


class UnitBudget:
    """Units spent per day in one timezone, against `daily_limit - reserve`."""

    def __init__(
        self,
        daily_limit: int,
        *,
        reserve: int = 0,
        timezone: str = "UTC",
        state: Mapping[str, object] | None = None,
    ) -> None:
        if daily_limit < 0 or not 0 <= reserve <= daily_limit:
            raise ValueError("a budget needs 0 <= reserve <= daily_limit")
        self.daily_limit = daily_limit
        self.reserve = reserve
        self.timezone = ZoneInfo(timezone)
        self._day: date | None = None
        self._used = 0
        if state is not None:
            self._load(state)

    @classmethod
    def youtube(
        cls,
        *,
        reserve: int = YOUTUBE_RESERVE,
        daily_limit: int = YOUTUBE_DAILY_UNITS,
        state: Mapping[str, object] | None = None,
    ) -> UnitBudget:
        """YouTube Data API units: 10,000 a day by default, the day ending at midnight Pacific."""
        return cls(daily_limit, reserve=reserve, timezone=YOUTUBE_TIMEZONE, state=state)

    @classmethod
    def x_reads(
        cls, daily_limit: int, *, reserve: int = 0, state: Mapping[str, object] | None = None
    ) -> UnitBudget:
        """X reads (posts, users) per UTC day, the label's own cap on what it pays."""
        return cls(daily_limit, reserve=reserve, timezone="UTC", state=state)

    @classmethod
    def from_state(
        cls,
        state: Mapping[str, object],
        daily_limit: int,
        *,
        reserve: int = 0,
        timezone: str = "UTC",
    ) -> UnitBudget:
        return cls(daily_limit, reserve=reserve, timezone=timezone, state=state)

    # --- spending -------------------------------------------------------------------------------------

    def day_of(self, now: datetime) -> date:
        """The budget day `now` falls in (its date in the budget's timezone)."""
        if now.tzinfo is None:
            raise ValueError("budget times must be timezone-aware")
        return now.astimezone(self.timezone).date()

    def used(self, now: datetime) -> int:
        return self._used if self._day == self.day_of(now) else 0

    def available(self, now: datetime) -> int:
        """Units that may still be spent today before reaching the reserve."""
        return max(0, self.daily_limit - self.reserve - self.used(now))

    def can_spend(self, units: int, now: datetime) -> bool:
        return 0 <= units <= self.available(now)

    def spend(self, units: int, now: datetime) -> None:
        """Record units the platform charged. Always recorded, even past the limit: they were spent."""
        if units < 0:
            raise ValueError("units spent cannot be negative")
        self._roll(now)
        self._used += units

    def exhaust(self, now: datetime) -> None:
        """The platform says today's allowance is gone (YouTube's `quotaExceeded`): spend the rest."""
        self._roll(now)
        self._used = max(self._used, self.daily_limit)

    def _roll(self, now: datetime) -> None:
        today = self.day_of(now)
        if self._day != today:
            self._day, self._used = today, 0

    # --- state ----------------------------------------------------------------------------------------

    def to_state(self) -> dict[str, object]:
        return {"day": self._day.isoformat() if self._day else None, "used": self._used}

    def _load(self, state: Mapping[str, object]) -> None:
        day, used = state.get("day"), state.get("used")
        if day is None and used in (None, 0):
            return
        if not isinstance(day, str) or not isinstance(used, int) or isinstance(used, bool) or used < 0:
            raise ValueError("a budget state is {'day': 'YYYY-MM-DD', 'used': <units >= 0>}")
        self._day, self._used = date.fromisoformat(day), used
