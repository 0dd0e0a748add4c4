"""The summary: net counts, totals, engagement units, series in the campaign's time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib.domain.rollups import Tally
from chalicelib.domain.summary import SummaryInput, build_summary
from chalicelib.domain.weights import DEFAULT_WEIGHTS

PARIS = ZoneInfo("Europe/Paris")


def campaign_fields(**changes: Any) -> dict[str, Any]:
    """The campaign's fields as a summary shows them."""
    return {
        "campaign_id": "c",
        "name": "Campaign",
        "label": "columbia-fr",
        "artist": "indochine",
        "starts_at": "2026-11-20T00:00:00+01:00",
        "ends_at": "2026-12-20T00:00:00+01:00",
        "timezone": "Europe/Paris",
        "tracked": {},
        "archived": False,
        **changes,
    }


def summary(
    tally: Tally, starts_at: datetime, ends_at: datetime, generated_at: datetime, **extra: Any
) -> dict[str, Any]:
    return build_summary(
        SummaryInput(
            campaign=campaign_fields(),
            platforms=("x", "youtube"),
            starts_at=starts_at,
            ends_at=ends_at,
            timezone="Europe/Paris",
            generated_at=generated_at,
            tally=tally,
            weights=DEFAULT_WEIGHTS,
            **extra,
        )
    ).model_dump(mode="json")


def tally_of(*entries: tuple[str, str, datetime, int]) -> Tally:
    tally = Tally()
    for platform, kind, quarter, net in entries:
        tally.add(platform, "post", kind, quarter.astimezone(UTC), net)
    return tally


def test_events_are_net_and_totals_add_up() -> None:
    start = datetime(2026, 11, 20, tzinfo=PARIS)
    tally = tally_of(
        ("x", "like", start, 5),
        ("x", "like", start, -2),
        ("x", "reply", start, 1),
        ("youtube", "content_published", start, 1),
    )
    result = summary(tally, start, start + timedelta(days=30), start + timedelta(days=1))
    assert result["platforms"]["x"]["events"] == {"like": 3, "reply": 1}
    assert result["totals"]["events"] == 5
    assert result["totals"]["engagement_units"] == 3 * 1 + 1 * 3  # like 1, reply 3, publication 0
    assert result["weights"]["version"] == DEFAULT_WEIGHTS.version


def test_a_kind_taken_back_entirely_is_absent_and_negative_nets_stay() -> None:
    start = datetime(2026, 11, 20, tzinfo=PARIS)
    tally = tally_of(("x", "like", start, 1), ("x", "like", start, -1), ("x", "follow", start, -2))
    result = summary(tally, start, start + timedelta(days=30), start + timedelta(days=1))
    assert result["platforms"]["x"]["events"] == {"follow": -2}


def test_the_window_ends_at_the_earlier_of_the_end_and_now() -> None:
    start = datetime(2026, 11, 20, tzinfo=PARIS)
    now = datetime(2026, 11, 26, 10, tzinfo=UTC)
    assert summary(Tally(), start, start + timedelta(days=30), now)["window"] == {
        "from": "2026-11-20T00:00:00+01:00",
        "to": "2026-11-26T10:00:00Z",
    }


def test_without_follower_counts_the_engagement_rate_is_null_with_a_reason() -> None:
    start = datetime(2026, 11, 20, tzinfo=PARIS)
    rate = summary(Tally(), start, start + timedelta(days=2), start + timedelta(days=1))["engagement_rate"]
    assert rate["value"] is None
    assert rate["denominator"] == "followers"
    assert rate["reason"]


def test_with_follower_counts_the_rate_names_its_denominator() -> None:
    start = datetime(2026, 11, 20, tzinfo=PARIS)
    tally = tally_of(("x", "like", start, 50))
    counters = {
        "x": {"followers": {"first": 900, "last": 1000, "delta": 100, "as_of": "2026-11-21T00:00:00Z"}}
    }
    rate = summary(tally, start, start + timedelta(days=2), start + timedelta(days=1), counters=counters)[
        "engagement_rate"
    ]
    assert rate == {
        "value": 0.05,
        "numerator": "engagement_units",
        "denominator": "followers",
        "denominator_value": 1000,
        "reason": None,
    }


