"""How long building one summary takes when every read is a network round trip, with the reads
made one by one (the baseline) and concurrently (what the publish does).

A campaign tracks a YouTube channel with 100 videos that had events, each with snapshots of its three
counters. The stores are in-memory fakes whose every read waits ROUND_TRIP_SECONDS, a typical
DynamoDB query from Lambda in the same region; what is measured is the wall time of
`PublishingService.build`, in the same process, both ways.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.common import report

ROUND_TRIP_SECONDS = 0.004
VIDEOS = 100
CHANNEL = "UCaaaaaaaaaaaaaaaaaaaaaa"
START = datetime(2026, 11, 20, 10, 7, tzinfo=UTC)
NOW = START + timedelta(days=3, minutes=31)


def _round_trip() -> None:
    time.sleep(ROUND_TRIP_SECONDS)


class Rollups:
    def __init__(self) -> None:
        from chalicelib.domain.rollups import Rollup

        hour = START.replace(minute=0) + timedelta(hours=5)
        self.videos = [f"video{n:06d}" for n in range(VIDEOS)]
        self._rollups = {
            video: [Rollup("youtube", video, hour, {CHANNEL: {"comment": [1, 0, 2, 0]}}, {CHANNEL: hour})]
            for video in self.videos
        }
        self.reads = 0

    def rollups(self, platform: str, content_id: str, first_hour: datetime, last_hour: datetime) -> Any:
        self.reads += 1
        _round_trip()
        return self._rollups.get(content_id, [])

    def events_between(self, platform: str, content_id: str, start: datetime, end: datetime) -> Any:
        self.reads += 1
        _round_trip()
        return []

    def contents_of(self, platform: str, account_id: str) -> list[str]:
        self.reads += 1
        _round_trip()
        return self.videos if account_id == CHANNEL else []


class Snapshots:
    def __init__(self) -> None:
        self.reads = 0

    def first_and_last(self, platform: str, kind: str, item_id: str, metric: str, **_: Any) -> Any:
        from chalicelib.domain.counters import Reading

        self.reads += 1
        _round_trip()
        return Reading(START + timedelta(hours=1), 10.0), Reading(NOW - timedelta(hours=1), 25.0)

    def daily(self, platform: str, kind: str, item_id: str, metric: str, **_: Any) -> Any:
        from chalicelib.domain.counters import Reading

        self.reads += 1
        _round_trip()
        return [Reading(START + timedelta(days=day, hours=20), 10.0 + day) for day in range(3)]

    def pull_state(self, platform: str) -> Any:
        from chalicelib.domain.freshness import PullState

        self.reads += 1
        _round_trip()
        return PullState(reached_at=NOW - timedelta(minutes=20))


def _build(read_concurrency: int) -> tuple[float, int]:
    from chalicelib.domain.weights import DEFAULT_WEIGHTS
    from chalicelib.models import validated
    from chalicelib.models.campaign import Campaign
    from chalicelib.services.publishing import PublishingService

    campaign = validated(
        Campaign,
        {
            "campaign_id": "bench",
            "name": "Bench",
            "label": "bench",
            "artist": "bench",
            "starts_at": START.isoformat(),
            "ends_at": (START + timedelta(days=30)).isoformat(),
            "timezone": "Europe/Paris",
            "tracked": {"youtube": {"accounts": [CHANNEL]}},
            "created_at": START.isoformat(),
            "updated_at": START.isoformat(),
        },
        "campaign",
    )
    rollups, snapshots = Rollups(), Snapshots()
    unused: Any = None
    service = PublishingService(
        campaigns=unused,
        rollups=rollups,  # type: ignore[arg-type]
        summaries=unused,
        renderers={},
        collisions=lambda _campaign, _others: [],
        weights=DEFAULT_WEIGHTS,
        clock=lambda: NOW,
        snapshots=snapshots,  # type: ignore[arg-type]
        read_concurrency=read_concurrency,
    )
    started = time.perf_counter()
    summary = service.build(campaign, [], NOW)
    elapsed = time.perf_counter() - started
    assert summary.platforms["youtube"].events["comment"] == 3 * VIDEOS
    return elapsed, rollups.reads + snapshots.reads


def run() -> dict[str, float]:
    from chalicelib.services.publishing import READ_CONCURRENCY

    one_by_one, reads = _build(read_concurrency=1)
    concurrent, same_reads = _build(read_concurrency=READ_CONCURRENCY)
    assert reads == same_reads
    ratio = concurrent / one_by_one
    report(
        f"Building one summary, {reads} reads of {ROUND_TRIP_SECONDS * 1000:.0f} ms each "
        f"(a channel with {VIDEOS} videos, 3 counters each)",
        [
            ("reads one by one (baseline)", f"{one_by_one:.2f} s"),
            (f"reads {READ_CONCURRENCY} at a time", f"{concurrent:.2f} s"),
            ("ratio concurrent / one by one", f"{ratio:.3f}"),
        ],
    )
    return {"one_by_one_seconds": one_by_one, "concurrent_seconds": concurrent, "ratio": ratio}


if __name__ == "__main__":
    print(json.dumps(run()))
