"""EventBridge schedule expressions (`rate(...)`, `cron(...)`) evaluated locally.

Only the local stack uses this: in AWS, EventBridge fires the scheduled functions. Supported cron
syntax is AWS's six fields (minutes hours day-of-month month day-of-week year) with `*`, `?`, lists,
ranges, `/` steps and names (JAN-DEC, SUN-SAT; day-of-week 1-7 = SUN-SAT); `L`, `W` and `#` are not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

_RATE = re.compile(r"^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$")
_CRON = re.compile(r"^cron\((.+)\)$")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], 1
    )
}
_DAYS = {d: i for i, d in enumerate(["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"], 1)}
_MAX_SEARCH_MINUTES = 366 * 24 * 60 * 5


class ScheduleError(ValueError):
    pass


@dataclass(frozen=True)
class Rate:
    interval: timedelta

    def next_after(self, moment: datetime) -> datetime:
        return moment + self.interval


@dataclass(frozen=True)
class Cron:
    minutes: frozenset[int]
    hours: frozenset[int]
    days_of_month: frozenset[int] | None  # None: `?` or `*` (any day)
    months: frozenset[int]
    days_of_week: frozenset[int] | None  # 1-7 = SUN-SAT; None: any
    years: frozenset[int] | None

    def matches(self, moment: datetime) -> bool:
        weekday = moment.isoweekday() % 7 + 1  # Monday=1 in ISO -> SUN=1..SAT=7 in AWS
        return (
            moment.minute in self.minutes
            and moment.hour in self.hours
            and moment.month in self.months
            and (self.days_of_month is None or moment.day in self.days_of_month)
            and (self.days_of_week is None or weekday in self.days_of_week)
            and (self.years is None or moment.year in self.years)
        )

    def next_after(self, moment: datetime) -> datetime:
        candidate = moment.astimezone(UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
        for _ in range(_MAX_SEARCH_MINUTES):
            if self.matches(candidate):
                return candidate
            candidate += timedelta(minutes=1)
        raise ScheduleError("the cron expression never fires within five years")


def _values(field: str, low: int, high: int, names: dict[str, int] | None = None) -> frozenset[int]:
    result: set[int] = set()
    for part in field.split(","):
        body, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if step <= 0:
            raise ScheduleError(f"bad step in {field!r}")
        if body == "*":
            start, end = low, high
        else:
            first, _, last = body.partition("-")
            start = _number(first, names)
            end = _number(last, names) if last else (high if step_text else start)
        if not low <= start <= end <= high:
            raise ScheduleError(f"{field!r} is outside {low}-{high}")
        result.update(range(start, end + 1, step))
    return frozenset(result)


def _number(text: str, names: dict[str, int] | None) -> int:
    upper = text.strip().upper()
    if names and upper in names:
        return names[upper]
    if not upper.isdigit():
        raise ScheduleError(f"{text!r} is not a number")
    return int(upper)


def parse(expression: str) -> Rate | Cron:
    text = expression.strip()
    rate = _RATE.match(text)
    if rate:
        amount, unit = int(rate.group(1)), rate.group(2).rstrip("s")
        if amount <= 0:
            raise ScheduleError("a rate must be positive")
        return Rate(timedelta(seconds=amount * _UNIT_SECONDS[unit]))
    cron = _CRON.match(text)
    if not cron:
        raise ScheduleError(f"not a schedule expression: {expression!r}")
    fields = cron.group(1).split()
    if len(fields) != 6:
        raise ScheduleError("cron() takes six fields: minutes hours day-of-month month day-of-week year")
    minute, hour, dom, month, dow, year = fields
    if (dom == "?") == (dow == "?"):
        raise ScheduleError("exactly one of day-of-month and day-of-week must be '?'")
    return Cron(
        minutes=_values(minute, 0, 59),
        hours=_values(hour, 0, 23),
        days_of_month=None if dom in {"?", "*"} else _values(dom, 1, 31),
        months=_values(month, 1, 12, _MONTHS),
        days_of_week=None if dow in {"?", "*"} else _values(dow, 1, 7, _DAYS),
        years=None if year == "*" else _values(year, 1970, 2199),
    )