def test_hourly_series_cross_the_autumn_dst_change_in_paris() -> None:
    # Given a window over the night of 25 October 2026, when Paris goes from +02:00 to +01:00 at 03:00
    start = datetime(2026, 10, 25, 1, tzinfo=PARIS)  # 01:00+02:00 = 23:00Z on the 24th
    end = datetime(2026, 10, 25, 4, tzinfo=PARIS)  # 04:00+01:00 = 03:00Z
    first_two = datetime(2026, 10, 25, 0, tzinfo=UTC)  # 02:00+02:00
    second_two = datetime(2026, 10, 25, 1, tzinfo=UTC)  # 02:00+01:00, the repeated hour
    tally = tally_of(("x", "like", first_two, 1), ("x", "like", second_two, 2))
    points = summary(tally, start, end, end)["series"]["points"]
    # Then the series has four local hours, the repeated 02:00 twice with its own offset and count
    assert [p["start"] for p in points] == [
        "2026-10-25T01:00:00+02:00",
        "2026-10-25T02:00:00+02:00",
        "2026-10-25T02:00:00+01:00",
        "2026-10-25T03:00:00+01:00",
    ]
    assert [p["events"]["x"] for p in points] == [0, 1, 2, 0]


def test_daily_series_give_the_dst_day_its_25_hours() -> None:
    # Given a 10-day window and an event at 23:30Z on 25 October: 00:30 on the 26th in Paris (+01:00)
    start = datetime(2026, 10, 20, tzinfo=PARIS)
    late = datetime(2026, 10, 25, 23, 30, tzinfo=UTC)
    early = datetime(2026, 10, 24, 22, 15, tzinfo=UTC)  # 00:15 on the 25th (+02:00)
    tally = tally_of(("x", "like", late, 1), ("x", "like", early, 1))
    series = summary(tally, start, start + timedelta(days=10), start + timedelta(days=10))["series"]
    assert series["granularity"] == "day"
    by_day = {p["start"][:10]: p["events"]["x"] for p in series["points"]}
    assert by_day["2026-10-25"] == 1
    assert by_day["2026-10-26"] == 1
    assert series["points"][6]["start"] == "2026-10-26T00:00:00+01:00"


def test_top_content_ranks_by_net_events_with_links() -> None:
    start = datetime(2026, 11, 20, tzinfo=PARIS)
    tally = Tally()
    tally.add("youtube", "vid-a", "like", start.astimezone(UTC), 3)
    tally.add("x", "123", "like", start.astimezone(UTC), 5)
    top = summary(tally, start, start + timedelta(days=2), start + timedelta(days=1))["top_content"]
    assert [(t["platform"], t["content_id"]) for t in top] == [("x", "123"), ("youtube", "vid-a")]
    assert top[1]["url"] == "https://www.youtube.com/watch?v=vid-a"


def test_a_tracked_account_in_top_content_links_to_the_account_not_a_post() -> None:
    # Given follows of a tracked X account (account-level events stand on the account's id)
    start = datetime(2026, 11, 20, tzinfo=PARIS)
    tally = Tally()
    tally.add("x", "4242", "follow", start.astimezone(UTC), 2)
    tally.add("x", "1790000000000000001", "like", start.astimezone(UTC), 1)
    tracked = {"x": {"accounts": ["4242"], "content": ["1790000000000000001"]}}
    # When the summary is built
    top = build_summary(
        SummaryInput(
            campaign=campaign_fields(tracked=tracked),
            platforms=("x",),
            starts_at=start,
            ends_at=start + timedelta(days=2),
            timezone="Europe/Paris",
            generated_at=start + timedelta(days=1),
            tally=tally,
            weights=DEFAULT_WEIGHTS,
        )
    ).top_content
    # Then the account links to its profile, and the post to the post
    assert [t.url for t in top] == [
        "https://x.com/i/user/4242",
        "https://x.com/i/web/status/1790000000000000001",
    ]
