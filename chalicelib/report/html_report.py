"""summary.html: one self-contained page a campaign lead opens from a presigned link (contract sections
6 and 10), rendered from Jinja2 templates in `templates/`.

`render_html(summary)` takes the summary's JSON shape (a `dict` from `json.loads`, or a model's
`model_dump(mode="json")`), reads it once through `view.read_summary`, prepares what the template
should not compute (charts from `charts`, table rows), and renders `summary.html.j2` with autoescaping
on: every string of the summary is escaped, user and platform text sits in `<bdi>` (isolated, wrapped
anywhere), and an href is written only for an http(s) URL with a host.

The page fetches nothing: its CSS (`templates/summary.css`) is inline in one `<style>` allowed by its
hash in a Content-Security-Policy meta that forbids everything else, charts are inline SVG, and there
is no script. Links to the platforms carry no referrer, so a click never hands the presigned URL over.
On a phone (up to 640 px) tables become stacked cards and the page never scrolls sideways.

Jinja2 and Babel are imported here; only the publish path imports this module.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from markupsafe import Markup

from chalicelib.report import charts
from chalicelib.report.common import sorted_kinds, sorted_platforms
from chalicelib.report.language import Words, generated_utc
from chalicelib.report.templates_env import style_only_csp, stylesheet, template
from chalicelib.report.view import Counter, CounterSeries, SummaryView, read_summary

if TYPE_CHECKING:
    from chalicelib.models.summary import Summary

CSS = stylesheet("summary.css")
CSP = style_only_csp(CSS)


class Chart(NamedTuple):
    caption: str
    svg: str


class LegendItem(NamedTuple):
    swatch: str
    label: str
    total: float


class Figure(NamedTuple):
    caption: str
    value: float
    at: datetime | None


@dataclass(frozen=True, slots=True)
class MatrixRow:
    kind: str
    counts: tuple[float | None, ...]  # one per column; None where the platform has none of that kind
    total: float


@dataclass(frozen=True, slots=True)
class Matrix:
    columns: tuple[str, ...]  # platforms with events
    rows: tuple[MatrixRow, ...]  # kinds with events
    column_totals: tuple[float, ...]
    total: float


@dataclass(frozen=True, slots=True)
class WeightRow:
    kind: str
    weight: float | None
    events: float
    units: float | None


@dataclass(frozen=True, slots=True)
class ComparisonRow:
    label: str
    now: float | None
    before: float | None
    change: float | None  # percent against `before`, None when that is 0 or unknown
    platform: bool  # a platform's row under the totals


@dataclass(frozen=True, slots=True)
class Page:
    """What the template shows that it should not compute itself."""

    title: str
    css: Markup
    csp: str
    generated_utc: str
    nav: tuple[tuple[str, str], ...]
    comparison: tuple[ComparisonRow, ...]
    events_chart: Chart | None
    legend: tuple[LegendItem, ...]
    events_figure: Figure | None  # a single bucket so far: a figure, not a chart of one dot
    matrix: Matrix
    counter_charts: tuple[Chart, ...]
    counter_figures: tuple[Figure, ...]  # counters with a single reading
    counter_rows: tuple[tuple[str, Counter], ...]
    weights: tuple[WeightRow, ...]


def render_html(given: Summary | Mapping[str, Any]) -> bytes:
    """summary.html for a summary (or its JSON shape, as a dict): one UTF-8 page that loads nothing."""
    view = read_summary(given) if isinstance(given, Mapping) else _view_of_model(given)
    words = Words(view.language, view.zone)
    page = _page(view, words)
    return (
        template("summary.html.j2").render(v=view, L=words, _=words.word, p=page, user=user).encode("utf-8")
    )


def _view_of_model(summary: Summary) -> SummaryView:
    """The view of a summary's model. A year of daily counter readings is most of a long summary:
    those are taken typed from the model, the rest goes through its JSON (pydantic's serializer, then
    json.loads) and the one reader every shape of summary has."""
    data = json.loads(summary.model_dump_json(exclude={"series": {"counters"}}))
    counters = [
        CounterSeries(
            series.platform,
            series.metric,
            tuple(sorted(((point.at, point.value) for point in series.points), key=itemgetter(0))),
        )
        for series in summary.series.counters
    ]
    return read_summary(data, counters=counters)


def user(text: str) -> Markup:
    """User or platform text, escaped and isolated from the text around it: a right-to-left override
    inside stays inside. A function rather than a template macro: a long page calls it often."""
    return Markup("<bdi>%s</bdi>") % text


def _page(view: SummaryView, words: Words) -> Page:
    name = view.campaign.name or view.campaign.campaign_id or words.word("Campaign")
    events_chart, legend, events_figure = _events_over_time(view, words)
    counter_charts, counter_figures = _counter_charts(view, words)
    return Page(
        title=words.word("{name} – engagement summary", name=name),
        css=Markup(CSS),  # noqa: S704 - our own stylesheet, the exact text the CSP hash allows
        csp=CSP,
        generated_utc=generated_utc(view.generated_at),
        nav=_nav(view, words),
        comparison=_comparison(view, words),
        events_chart=events_chart,
        legend=legend,
        events_figure=events_figure,
        matrix=_matrix(view),
        counter_charts=counter_charts,
        counter_figures=counter_figures,
        counter_rows=tuple((p.platform, counter) for p in view.platforms for counter in p.counters),
        weights=_weights(view),
    )


def _nav(view: SummaryView, words: Words) -> tuple[tuple[str, str], ...]:
    links = [("attention", "Attention"), ("overview", "Overview")]
    if view.comparison is not None:
        links.append(("comparison", "Comparison"))
    links += [
        ("over-time", "Over time"),
        ("events", "Events"),
        ("counters", "Counters"),
        ("engagement", "Engagement"),
        ("freshness", "Freshness"),
        ("top-content", "Top content"),
        *([("consumption", "Consumption")] if view.consumption is not None else []),
        ("collisions", "Collisions"),
        ("moderation", "Moderation"),
    ]
    return tuple((anchor, words.word(label)) for anchor, label in links)


def _change(now: float | None, before: float | None) -> float | None:
    """Percent against the previous figure, as the contract's `change`: None when that is 0."""
    if now is None or before is None or before == 0:
        return None
    return (now - before) / abs(before) * 100


