"""calendar.html: one label's group calendar (contract section 9), a page the publish job writes to
`calendar/<label>/calendar.html` and `GET /calendar/links` presigns.

A month grid (each day its pushes, days inside a campaign window tinted, clashes marked by a "!" and
a colour) and a list of every push with its clashes spelt out, then the campaign windows. Like
summary.html it fetches nothing: inline CSS allowed by its hash in a Content-Security-Policy meta
that forbids everything else, no script, every string escaped. At 390 px the grid's seven columns
share the width (fixed table layout, labels cut with an ellipsis) and the page never scrolls sideways.

Pure: standard library only.
"""

from __future__ import annotations

import base64
import hashlib
import html
from calendar import Calendar as MonthCalendar
from datetime import date, datetime, timedelta, tzinfo

from chalicelib.domain.calendar import Calendar, Window
from chalicelib.domain.pushes import PushEntry

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MAX_MONTHS = 13
TODAY = " \u00b7 today"

_CSS = """
:root{--bg:#fff;--fg:#1b1d21;--muted:#4b5563;--line:#d5d9e0;--panel:#f4f5f7;--tint:#e8f0fe;--accent:#0b57d0;
--bad:#b42318;--badbg:#fde8e7;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#16181c;--fg:#e7e9ec;--muted:#a3aab4;--line:#3a3f47;
--panel:#1f2228;--tint:#1d2a3f;--accent:#8ab4f8;--bad:#ff8a80;--badbg:#3a1f1d}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,
Arial,sans-serif;overflow-wrap:break-word}
.wrap{max-width:1120px;margin:0 auto;padding:0 12px}
header{border-bottom:1px solid var(--line);background:var(--panel);padding:16px 0 10px}
h1{margin:0 0 .2em;font-size:clamp(1.4rem,4.5vw,2rem);line-height:1.2}
h2{margin:1.4em 0 .5em;font-size:1.2rem}
.muted{color:var(--muted)}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;padding:0;margin:.5em 0;list-style:none;font-size:.875rem}
table.month{table-layout:fixed;width:100%;border-collapse:collapse;font-size:.8125rem}
table.month th{font-weight:600;color:var(--muted);padding:2px;text-align:left}
table.month td{border:1px solid var(--line);vertical-align:top;height:3.6em;padding:2px;overflow:hidden}
table.month td.out{background:transparent;color:var(--muted);opacity:.5}
table.month td.in-window{background:var(--tint)}
.day{display:block;font-variant-numeric:tabular-nums;font-weight:600}
.chip{display:block;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;border-radius:4px;padding:0 3px;
margin-top:1px;background:var(--panel);border:1px solid var(--line)}
.legend .chip{display:inline-block}
.chip.tinted{background:var(--tint)}
.chip.clash,li.clash{border-color:var(--bad);background:var(--badbg)}
.chip.clash::before{content:"! ";color:var(--bad);font-weight:700}
ul.pushes{list-style:none;margin:0;padding:0}
ul.pushes li{border:1px solid var(--line);border-radius:8px;padding:8px 10px;margin:0 0 8px}
ul.pushes ul{margin:.3em 0 0;padding-left:1.1em}
ul.pushes ul li{border:0;padding:0;margin:0;background:transparent}
.badge{display:inline-block;border-radius:999px;padding:0 8px;font-size:.8125rem;border:1px solid var(--bad);
color:var(--bad);font-weight:600}
time{white-space:nowrap}
footer{border-top:1px solid var(--line);color:var(--muted);font-size:.8125rem;padding:12px 0 24px;
margin-top:24px}
@media (max-width:600px){table.month{font-size:.6875rem}table.month td{height:3.2em;padding:1px}}
""".strip()


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _csp() -> str:
    digest = base64.b64encode(hashlib.sha256(_CSS.encode("utf-8")).digest()).decode("ascii")
    return (
        f"default-src 'none'; style-src 'sha256-{digest}'; img-src 'none'; font-src 'none'; "
        "base-uri 'none'; form-action 'none'"
    )


def _stamp(moment: datetime, tz: tzinfo) -> str:
    local = moment.astimezone(tz)
    return f"{local.day} {_MONTHS[local.month - 1][:3]} {local.year}, {local:%H:%M}"


def _months(first: date, last: date) -> list[tuple[int, int]]:
    months: list[tuple[int, int]] = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month) and len(months) < MAX_MONTHS:
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _window_days(windows: list[Window], tz: tzinfo) -> set[date]:
    days: set[date] = set()
    for window in windows:
        day = window.starts_at.astimezone(tz).date()
        last = (window.ends_at.astimezone(tz) - timedelta(microseconds=1)).date()
        while day <= last and len(days) < 5000:
            days.add(day)
            day += timedelta(days=1)
    return days


def _chip(calendar: Calendar, push: PushEntry, tz: tzinfo) -> str:
    clash = calendar.clashes_of(push)
    css = "chip clash" if clash else "chip"
    title = f"{_stamp(push.at, tz)} {push.artist} \u00b7 {push.kind}: {push.title}"
    return f'<span class="{css}" title="{_e(title)}">{_e(push.artist)} \u00b7 {_e(push.kind)}</span>'


