"""Contract section 13's score with hand-computed values: growth (d0's rules, the platforms compared),
the robust z-score (median, 1.4826 x MAD), the bands, and every case where a figure is null."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest

from chalicelib.domain.radar import (
    Reading,
    band_of,
    daily_audience,
    growth_of,
    median,
    ranked,
    robust_z,
    score_watchlist,
)

DAY0 = date(2026, 1, 1)


def day(n: int) -> date:
    return DAY0 + timedelta(days=n)


def r(platform: str, n: int, audience: int) -> Reading:
    return Reading(platform, day(n), audience)


# Growth -----------------------------------------------------------------------------------------


def test_growth_is_the_change_of_log10_one_plus_audience_over_28_days() -> None:
    # given 999 subscribers on day 0 and 9,999 on day 30
    growth = growth_of([r("youtube", 0, 999), r("youtube", 30, 9_999)])
    # then s(d) = log10(10,000) = 4, s(d0) = log10(1,000) = 3
    assert (growth.day, growth.d0, growth.audience) == (day(30), day(0), 9_999)
    assert growth.size == pytest.approx(4.0)
    assert growth.growth == pytest.approx(1.0)


def test_d0_is_the_latest_day_with_a_reading_at_or_before_d_minus_28() -> None:
    # given readings on days 0, 10 and 40: d - 28 = day 12, so d0 = day 10 (not day 0)
    growth = growth_of([r("deezer", 0, 9), r("deezer", 10, 99), r("deezer", 40, 999)])
    assert growth.d0 == day(10)
    assert growth.growth == pytest.approx(3.0 - 2.0)


def test_d0_may_be_exactly_28_days_before_d() -> None:
    growth = growth_of([r("deezer", 0, 99), r("deezer", 28, 999)])
    assert growth.d0 == day(0)
    assert growth.growth == pytest.approx(1.0)


def test_without_a_reading_28_days_back_d0_is_the_earliest_day_when_21_days_before_d() -> None:
    # given 22 days of history: nothing at or before d - 28, the earliest day is 22 >= 21 days back
    growth = growth_of([r("x", 0, 99), r("x", 5, 500), r("x", 22, 9_999)])
    assert growth.d0 == day(0)
    assert growth.growth == pytest.approx(2.0)


def test_the_earliest_day_counts_at_exactly_21_days_before_d() -> None:
    assert growth_of([r("x", 0, 99), r("x", 21, 999)]).growth == pytest.approx(1.0)


def test_growth_is_null_with_less_than_21_days_of_history() -> None:
    # given 20 days of history
    growth = growth_of([r("x", 0, 99), r("x", 20, 999)])
    # then the audience and size are known, the growth is not
    assert (growth.day, growth.audience) == (day(20), 999)
    assert growth.size == pytest.approx(3.0)
    assert growth.growth is None
    assert growth.reason == "less than 21 days of readings"


def test_an_artist_without_readings_has_no_figure() -> None:
    growth = growth_of([])
    assert (growth.day, growth.audience, growth.size, growth.growth) == (None, None, None, None)


def test_a_platform_first_read_after_d0_counts_in_the_audience_but_not_in_the_growth() -> None:
    # given YouTube from day 0, and Deezer (a million fans) read only from day 10
    readings = [r("youtube", 0, 999), r("youtube", 30, 9_999), r("deezer", 10, 1_000_000)]
    growth = growth_of(readings)
    # then the audience sums both, the growth compares YouTube alone: 4 - 3
    assert growth.audience == 1_009_999
    assert growth.growth == pytest.approx(1.0)


def test_a_platform_that_stopped_answering_is_carried_at_its_last_reading() -> None:
    # given YouTube last answered on day 5 (1,999), Deezer answers until day 30
    readings = [
        r("youtube", 0, 999),
        r("youtube", 5, 1_999),
        r("deezer", 0, 99),
        r("deezer", 30, 999),
    ]
    growth = growth_of(readings)
    # then A(d) = 1,999 + 999 = 2,998 and A(d0) = 999 + 99 = 1,098
    assert growth.audience == 2_998
    assert growth.growth == pytest.approx(math.log10(2_999) - math.log10(1_099))
    assert growth.growth == pytest.approx(0.435978, abs=1e-6)


def test_an_artist_whose_every_platform_stopped_answering_is_scored_at_its_last_day() -> None:
    # given nothing read since day 30: d is the latest day with a reading, not today
    growth = growth_of([r("spotify", 0, 9), r("spotify", 30, 99)])
    assert growth.day == day(30)
    assert growth.growth == pytest.approx(1.0)


def test_the_latest_reading_of_a_day_is_the_days() -> None:
    # given two readings of the same platform and day (the store keeps the latest; the last one wins)
    growth = growth_of([r("x", 0, 99), r("x", 30, 5), r("x", 30, 999)])
    assert growth.audience == 999


# The robust z-score ----------------------------------------------------------------------------


def test_median_of_an_odd_and_an_even_count() -> None:
    assert median([3.0, 1.0, 2.0]) == 2.0
    assert median([4.0, 1.0, 3.0, 2.0]) == 2.5


def test_robust_z_uses_the_median_and_1_4826_times_the_mad() -> None:
    # given growths 0, .1, .2, .3, 1: median .2; deviations .2, .1, 0, .1, .8: MAD .1
    zs, reason = robust_z({"a": 0.0, "b": 0.1, "c": 0.2, "d": 0.3, "e": 1.0})
    # then z = (g - .2) / .14826
    assert reason is None
    assert zs["e"] == pytest.approx(0.8 / 0.14826)  # 5.3959...
    assert zs["e"] == pytest.approx(5.395926, abs=1e-6)
    assert zs["a"] == pytest.approx(-1.348981, abs=1e-6)
    assert zs["c"] == pytest.approx(0.0)
    assert zs["d"] == pytest.approx(0.674491, abs=1e-6)


def test_robust_z_with_an_even_count_takes_the_middle_pairs_mean() -> None:
    # given 0, .1, .2, .3, .4, 2: median .25; deviations .25 .15 .05 .05 .15 1.75: MAD .15
    zs, _ = robust_z({"a": 0.0, "b": 0.1, "c": 0.2, "d": 0.3, "e": 0.4, "f": 2.0})
    assert zs["f"] == pytest.approx(1.75 / (1.4826 * 0.15))


def test_z_is_null_with_fewer_than_5_artists_with_a_growth() -> None:
    zs, reason = robust_z({"a": 0.0, "b": 0.1, "c": 0.2, "d": 5.0})
    assert zs == {"a": None, "b": None, "c": None, "d": None}
    assert reason == "fewer than 5 artists with a growth"


def test_z_is_null_when_the_mad_is_0() -> None:
    # given three equal growths out of five: the median deviation is 0
    zs, reason = robust_z({"a": 0.1, "b": 0.1, "c": 0.1, "d": 0.5, "e": 0.9})
    assert set(zs.values()) == {None}
    assert reason == "the growths' median absolute deviation is 0"


# Bands -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("z", "band"),
    [
        (5.4, "explosive"),
        (3.0, "explosive"),
        (2.999, "rising"),
        (2.0, "rising"),
        (1.999, "growing"),
        (1.0, "growing"),
        (0.999, "steady"),
        (0.0, "steady"),
        (-0.999, "steady"),
        (-1.0, "declining"),
        (-4.0, "declining"),
        (None, None),
    ],
)
def test_bands(z: float | None, band: str | None) -> None:
    assert band_of(z) == band


# The watchlist ---------------------------------------------------------------------------------


def _steady(audience_then: int, audience_now: int) -> list[Reading]:
    return [r("deezer", 0, audience_then), r("deezer", 30, audience_now)]


def test_a_watchlist_is_scored_within_itself() -> None:
    # given growths 0, .1, .2, .3 and 1 (log10 steps of 10^g)
    scores = score_watchlist(
        {
            "a": _steady(999, 999),
            "b": _steady(99_999, round(100_000 * 10**0.1) - 1),
            "c": _steady(99_999, round(100_000 * 10**0.2) - 1),
            "d": _steady(99_999, round(100_000 * 10**0.3) - 1),
            "e": _steady(999, 9_999),
        }
    )
    assert scores["e"].band == "explosive"
    assert scores["e"].z == pytest.approx(5.3959, abs=1e-3)
    assert scores["a"].band == "declining"
    assert [scores[k].band for k in "bcd"] == ["steady", "steady", "steady"]
    assert ranked(scores)[0] == "e"


def test_artists_without_a_growth_do_not_count_towards_the_five() -> None:
    # given four artists with a growth and one with 10 days of history
    scores = score_watchlist(
        {
            "a": _steady(9, 99),
            "b": _steady(9, 999),
            "c": _steady(99, 999),
            "d": _steady(9, 9),
            "young": [r("x", 20, 5), r("x", 30, 50)],
        }
    )
    assert all(score.z is None and score.band is None for score in scores.values())
    assert scores["young"].reason == "less than 21 days of readings"
    assert scores["a"].reason == "fewer than 5 artists with a growth"
    assert scores["a"].growth == pytest.approx(1.0)


def test_the_public_shape_has_the_contracts_fields() -> None:
    score = score_watchlist({"a": _steady(9, 99)})["a"]
    assert score.public() == {
        "day": "2026-01-31",
        "audience": 99,
        "size": pytest.approx(2.0),
        "growth": pytest.approx(1.0),
        "z": None,
        "band": None,
    }


def test_daily_audience_carries_each_platform_forward() -> None:
    points = daily_audience([r("x", 1, 10), r("deezer", 2, 5), r("x", 3, 20)], day(0), day(4))
    assert [a for _, a in points] == [None, 10, 15, 25, 25]
