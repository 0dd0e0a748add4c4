"""The summary: net counts, totals, engagement units, series in the campaign's time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from chalicelib.domain.rollups import Tally, Title
from chalicelib.domain.summary import language_of, newest_titles, percent_change
from chalicelib.domain.weights import DEFAULT_WEIGHTS
from tests.unit.domain.summaries import built, built_a_day_in

PARIS = ZoneInfo("Europe/Paris")


def summary(
    tally: Tally, starts_at: datetime, ends_at: datetime, generated_at: datetime, **extra: Any
) -> dict[str, Any]:
    return built(tally, starts_at, ends_at, generated_at, **extra).model_dump(mode="json")


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
    assert {k: rate[k] for k in ("value", "numerator", "denominator", "denominator_value", "reason")} == {
        "value": 0.05,
        "numerator": "engagement_units",
        "denominator": "followers",
        "denominator_value": 1000,
        "reason": None,
    }


def _followers(count: int) -> dict[str, Any]:
    return {"followers": {"first": count, "last": count, "delta": 0, "as_of": "2026-11-21T00:00:00Z"}}


def test_the_rate_divides_the_units_of_the_platforms_whose_followers_it_divides_by() -> None:
    # Given likes on X and TikTok, and a follower count pulled for X only
    start = datetime(2026, 11, 20, tzinfo=PARIS)
    tally = tally_of(("x", "like", start, 30), ("tiktok", "like", start, 70))
    tracked = {"x": {"accounts": ["1234"], "content": []}, "tiktok": {"accounts": ["act.1"], "content": []}}
    # When the summary is built
    rate = built_a_day_in(
        tally, start, tracked, platforms=("x", "tiktok"), counters={"x": _followers(1000)}
    ).engagement_rate
    # Then only X's units are divided by X's followers, and TikTok is excluded with why
    assert (rate.value, rate.units, rate.followers, rate.platforms) == (0.03, 30, 1000, ["x"])
    assert [(e.platform, e.reason) for e in rate.excluded] == [
        ("tiktok", "No follower count of its tracked accounts has been pulled in the window yet.")
    ]


def test_the_rate_says_why_each_platform_is_left_out() -> None:
    start = datetime(2026, 11, 20, tzinfo=PARIS)
    refused = {"followers": {"first": None, "last": None, "delta": None, "as_of": None, "unavailable": "403"}}
    tracked = {
        "spotify": {"accounts": ["3hHJx0Uot7M9zVGHHjVtye"], "content": []},
        "youtube": {"content": ["v"]},
    }
    rate = built_a_day_in(
        Tally(),
        start,
        tracked,
        platforms=("spotify", "youtube", "standard:linkfire"),
        counters={"spotify": refused},
    ).engagement_rate
    assert rate.value is None
    assert rate.reason == "No follower count of the tracked accounts has been pulled yet."
    assert (rate.units, rate.followers, rate.denominator_value, rate.platforms) == (0, 0, None, [])
    assert {e.platform: e.reason for e in rate.excluded} == {
        "spotify": "Its follower count is unavailable: 403",
        "youtube": "The campaign tracks none of its accounts, whose followers would be counted.",
        "standard:linkfire": "It has no follower count (its events come by webhook only).",
    }


def test_deezer_fans_count_as_followers() -> None:
    start = datetime(2026, 11, 20, tzinfo=PARIS)
    fans = {"fans": {"first": 10, "last": 20, "delta": 10, "as_of": "2026-11-21T00:00:00Z"}}
    rate = summary(
        Tally(),
        start,
        start + timedelta(days=2),
        start + timedelta(days=1),
        counters={"deezer": fans},
        platforms=("deezer",),
    )["engagement_rate"]
    assert (rate["followers"], rate["platforms"], rate["value"]) == (20, ["deezer"], 0.0)


@pytest.mark.parametrize(
    ("campaign", "artist", "expected"),
    [
        ("fr", "en", "fr"),
        ("en", "fr", "en"),
        (None, "fr", "fr"),
        (None, "en", "en"),
        (None, None, "en"),
    ],
)
def test_the_language_is_the_campaign_s_else_its_artist_s_else_english(
    campaign: str | None, artist: str | None, expected: str
) -> None:
    artists = {("columbia-fr", "indochine"): artist} if artist else {}
    assert language_of(campaign, "indochine", "columbia-fr", artists) == expected


def test_an_artist_of_another_label_with_the_same_id_gives_no_language() -> None:
    assert language_of(None, "indochine", "columbia-fr", {("sony-fr", "indochine"): "fr"}) == "en"


def test_the_comparison_is_the_window_of_equal_length_before_with_its_totals_and_change() -> None:
    # Given 10 likes this window and 4 likes and 1 reply in the 2 days before it
    start = datetime(2026, 11, 20, tzinfo=PARIS)
    now = start + timedelta(days=2)
    previous = tally_of(
        ("x", "like", start - timedelta(days=1), 4), ("x", "reply", start - timedelta(hours=3), 1)
    )
    result = summary(
        tally_of(("x", "like", start, 10)), start, start + timedelta(days=30), now, previous=previous
    )
    # Then the comparison covers [start - 2 days, start), with its own counts and the change in percent
    assert result["comparison"] == {
        "window": {"from": "2026-11-18T00:00:00+01:00", "to": "2026-11-20T00:00:00+01:00"},
        "platforms": {"x": {"events": {"reply": 1, "like": 4}}, "youtube": {"events": {}}},
        "totals": {"events": 5, "engagement_units": 7.0},
        "change": {"events": 100.0, "engagement_units": 42.9},
    }


def test_a_change_against_a_previous_zero_is_null_and_a_drop_is_negative() -> None:
    assert percent_change(5, 0) is None
    assert percent_change(0, 0) is None
    assert percent_change(3, 4) == -25.0
    assert percent_change(-2, -4) == 50.0  # net counts can be negative: the sign still says which way
    assert percent_change(4, 4) == 0.0


def test_a_summary_with_no_events_still_has_its_comparison_with_zeros() -> None:
    start = datetime(2026, 11, 20, tzinfo=PARIS)
    result = summary(Tally(), start, start + timedelta(days=30), start + timedelta(hours=5))
    assert result["comparison"]["totals"] == {"events": 0, "engagement_units": 0}
    assert result["comparison"]["change"] == {"events": None, "engagement_units": None}
    assert result["comparison"]["platforms"] == {"x": {"events": {}}, "youtube": {"events": {}}}
    assert result["attention"] == []


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
    top = built_a_day_in(tally, start, tracked, platforms=("x",)).top_content
    # Then the account links to its profile, and the post to the post
    assert [t.url for t in top] == [
        "https://x.com/i/user/4242",
        "https://x.com/i/web/status/1790000000000000001",
    ]


def test_top_content_carries_the_title_given_and_null_when_none_is_known() -> None:
    start = datetime(2026, 11, 20, tzinfo=PARIS)
    tally = Tally()
    tally.add("youtube", "dQw4w9WgXcQ", "like", start.astimezone(UTC), 3)
    tally.add("x", "1790000000000000001", "like", start.astimezone(UTC), 2)
    titles = {("youtube", "dQw4w9WgXcQ"): "Clip officiel"}
    top = summary(tally, start, start + timedelta(days=2), start + timedelta(days=1), titles=titles)[
        "top_content"
    ]
    assert [(t["content_id"], t["title"]) for t in top] == [
        ("dQw4w9WgXcQ", "Clip officiel"),
        ("1790000000000000001", None),
    ]


def test_the_newest_title_wins_whether_a_delivery_or_a_pull_gave_it() -> None:
    at = datetime(2026, 11, 20, tzinfo=UTC)
    delivered = {("youtube", "v"): Title("Teaser", at), ("x", "1"): Title("Post", at)}
    pulled = {("youtube", "v"): Title("Clip officiel", at + timedelta(hours=1))}
    assert newest_titles(delivered, pulled) == {("x", "1"): "Post", ("youtube", "v"): "Clip officiel"}
    assert newest_titles(pulled, {("youtube", "v"): Title("Older", at)}) == {
        ("youtube", "v"): "Clip officiel"
    }
