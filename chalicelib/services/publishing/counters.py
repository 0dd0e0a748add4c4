"""A campaign's counters in a window, from pulled snapshots: each tracked item's first and last
reading (two reads of one item each, whatever the number of pulls), the platforms' pull freshness
for this campaign, and each counter's daily points (one item a day)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chalicelib.domain.counters import (
    ACCOUNT_METRICS,
    AVERAGED,
    CONTENT_METRICS,
    ItemCounter,
    Reading,
    aggregate,
)
from chalicelib.domain.freshness import ItemKey, campaign_freshness
from chalicelib.domain.rollups import Title
from chalicelib.domain.summary import Freshness, iso
from chalicelib.domain.tracking import Excluded, TracksPlatforms, tracked_by_platform
from chalicelib.services.publishing.ports import Snapshots
from chalicelib.services.publishing.reads import Reader

# (item kind, item id, the metrics pulled for it)
PulledItem = tuple[str, str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class CounterFigures:
    """What a summary shows of a campaign's pulled counters."""

    # platform -> metric -> {"first", "last", "delta", "as_of"[, "unavailable"]}
    counters: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    freshness: dict[str, Freshness] = field(default_factory=dict)
    series: list[dict[str, Any]] = field(default_factory=list)  # each counter's daily points
    # platform -> the newest good reading of the campaign's items there
    last_good_at: dict[str, datetime] = field(default_factory=dict)
    # (platform, content id) -> the title its latest reading came with
    titles: dict[tuple[str, str], Title] = field(default_factory=dict)


class CounterReader:
    def __init__(self, snapshots: Snapshots, reader: Reader) -> None:
        self._snapshots = snapshots
        self._reader = reader

    def counters(
        self,
        campaign: TracksPlatforms,
        start: datetime,
        end: datetime,
        contents: Mapping[str, list[str]],
        *,
        excluded: Excluded | None = None,
        withheld: frozenset[tuple[str, str]] = frozenset(),
    ) -> CounterFigures:
        """Each tracked item's first and last snapshot in the window, per platform; the platforms'
        pull freshness for this campaign (`campaign_freshness`: a failure shows unless every item the
        campaign tracks there was read well since); each counter's daily points (the day's latest,
        summed over items); and each platform's newest good reading. Neither `excluded` accounts nor
        `withheld` content count."""
        figures = CounterFigures()
        counters, freshness, series = figures.counters, figures.freshness, figures.series
        if end <= start:
            return figures
        snapshots = self._snapshots
        for platform, tracked in tracked_by_platform(campaign, excluded).items():
            own_content = [i for i in contents[platform] if (platform, i) not in withheld]
            own_accounts = sorted(tracked.accounts - tracked.excluded)
            items: list[PulledItem] = [("content", i, CONTENT_METRICS.get(platform, ())) for i in own_content]
            items += [("account", i, ACCOUNT_METRICS.get(platform, ())) for i in own_accounts]
            if not any(metrics for _, _, metrics in items):
                continue  # a Standard Webhooks source has nothing to pull
            wanted = [(kind, item_id, metric) for kind, item_id, metrics in items for metric in metrics]

            def edges_of(
                job: tuple[str, str, str], platform: str = platform
            ) -> tuple[Reading, Reading] | None:
                kind, item_id, metric = job
                return snapshots.first_and_last(platform, kind, item_id, metric, start=start, end=end)

            found: list[ItemCounter] = []
            good_since: dict[ItemKey, datetime] = {}
            for (kind, item_id, metric), edges in zip(
                wanted, self._reader.all(edges_of, wanted), strict=True
            ):
                if edges is None:
                    continue
                found.append(ItemCounter(metric, *edges))
                latest = edges[1]
                if kind == "content" and latest.title:
                    known = figures.titles.get((platform, item_id))
                    if known is None or latest.at > known.at:
                        figures.titles[(platform, item_id)] = Title(latest.title, latest.at)
                if latest.value is not None:
                    key = (kind, item_id)
                    good_since[key] = max(good_since.get(key, latest.at), latest.at)
            if good_since:
                figures.last_good_at[platform] = max(good_since.values())
            if found:
                counters[platform] = aggregate(found)
                series.extend(self._daily_points(platform, items, {c.metric for c in found}, start, end))
            # The items the pull job reads for this campaign (an account's other content is not).
            own_tracked = {i for i in tracked.content if (platform, i) not in withheld}
            pulled = [
                (kind, item_id)
                for kind, ids, metrics in (
                    ("content", own_tracked, CONTENT_METRICS),
                    ("account", set(own_accounts), ACCOUNT_METRICS),
                )
                if metrics.get(platform)
                for item_id in sorted(ids)
            ]
            state = snapshots.pull_state(platform)
            freshness[platform] = campaign_freshness(state, pulled, good_since, end)
        return figures

    def _daily_points(
        self,
        platform: str,
        items: list[PulledItem],
        metrics: set[str],
        start: datetime,
        end: datetime,
    ) -> list[dict[str, Any]]:
        snapshots = self._snapshots
        series: list[dict[str, Any]] = []
        for metric in sorted(metrics):
            wanted = [(kind, item_id) for kind, item_id, item_metrics in items if metric in item_metrics]

            def daily(job: tuple[str, str], metric: str = metric) -> list[Reading]:
                return snapshots.daily(platform, job[0], job[1], metric, start=start, end=end)

            by_day: dict[str, list[Reading]] = {}
            for readings in self._reader.all(daily, wanted):
                for reading in readings:
                    by_day.setdefault(reading.at.date().isoformat(), []).append(reading)
            points = [
                {"at": iso(max(r.at for r in readings)), "value": _combined(metric, readings)}
                for _, readings in sorted(by_day.items())
            ]
            if points:
                series.append({"platform": platform, "metric": metric, "points": points})
        return series


def _combined(metric: str, readings: list[Reading]) -> float | int:
    values = [float(r.value) for r in readings if r.value is not None]
    total = float(sum(values) / len(values) if metric in AVERAGED and values else sum(values))
    return int(total) if total.is_integer() else round(total, 4)