def _grid(calendar: Calendar, year: int, month: int, tz: tzinfo, *, today: date, tinted: set[date]) -> str:
    by_day: dict[date, list[PushEntry]] = {}
    for push in calendar.pushes:
        by_day.setdefault(push.at.astimezone(tz).date(), []).append(push)
    rows = []
    for week in MonthCalendar(firstweekday=0).monthdatescalendar(year, month):
        cells = []
        for day in week:
            classes = []
            if day.month != month:
                classes.append("out")
            elif day in tinted:
                classes.append("in-window")
            marker = TODAY if day == today else ""
            label = f'<span class="day">{day.day}{marker}</span>'
            chips = (
                "".join(_chip(calendar, push, tz) for push in by_day.get(day, []))
                if day.month == month
                else ""
            )
            css = f' class="{" ".join(classes)}"' if classes else ""
            cells.append(f"<td{css}>{label}{chips}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    head = "".join(f'<th scope="col">{name}</th>' for name in _DAYS)
    title = f"{_MONTHS[month - 1]} {year}"
    return (
        f'<section aria-label="{_e(title)}"><h2>{_e(title)}</h2><table class="month">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></section>"
    )


def _push_list(calendar: Calendar, tz: tzinfo) -> str:
    if not calendar.pushes:
        return '<p class="muted">No pushes planned.</p>'
    items = []
    for push in calendar.pushes:
        clashes = calendar.clashes_of(push)
        badge = f' <span class="badge">Clash \u00d7{len(clashes)}</span>' if clashes else ""
        detail = (
            "<ul>" + "".join(f"<li>Clashes with {_e(clash.sentence())}</li>" for clash in clashes) + "</ul>"
            if clashes
            else ""
        )
        css = ' class="clash"' if clashes else ""
        items.append(
            f'<li{css}><time datetime="{_e(push.at.isoformat())}">{_e(_stamp(push.at, tz))}</time>{badge}<br>'
            f"<strong>{_e(push.artist)} \u00b7 {_e(push.kind)}</strong>: {_e(push.title)}<br>"
            f'<span class="muted">{_e(", ".join(push.platforms))} \u00b7 {_e(push.campaign_id)}</span>'
            f"{detail}</li>"
        )
    return f'<ul class="pushes">{"".join(items)}</ul>'


def _window_list(calendar: Calendar, tz: tzinfo) -> str:
    if not calendar.windows:
        return '<p class="muted">No campaign windows.</p>'
    items = "".join(
        f"<li><strong>{_e(w.name)}</strong> ({_e(w.artist)}, {_e(w.campaign_id)}): "
        f"<time>{_e(_stamp(w.starts_at, tz))}</time> \u2013 <time>{_e(_stamp(w.ends_at, tz))}</time></li>"
        for w in calendar.windows
    )
    return f'<ul class="pushes">{items}</ul>'


def render_calendar_html(
    label: str,
    calendar: Calendar,
    *,
    generated_at: datetime,
    tz: tzinfo,
    zone_name: str,
    spacing_hours: float,
) -> bytes:
    """The label's calendar page, from the first day of the month of `generated_at` to its latest
    push or window end (at most 13 months)."""
    today = generated_at.astimezone(tz).date()
    ends = [push.at.astimezone(tz).date() for push in calendar.pushes]
    ends += [(w.ends_at.astimezone(tz) - timedelta(microseconds=1)).date() for w in calendar.windows]
    months = _months(today.replace(day=1), max([today, *ends]))
    tinted = _window_days(calendar.windows, tz)
    grids = "".join(_grid(calendar, year, month, tz, today=today, tinted=tinted) for year, month in months)
    clashing = sum(1 for push in calendar.pushes if calendar.clashes_of(push))
    body = (
        f'<header><div class="wrap"><p class="muted">Group calendar \u00b7 {_e(label)}</p>'
        f"<h1>Pushes and campaign windows of {_e(label)}</h1>"
        f'<p class="muted">Times in {_e(zone_name)}. Generated {_e(_stamp(generated_at, tz))}. '
        f"{len(calendar.pushes)} pushes, {clashing} with a clash (pushes of other campaigns on a shared "
        f"platform less than {spacing_hours:g} h apart).</p>"
        '<ul class="legend"><li><span class="chip">artist \u00b7 kind</span> a push</li>'
        '<li><span class="chip clash">clash</span> a push that clashes</li>'
        '<li><span class="chip tinted">tinted day</span> inside a campaign window</li></ul>'
        f'</div></header><main class="wrap">{grids}<h2>Pushes</h2>{_push_list(calendar, tz)}'
        f"<h2>Campaign windows</h2>{_window_list(calendar, tz)}</main>"
        '<footer><div class="wrap">Other labels\u2019 pushes are named by label, kind, platforms and time '
        "only.</div></footer>"
    )
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{_e(_csp())}">'
        '<meta name="referrer" content="no-referrer">'
        '<meta name="robots" content="noindex, nofollow">'
        '<meta name="color-scheme" content="light dark">'
        f"<title>{_e(label)} \u2013 group calendar</title><style>{_CSS}</style></head>"
        f"<body>{body}</body></html>\n"
    )
    return page.encode("utf-8")
