"""SVG line charts for summary.html: values over time, with the ticks a reader expects.

`line_chart` returns one `<svg>` element as a string, every text in it escaped here. Ticks:

- time ticks fall on round local times in the campaign's time zone: every 1, 2, 3, 6 or 12 hours
  (00:00, 06:00, 12:00, 18:00 for six), local midnights every 1 or 2 days, Mondays every 1 or 2
  weeks, or the first of every 1, 2, 3, 6 or 12 months, whichever is the finest that fits; a range
  too short for two such ticks is widened to the round times around it;
- value ticks are 1, 2, 2.5 or 5 times a power of ten apart, and only whole numbers for counts.

Words, numbers and dates in the labels come from the caller's `Labels` (the page's language), so this
module knows no language. Pure: standard library only.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Literal, Protocol

from chalicelib.platforms import registry

Unit = Literal["hour", "day", "week", "month"]

# Mid-tone colours with a contrast of at least 3:1 on both the light and the dark background (WCAG 1.4.11).
PLATFORM_COLOURS = {name: tracking.colour for name, tracking in registry.tracked()}
OTHER_COLOURS = ("#9a7b00", "#5b6bd6", "#b5476b", "#4d8a6a")
# A second cue besides colour, for colour-blind readers and grey-scale prints.
DASHES = ("", "6 3", "2 3", "8 3 2 3", "4 4", "1 2")

# (unit, how many of them between two ticks), finest first.
_STEPS: tuple[tuple[Unit, int], ...] = (
    ("hour", 1),
    ("hour", 2),
    ("hour", 3),
    ("hour", 6),
    ("hour", 12),
    ("day", 1),
    ("day", 2),
    ("week", 1),
    ("week", 2),
    ("month", 1),
    ("month", 2),
    ("month", 3),
    ("month", 6),
    ("month", 12),
)
_QUARTER = timedelta(minutes=15)
_ROUGHLY = {"hour": 3600.0, "day": 86_400.0, "week": 7 * 86_400.0, "month": 30.4 * 86_400.0}


@dataclass(frozen=True, slots=True)
class Line:
    """One series: a key (for tests and styling), its label, its stroke, and its points in time order."""

    key: str
    label: str
    colour: str
    dash: str
    points: tuple[tuple[datetime, float], ...]


@dataclass(frozen=True, slots=True)
class Tick:
    at: datetime  # aware
    unit: Unit
    new_day: bool  # the first tick of its local day (an hourly axis names the day there)
    new_year: bool  # the first tick of its local year (a monthly axis names the year there)


class Labels(Protocol):
    """The words a chart shows, in the page's language."""

    def tick(self, tick: Tick) -> tuple[str, str]:
        """A tick's label and an optional second line ("" for none)."""
        ...

    def value(self, value: float, step: float) -> str:
        """A value axis label; `step` is the distance between two ticks (for its precision)."""
        ...

    def point(self, line: Line, at: datetime, value: float) -> str:
        """A point's tooltip."""
        ...


def styles(platforms: Sequence[str]) -> dict[str, tuple[str, str]]:
    """One colour and one dash pattern per platform, stable for a given list of platforms."""
    found: dict[str, tuple[str, str]] = {}
    others = 0
    for index, platform in enumerate(platforms):
        if platform in PLATFORM_COLOURS:
            colour = PLATFORM_COLOURS[platform]
        else:
            colour = OTHER_COLOURS[others % len(OTHER_COLOURS)]
            others += 1
        found[platform] = (colour, DASHES[index % len(DASHES)])
    return found


# -- time ticks ---------------------------------------------------------------------------------------


