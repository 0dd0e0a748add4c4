"""A campaign's counters in a window, from pulled snapshots: each tracked item's first and last
reading (two reads of one item each, whatever the number of pulls), the platforms' pull freshness
for this campaign, and each counter's daily points (one item a day)."""

from __future__ import annotations

from collections.abc import Mapping
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
from chalicelib.domain.summary import Freshness, iso
from chalicelib.domain.tracking import Excluded, TracksPlatforms, tracked_by_platform
from chalicelib.services.publishing.ports import Snapshots
from chalicelib.services.publishing.reads import Reader

# (item kind, item id, the metrics pulled for it)
PulledItem = tuple[str, str, tuple[str, ...]]


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
    ) -> tuple[dict[str, dict[str, dict[str, Any]]], dict[str, Freshness], list[dict[str, Any]]]:
        """Each tracked item's first and last snapshot in the window, per platform; the platforms'
        pull freshness for this campaign (`campaign_freshness`: a failure shows unless every item the
        campaign tracks there was read well since); and each counter's daily points (the day's
        latest, summed over items). Neither `excluded` accounts nor `withheld` content count."""
        counters: dict[str, dict[str, dict[str, Any]]] = {}
        freshness: dict[str, Freshness] = {}
        series: list[dict[str, Any]] = []
        if end <= start:
            return counters, freshness, series
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
                if latest.value is not None:
                    key = (kind, item_id)
                    good_since[key] = max(good_since.get(key, latest.at), latest.at)
            if found:
                counters[platform] = aggregate(found)
                series += self._daily_points(platform, items, {c.metric for c in found}, start, end)
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
        return counters, freshness, series

    def _daily_points(
        self,
        platform: str,
        items: list[PulledItem],
        metrics: set[str],
        start: datetime,
        end: datetime,
    ) -> list[dict[str, Any]]:
        snapshots = self._snapshots
        series = []
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
