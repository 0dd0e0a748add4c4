"""Rollups of the buckets that changed: each dirty-bucket marker names an hour of one content whose
rollup is recomputed from its events (never incremented, so recomputing twice gives the same item)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from chalicelib.domain.rollups import HOUR, Rollup, compute_rollup, hour_start
from chalicelib.domain.stored import Marker
from chalicelib.domain.tracking import TracksPlatforms, tracked_by_platform
from chalicelib.observability import count
from chalicelib.services.publishing.ports import Rollups
from chalicelib.services.publishing.reads import Reader

# Markers younger than the consumer's timeout may belong to a batch still writing its events: their
# buckets are rolled up now and again next run; only older markers are cleared.
MARKER_MIN_AGE = timedelta(seconds=60)


class CampaignWindow(TracksPlatforms, Protocol):
    @property
    def starts_at(self) -> datetime: ...

    @property
    def ends_at(self) -> datetime: ...


@dataclass(frozen=True, slots=True)
class Refresh:
    markers: list[Marker]
    rollups: list[Rollup]  # those whose recomputation changed them


class RollupRefresher:
    def __init__(self, rollups: Rollups, reader: Reader) -> None:
        self._rollups = rollups
        self._reader = reader

    def refresh(self, wanted: Callable[[Marker], bool] | None = None) -> Refresh:
        """Recompute the rollup of every bucket a marker names (or only those `wanted`), from the
        bucket's events."""
        markers = [m for m in self._rollups.markers() if wanted is None or wanted(m)]
        buckets = sorted({(m.platform, m.content_id, m.hour) for m in markers})

        def recompute(bucket: tuple[str, str, datetime]) -> Rollup:
            platform, content_id, hour = bucket
            events = self._rollups.events_between(platform, content_id, hour, hour + HOUR)
            return compute_rollup(platform, content_id, hour, events)

        changed = self._rollups.save(self._reader.all(recompute, buckets))
        count("rollups_changed", len(changed))
        return Refresh(markers, changed)

    def clear_settled(self, markers: Iterable[Marker], now: datetime) -> int:
        """Clear the markers old enough that no batch can still be writing their buckets' events."""
        cleared = 0
        for marker in markers:
            if datetime.fromisoformat(marker.written_at) <= now - MARKER_MIN_AGE:
                self._rollups.clear(marker)
                cleared += 1
        return cleared


def concerning(campaign: CampaignWindow) -> Callable[[Marker], bool]:
    """Whether a dirty bucket can change this campaign's summary: an hour of its window, on a
    platform it tracks, of content it tracks; any content when it tracks accounts there, since the
    account a content belongs to is known only once its rollup is computed."""
    tracked = tracked_by_platform(campaign)
    start, end = hour_start(campaign.starts_at), campaign.ends_at.astimezone(UTC)

    def concerns(marker: Marker) -> bool:
        ids = tracked.get(marker.platform)
        if ids is None or not start <= marker.hour < end:
            return False
        return bool(ids.accounts) or marker.content_id in ids.content

    return concerns


def touched_by(campaign: CampaignWindow, rollups: Iterable[Rollup]) -> bool:
    """Whether any of these changed rollups counts in the campaign's window."""
    tracked = tracked_by_platform(campaign)
    start, end = hour_start(campaign.starts_at), campaign.ends_at.astimezone(UTC)
    for rollup in rollups:
        ids = tracked.get(rollup.platform)
        if ids is None or not start <= rollup.hour < end:
            continue
        if rollup.content_id in ids.content or rollup.accounts & ids.accounts:
            return True
    return False
