"""consumption.html and consumption.csv: a label's weekly consumption report (contract section 12).

The page (Jinja2, `templates/consumption.html.j2`) has one section per artist and one card per release:
its SNEP certification by the end of the current week, then a table of its chart weeks (newest first):
streams premium and ad-supported, downloads, physical units, and equivalents per chart (the units of
the rule sets in force in the week, added up: a week across a change counts each day by its own rule).
Like summary.html it fetches nothing (inline CSS allowed by its hash, no script, every string escaped)
and on a phone (up to 640 px) each week's row becomes a card: it never scrolls sideways.

The CSV has one row per (week, release, rule set in force in the week): `CSV_HEADER`, oldest week first.
UTF-8 without BOM, CRLF, dates ISO (`YYYY-MM-DD`), numbers as numbers (equivalents to 3 decimals), text
cells neutralised against formulas. Jinja2 and Babel load with this module, on the publish path only.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC
from fractions import Fraction

from babel.dates import format_date
from jinja2 import Template
from markupsafe import Markup

from chalicelib.domain.consumption.figures import Certification
from chalicelib.domain.consumption.rules import FAMILIES, RuleSet
from chalicelib.domain.consumption.weekly import ChartWeek, ConsumptionReport, ReleaseWeek
from chalicelib.report.csv_report import neutralise
from chalicelib.report.language import Words, generated_utc
from chalicelib.report.templates_env import style_only_csp, stylesheet, template

CSS = stylesheet("consumption.css")
CSP = style_only_csp(CSS)
CSV_HEADER = (
    "label,week_start,week_end,current_week,artist_id,artist,upc,release,release_type,release_date,"
    "streams_premium,streams_ad,downloads,physical_units,rule_set,unit,equivalents,"
    "snep_level,snep_units,snep_next_level,snep_next_units,snep_progress"
)
CHARTS = {"snep": "SNEP", "billboard": "Billboard 200", "occ": "Official Charts", "riaa": "RIAA"}
EN_DASH = "\u2013"
UNITS = {"album_units": "album units", "single_units": "single units", "stream_equivalents": "streams"}


@dataclass(frozen=True, slots=True)
class WeekRow:
    """One week of a release, as the page shows it."""

    week: str
    current: bool
    figures: tuple[tuple[str, str], ...]  # (column, figure): streams, sales, then each chart
    certification: str


def _units(words: Words, units: Fraction, unit: str) -> str:
    """Album units to one decimal; stream equivalents (millions) whole."""
    return words.number(round(float(units), 0 if unit == "stream_equivalents" else 1))


def week_span(words: Words, week: ChartWeek) -> str:
    """Fri 9 Jan to Thu 15 Jan 2026, with an en dash."""
    start = format_date(week.start, "EEE d MMM", locale=words.locale)
    return f"{start} {EN_DASH} {format_date(week.end, 'EEE d MMM y', locale=words.locale)}"


def certification_text(words: Words, reached: Certification) -> str:
    level = words.certification(reached.level) if reached.level else "no level yet"
    figure = f"{level} · {_units(words, reached.units, reached.unit)} {UNITS[reached.unit]}"
    if reached.next_level is None:
        return figure
    return f"{figure} · {words.percent(reached.progress)} of {words.certification(reached.next_level)}"


def _week_row(words: Words, row: ReleaseWeek, current: ChartWeek) -> WeekRow:
    totals = row.totals
    charts: dict[str, Fraction] = {}
    for equivalent in row.equivalents:
        family = equivalent.rule.family
        charts[family] = charts.get(family, Fraction(0)) + equivalent.units
    units = {e.rule.family: e.unit for e in row.equivalents}
    return WeekRow(
        week=week_span(words, row.week),
        current=row.week == current,
        figures=(
            ("Premium streams", words.number(totals.premium)),
            ("Ad-supported streams", words.number(totals.ad)),
            ("Downloads", words.number(totals.downloads)),
            ("Physical units", words.number(totals.physical)),
            *((CHARTS[f], _units(words, charts[f], units[f])) for f in FAMILIES if f in charts),
        ),
        certification=certification_text(words, row.certification),
    )


def _rules(report: ConsumptionReport) -> list[RuleSet]:
    found = {
        e.rule.id: e.rule
        for artist in report.artists
        for release in artist.releases
        for week in release.weeks
        for e in week.equivalents
    }
    return sorted(found.values(), key=lambda r: (r.family, r.effective_from))


def _template() -> Template:
    return template("consumption.html.j2")


def render_consumption_html(report: ConsumptionReport) -> bytes:
    words = Words("en", UTC)
    page = _template().render(
        css=Markup(CSS),  # noqa: S704 - our own stylesheet, the exact text the CSP hash allows
        csp=CSP,
        report=report,
        words=words,
        span=lambda week: week_span(words, week),
        rows=lambda release: [_week_row(words, row, report.current) for row in release.weeks],
        certification=lambda reached: certification_text(words, reached),
        units=lambda release: " · ".join(
            f"{CHARTS[family]} in {UNITS[unit]}"
            for family in FAMILIES
            for unit in {e.unit for e in release.weeks[0].equivalents if e.rule.family == family}
        ),
        rules=_rules(report),
        generated=generated_utc(report.generated_at),
    )
    return page.encode("utf-8")


def _decimal(value: Fraction | float, places: int) -> str:
    text = f"{float(value):.{places}f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def render_consumption_csv(report: ConsumptionReport) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER.split(","))
    label = neutralise(report.label)
    for week in reversed(report.weeks):
        for artist in report.artists:
            for release in artist.releases:
                row = next((r for r in release.weeks if r.week == week), None)
                if row is None:
                    continue
                given, totals, reached = release.release, row.totals, row.certification
                for equivalent in row.equivalents:
                    writer.writerow(
                        [
                            label,
                            week.start.isoformat(),
                            week.end.isoformat(),
                            "true" if week == report.current else "false",
                            neutralise(artist.artist_id),
                            neutralise(artist.name),
                            given.upc,
                            neutralise(given.title),
                            given.type,
                            given.release_date.isoformat(),
                            totals.premium,
                            totals.ad,
                            totals.downloads,
                            totals.physical,
                            equivalent.rule.id,
                            equivalent.unit,
                            _decimal(equivalent.units, 3),
                            reached.level or "",
                            _decimal(reached.units, 3),
                            reached.next_level or "",
                            "" if reached.next_units is None else reached.next_units,
                            _decimal(reached.progress, 4),
                        ]
                    )
    return out.getvalue().encode("utf-8")