def _midnight(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def _candidates(start: datetime, end: datetime, zone: tzinfo, unit: Unit, every: int) -> Iterator[datetime]:
    """Round local times of this step from the one at or before `start` to the one at or after `end`."""
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    if unit == "hour":
        # Absolute quarter hours, kept where the local clock shows a round hour: across a DST change
        # the local hours stay round and the spacing stays true (a 25-hour day has 25 hourly ticks),
        # and zones 30 or 45 minutes off UTC get their own round hours.
        moment = start.astimezone(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=every + 1)
        last = end.astimezone(UTC) + timedelta(hours=every + 1)
        while moment <= last:
            local = moment.astimezone(zone)
            if local.minute == 0 and local.hour % every == 0:
                yield moment
            moment += _QUARTER
        return
    if unit == "month":
        year, month = local_start.year - 1, local_start.month
        while True:
            if (month - 1) % every == 0:
                yield _midnight(date(year, month, 1), zone)
                if date(year, month, 1) > local_end.date():
                    return
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    day = local_start.date() - timedelta(days=14 * every)
    stop = local_end.date() + timedelta(days=14 * every)
    while day <= stop:
        ordinal = day.toordinal()  # ordinal 1 (1 Jan of year 1) is a Monday
        if (unit == "day" and ordinal % every == 0) or (
            unit == "week" and ordinal % 7 == 1 and (ordinal // 7) % every == 0
        ):
            yield _midnight(day, zone)
        day += timedelta(days=1)


def time_ticks(
    start: datetime, end: datetime, zone: tzinfo, most: int
) -> tuple[list[Tick], datetime, datetime]:
    """Ticks on round local times for [start, end] (at most `most` of them, at least two) and the
    range the axis shows: [start, end] itself, or widened to the two round times around it."""
    start, end = min(start, end), max(start, end)
    chosen: tuple[Unit, int] = _STEPS[-1]
    inside: list[datetime] = []
    span = (end - start).total_seconds()
    for unit, every in _STEPS:
        if span / (_ROUGHLY[unit] * every) > most + 1:
            continue  # far too many: not worth listing
        moments = [moment for moment in _candidates(start, end, zone, unit, every) if start <= moment <= end]
        if len(moments) <= most:
            chosen, inside = (unit, every), moments
            break
    unit, every = chosen
    low, high = start, end
    if len(inside) < 2:
        around = list(_candidates(start, end, zone, unit, every))
        before = [moment for moment in around if moment <= start]
        after = [moment for moment in around if moment >= end]
        low = before[-1] if before else start
        high = after[0] if after else end
        inside = [moment for moment in around if low <= moment <= high]
    ticks = []
    previous: datetime | None = None
    for moment in inside:
        local = moment.astimezone(zone)
        earlier = previous.astimezone(zone) if previous is not None else None
        ticks.append(
            Tick(
                at=moment,
                unit=unit,
                new_day=earlier is None or earlier.date() != local.date(),
                new_year=earlier is None or earlier.year != local.year,
            )
        )
        previous = moment
    return ticks, low, high


# -- value ticks --------------------------------------------------------------------------------------


def _nice_step(span: float, count: int, *, integer: bool) -> float:
    raw = span / max(count, 1)
    if integer and raw <= 1:
        return 1.0
    power = 10.0 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * power
        if integer and step != math.floor(step):
            continue
        if raw <= step:
            return step
    return 10 * power


def value_ticks(
    low: float, high: float, *, integer: bool, include_zero: bool, most: int = 5
) -> tuple[list[float], float]:
    """Evenly spaced round values covering [low, high] and the step between them; whole numbers
    only when `integer` (a count axis never shows 0.5)."""
    if include_zero:
        low, high = min(low, 0.0), max(high, 0.0)
    if high - low < 1e-9:
        pad = 1.0 if integer or high == 0 else abs(high) * 0.1
        low, high = (low, high + pad) if include_zero and low == 0 else (low - pad, high + pad)
    step = _nice_step(high - low, most - 1, integer=integer)
    start = math.floor(low / step + 1e-9) * step
    ticks = []
    tick = start
    while tick < high + step * 0.999:
        ticks.append(round(tick, 10))
        tick = start + step * len(ticks)
    if len(ticks) < 2:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks, step


# -- drawing ------------------------------------------------------------------------------------------


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _fmt(value: float) -> str:
    """A coordinate with one decimal at most: 12.0 becomes 12."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


@dataclass(frozen=True, slots=True)
class Size:
    width: int
    height: int
    max_x_ticks: int
    label_size: float  # the largest font size (in viewBox units) the page's CSS gives axis labels


# The events chart's labels grow on a phone, where the chart shrinks (summary.css); small ones do not.
EVENTS_SIZE = Size(560, 280, 7, 17)
SMALL_SIZE = Size(340, 190, 4, 12)


def line_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    lines: Sequence[Line],
    zone: tzinfo,
    labels: Labels,
    integer: bool,
    include_zero: bool,
    size: Size,
    dots: int = 60,
) -> str:
    """One responsive SVG (scales with its viewBox): a grid, value and time axes, one polyline per line
    and, when no line has more than `dots` points, a dot with a tooltip on every point."""
    moments = [at for line in lines for at, _ in line.points]
    values = [value for line in lines for _, value in line.points]
    if not moments:
        raise ValueError("a chart needs at least one point")
    ticks, x_low, x_high = time_ticks(min(moments), max(moments), zone, size.max_x_ticks)
    y_ticks, y_step = value_ticks(min(values), max(values), integer=integer, include_zero=include_zero)
    y_low, y_high = y_ticks[0], y_ticks[-1]
    y_labels = [labels.value(tick, y_step) for tick in y_ticks]

    x_labels = [labels.tick(tick) for tick in ticks]
    width, height = size.width, size.height
    two_lines = any(second for _, second in x_labels)
    char = 0.62 * size.label_size  # a digit's width, about
    left = round(max(3 * char, 8 + char * max(len(label) for label in y_labels)))
    right, top = 14, 12
    bottom = round(size.label_size * (2.9 if two_lines else 1.8))
    inset = round(2 * char)  # keeps the first and last time labels, centred on their ticks, inside
    plot_w, plot_h = width - left - right, height - top - bottom
    span = max((x_high - x_low).total_seconds(), 1.0)
    origin = x_low.timestamp()

    kx = (plot_w - 2 * inset) / span
    x0 = left + inset - origin * kx
    ky = plot_h / (y_high - y_low)
    y0 = top + y_high * ky

    def sx(moment: datetime) -> str:
        return _fmt(left + inset + (moment.timestamp() - origin) / span * (plot_w - 2 * inset))

    def sy(value: float) -> str:
        return _fmt(top + (y_high - value) / (y_high - y_low) * plot_h)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{chart_id}-t">{_e(title)}</title>',
        f'<desc id="{chart_id}-d">{_e(description)}</desc>',
        '<g aria-hidden="true">',
    ]
    for value, label in zip(y_ticks, y_labels, strict=True):
        y = sy(value)
        css = "zero" if value == 0 and y_low < 0 < y_high else "grid"
        parts.append(f'<line class="{css}" x1="{left}" x2="{width - right}" y1="{y}" y2="{y}"/>')
        parts.append(
            f'<text class="axis" x="{left - 6}" y="{y}" text-anchor="end" dy="0.32em">{_e(label)}</text>'
        )
    parts.extend(_time_axis([sx(tick.at) for tick in ticks], x_labels, top, top + plot_h, size.label_size))
    parts.append("</g>")
    with_dots = max(len(line.points) for line in lines) <= dots
    for line in lines:
        dash = f' stroke-dasharray="{line.dash}"' if line.dash else ""
        parts.append(f'<g class="series-group" data-series="{_e(line.key)}"><title>{_e(line.label)}</title>')
        if len(line.points) > 1:
            # The hot loop of a year-long summary (a few thousand points): no call per point.
            coords = " ".join(
                [f"{x0 + at.timestamp() * kx:.1f},{y0 - value * ky:.1f}" for at, value in line.points]
            )
            parts.append(f'<polyline class="series" stroke="{line.colour}"{dash} points="{coords}"/>')
        if with_dots or len(line.points) == 1:
            parts.extend(
                f'<circle class="dot" cx="{sx(at)}" cy="{sy(value)}" r="3.5" fill="{line.colour}">'
                f"<title>{_e(labels.point(line, at, value))}</title></circle>"
                for at, value in line.points
            )
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def _time_axis(xs: list[str], labels: list[tuple[str, str]], top: int, base: int, size: float) -> list[str]:
    """A grid line and a label (one or two lines) per time tick; odd ones hide on a phone."""
    parts = []
    label_y = _fmt(base + 4 + size)
    for index, (x, (first, second)) in enumerate(zip(xs, labels, strict=True)):
        css = "axis x-odd" if index % 2 else "axis"
        parts.append(f'<line class="grid" x1="{x}" x2="{x}" y1="{top}" y2="{base + 5}"/>')
        text = f'<text class="{css}" x="{x}" y="{label_y}" text-anchor="middle">{_e(first)}'
        if second:
            text += f'<tspan x="{x}" dy="1.2em">{_e(second)}</tspan>'
        parts.append(text + "</text>")
    return parts


def swatch(colour: str, dash: str) -> str:
    """A legend's sample of a line's stroke."""
    pattern = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        '<svg class="swatch" viewBox="0 0 28 10" aria-hidden="true" focusable="false">'
        f'<line x1="1" x2="27" y1="5" y2="5" stroke="{colour}" stroke-width="3"{pattern}/></svg>'
    )
