"""radar.html and radar.csv: one label's weekly talent radar (contract section 13).

The page ranks the watchlist (highest momentum first): per artist its band, the change of band since
last week, audience, growth and z, and an inline SVG sparkline of its daily audience over 90 days.
Like calendar.html it fetches nothing (inline CSS allowed by its hash in a Content-Security-Policy
meta, no script, every string escaped) and is a list of cards that wraps, so at 390 px it never
scrolls sideways. Pure: standard library only.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import html
import io
from datetime import date

from chalicelib.services.radar import RadarReport, RadarRow

SPARK_WIDTH, SPARK_HEIGHT = 240, 48
CSV_HEADER = "label,rank,radar_id,name,day,audience,size,growth,z,band,band_last_week,gone_platforms"

_CSS = """
:root{--bg:#fff;--fg:#1b1d21;--muted:#4b5563;--line:#d5d9e0;--panel:#f4f5f7;--accent:#0b57d0;
--hot:#b42318;--hotbg:#fde8e7;--up:#067647;--upbg:#e3f4ea;--down:#6b7280;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#16181c;--fg:#e7e9ec;--muted:#a3aab4;--line:#3a3f47;
--panel:#1f2228;--accent:#8ab4f8;--hot:#ff8a80;--hotbg:#3a1f1d;--up:#7ee2a8;--upbg:#17301f}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,
Arial,sans-serif;overflow-wrap:anywhere}
.wrap{max-width:1120px;margin:0 auto;padding:0 12px}
header{border-bottom:1px solid var(--line);background:var(--panel);padding:16px 0 10px}
h1{margin:0 0 .2em;font-size:clamp(1.4rem,4.5vw,2rem);line-height:1.2}
.muted{color:var(--muted)}
ol.radar{list-style:none;margin:16px 0;padding:0;display:grid;gap:10px;
grid-template-columns:repeat(auto-fill,minmax(min(100%,340px),1fr))}
ol.radar li{border:1px solid var(--line);border-radius:8px;padding:10px 12px;min-width:0}
.top{display:flex;gap:8px;align-items:baseline;flex-wrap:wrap}
.rank{font-weight:700;color:var(--muted)}
.name{font-weight:600;font-size:1.05rem}
.band{font-size:.8125rem;padding:1px 8px;border-radius:999px;background:var(--panel)}
.band.explosive{background:var(--hotbg);color:var(--hot);font-weight:700}
.band.rising,.band.growing{background:var(--upbg);color:var(--up)}
.change{font-size:.8125rem;color:var(--accent)}
dl{display:flex;flex-wrap:wrap;gap:2px 14px;margin:6px 0;font-size:.875rem}
dl div{display:flex;gap:4px}dt{color:var(--muted)}dd{margin:0;font-variant-numeric:tabular-nums}
svg{display:block;width:100%;max-width:240px;height:48px}
svg polyline{fill:none;stroke:var(--accent);stroke-width:2}
footer{margin:24px 0;font-size:.8125rem}
"""


def _csp() -> str:
    digest = base64.b64encode(hashlib.sha256(_CSS.encode("utf-8")).digest()).decode("ascii")
    return (
        f"default-src 'none'; style-src 'sha256-{digest}'; img-src 'none'; font-src 'none'; "
        "base-uri 'none'; form-action 'none'"
    )


def _number(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def _decimal(value: float | None, places: int = 2) -> str:
    return "—" if value is None else f"{value:+.{places}f}"


def sparkline(points: list[tuple[date, int | None]]) -> str:
    """An inline SVG polyline of the known points (a figure, not a chart, with fewer than two)."""
    known = [(index, value) for index, (_, value) in enumerate(points) if value is not None]
    if len(known) < 2:
        return '<p class="muted">Not enough readings for a chart.</p>'
    low, high = min(v for _, v in known), max(v for _, v in known)
    span = (high - low) or 1
    last = max(len(points) - 1, 1)
    coords = " ".join(
        f"{index * SPARK_WIDTH / last:.1f},{SPARK_HEIGHT - 2 - (value - low) * (SPARK_HEIGHT - 4) / span:.1f}"
        for index, value in known
    )
    title = f"Audience from {_number(known[0][1])} to {_number(known[-1][1])} over {len(points)} days"
    return (
        f'<svg viewBox="0 0 {SPARK_WIDTH} {SPARK_HEIGHT}" preserveAspectRatio="none" role="img" '
        f'aria-label="{html.escape(title)}"><title>{html.escape(title)}</title>'
        f'<polyline points="{coords}"/></svg>'
    )


def _card(row: RadarRow) -> str:
    score, artist = row.score, row.artist
    band = score.band or "none"
    change = f'<span class="change">{html.escape(row.change)}</span>' if row.change else ""
    figures = [
        ("Audience", _number(score.audience)),
        ("Growth", _decimal(score.growth, 3)),
        ("z", _decimal(score.z)),
        ("Day", score.day.isoformat() if score.day else "—"),
    ]
    if artist.gone:
        figures.append(("Gone", ", ".join(sorted(artist.gone))))
    why = f'<p class="muted">{html.escape(score.reason)}</p>' if score.reason else ""
    return (
        f'<li class="artist" data-radar-id="{html.escape(artist.radar_id)}"><div class="top">'
        f'<span class="rank">#{row.rank}</span><span class="name">{html.escape(artist.name)}</span>'
        f'<span class="band {html.escape(band)}">{html.escape(band)}</span>{change}</div>'
        "<dl>"
        + "".join(f"<div><dt>{name}</dt><dd>{html.escape(value)}</dd></div>" for name, value in figures)
        + f"</dl>{sparkline(row.sparkline)}{why}</li>"
    )


def render_radar_html(report: RadarReport) -> bytes:
    label = html.escape(report.label)
    changed = sum(1 for row in report.rows if row.change)
    generated = report.generated_at.strftime("%Y-%m-%d %H:%M UTC")
    cards = "".join(_card(row) for row in report.rows) or '<li class="muted">Nobody is watched yet.</li>'
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{_csp()}">'
        f"<title>Talent radar · {label} · {report.week}</title><style>{_CSS}</style></head><body>"
        f'<header><div class="wrap"><h1>Talent radar · {label}</h1>'
        f'<p class="muted">Week {report.week} · {len(report.rows)} artists watched · '
        f"{changed} changed band since last week · generated {generated}</p></div></header>"
        f'<main class="wrap"><ol class="radar">{cards}</ol>'
        '<footer class="muted">Momentum z is the robust z-score of each artist\'s 28-day growth of '
        "log10(1 + audience) within this watchlist: explosive z ≥ 3, rising ≥ 2, growing ≥ 1, "
        "declining ≤ \u22121. Sparklines: daily audience over 90 days.</footer></main></body></html>"
    )
    return page.encode("utf-8")


def render_radar_csv(report: RadarReport) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER.split(","))
    for row in report.rows:
        s = row.score
        writer.writerow(
            [
                report.label,
                row.rank,
                row.artist.radar_id,
                row.artist.name,
                s.day.isoformat() if s.day else "",
                "" if s.audience is None else s.audience,
                "" if s.size is None else f"{s.size:.6f}",
                "" if s.growth is None else f"{s.growth:.6f}",
                "" if s.z is None else f"{s.z:.4f}",
                s.band or "",
                (row.last_week.band if row.last_week else None) or "",
                " ".join(sorted(row.artist.gone)),
            ]
        )
    return out.getvalue().encode("utf-8")
