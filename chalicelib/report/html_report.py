"""summary.html: one self-contained page a campaign lead opens from a presigned link (contract section 6).

The page fetches nothing: CSS is inline in one <style> (allowed by its hash in a Content-Security-Policy
meta that also forbids scripts, images, fonts and frames), charts are inline SVG drawn here, and there is
no <script> at all. Links to the platforms' own pages are plain http(s) anchors without a referrer, so a
click never hands the presigned URL to the platform.

Every string of the summary (campaign names, ids, metric names, error reasons, URLs) is user or platform
input and goes through `html.escape`; an href is written only for an http(s) URL with a host.

Layout: a max-width column on a laptop; on a phone (390 px) tables scroll sideways inside their own
container, charts scale with their viewBox, and the page itself never scrolls sideways. Events over time
are lines (one colour and dash pattern per platform), not stacked bars: net counts can be negative.
Counters get one small chart each: followers in millions and likes in hundreds share no useful axis.

Pure: standard library only.
"""

from __future__ import annotations

import base64
import hashlib
import html
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from chalicelib.report.common import (
    is_number,
    kind_name,
    parse_time,
    platform_key,
    platform_name,
    sorted_kinds,
    sorted_platforms,
    zone,
)

if TYPE_CHECKING:
    from chalicelib.models.summary import Summary

# Mid-tone colours with a contrast of at least 3:1 on both the light and the dark background (WCAG 1.4.11).
_PLATFORM_COLOURS = {
    "facebook": "#1877f2",
    "instagram": "#c13584",
    "x": "#6b7280",
    "youtube": "#e5302a",
    "tiktok": "#00999a",
    "spotify": "#1a9e4b",
    "soundcloud": "#e05a00",
    "deezer": "#a238ff",
}
_OTHER_COLOURS = ("#9a7b00", "#5b6bd6", "#b5476b", "#4d8a6a")
# A second cue besides colour, for colour-blind readers and grey-scale prints.
_DASHES = ("", "6 3", "2 3", "8 3 2 3", "4 4", "1 2")

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_SAFE_URL = re.compile(r"https?://[^\s\"'<>\\`\x00-\x1f\x7f]+", re.IGNORECASE)
_GROUP = "\u202f"  # narrow no-break space: 1 209 877 reads the same in English and in French
_MINUS = "\u2212"

_CSS = """
:root{--bg:#ffffff;--fg:#1b1d21;--muted:#4b5563;--line:#d5d9e0;--grid:#e6e9ee;--panel:#f4f5f7;
--accent:#0b57d0;--bad:#b42318;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#16181c;--fg:#e7e9ec;--muted:#a3aab4;--line:#3a3f47;
--grid:#2a2e35;--panel:#1f2228;--accent:#8ab4f8;--bad:#ff8a80}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,
"Helvetica Neue",Arial,sans-serif;overflow-wrap:break-word}
.wrap{max-width:1120px;margin:0 auto;padding:0 16px}
header.top{border-bottom:1px solid var(--line);background:var(--panel);padding:20px 0 12px}
.eyebrow{margin:0;color:var(--muted);font-size:.875rem;letter-spacing:.02em}
h1{margin:.15em 0 .25em;font-size:clamp(1.5rem,4.5vw,2.1rem);line-height:1.2}
h2{margin:0 0 .6em;font-size:1.3rem;line-height:1.3}
h3{margin:1.2em 0 .5em;font-size:1.05rem}
a{color:var(--accent)}
.meta{display:flex;flex-wrap:wrap;gap:4px 24px;margin:.5em 0;padding:0}
.meta div{min-width:0}
.meta dt{color:var(--muted);font-size:.8125rem}
.meta dd{margin:0}
.badge{display:inline-block;padding:0 8px;border:1px solid var(--line);border-radius:999px;font-size:.8125rem;
color:var(--muted);vertical-align:middle}
nav.toc ul{display:flex;flex-wrap:wrap;gap:4px 14px;margin:.75em 0 0;padding:0;list-style:none;
font-size:.9375rem}
main{padding-bottom:32px}
section{padding-top:28px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(200px,1fr));gap:12px}
.card{background:var(--panel);border:1px solid var(--line);border-radius:10px;padding:12px 14px;min-width:0}
.card .label{color:var(--muted);font-size:.875rem}
.card .figure{font-size:1.75rem;font-weight:650;font-variant-numeric:tabular-nums;line-height:1.25}
.card .note{color:var(--muted);font-size:.8125rem}
figure{margin:0}
.chart{max-width:800px}
.chart svg{display:block;width:100%;height:auto}
.multiples{display:grid;grid-template-columns:repeat(auto-fill,minmax(280px,1fr));gap:16px 20px}
.multiples figure{min-width:0}
figcaption{font-weight:600;font-size:.9375rem;margin-bottom:4px}
svg .axis{fill:var(--muted);font-size:13px;font-family:inherit}
.chart svg .axis{font-size:11.5px}
@media (max-width:600px){.chart svg .axis{font-size:20px}.chart svg .x-odd{display:none}}
svg .grid{stroke:var(--grid);stroke-width:1}
svg .zero{stroke:var(--muted);stroke-width:1}
svg .series{fill:none;stroke-width:2.25;stroke-linejoin:round;stroke-linecap:round}
svg .dot{stroke:var(--bg);stroke-width:1.5}
.legend{display:flex;flex-wrap:wrap;gap:4px 18px;margin:8px 0 0;padding:0;list-style:none;font-size:.9375rem}
.legend li{display:flex;align-items:center;gap:6px}
.legend svg{width:28px;height:10px;flex:none}
.legend .count{color:var(--muted);font-variant-numeric:tabular-nums}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;max-width:100%;border:1px solid var(--line);
border-radius:8px}
.scroll:focus{outline:2px solid var(--accent);outline-offset:2px}
table{border-collapse:separate;border-spacing:0;width:100%;font-size:.9375rem}
caption{text-align:left;padding:8px 10px;color:var(--muted);font-size:.875rem}
th,td{padding:6px 10px;border-top:1px solid var(--line);text-align:left;vertical-align:top;white-space:nowrap}
th.wrap,td.wrap{white-space:normal;min-width:16em;max-width:30em;overflow-wrap:anywhere}
td.wrap ul{margin:0;padding-left:1.1em}
ul.attention{margin:0;padding-left:1.1em}
ul.attention li{margin:.2em 0}
th.text{white-space:normal;min-width:10em}
caption span{display:block;max-width:calc(100vw - 56px)}
.matrix tbody th,.matrix tfoot th{position:sticky;left:0;background:var(--bg);z-index:1}
.matrix thead th:first-child{position:sticky;left:0;z-index:1}
thead th{border-top:0;background:var(--panel);font-weight:600;white-space:nowrap}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tfoot th,tfoot td{font-weight:600;border-top:2px solid var(--line)}
.muted{color:var(--muted)}
.bad{color:var(--bad)}
.id{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.875em}
time{white-space:nowrap}
p.empty{color:var(--muted);font-style:italic}
details{margin-top:8px}
summary{cursor:pointer}
footer{border-top:1px solid var(--line);color:var(--muted);font-size:.8125rem;padding:12px 0 24px}
@media print{.scroll{overflow:visible;border:0}nav.toc{display:none}}
""".strip()


