"""The comparison with the window of equal length before a summary's (contract section 10): tallied
from the same rollups as the window itself, across the DST changes of Europe/Paris (the last Sunday
of October and of March)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib.domain.rollups import Rollup, StoredEventView
from chalicelib.services.publishing.tally import cut_quarters
from tests.unit.publishing_doubles import RecordingRollups, building_service, stored_campaign

PARIS = ZoneInfo("Europe/Paris")
TWEET = "1790000000000000001"
ACCOUNT = "1234"
TRACKED = {"x": {"content": [TWEET]}}


def likes(hour: datetime, per_quarter: int = 1) -> Rollup:
    """A rollup of `4 x per_quarter` likes in the UTC hour `hour`."""
    utc = hour.astimezone(UTC)
    return Rollup(
        "x", TWEET, utc, {ACCOUNT: {"like": [per_quarter] * 4}}, {ACCOUNT: utc + timedelta(minutes=50)}
    )


def comparison(
    starts_at: datetime, ends_at: datetime, stored: list[Rollup]
) -> tuple[dict[str, Any], RecordingRollups]:
    rollups = RecordingRollups(stored)
    summary = building_service(rollups, ends_at).build(
        stored_campaign(starts_at, ends_at, TRACKED), [], ends_at
    )
    return summary.model_dump(mode="json")["comparison"], rollups


def test_the_25_hour_sunday_of_october_is_compared_with_the_25_hours_before_it() -> None:
    # Given a window over Sunday 25 October 2026 in Paris (+02:00 until 03:00, then +01:00): 25 hours
    sunday = datetime(2026, 10, 25, tzinfo=PARIS)
    monday = datetime(2026, 10, 26, tzinfo=PARIS)
    assert monday.astimezone(UTC) - sunday.astimezone(UTC) == timedelta(hours=25)
    # and likes in the first hour of the previous 25 hours (Friday 23:00), in the hour before it, and
    # in the window's own first hour
    stored = [
        likes(datetime(2026, 10, 23, 23, tzinfo=PARIS)),
        likes(datetime(2026, 10, 23, 22, tzinfo=PARIS), per_quarter=5),
        likes(sunday, per_quarter=2),
    ]
    # When the summary is built at the window's end
    compared, rollups = comparison(sunday, monday, stored)
    # Then the previous window is the 25 hours before Sunday, written in the campaign's time zone
    assert compared["window"] == {"from": "2026-10-23T23:00:00+02:00", "to": "2026-10-25T00:00:00+02:00"}
    # and it counts its own hour only; this window's 8 likes against its 4 are +100 %
    assert compared["totals"] == {"events": 4, "engagement_units": 4.0}
    assert compared["change"] == {"events": 100.0, "engagement_units": 100.0}
    # and both windows came from one read of the tweet's rollups
    assert len(rollups.rollup_reads) == 1


def test_the_23_hour_sunday_of_march_is_compared_with_the_23_hours_before_it() -> None:
    # Given a window over Sunday 29 March 2026 in Paris (+01:00 until 02:00, then +02:00): 23 hours
    sunday = datetime(2026, 3, 29, tzinfo=PARIS)
    monday = datetime(2026, 3, 30, tzinfo=PARIS)
    assert monday.astimezone(UTC) - sunday.astimezone(UTC) == timedelta(hours=23)
    # and likes at Saturday 01:00 (the previous window's first hour) and at Saturday 00:00 (before it)
    stored = [likes(datetime(2026, 3, 28, 1, tzinfo=PARIS)), likes(datetime(2026, 3, 28, 0, tzinfo=PARIS))]
    compared, _ = comparison(sunday, monday, stored)
    assert compared["window"] == {"from": "2026-03-28T01:00:00+01:00", "to": "2026-03-29T00:00:00+01:00"}
    assert compared["totals"]["events"] == 4
    assert compared["change"]["events"] == -100.0


def test_a_day_after_the_october_change_is_compared_with_24_hours_not_with_the_25_hour_sunday() -> None:
    # Given a window of Monday 26 October (24 hours, +01:00) and likes in Sunday's first local hour
    monday = datetime(2026, 10, 26, tzinfo=PARIS)
    stored = [likes(datetime(2026, 10, 25, 0, tzinfo=PARIS)), likes(datetime(2026, 10, 25, 1, tzinfo=PARIS))]
    compared, _ = comparison(monday, monday + timedelta(days=1), stored)
    # Then the previous window is the 24 hours before: it starts at Sunday 01:00 (+02:00), so Sunday's
    # first hour is not in it (equal length, in elapsed hours, as a rate per hour wants)
    assert compared["window"] == {"from": "2026-10-25T01:00:00+02:00", "to": "2026-10-26T00:00:00+01:00"}
    assert compared["totals"]["events"] == 4


def test_a_quarter_cut_by_the_shared_edge_is_read_once_and_split_between_the_windows() -> None:
    # Given a window from 10:07 to 14:52 (UTC) and likes at 10:03 and 10:10, in a rolled-up hour
    start = datetime(2026, 11, 20, 10, 7, tzinfo=UTC)
    end = datetime(2026, 11, 20, 14, 52, tzinfo=UTC)
    hour = datetime(2026, 11, 20, 10, tzinfo=UTC)
    events = [
        StoredEventView(f"e-{m}", "x", "like", False, TWEET, ACCOUNT, hour + timedelta(minutes=m))
        for m in (3, 10)
    ]
    rollups = RecordingRollups(
        [Rollup("x", TWEET, hour, {ACCOUNT: {"like": [2, 0, 0, 0]}}, {ACCOUNT: hour})], events
    )
    summary = (
        building_service(rollups, end)
        .build(stored_campaign(start, end, TRACKED), [], end)
        .model_dump(mode="json")
    )
    # Then the 10:00-10:15 quarter is read once, and each window counts its own like
    assert rollups.event_reads == [(hour, hour + timedelta(minutes=15))]
    assert summary["totals"]["events"] == 1
    assert summary["comparison"]["totals"]["events"] == 1
    assert summary["comparison"]["window"]["from"] == "2026-11-20T06:22:00+01:00"


def test_one_window_s_cut_quarters_are_those_it_always_had() -> None:
    start = datetime(2026, 11, 20, 10, 7, tzinfo=UTC)
    end = datetime(2026, 11, 20, 10, 30, 30, tzinfo=UTC)
    assert cut_quarters([(start, end)]) == [
        (start, datetime(2026, 11, 20, 10, 15, tzinfo=UTC)),
        (datetime(2026, 11, 20, 10, 30, tzinfo=UTC), end),
    ]


def test_cut_quarters_of_different_quarters_are_never_joined() -> None:
    # Given a window ending where the next quarter starts cut by another window's edge
    a = datetime(2026, 11, 20, 10, 7, tzinfo=UTC)
    b = datetime(2026, 11, 20, 10, 15, tzinfo=UTC)
    c = datetime(2026, 11, 20, 10, 22, tzinfo=UTC)
    # Then each quarter's part is its own range (a range never spans two quarters, hence two hours)
    assert cut_quarters([(a, b), (b, c)]) == [(a, b), (b, c)]
