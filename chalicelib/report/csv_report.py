"""summary.csv v2: the summary's figures for a spreadsheet (contract sections 6 and 10).

Encoding: UTF-8 without a byte-order mark, so that the first line is exactly the contract's header row
(a BOM would make the first column `\ufeffcampaign_id` for every reader that does not strip it). Rows
end with CRLF (RFC 4180, the csv module's default).

Columns `campaign_id,section,platform,name,value,first,last,delta,as_of`. Every row carries the
campaign id, so that several campaigns' files can be stacked into one sheet. `value`, `first`, `last`
and `delta` are numbers or empty, never text: a reason, a title or a message goes into `name`. Every
time is `YYYY-MM-DDTHH:MM:SSZ` (UTC, to the second), in `as_of`. Rows, in this order:

- `events`: per platform and kind present (an absent kind reads as 0): `value` the net count (it can
  be negative), `as_of` the end of the window;
- `counters`: per platform and metric: `first`, `last`, `delta`, `as_of` the newest reading; when the
  platform refused, `name` is `<metric> (unavailable: <reason>)` and the figures are empty;
- `totals`: `events` and `engagement_units`, `as_of` the end of the window;
- `comparison` (the window of equal length before this one): `previous_window_from` and
  `previous_window_to` (`as_of` the time); per platform and kind its net count; its `events` and
  `engagement_units`; `change:events` and `change:engagement_units` in percent (`name` ends with
  `(no previous figure)` and `value` is empty when the previous figure is 0);
- `rates`: `engagement_rate` (empty with `(unavailable: <reason>)` in `name` when null), `units` and
  `followers` over the platforms it counts; one row per platform, `included` or `excluded: <why>`;
- `weights`: `version: <version>`, `effective_from` (`as_of`), `source: <source>`, then each kind's
  weight: a figure in engagement units cannot be reproduced without them;
- `freshness`: per platform `last_event_at` and `last_pull_at` (`as_of`, empty when never) and
  `last_error` (`last_error: <sentence>` when there is one);
- `series`: net events per platform and local hour or day (`events per hour` or `events per day`,
  `as_of` the bucket's start), then each counter's daily points (`name` the metric, `as_of` the reading);
- `top_content`: `name` `<content id>[: <title>][ <url>]`, `value` its net events;
- `collisions`: a collision, one row per shared item (`collision:<campaign id> <account|content> <id>`,
  `as_of` where the overlap starts); a push clash, one row per shared platform
  (`push_clash:<push id> with <label>[ <campaign id>: <title>]`, `value` the hours apart, `as_of` the
  other push's time);
- `attention`: in the summary's order, `name` `<code> (<severity>): <message>`;
- `consumption` (contract section 12; `as_of` the end of the window): `from <day>` and `to <day>` (the
  window's days), the sums `streams_premium`, `streams_ad`, `downloads`, `physical_units`; then per
  release (the artist's, newest first) `<upc>: <figure>` for the same four, `<upc>: equivalents
  <rule set id>` for each rule set in force on some day, `<upc>: certification snep <level|none>
  (<album_units|stream_equivalents>)` with its units since the release, and `<upc>: progress to
  <next level>` (a ratio) unless the highest level is reached.
- `moderation`: per platform and then overall (`platform` empty) `texts`, `abusive`,
  `abusive:<category>` and `abusive_share` (counts, never a text); then one row per abuse wave,
  `wave:<id> <subject> (live|ended <time>)`, `value` its abusive texts, `as_of` its start.

Every text cell that a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, a tab, CR
or LF, or their full-width forms) gets a leading apostrophe; a text that is exactly a number is left
alone, since it cannot run anything. Numbers are written as numbers (a negative net count stays `-3`).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator
from datetime import datetime

from chalicelib.domain.times import utc_seconds
from chalicelib.models.summary import Collision, Summary
from chalicelib.report.common import sorted_kinds, sorted_platforms

HEADER: tuple[str, ...] = (
    "campaign_id",
    "section",
    "platform",
    "name",
    "value",
    "first",
    "last",
    "delta",
    "as_of",
)

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_PLAIN_NUMBER = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")

Row = tuple[str, ...]
Number = int | float


def neutralise(text: str) -> str:
    """The text as a spreadsheet shows it but never evaluates: `=HYPERLINK(..)` becomes `'=HYPERLINK(..)`."""
    if text.startswith(_FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def _number(value: Number | None) -> str:
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        return ""
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


class _Rows:
    """Rows of one summary: the campaign id first, text neutralised, numbers as numbers, times in UTC."""

    def __init__(self, summary: Summary) -> None:
        self._campaign_id = neutralise(summary.campaign.campaign_id)
        # A year's counter series repeats the same few hundred instants across every metric: each is
        # formatted once (strftime was a third of the time of a 366-day summary's CSV).
        self._times: dict[datetime, str] = {}

    def __call__(
        self,
        section: str,
        platform: str = "",
        name: str = "",
        value: Number | None = None,
        *,
        first: Number | None = None,
        last: Number | None = None,
        delta: Number | None = None,
        as_of: datetime | None = None,
    ) -> Row:
        return (
            self._campaign_id,
            section,
            neutralise(platform),
            neutralise(name),
            _number(value),
            _number(first),
            _number(last),
            _number(delta),
            self.time(as_of) if as_of is not None else "",
        )

    def time(self, moment: datetime) -> str:
        text = self._times.get(moment)
        if text is None:
            text = self._times[moment] = utc_seconds(moment)
        return text


def _unavailable(what: str, reason: str | None) -> str:
    return f"{what} (unavailable: {reason or 'no reason given'})"


def _events(summary: Summary, row: _Rows) -> Iterator[Row]:
    for platform in sorted_platforms(summary.platforms):
        events = summary.platforms[platform].events
        for kind in sorted_kinds(events):
            yield row("events", platform, kind, events[kind], as_of=summary.window.to)


def _counters(summary: Summary, row: _Rows) -> Iterator[Row]:
    for platform in sorted_platforms(summary.platforms):
        counters = summary.platforms[platform].counters
        for metric in sorted(counters):
            counter = counters[metric]
            if counter.unavailable is not None:
                yield row("counters", platform, _unavailable(metric, counter.unavailable))
                continue
            yield row(
                "counters",
                platform,
                metric,
                first=counter.first,
                last=counter.last,
                delta=counter.delta,
                as_of=counter.as_of,
            )


def _totals(summary: Summary, row: _Rows) -> Iterator[Row]:
    yield row("totals", "", "events", summary.totals.events, as_of=summary.window.to)
    yield row("totals", "", "engagement_units", summary.totals.engagement_units, as_of=summary.window.to)


def _comparison(summary: Summary, row: _Rows) -> Iterator[Row]:
    comparison = summary.comparison
    before = comparison.window
    yield row("comparison", "", "previous_window_from", as_of=before.from_)
    yield row("comparison", "", "previous_window_to", as_of=before.to)
    for platform in sorted_platforms(comparison.platforms):
        events = comparison.platforms[platform].events
        for kind in sorted_kinds(events):
            yield row("comparison", platform, kind, events[kind], as_of=before.to)
    for name, previous, change in (
        ("events", comparison.totals.events, comparison.change.events),
        ("engagement_units", comparison.totals.engagement_units, comparison.change.engagement_units),
    ):
        yield row("comparison", "", name, previous, as_of=before.to)
        changed = f"change:{name}" if change is not None else f"change:{name} (no previous figure)"
        yield row("comparison", "", changed, change, as_of=summary.window.to)


def _rates(summary: Summary, row: _Rows) -> Iterator[Row]:
    rate = summary.engagement_rate
    name = "engagement_rate" if rate.value is not None else _unavailable("engagement_rate", rate.reason)
    yield row("rates", "", name, rate.value, as_of=summary.window.to)
    yield row("rates", "", "units", rate.units)
    yield row("rates", "", "followers", rate.followers)
    for platform in rate.platforms:
        yield row("rates", platform, "included")
    for excluded in rate.excluded:
        yield row("rates", excluded.platform, f"excluded: {excluded.reason}")


def _weights(summary: Summary, row: _Rows) -> Iterator[Row]:
    weights = summary.weights
    yield row("weights", "", f"version: {weights.version}")
    yield row(
        "weights", "", "effective_from", as_of=datetime.fromisoformat(weights.effective_from + "T00:00:00Z")
    )
    yield row("weights", "", f"source: {weights.source}")
    for kind in sorted_kinds(weights.kinds):
        yield row("weights", "", kind, weights.kinds[kind])


def _freshness(summary: Summary, row: _Rows) -> Iterator[Row]:
    for platform in sorted_platforms(summary.platforms):
        freshness = summary.platforms[platform].freshness
        yield row("freshness", platform, "last_event_at", as_of=freshness.last_event_at)
        yield row("freshness", platform, "last_pull_at", as_of=freshness.last_pull_at)
        error = freshness.last_error
        yield row("freshness", platform, f"last_error: {error}" if error else "last_error")


def _series(summary: Summary, row: _Rows) -> Iterator[str]:
    """The series' rows as CSV lines. A year of points and of daily readings per metric is most of a
    long summary's rows, and theirs differ only by a number and a time, which never need quoting: each
    point's or counter's leading fields are quoted once, by the csv module, and the rest is appended."""
    name = f"events per {summary.series.granularity}"
    order: dict[tuple[str, ...], list[tuple[str, str]]] = {}
    for point in summary.series.points:
        names = tuple(point.events)
        prefixes = order.get(names)
        if prefixes is None:
            prefixes = order[names] = [
                (platform, _quoted(row("series", platform, name)[:4])) for platform in sorted_platforms(names)
            ]
        at = row.time(point.start)
        yield from [
            f"{prefix},{_number(point.events[platform])},,,,{at}\r\n" for platform, prefix in prefixes
        ]
    for counter in summary.series.counters:
        prefix = _quoted(row("series", counter.platform, counter.metric)[:4])
        time = row.time
        yield from [
            f"{prefix},{_number(reading.value)},,,,{time(reading.at)}\r\n" for reading in counter.points
        ]


def _quoted(fields: Row) -> str:
    """`fields` as the start of a CSV line (quoted as the csv module quotes them, without its end)."""
    buffer = io.StringIO(newline="")
    # The same line terminator as the file's: the csv module quotes a field holding one of its characters.
    csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL).writerow(fields)
    return buffer.getvalue().removesuffix("\r\n")


def _top_content(summary: Summary, row: _Rows) -> Iterator[Row]:
    for item in summary.top_content:
        name = item.content_id
        if item.title:
            name += f": {item.title}"
        if item.url:
            name += f" {item.url}"
        yield row("top_content", item.platform, name, item.events, as_of=summary.window.to)


def _collisions(summary: Summary, row: _Rows) -> Iterator[Row]:
    for found in summary.collisions:
        if isinstance(found, Collision):
            for shared in found.shared:
                name = f"collision:{found.campaign_id} {shared.type} {shared.id}"
                yield row("collisions", shared.platform, name, as_of=found.from_)
            continue
        other = found.label + (f" {found.campaign_id}: {found.title or ''}" if found.campaign_id else "")
        for platform in found.platforms:
            name = f"push_clash:{found.push_id} with {other}"
            yield row("collisions", platform, name, found.hours_apart, as_of=found.at)


def _attention(summary: Summary, row: _Rows) -> Iterator[Row]:
    for item in summary.attention:
        yield row("attention", item.platform or "", f"{item.code} ({item.severity}): {item.message}")


_FIGURES = ("streams_premium", "streams_ad", "downloads", "physical_units")


def _consumption(summary: Summary, row: _Rows) -> Iterator[Row]:
    consumed, end = summary.consumption, summary.window.to
    yield row("consumption", "", f"from {consumed.from_}", as_of=end)
    yield row("consumption", "", f"to {consumed.to}", as_of=end)
    for figure in _FIGURES:
        yield row("consumption", "", figure, getattr(consumed, figure), as_of=end)
    for release in consumed.releases:
        for figure in _FIGURES:
            yield row("consumption", "", f"{release.upc}: {figure}", getattr(release, figure), as_of=end)
        for rule_id, units in sorted(release.equivalents.items()):
            yield row("consumption", "", f"{release.upc}: equivalents {rule_id}", units, as_of=end)
        level = release.certification
        name = f"{release.upc}: certification snep {level.level or 'none'} ({level.unit})"
        yield row("consumption", "", name, level.units, as_of=end)
        if level.next_level:
            yield row(
                "consumption", "", f"{release.upc}: progress to {level.next_level}", level.progress, as_of=end
            )


def _moderation(summary: Summary, row: _Rows) -> Iterator[Row]:
    """Counts of classified texts per platform and overall (`platform` empty), then the waves: never a
    text (contract section 11)."""
    moderation = summary.moderation
    figures = [*moderation.platforms.items(), ("", moderation.overall)] if moderation.platforms else []
    for platform, counted in figures:
        yield row("moderation", platform, "texts", counted.texts)
        yield row("moderation", platform, "abusive", counted.abusive)
        for category, n in counted.by_category.items():
            yield row("moderation", platform, f"abusive:{category}", n)
        yield row("moderation", platform, "abusive_share", counted.abusive_share)
    for wave in moderation.waves:
        state = "live" if wave.live else f"ended {row.time(wave.ended_at)}" if wave.ended_at else "ended"
        name = f"wave:{wave.wave_id} {wave.subject} ({state})"
        yield row("moderation", wave.platform, name, wave.abusive, as_of=wave.started_at)


_SECTIONS = (
    _events,
    _counters,
    _totals,
    _comparison,
    _rates,
    _weights,
    _freshness,  # then the series, written as lines (`_series`)
    _top_content,
    _collisions,
    _attention,
    _consumption,
    _moderation,
)


def render_csv(summary: Summary) -> bytes:
    """summary.csv v2 for a summary: UTF-8, CRLF rows, the header first."""
    row = _Rows(summary)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(HEADER)
    for section in _SECTIONS:
        writer.writerows(section(summary, row))
        if section is _freshness:
            buffer.writelines(_series(summary, row))
    return buffer.getvalue().encode("utf-8")
