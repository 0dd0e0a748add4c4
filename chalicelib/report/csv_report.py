"""summary.csv: the summary's figures for a spreadsheet (contract section 6).

Encoding: UTF-8 without a byte-order mark, so that the first line is exactly the contract's header row
(a BOM would make the first column `\ufeffsection` for every reader that does not strip it). Rows end
with CRLF (RFC 4180, the csv module's default).

Columns `section,platform,name,value,first,last,delta,as_of`; rows, in this order:

- `events`: one per platform and kind present in the summary (an absent kind reads as 0): `value` is the
  net count (it can be negative), `as_of` the end of the window;
- `counters`: one per platform and metric: `first`, `last`, `delta` and `as_of` (the newest snapshot),
  `value` empty; or `value` = `unavailable: <reason>` and the rest empty when the platform refused;
- `totals`: `events` and `engagement_units` (platform empty), `as_of` the end of the window;
- `rates`: `engagement_rate` (`value` the ratio engagement units / denominator, or
  `unavailable: <reason>` when it is null), then `denominator:<name>` with the denominator's value;
- `weights`: `version` (the version, `as_of` empty), `effective_from` and `source`, then one row per kind
  with its weight: a figure in engagement units cannot be reproduced without them;
- `freshness`: per platform, `last_event_at` and `last_pull_at` (`value` the time, empty when never) and
  `last_error` (`value` the error, empty when none): a lead can tell a quiet platform from a broken one;
- `collisions`: a collision, one row per shared item: `name` `collision:<campaign_id>`, `value`
  `<account|content> <id>`, `as_of` where the overlap starts; a push clash, one row per shared platform:
  `name` `push_clash:<push_id>`, `value` the other push's label (and, of this label, its campaign and
  title) with the hours apart, `as_of` the other push's time;
- `attention`: one row per item, in the summary's order: `name` the code, `value` `<severity>: <message>`.

Times are the summary's ISO 8601 strings, offsets included. Numbers are written as numbers (a negative
net count stays `-3`). Every text cell that a spreadsheet would read as a formula (starting with `=`, `+`,
`-`, `@`, a tab, CR or LF, or their full-width forms) gets a leading apostrophe; a text that is exactly a
number is left alone, since it cannot run anything.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from chalicelib.report.common import is_number, sorted_kinds, sorted_platforms

if TYPE_CHECKING:
    from chalicelib.models.summary import Summary

HEADER: tuple[str, ...] = ("section", "platform", "name", "value", "first", "last", "delta", "as_of")

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_PLAIN_NUMBER = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")

Row = tuple[str, str, str, str, str, str, str, str]


def neutralise(text: str) -> str:
    """The text as a spreadsheet shows it but never evaluates: `=HYPERLINK(..)` becomes `'=HYPERLINK(..)`."""
    if text.startswith(_FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return neutralise(str(value))


def _row(
    section: str,
    platform: object = "",
    name: object = "",
    value: object = None,
    *,
    first: object = None,
    last: object = None,
    delta: object = None,
    as_of: object = None,
) -> Row:
    return (
        section,
        _cell(platform),
        _cell(name),
        _cell(value),
        _cell(first),
        _cell(last),
        _cell(delta),
        _cell(as_of),
    )


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _unavailable(reason: object) -> str:
    return f"unavailable: {reason if isinstance(reason, str) and reason else 'no reason given'}"


def _event_rows(platforms: Mapping[str, Any], ordered: list[str], window_end: object) -> Iterator[Row]:
    for platform in ordered:
        events = _mapping(_mapping(platforms[platform]).get("events"))
        for kind in sorted_kinds(events):
            yield _row("events", platform, kind, events[kind], as_of=window_end)


def _counter_rows(platforms: Mapping[str, Any], ordered: list[str]) -> Iterator[Row]:
    for platform in ordered:
        counters = _mapping(_mapping(platforms[platform]).get("counters"))
        for metric in sorted(counters):
            counter = _mapping(counters[metric])
            if "unavailable" in counter:
                yield _row("counters", platform, metric, _unavailable(counter["unavailable"]))
            else:
                yield _row(
                    "counters",
                    platform,
                    metric,
                    first=counter.get("first"),
                    last=counter.get("last"),
                    delta=counter.get("delta"),
                    as_of=counter.get("as_of"),
                )


def _figure_rows(summary: Mapping[str, Any], window_end: object) -> Iterator[Row]:
    totals = _mapping(summary.get("totals"))
    for name in ("events", "engagement_units"):
        yield _row("totals", "", name, totals.get(name), as_of=window_end)

    rate = _mapping(summary.get("engagement_rate"))
    value = rate.get("value")
    shown = value if is_number(value) else _unavailable(rate.get("reason"))
    yield _row("rates", "", "engagement_rate", shown, as_of=window_end)
    if rate.get("denominator") is not None:
        yield _row("rates", "", f"denominator:{rate['denominator']}", rate.get("denominator_value"))

    weights = _mapping(summary.get("weights"))
    for name in ("version", "effective_from", "source"):
        yield _row("weights", "", name, weights.get(name))
    kinds = _mapping(weights.get("kinds"))
    for kind in sorted_kinds(kinds):
        yield _row("weights", "", kind, kinds[kind])


def _freshness_rows(platforms: Mapping[str, Any], ordered: list[str]) -> Iterator[Row]:
    for platform in ordered:
        freshness = _mapping(_mapping(platforms[platform]).get("freshness"))
        for name in ("last_event_at", "last_pull_at", "last_error"):
            yield _row("freshness", platform, name, freshness.get(name))


def _collision_rows(summary: Mapping[str, Any]) -> Iterator[Row]:
    for item in (_mapping(found) for found in summary.get("collisions") or []):
        if item.get("type") == "push_clash":
            other = str(item.get("label", ""))
            if item.get("campaign_id"):
                other += f" {item['campaign_id']}: {item.get('title', '')}"
            value = f"{other} ({item.get('hours_apart')} h apart)"
            for platform in item.get("platforms") or []:
                yield _row(
                    "collisions", platform, f"push_clash:{item.get('push_id')}", value, as_of=item.get("at")
                )
            continue
        for shared in (_mapping(entry) for entry in item.get("shared") or []):
            yield _row(
                "collisions",
                shared.get("platform"),
                f"collision:{item.get('campaign_id')}",
                f"{shared.get('type')} {shared.get('id')}",
                as_of=item.get("from"),
            )


def _attention_rows(summary: Mapping[str, Any]) -> Iterator[Row]:
    for item in (_mapping(entry) for entry in summary.get("attention") or []):
        message = f"{item.get('severity')}: {item.get('message')}"
        yield _row("attention", item.get("platform") or "", item.get("code"), message)


def _rows(summary: Mapping[str, Any]) -> Iterator[Row]:
    window_end = _mapping(summary.get("window")).get("to")
    platforms = _mapping(summary.get("platforms"))
    ordered = sorted_platforms(platforms)
    yield from _event_rows(platforms, ordered, window_end)
    yield from _counter_rows(platforms, ordered)
    yield from _figure_rows(summary, window_end)
    yield from _freshness_rows(platforms, ordered)
    yield from _collision_rows(summary)
    yield from _attention_rows(summary)


def render_csv(given: Summary | Mapping[str, Any]) -> bytes:
    """summary.csv for a summary (or its JSON, as a dict): UTF-8, CRLF rows, the header first."""
    summary = given if isinstance(given, Mapping) else given.model_dump(mode="json")
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(HEADER)
    writer.writerows(_rows(summary))
    return buffer.getvalue().encode("utf-8")