# -- text and numbers ---------------------------------------------------------------------------------


def _e(value: object) -> str:
    """Any value as HTML text or a double-quoted attribute value."""
    return html.escape("" if value is None else str(value), quote=True)


def safe_url(value: object) -> str | None:
    """The URL when it is http(s) with a host and nothing that could break out of an attribute, else None."""
    if not isinstance(value, str) or not _SAFE_URL.fullmatch(value):
        return None
    try:
        host = urlsplit(value).hostname
    except ValueError:
        return None
    return value if host else None


def _group(digits: str) -> str:
    head, _, tail = digits.partition(".")
    grouped = f"{int(head):,}".replace(",", _GROUP)
    return f"{grouped}.{tail}" if tail else grouped


def _num(value: object, *, signed: bool = False, places: int = 2) -> str:
    """1 209 877, 64.5, minus 130 (+3 850 when signed); an en dash for a missing figure."""
    if not is_number(value) or not math.isfinite(value):
        return "\u2013"
    number = float(value)
    text = (
        str(abs(int(value)))
        if isinstance(value, int)
        else f"{abs(number):.{places}f}".rstrip("0").rstrip(".")
    )
    if text in {"", "0"} or set(text) <= {"0", "."}:
        return "0"
    sign = _MINUS if number < 0 else ("+" if signed else "")
    return sign + _group(text)


def _compact(value: float) -> str:
    """Axis labels: 1.2M, 45k, 950, 0.5."""
    magnitude = abs(value)
    suffix = ""
    text = f"{magnitude:.2f}".rstrip("0").rstrip(".") or "0"
    for limit, unit in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if magnitude >= limit:
            suffix = unit
            text = f"{magnitude / limit:.2f}".rstrip("0").rstrip(".")
            break
    if text == "0":
        return "0"
    return (_MINUS if value < 0 else "") + text + suffix


def _percent(ratio: float) -> str:
    percent = ratio * 100
    if percent != 0 and abs(percent) < 0.001:
        return ("<" if percent > 0 else ">" + _MINUS) + "\u00a00.001\u00a0%"
    text = f"{abs(percent):.3g}" if abs(percent) < 100 else f"{abs(percent):.1f}"
    return (_MINUS if percent < 0 else "") + text + "\u00a0%"


# -- times --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Clock:
    """Shows times in the campaign's timezone (or with their own offset when the zone is unknown here)."""

    tz: tzinfo | None

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.tz) if self.tz is not None else moment

    def date(self, moment: datetime) -> str:
        local = self.local(moment)
        return f"{local.day} {_MONTHS[local.month - 1]} {local.year}"

    def short_date(self, moment: datetime) -> str:
        local = self.local(moment)
        return f"{local.day} {_MONTHS[local.month - 1]}"

    def hour(self, moment: datetime) -> str:
        return self.local(moment).strftime("%H:%M")

    def stamp(self, moment: datetime) -> str:
        text = f"{self.date(moment)}, {self.hour(moment)}"
        return text if self.tz is not None else f"{text} (UTC{self.local(moment).strftime('%z')})"

    def time_tag(self, value: object, missing: str = "never") -> str:
        moment = parse_time(value)
        if moment is None:
            return f'<span class="muted">{_e(missing)}</span>'
        return f'<time datetime="{_e(value)}">{_e(self.stamp(moment))}</time>'