def _comparison(view: SummaryView, words: Words) -> tuple[ComparisonRow, ...]:
    previous = view.comparison
    if previous is None:
        return ()
    rows = [
        ComparisonRow(
            words.word("Events (net)"), view.total_events, previous.events, previous.change_events, False
        ),
        ComparisonRow(
            words.word("Engagement units"), view.total_units, previous.units, previous.change_units, False
        ),
    ]
    now = {platform.platform: platform.total_events for platform in view.platforms}
    for platform in sorted_platforms([*now, *previous.platform_events]):
        current, before = now.get(platform, 0), previous.platform_events.get(platform, 0)
        if current or before:
            label = words.word("Events on {platform}", platform=words.platform(platform))
            rows.append(ComparisonRow(label, current, before, _change(current, before), True))
    return tuple(rows)


def _events_over_time(
    view: SummaryView, words: Words
) -> tuple[Chart | None, tuple[LegendItem, ...], Figure | None]:
    series = view.series
    per = words.word("hour") if series.hourly else words.word("day")
    if not series.has_events:
        return None, (), None
    if len(series.points) < 2:
        point = series.points[0]
        when = words.stamp(point.start) if series.hourly else words.day(point.start)
        caption = words.word("Net events, {when}", when=when)
        return None, (), Figure(caption, sum(point.events.values()), point.start)
    platforms = sorted_platforms(p for point in series.points for p, count in point.events.items() if count)
    styles = charts.styles(platforms)
    lines, legend = [], []
    for platform in platforms:
        colour, dash = styles[platform]
        points = tuple((point.start, point.events.get(platform, 0.0)) for point in series.points)
        label = words.platform(platform)
        lines.append(charts.Line(platform, label, colour, dash, points))
        legend.append(LegendItem(charts.swatch(colour, dash), label, sum(value for _, value in points)))
    first, last = series.points[0].start, series.points[-1].start
    description = words.count(
        "Net events per {per} on {n} platform from {first} to {last}; the table of events per platform "
        "and kind gives the figures.",
        "Net events per {per} on {n} platforms from {first} to {last}; the table of events per platform "
        "and kind gives the figures.",
        len(platforms),
        per=per,
        first=words.day(first),
        last=words.day(last),
    )
    title = words.word("Net events per {per} and platform", per=per)
    svg = charts.line_chart(
        chart_id="events-chart",
        title=title,
        description=description,
        lines=lines,
        zone=view.zone or first.tzinfo or UTC,
        labels=words,
        integer=series.whole,
        include_zero=True,
        size=charts.EVENTS_SIZE,
    )
    return Chart(title, svg), tuple(legend), None


def _counter_charts(view: SummaryView, words: Words) -> tuple[tuple[Chart, ...], tuple[Figure, ...]]:
    found, figures = [], []
    for index, series in enumerate(view.series.counters):
        if not series.points:
            continue
        caption = f"{words.platform(series.platform)} · {words.metric(series.metric)}"
        if len(series.points) < 2:
            at, value = series.points[0]
            figures.append(Figure(caption, value, at))
            continue
        (first_at, first), (last_at, last) = series.points[0], series.points[-1]
        colour, _ = charts.styles([series.platform])[series.platform]
        description = words.word(
            "{metric} on {platform} from {first} on {first_at} to {last} on {last_at}.",
            metric=words.metric(series.metric),
            platform=words.platform(series.platform),
            first=words.number(first),
            first_at=words.stamp(first_at),
            last=words.number(last),
            last_at=words.stamp(last_at),
        )
        svg = charts.line_chart(
            chart_id=f"counter-chart-{index}",
            title=caption,
            description=description,
            lines=[charts.Line(f"{series.platform}/{series.metric}", caption, colour, "", series.points)],
            zone=view.zone or first_at.tzinfo or UTC,
            labels=words,
            integer=series.whole,
            include_zero=False,
            size=charts.SMALL_SIZE,
        )
        found.append(Chart(caption, svg))
    return tuple(found), tuple(figures)


def _matrix(view: SummaryView) -> Matrix:
    events = {platform.platform: platform.events for platform in view.platforms if platform.events}
    columns = tuple(sorted_platforms(events))
    kinds = sorted_kinds(kind for per_kind in events.values() for kind in per_kind)
    rows = tuple(
        MatrixRow(
            kind,
            tuple(events[column].get(kind) for column in columns),
            sum(events[column].get(kind, 0) for column in columns),
        )
        for kind in kinds
    )
    totals = tuple(sum(events[column].values()) for column in columns)
    return Matrix(columns, rows, totals, sum(totals))


def _weights(view: SummaryView) -> tuple[WeightRow, ...]:
    per_kind: dict[str, float] = {}
    for platform in view.platforms:
        for kind, count in platform.events.items():
            per_kind[kind] = per_kind.get(kind, 0) + count
    kinds = view.weights.kinds
    return tuple(
        WeightRow(
            kind,
            kinds.get(kind),
            per_kind.get(kind, 0),
            per_kind.get(kind, 0) * kinds[kind] if kind in kinds else None,
        )
        for kind in sorted_kinds([*kinds, *per_kind])
    )
