"""A campaign's tally: whole quarters from rollups, the quarters its window's edges cut from events,
read only where a rollup says the hour had any."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.domain.rollups import Rollup, StoredEventView
from chalicelib.models.campaign import Campaign
from chalicelib.services.publishing import READ_CONCURRENCY
from tests.unit.publishing_doubles import RecordingRollups, building_service, stored_campaign

START = datetime(2026, 11, 20, 10, 7, tzinfo=UTC)  # cuts the 10:00 quarter
END = datetime(2026, 11, 20, 14, 52, tzinfo=UTC)  # cuts the 14:45 quarter
TWEET = "1790000000000000001"


def launch(tracked: dict[str, Any] | None = None) -> Campaign:
    """The campaign "c-1", over the window, tracking the tweet unless told otherwise."""
    return stored_campaign(
        START, END, tracked or {"x": {"content": [TWEET]}}, campaign_id="c-1", name="Launch"
    )


def _like(at: datetime, n: int) -> StoredEventView:
    return StoredEventView(f"e-{n}", "x", "like", False, TWEET, "1234", at)


def _rollup(hour: datetime, quarters: list[int]) -> Rollup:
    return Rollup("x", TWEET, hour, {"1234": {"like": quarters}}, {"1234": hour + timedelta(minutes=50)})


def test_edges_in_hours_without_a_rollup_are_not_read_event_by_event() -> None:
    # Given likes only in the middle of the window (12:00-13:00), nothing in its first or last hour
    rollups = RecordingRollups([_rollup(datetime(2026, 11, 20, 12, tzinfo=UTC), [1, 2, 0, 3])], [])
    # When the campaign is tallied
    tally = building_service(rollups, END, read_concurrency=READ_CONCURRENCY).tally(launch(), START, END)
    # Then the rollup's quarters count, and no events are read for the cut quarters
    assert tally.events[("x", "like")] == 6
    assert rollups.event_reads == []


def test_edges_in_hours_with_a_rollup_are_read_event_by_event_and_counted_exactly() -> None:
    # Given likes in the first hour: two before the window starts (10:03, 10:06), one after (10:10)
    first_hour = datetime(2026, 11, 20, 10, tzinfo=UTC)
    events = [_like(first_hour + timedelta(minutes=m), m) for m in (3, 6, 10)]
    rollups = RecordingRollups([_rollup(first_hour, [3, 0, 0, 0])], events)
    # When the campaign is tallied
    tally = building_service(rollups, END, read_concurrency=READ_CONCURRENCY).tally(launch(), START, END)
    # Then only the cut quarter of that hour is read, and only the like inside the window counts
    assert rollups.event_reads == [(START, datetime(2026, 11, 20, 10, 15, tzinfo=UTC))]
    assert tally.events[("x", "like")] == 1


class SlowRollups(RecordingRollups):
    """Every read takes a while, like a DynamoDB round trip; counts how many are in flight at once."""

    def __init__(self, rollups: list[Rollup]) -> None:
        super().__init__(rollups, [])
        self._lock = threading.Lock()
        self._in_flight = 0
        self.most_in_flight = 0

    def rollups(
        self, platform: str, content_id: str, first_hour: datetime, last_hour: datetime
    ) -> list[Rollup]:
        with self._lock:
            self._in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self._in_flight)
        time.sleep(0.01)
        with self._lock:
            self._in_flight -= 1
        return [
            r
            for r in super().rollups(platform, content_id, first_hour, last_hour)
            if r.content_id == content_id
        ]


def test_many_items_are_read_concurrently_and_tallied_as_if_read_one_by_one() -> None:
    # Given a campaign tracking 24 posts, each liked in the middle of the window
    posts = [f"17900000000000000{n:02d}" for n in range(24)]
    hour = datetime(2026, 11, 20, 12, tzinfo=UTC)
    stored = [
        Rollup("x", post, hour, {"1234": {"like": [n, 0, 0, 0]}}, {"1234": hour})
        for n, post in enumerate(posts)
    ]
    campaign = launch(tracked={"x": {"content": posts}})
    # When it is tallied with concurrent reads, and with reads one by one
    concurrent_store, one_by_one_store = SlowRollups(stored), SlowRollups(stored)
    concurrent = building_service(concurrent_store, END, read_concurrency=READ_CONCURRENCY).tally(
        campaign, START, END
    )
    one_by_one = building_service(one_by_one_store, END).tally(campaign, START, END)
    # Then the reads overlapped, and the tallies are the same
    assert concurrent_store.most_in_flight > 1
    assert one_by_one_store.most_in_flight == 1
    assert concurrent.by_content == one_by_one.by_content
    assert concurrent.events[("x", "like")] == sum(range(24))