# -- SVG charts ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Series:
    key: str
    label: str
    colour: str
    dash: str
    points: list[tuple[float, float]]  # (epoch seconds, value)
    moments: list[datetime]


def _colours(platforms: Sequence[str]) -> dict[str, tuple[str, str]]:
    """One colour and one dash pattern per platform, stable for a given set of platforms."""
    styles: dict[str, tuple[str, str]] = {}
    others = 0
    for index, platform in enumerate(platforms):
        if platform in _PLATFORM_COLOURS:
            colour = _PLATFORM_COLOURS[platform]
        else:
            colour = _OTHER_COLOURS[others % len(_OTHER_COLOURS)]
            others += 1
        styles[platform] = (colour, _DASHES[index % len(_DASHES)])
    return styles


def _nice_step(span: float, count: int) -> float:
    raw = span / max(count, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def _y_ticks(low: float, high: float, *, include_zero: bool, count: int = 4) -> list[float]:
    if include_zero:
        low, high = min(low, 0.0), max(high, 0.0)
    if high - low < 1e-9:
        pad = abs(high) * 0.1 or 1.0
        low, high = low - (0 if include_zero and low == 0 else pad), high + pad
    step = _nice_step(high - low, count)
    start = math.floor(low / step) * step
    ticks = []
    tick = start
    while tick < high + step * 0.999:
        ticks.append(round(tick, 10))
        tick += step
    return ticks


def _pick(count: int, wanted: int) -> list[int]:
    """About `wanted` evenly spread indices of `count`, first and last included."""
    if count <= wanted:
        return list(range(count))
    step = (count - 1) / (wanted - 1)
    return sorted({round(index * step) for index in range(wanted)})


def _line_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    series: Sequence[_Series],
    clock: _Clock,
    show_hours: bool,
    include_zero: bool,
    width: int,
    height: int,
    max_x_ticks: int,
) -> str:
    left, right, top = 50, 10, 12
    bottom = 50 if show_hours else 32
    inset = 26  # keeps the first and last x labels, centred on their points, inside the chart
    plot_w, plot_h = width - left - right, height - top - bottom
    xs = [x for item in series for x, _ in item.points]
    ys = [y for item in series for _, y in item.points]
    x_low, x_high = min(xs), max(xs)
    if x_high - x_low < 1:
        x_low, x_high = x_low - 1, x_high + 1
    ticks = _y_ticks(min(ys), max(ys), include_zero=include_zero)
    y_low, y_high = ticks[0], ticks[-1]

    def sx(x: float) -> float:
        return round(left + inset + (x - x_low) / (x_high - x_low) * (plot_w - 2 * inset), 1)

    def sy(y: float) -> float:
        return round(top + (y_high - y) / (y_high - y_low) * plot_h, 1)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{chart_id}-t">{_e(title)}</title>',
        f'<desc id="{chart_id}-d">{_e(description)}</desc>',
        '<g aria-hidden="true">',
    ]
    for tick in ticks:
        y = sy(tick)
        css = "zero" if tick == 0 and y_low < 0 < y_high else "grid"
        parts.append(f'<line class="{css}" x1="{left}" x2="{width - right}" y1="{y}" y2="{y}"/>')
        parts.append(
            f'<text class="axis" x="{left - 6}" y="{y}" text-anchor="end" dy="0.32em">'
            f"{_e(_compact(tick))}</text>"
        )
    reference = max(series, key=lambda item: len(item.points))
    for position, index in enumerate(_pick(len(reference.points), max_x_ticks)):
        moment = reference.moments[index]
        x = sx(reference.points[index][0])
        css = "axis x-odd" if position % 2 else "axis"
        label_y = top + plot_h + 18
        parts.append(f'<line class="grid" x1="{x}" x2="{x}" y1="{top + plot_h}" y2="{top + plot_h + 5}"/>')
        if show_hours:
            parts.append(
                f'<text class="{css}" x="{x}" y="{label_y}" text-anchor="middle">{_e(clock.hour(moment))}'
                f'<tspan x="{x}" dy="1.2em">{_e(clock.short_date(moment))}</tspan></text>'
            )
        else:
            parts.append(
                f'<text class="{css}" x="{x}" y="{label_y}" text-anchor="middle">'
                f"{_e(clock.short_date(moment))}</text>"
            )
    parts.append("</g>")
    few = max(len(item.points) for item in series) <= 60
    for item in series:
        coords = " ".join(f"{sx(x)},{sy(y)}" for x, y in item.points)
        dash = f' stroke-dasharray="{item.dash}"' if item.dash else ""
        parts.append(f'<g class="series-group" data-series="{_e(item.key)}">')
        parts.append(f"<title>{_e(item.label)}</title>")
        if len(item.points) > 1:
            parts.append(f'<polyline class="series" stroke="{item.colour}"{dash} points="{coords}"/>')
        if few or len(item.points) == 1:
            for (x, y), moment in zip(item.points, item.moments, strict=True):
                when = clock.stamp(moment) if show_hours else clock.date(moment)
                parts.append(
                    f'<circle class="dot" cx="{sx(x)}" cy="{sy(y)}" r="3.5" fill="{item.colour}">'
                    f"<title>{_e(item.label)}, {_e(when)}: {_e(_num(y))}</title></circle>"
                )
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def _legend(series: Sequence[_Series], totals: Mapping[str, float]) -> str:
    items = []
    for item in series:
        dash = f' stroke-dasharray="{item.dash}"' if item.dash else ""
        items.append(
            '<li><svg viewBox="0 0 28 10" aria-hidden="true" focusable="false">'
            f'<line x1="1" x2="27" y1="5" y2="5" stroke="{item.colour}" stroke-width="3"{dash}/></svg>'
            f'{_e(item.label)} <span class="count">{_e(_num(totals.get(item.key, 0)))}</span></li>'
        )
    return f'<ul class="legend" aria-label="Legend">{"".join(items)}</ul>'


