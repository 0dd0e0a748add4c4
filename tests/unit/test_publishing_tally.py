"""A campaign's tally: whole quarters from rollups, the quarters its window's edges cut from events,
read only where a rollup says the hour had any."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.domain.rollups import Rollup, StoredEventView
from chalicelib.domain.weights import DEFAULT_WEIGHTS
from chalicelib.models import validated
from chalicelib.models.campaign import Campaign
from chalicelib.services.publishing import PublishingService

START = datetime(2026, 11, 20, 10, 7, tzinfo=UTC)  # cuts the 10:00 quarter
END = datetime(2026, 11, 20, 14, 52, tzinfo=UTC)  # cuts the 14:45 quarter
TWEET = "1790000000000000001"


class FakeRollups:
    """Rollups and events of one tweet; records which event ranges are read."""

    def __init__(self, rollups: list[Rollup], events: list[StoredEventView]) -> None:
        self._rollups = rollups
        self._events = events
        self.event_reads: list[tuple[datetime, datetime]] = []

    def rollups(
        self, platform: str, content_id: str, first_hour: datetime, last_hour: datetime
    ) -> list[Rollup]:
        return [r for r in self._rollups if first_hour <= r.hour <= last_hour]

    def events_between(
        self, platform: str, content_id: str, start: datetime, end: datetime
    ) -> list[StoredEventView]:
        self.event_reads.append((start, end))
        return [e for e in self._events if start <= e.occurred_at < end]

    def contents_of(self, platform: str, account_id: str) -> list[str]:
        return []


def _campaign() -> Campaign:
    body = {
        "campaign_id": "c-1",
        "name": "Launch",
        "label": "columbia-fr",
        "artist": "indochine",
        "starts_at": START.isoformat(),
        "ends_at": END.isoformat(),
        "timezone": "Europe/Paris",
        "tracked": {"x": {"content": [TWEET]}},
        "created_at": START.isoformat(),
        "updated_at": START.isoformat(),
    }
    return validated(Campaign, body, "campaign")


def _service(rollups: FakeRollups) -> PublishingService:
    unused: Any = None
    return PublishingService(
        campaigns=unused,
        rollups=rollups,
        summaries=unused,
        renderers={},
        collisions=unused,
        weights=DEFAULT_WEIGHTS,
        clock=lambda: END,
    )


def _like(at: datetime, n: int) -> StoredEventView:
    return StoredEventView(f"e-{n}", "x", "like", False, TWEET, "1234", at)


def _rollup(hour: datetime, quarters: list[int]) -> Rollup:
    return Rollup("x", TWEET, hour, {"1234": {"like": quarters}}, {"1234": hour + timedelta(minutes=50)})


def test_edges_in_hours_without_a_rollup_are_not_read_event_by_event() -> None:
    # Given likes only in the middle of the window (12:00-13:00), nothing in its first or last hour
    rollups = FakeRollups([_rollup(datetime(2026, 11, 20, 12, tzinfo=UTC), [1, 2, 0, 3])], [])
    # When the campaign is tallied
    tally = _service(rollups).tally(_campaign(), START, END)
    # Then the rollup's quarters count, and no events are read for the cut quarters
    assert tally.events[("x", "like")] == 6
    assert rollups.event_reads == []


def test_edges_in_hours_with_a_rollup_are_read_event_by_event_and_counted_exactly() -> None:
    # Given likes in the first hour: two before the window starts (10:03, 10:06), one after (10:10)
    first_hour = datetime(2026, 11, 20, 10, tzinfo=UTC)
    events = [_like(first_hour + timedelta(minutes=m), m) for m in (3, 6, 10)]
    rollups = FakeRollups([_rollup(first_hour, [3, 0, 0, 0])], events)
    # When the campaign is tallied
    tally = _service(rollups).tally(_campaign(), START, END)
    # Then only the cut quarter of that hour is read, and only the like inside the window counts
    assert rollups.event_reads == [(START, datetime(2026, 11, 20, 10, 15, tzinfo=UTC))]
    assert tally.events[("x", "like")] == 1