# -- sections -----------------------------------------------------------------------------------------


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _sequence(value: object) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def _table(
    *,
    caption: str,
    head: Iterable[str],
    rows: Iterable[str],
    foot: str = "",
    label: str | None = None,
    matrix: bool = False,
) -> str:
    """A table in its own sideways-scrolling, keyboard-focusable region; a matrix keeps its row headers."""
    header = "".join(head)
    aria = _e(label or caption)
    table = '<table class="matrix">' if matrix else "<table>"
    return (
        f'<div class="scroll" role="region" aria-label="{aria}" tabindex="0">{table}'
        f"<caption><span>{_e(caption)}</span></caption><thead><tr>{header}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody>{f'<tfoot>{foot}</tfoot>' if foot else ''}</table></div>"
    )


def _th(text: str, *, numeric: bool = False) -> str:
    css = ' class="n"' if numeric else ""
    return f'<th scope="col"{css}>{_e(text)}</th>'


def _section(section_id: str, title: str, body: str) -> str:
    return (
        f'<section id="{section_id}" aria-labelledby="{section_id}-h">'
        f'<h2 id="{section_id}-h">{_e(title)}</h2>{body}</section>'
    )


def _overview(summary: Mapping[str, Any]) -> str:
    totals = _mapping(summary.get("totals"))
    weights = _mapping(summary.get("weights"))
    rate = _mapping(summary.get("engagement_rate"))
    value = rate.get("value")
    if is_number(value):
        rate_figure = _e(_percent(float(value)))
        rate_note = f"engagement units \u00f7 {_e(rate.get('denominator') or 'denominator')}"
    else:
        rate_figure = '<span class="muted">n/a</span>'
        rate_note = _e(rate.get("reason") or "not available")
    cards = [
        ("Events", _e(_num(totals.get("events"))), "net, all platforms"),
        (
            "Engagement units",
            _e(_num(totals.get("engagement_units"))),
            f"weights {_e(weights.get('version') or 'unknown')}",
        ),
        ("Engagement rate", rate_figure, rate_note),
    ]
    body = "".join(
        f'<div class="card"><div class="label">{label}</div><div class="figure">{figure}</div>'
        f'<div class="note">{note}</div></div>'
        for label, figure, note in cards
    )
    return _section("overview", "Overview", f'<div class="cards">{body}</div>')


def _events_chart(summary: Mapping[str, Any], clock: _Clock) -> str:
    series_data = _mapping(summary.get("series"))
    granularity = series_data.get("granularity")
    per = "hour" if granularity == "hour" else "day"
    points = []
    for point in _sequence(series_data.get("points")):
        moment = parse_time(_mapping(point).get("start"))
        if moment is not None:
            points.append((moment, _mapping(_mapping(point).get("events"))))
    points.sort(key=lambda item: item[0])
    platforms = sorted_platforms(
        platform for _, events in points for platform, count in events.items() if is_number(count)
    )
    if not points or not platforms:
        return _section(
            "over-time",
            "Events over time",
            '<p class="empty">No events in the window yet: nothing to chart.</p>',
        )
    styles = _colours(platforms)
    series = []
    totals: dict[str, float] = {}
    for platform in platforms:
        values = [(moment.timestamp(), _count(events.get(platform))) for moment, events in points]
        totals[platform] = sum(value for _, value in values)
        series.append(
            _Series(
                key=platform,
                label=platform_name(platform),
                colour=styles[platform][0],
                dash=styles[platform][1],
                points=values,
                moments=[moment for moment, _ in points],
            )
        )
    first, last = points[0][0], points[-1][0]
    description = (
        f"Net events per {per} and platform from {clock.date(first)} to {clock.date(last)} "
        f"({len(platforms)} platform{'s' if len(platforms) != 1 else ''}); "
        "the table 'Events per platform and kind' gives the figures."
    )
    svg = _line_chart(
        chart_id="events-chart",
        title=f"Events per {per} and platform",
        description=description,
        series=series,
        clock=clock,
        show_hours=per == "hour",
        include_zero=True,
        width=560,
        height=280,
        max_x_ticks=6 if per == "hour" else 8,
    )
    caption = f"Net events per {per}, by platform (times in {_zone_label(summary)})"
    body = (
        f'<figure class="chart"><figcaption>{_e(caption)}</figcaption>{svg}{_legend(series, totals)}</figure>'
    )
    return _section("over-time", "Events over time", body)


def _count(value: object) -> float:
    return float(value) if is_number(value) else 0.0


def _events_table(summary: Mapping[str, Any]) -> str:
    platforms = _mapping(summary.get("platforms"))
    events = {
        platform: {
            kind: count
            for kind, count in _mapping(_mapping(data).get("events")).items()
            if is_number(count) and count != 0
        }
        for platform, data in platforms.items()
    }
    columns = sorted_platforms(platform for platform, kinds in events.items() if kinds)
    kinds = sorted_kinds(kind for per_kind in events.values() for kind in per_kind)
    if not columns:
        return _section(
            "events", "Events per platform and kind", '<p class="empty">No events attributed yet.</p>'
        )
    head = [_th("Kind"), *(_th(platform_name(column), numeric=True) for column in columns)]
    head.append(_th("All platforms", numeric=True))
    rows = []
    for kind in kinds:
        cells = [f'<th scope="row">{_e(kind_name(kind))}</th>']
        for column in columns:
            count = events[column].get(kind)
            cells.append(
                f'<td class="n">{_e(_num(count))}</td>' if count is not None else '<td class="n muted">0</td>'
            )
        total = sum(events[column].get(kind, 0) for column in columns)
        cells.append(f'<td class="n">{_e(_num(total))}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    foot_cells = ['<th scope="row">All kinds</th>']
    foot_cells.extend(f'<td class="n">{_e(_num(sum(events[column].values())))}</td>' for column in columns)
    foot_cells.append(f'<td class="n">{_e(_num(sum(sum(kinds.values()) for kinds in events.values())))}</td>')
    note = (
        '<p class="muted">Net counts: an undone reaction or like counts \u22121, '
        "so a figure can be negative.</p>"
    )
    table = _table(
        caption="Net events by kind (rows) and platform (columns)",
        label="Events per platform and kind",
        matrix=True,
        head=head,
        rows=rows,
        foot=f"<tr>{''.join(foot_cells)}</tr>",
    )
    return _section("events", "Events per platform and kind", table + note)


def _counter_series(summary: Mapping[str, Any]) -> list[tuple[str, str, list[tuple[datetime, float]]]]:
    found = []
    for entry in _sequence(_mapping(summary.get("series")).get("counters")):
        data = _mapping(entry)
        points = []
        for point in _sequence(data.get("points")):
            moment = parse_time(_mapping(point).get("at"))
            value = _mapping(point).get("value")
            if moment is not None and is_number(value):
                points.append((moment, float(value)))
        if points:
            points.sort(key=lambda item: item[0])
            found.append((str(data.get("platform", "")), str(data.get("metric", "")), points))
    found.sort(key=lambda item: (platform_key(item[0]), item[1]))
    return found


def _counters(summary: Mapping[str, Any], clock: _Clock) -> str:
    found = _counter_series(summary)
    styles = _colours(sorted_platforms(platform for platform, _, _ in found))
    parts = []
    if found:
        figures = []
        for index, (platform, metric, points) in enumerate(found):
            span = (points[-1][0] - points[0][0]).total_seconds()
            label = f"{platform_name(platform)} \u00b7 {metric}"
            series = _Series(
                key=f"{platform}/{metric}",
                label=label,
                colour=styles[platform][0],
                dash="",
                points=[(moment.timestamp(), value) for moment, value in points],
                moments=[moment for moment, _ in points],
            )
            description = (
                f"{metric} on {platform_name(platform)} from {_num(points[0][1])} on "
                f"{clock.stamp(points[0][0])} to {_num(points[-1][1])} on {clock.stamp(points[-1][0])}."
            )
            svg = _line_chart(
                chart_id=f"counter-chart-{index}",
                title=label,
                description=description,
                series=[series],
                clock=clock,
                show_hours=span < 2 * 86_400,
                include_zero=False,
                width=340,
                height=190,
                max_x_ticks=4,
            )
            figures.append(f"<figure><figcaption>{_e(label)}</figcaption>{svg}</figure>")
        parts.append(f'<div class="multiples">{"".join(figures)}</div>')
    table = _counters_table(summary, clock)
    if not found and table == NO_COUNTERS:
        return _section("counters", "Counters", NO_COUNTERS)
    if not found:
        parts.append('<p class="empty">No counter snapshots in the window yet: nothing to chart.</p>')
    parts.append(table)
    return _section("counters", "Counters", "".join(parts))


NO_COUNTERS = '<p class="empty">No counter has been pulled for this campaign yet.</p>'


def _sentence(text: str) -> str:
    """The text ending with one full stop, however it ended."""
    return text.rstrip().rstrip(".") + "."


def _counters_table(summary: Mapping[str, Any], clock: _Clock) -> str:
    platforms = _mapping(summary.get("platforms"))
    rows = []
    for platform in sorted_platforms(platforms):
        counters = _mapping(_mapping(platforms[platform]).get("counters"))
        for metric in sorted(counters):
            counter = _mapping(counters[metric])
            start = f'<tr><th scope="row">{_e(platform_name(platform))}</th><td class="id">{_e(metric)}</td>'
            if "unavailable" in counter:
                reason = counter.get("unavailable") or "no reason given"
                rows.append(f'{start}<td colspan="4" class="bad wrap">Unavailable: {_e(reason)}</td></tr>')
                continue
            delta = counter.get("delta")
            delta_class = "n bad" if is_number(delta) and delta < 0 else "n"
            rows.append(
                f'{start}<td class="n">{_e(_num(counter.get("first")))}</td>'
                f'<td class="n">{_e(_num(counter.get("last")))}</td>'
                f'<td class="{delta_class}">{_e(_num(delta, signed=True))}</td>'
                f"<td>{clock.time_tag(counter.get('as_of'), 'no snapshot')}</td></tr>"
            )
    if not rows:
        return NO_COUNTERS
    head = [
        _th("Platform"),
        _th("Metric"),
        *(_th(name, numeric=True) for name in ("First", "Last", "Change")),
    ]
    head.append(_th("As of"))
    return "<h3>Figures</h3>" + _table(
        caption="First and last snapshot in the window, summed over the campaign's items",
        head=head,
        rows=rows,
    )


def _engagement(summary: Mapping[str, Any]) -> str:
    totals = _mapping(summary.get("totals"))
    weights = _mapping(summary.get("weights"))
    rate = _mapping(summary.get("engagement_rate"))
    platforms = _mapping(summary.get("platforms"))

    totals_table = _table(
        caption="Totals over every platform",
        head=[_th("Figure"), _th("Value", numeric=True)],
        rows=[
            f'<tr><th scope="row">Events (net)</th><td class="n">{_e(_num(totals.get("events")))}</td></tr>',
            '<tr><th scope="row">Engagement units</th>'
            f'<td class="n">{_e(_num(totals.get("engagement_units")))}</td></tr>',
        ],
        label="Totals",
    )

    value = rate.get("value")
    denominator = rate.get("denominator")
    if is_number(value):
        rate_text = (
            f"<p><strong>{_e(_percent(float(value)))}</strong> = "
            f"{_e(_num(totals.get('engagement_units')))} engagement units \u00f7 "
            f'{_e(_num(rate.get("denominator_value")))} <span class="id">{_e(denominator)}</span>.</p>'
        )
    else:
        named = f' (denominator: <span class="id">{_e(denominator)}</span>)' if denominator else ""
        rate_text = (
            f"<p>Not available{named}: {_e(_sentence(rate.get('reason') or 'no reason given'))}</p>"
            if rate.get("reason")
            else f"<p>Not available{named}.</p>"
        )

    per_kind: dict[str, float] = {}
    for data in platforms.values():
        for kind, count in _mapping(_mapping(data).get("events")).items():
            if is_number(count):
                per_kind[kind] = per_kind.get(kind, 0) + count
    kind_weights = _mapping(weights.get("kinds"))
    rows = []
    for kind in sorted_kinds([*kind_weights, *per_kind]):
        weight = kind_weights.get(kind)
        count = per_kind.get(kind, 0)
        units = count * weight if is_number(weight) else None
        rows.append(
            f'<tr><th scope="row">{_e(kind_name(kind))}</th><td class="n">{_e(_num(weight))}</td>'
            f'<td class="n">{_e(_num(count))}</td><td class="n">{_e(_num(units))}</td></tr>'
        )
    weights_note = (
        f'<p>Weights version <strong class="id">{_e(weights.get("version"))}</strong>, effective from '
        f"{_e(weights.get('effective_from'))}; source: {_e(weights.get('source'))}.</p>"
    )
    weights_table = _table(
        caption="Engagement units = net events \u00d7 weight, summed over kinds",
        head=[
            _th("Kind"),
            _th("Weight", numeric=True),
            _th("Events", numeric=True),
            _th("Units", numeric=True),
        ],
        rows=rows,
        foot=(
            '<tr><th scope="row">All kinds</th><td></td>'
            f'<td class="n">{_e(_num(totals.get("events")))}</td>'
            f'<td class="n">{_e(_num(totals.get("engagement_units")))}</td></tr>'
        ),
        label="Engagement units by kind",
    )
    body = (
        totals_table
        + "<h3>Engagement rate</h3>"
        + rate_text
        + "<h3>Engagement units</h3>"
        + weights_note
        + weights_table
    )
    return _section("engagement", "Totals and engagement", body)


def _freshness(summary: Mapping[str, Any], clock: _Clock) -> str:
    platforms = _mapping(summary.get("platforms"))
    if not platforms:
        return _section(
            "freshness", "Freshness", '<p class="empty">No platform has reported anything yet.</p>'
        )
    rows = []
    for platform in sorted_platforms(platforms):
        fresh = _mapping(_mapping(platforms[platform]).get("freshness"))
        error = fresh.get("last_error")
        error_cell = f'<td class="bad wrap">{_e(error)}</td>' if error else '<td class="muted">none</td>'
        rows.append(
            f'<tr><th scope="row">{_e(platform_name(platform))}</th>'
            f"<td>{clock.time_tag(fresh.get('last_event_at'))}</td>"
            f"<td>{clock.time_tag(fresh.get('last_pull_at'))}</td>{error_cell}</tr>"
        )
    table = _table(
        caption="Newest data per platform for this campaign's items",
        head=[_th("Platform"), _th("Last event"), _th("Last pull"), _th("Last error")],
        rows=rows,
        label="Freshness",
    )
    return _section("freshness", "Freshness", table)


def _top_content(summary: Mapping[str, Any]) -> str:
    items = [_mapping(item) for item in _sequence(summary.get("top_content"))]
    if not items:
        return _section("top-content", "Top content", '<p class="empty">No content has events yet.</p>')
    rows = []
    for rank, item in enumerate(items, start=1):
        content = _e(item.get("content_id"))
        url = safe_url(item.get("url"))
        if url is not None:
            content = f'<a href="{_e(url)}" rel="noopener noreferrer nofollow">{content}</a>'
        rows.append(
            f'<tr><td class="n">{rank}</td><td>{_e(platform_name(str(item.get("platform", ""))))}</td>'
            f'<th scope="row" class="id">{content}</th><td class="n">{_e(_num(item.get("events")))}</td></tr>'
        )
    table = _table(
        caption="Content with the most net events (links open the platform's page)",
        head=[_th("#", numeric=True), _th("Platform"), _th("Content"), _th("Events", numeric=True)],
        rows=rows,
        label="Top content",
    )
    return _section("top-content", "Top content", table)


def _attention(summary: Mapping[str, Any]) -> str:
    items = [_mapping(item) for item in _sequence(summary.get("attention"))]
    if not items:
        return _section("attention", "Attention", "<p>Nothing needs your attention.</p>")
    rows = "".join(
        f'<li><span class="badge">{_e(item.get("severity"))}</span> '
        f'<span class="id">{_e(item.get("code"))}</span>'
        + (f" \u00b7 {_e(platform_name(str(item['platform'])))}" if item.get("platform") else "")
        + f": {_e(item.get('message'))}</li>"
        for item in items
    )
    return _section("attention", "Attention", f'<ul class="attention">{rows}</ul>')


def _push_clashes(items: list[Mapping[str, Any]], clock: _Clock) -> str:
    rows = []
    for item in items:
        other = _e(item.get("label"))
        if item.get("campaign_id"):
            other += (
                f'<br><span class="id muted">{_e(item.get("campaign_id"))}</span> {_e(item.get("title"))}'
            )
        platforms = ", ".join(platform_name(str(p)) for p in _sequence(item.get("platforms")))
        rows.append(
            f'<tr><th scope="row" class="id">{_e(item.get("push_id"))}</th><td class="wrap">{other}</td>'
            f"<td>{clock.time_tag(item.get('at'), 'unknown')}</td><td>{_e(platforms)}</td>"
            f'<td class="n">{_e(_num(item.get("hours_apart")))}</td></tr>'
        )
    return "<h3>Push clashes</h3>" + _table(
        caption="This campaign's pushes near another campaign's push on a shared platform",
        head=[
            _th("Our push"),
            _th("Other push"),
            _th("At"),
            _th("Platforms"),
            _th("Hours apart", numeric=True),
        ],
        rows=rows,
        label="Push clashes",
    )


def _collisions(summary: Mapping[str, Any], clock: _Clock) -> str:
    listed = [_mapping(item) for item in _sequence(summary.get("collisions"))]
    clashes = [item for item in listed if item.get("type") == "push_clash"]
    items = [item for item in listed if item.get("type") != "push_clash"]
    if not listed:
        return _section(
            "collisions",
            "Collisions",
            "<p>None: no other campaign of this label tracks the same accounts or content in an overlapping "
            "window, and no push is close to another campaign's on a shared platform.</p>",
        )
    body = _push_clashes(clashes, clock) if clashes else ""
    if not items:
        return _section("collisions", "Collisions", body)
    rows = []
    for item in items:
        shared = "".join(
            f"<li>{_e(platform_name(str(_mapping(entry).get('platform', ''))))} "
            f'{_e(_mapping(entry).get("type"))} <span class="id">{_e(_mapping(entry).get("id"))}</span></li>'
            for entry in _sequence(item.get("shared"))
        )
        rows.append(
            f'<tr><th scope="row" class="text">{_e(item.get("name"))}<br>'
            f'<span class="id muted">{_e(item.get("campaign_id"))}</span></th>'
            f"<td>{clock.time_tag(item.get('from'), 'unknown')} \u2013 "
            f"{clock.time_tag(item.get('to'), 'unknown')}</td>"
            f'<td class="wrap"><ul>{shared}</ul></td></tr>'
        )
    note = (
        "<p>These campaigns count the same events too: figures of campaigns that share items must not be "
        "added up.</p>"
    )
    table = _table(
        caption="Campaigns of this label sharing tracked items in an overlapping window",
        head=[_th("Campaign"), _th("Window"), _th("Shared")],
        rows=rows,
        label="Collisions",
    )
    return _section("collisions", "Collisions", note + table + body)


def _tracked(campaign: Mapping[str, Any]) -> str:
    tracked = _mapping(campaign.get("tracked"))
    rows = []
    for platform in sorted_platforms(tracked):
        entry = _mapping(tracked[platform])
        for kind, label in (("accounts", "account"), ("content", "content")):
            ids = [str(value) for value in _sequence(entry.get(kind))]
            if ids:
                listed = ", ".join(f'<span class="id">{_e(value)}</span>' for value in ids)
                rows.append(
                    f'<tr><th scope="row">{_e(platform_name(platform))}</th>'
                    f'<td>{label}</td><td class="wrap">{listed}</td></tr>'
                )
    if not rows:
        return _section("tracked", "Tracked items", '<p class="empty">Nothing is tracked yet.</p>')
    table = _table(
        caption="Accounts and content this campaign counts",
        head=[_th("Platform"), _th("Type"), _th("Ids")],
        rows=rows,
        label="Tracked items",
    )
    return _section(
        "tracked",
        "Tracked items",
        f"<details><summary>{len(rows)} list{'s' if len(rows) != 1 else ''} of ids</summary>"
        f"{table}</details>",
    )


def _zone_label(summary: Mapping[str, Any]) -> str:
    name = summary.get("timezone") or _mapping(summary.get("campaign")).get("timezone")
    return str(name) if name and zone(name) is not None else "each time's own UTC offset"


def _header(summary: Mapping[str, Any], clock: _Clock) -> str:
    campaign = _mapping(summary.get("campaign"))
    window = _mapping(summary.get("window"))
    archived = ' <span class="badge">archived</span>' if campaign.get("archived") is True else ""
    meta = [
        (
            "Window",
            f"{clock.time_tag(window.get('from'), 'unknown')} \u2013 "
            f"{clock.time_tag(window.get('to'), 'now')}",
        ),
        (
            "Campaign runs",
            f"{clock.time_tag(campaign.get('starts_at'), '?')} \u2013 "
            f"{clock.time_tag(campaign.get('ends_at'), '?')}",
        ),
        ("Generated", clock.time_tag(summary.get("generated_at"), "unknown")),
        ("Times in", _e(_zone_label(summary))),
    ]
    meta_html = "".join(f"<div><dt>{label}</dt><dd>{value}</dd></div>" for label, value in meta)
    links = (
        ("attention", "Attention"),
        ("overview", "Overview"),
        ("over-time", "Over time"),
        ("events", "Events"),
        ("counters", "Counters"),
        ("engagement", "Engagement"),
        ("freshness", "Freshness"),
        ("top-content", "Top content"),
        ("collisions", "Collisions"),
    )
    nav = "".join(f'<li><a href="#{anchor}">{label}</a></li>' for anchor, label in links)
    return (
        '<header class="top"><div class="wrap">'
        f'<p class="eyebrow">Engagement summary \u00b7 {_e(campaign.get("label"))} \u00b7 '
        f"{_e(campaign.get('artist'))}</p>"
        f"<h1>{_e(campaign.get('name') or campaign.get('campaign_id'))}{archived}</h1>"
        f'<p class="eyebrow id">{_e(campaign.get("campaign_id"))}</p>'
        f'<dl class="meta">{meta_html}</dl>'
        f'<nav class="toc" aria-label="Sections"><ul>{nav}</ul></nav>'
        "</div></header>"
    )


def _csp() -> str:
    digest = base64.b64encode(hashlib.sha256(_CSS.encode("utf-8")).digest()).decode("ascii")
    return (
        f"default-src 'none'; style-src 'sha256-{digest}'; img-src 'none'; font-src 'none'; "
        "base-uri 'none'; form-action 'none'"
    )


def render_html(given: Summary | Mapping[str, Any]) -> bytes:
    """summary.html for a summary (or its JSON, as a dict): one UTF-8 page that loads nothing."""
    summary = given if isinstance(given, Mapping) else given.model_dump(mode="json")
    campaign = _mapping(summary.get("campaign"))
    clock = _Clock(zone(summary.get("timezone") or campaign.get("timezone")))
    title = f"{campaign.get('name') or campaign.get('campaign_id') or 'Campaign'} \u2013 engagement summary"
    generated = parse_time(summary.get("generated_at"))
    generated_utc = generated.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if generated else "unknown"
    body = "".join(
        (
            _attention(summary),
            _overview(summary),
            _events_chart(summary, clock),
            _events_table(summary),
            _counters(summary, clock),
            _engagement(summary),
            _freshness(summary, clock),
            _top_content(summary),
            _collisions(summary, clock),
            _tracked(campaign),
        )
    )
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{_e(_csp())}">'
        '<meta name="referrer" content="no-referrer">'
        '<meta name="robots" content="noindex, nofollow">'
        '<meta name="color-scheme" content="light dark">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>"
        f'{_header(summary, clock)}<main id="main" class="wrap">{body}</main>'
        f'<footer><div class="wrap">summary.json schema version {_e(summary.get("schema_version"))}; '
        f"generated {_e(generated_utc)}. Figures are also in summary.csv.</div></footer>"
        "</body></html>\n"
    )
    return page.encode("utf-8")
