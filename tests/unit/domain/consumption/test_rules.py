"""The charts' rule sets (contract section 12), each with a worked example computed by hand."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

import pytest

from chalicelib.domain.consumption.figures import DayTotals, certification, equivalents
from chalicelib.domain.consumption.rules import (
    ReleaseFigures,
    Totals,
    applicable,
    parse_rule_sets,
    rule_set,
    rule_sets,
)

CONTRACT_IDS = {
    "snep-2018-04",
    "snep-2024-07",
    "billboard-2020-01",
    "billboard-2026-01",
    "occ-2018-07",
    "riaa-2016-02",
}


def test_the_shipped_rule_sets_are_the_contracts_each_with_a_source_and_dates() -> None:
    # Given the data file / Then it holds the six rule sets of the contract, each sourced and dated
    assert {rule.id for rule in rule_sets()} == CONTRACT_IDS
    for rule in rule_sets():
        assert rule.source.startswith("https://"), rule.id
        assert rule.effective_from <= (rule.effective_to or date.max)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 6, 30), {"snep-2018-04", "billboard-2020-01", "occ-2018-07", "riaa-2016-02"}),
        (date(2024, 7, 1), {"snep-2024-07", "billboard-2020-01", "occ-2018-07", "riaa-2016-02"}),
        (date(2026, 1, 16), {"snep-2024-07", "billboard-2020-01", "occ-2018-07", "riaa-2016-02"}),
        (date(2026, 1, 17), {"snep-2024-07", "billboard-2026-01", "occ-2018-07", "riaa-2016-02"}),
        (date(2017, 1, 1), {"riaa-2016-02"}),
    ],
)
def test_a_rows_day_chooses_one_rule_set_per_family(day: date, expected: set[str]) -> None:
    assert {rule.id for rule in applicable(day)} == expected


def test_overlapping_rule_sets_of_one_family_are_refused() -> None:
    # Given two Billboard rule sets whose dates overlap / Then the data does not load
    text = """{"rule_sets": [
      {"id": "a", "family": "f", "chart": "c", "effective_from": "2020-01-01", "effective_to": "2021-01-01",
       "source": "https://x", "method": "riaa", "params": {}, "notes": ""},
      {"id": "b", "family": "f", "chart": "c", "effective_from": "2020-12-01", "effective_to": null,
       "source": "https://x", "method": "riaa", "params": {}, "notes": ""}]}"""
    with pytest.raises(ValueError, match="overlap"):
        parse_rule_sets(text)


def album(**tracks: Totals) -> dict[str, Totals]:
    return dict(tracks)


# SNEP -------------------------------------------------------------------------------------------------

# An album whose first track dominates: weighted streams = premium + ad / 7
#   T1 700,000 + 70,000/7 = 710,000; T2 200,000 + 14,000/7 = 202,000; T3 100,000 + 7,000/7 = 101,000
#   and 20 downloads and 100 CDs of the album itself
DOMINATED_ALBUM = ReleaseFigures(
    "album",
    album(
        T1=Totals(premium=700_000, ad=70_000),
        T2=Totals(premium=200_000, ad=14_000),
        T3=Totals(premium=100_000, ad=7_000),
    ),
    Totals(downloads=20, physical=100),
)


def test_snep_2024_album_takes_half_of_its_dominant_track_away() -> None:
    # Given an album whose first track dominates (DOMINATED_ALBUM)
    figures = DOMINATED_ALBUM
    # When converted by snep-2024-07
    units = rule_set("snep-2024-07").equivalents(figures)
    # Then (1,013,000 - 710,000 / 2) / 1,500 + 120 = 658,000 / 1,500 + 120 = 1676/3 (558.67)
    assert units == Fraction(1676, 3)


def test_snep_2024_single_is_weighted_streams_plus_150_per_download() -> None:
    # Given a single: 1,000,000 premium, 700,000 ad-supported (= 100,000 weighted), 300 downloads
    figures = ReleaseFigures("single", {"T": Totals(premium=1_000_000, ad=700_000, downloads=300)})
    # Then 1,100,000 + 150 x 300 = 1,145,000 stream equivalents
    assert rule_set("snep-2024-07").equivalents(figures) == 1_145_000
    assert rule_set("snep-2024-07").unit("single") == "stream_equivalents"


def test_snep_2018_counts_premium_streams_only_and_no_dominant_track_rule() -> None:
    # Given the same album as the 2024 example
    figures = DOMINATED_ALBUM
    # Then 1,000,000 premium / 1,500 + 120 = 2360/3 (786.67): ad-supported streams count nothing
    assert rule_set("snep-2018-04").equivalents(figures) == Fraction(2360, 3)


def test_a_span_across_the_snep_change_counts_each_day_by_its_rule() -> None:
    # Given a single's streams on 2024-06-30 (premium 1,000, ad 7,000) and 2024-07-01 (the same)
    same = Totals(premium=1_000, ad=7_000)
    days: list[DayTotals] = [(date(2024, 6, 30), "T", same), (date(2024, 7, 1), "T", same)]
    # When converted
    result = equivalents("single", days)
    # Then the first day by snep-2018-04 (1,000) and the second by snep-2024-07 (1,000 + 7,000/7 = 2,000)
    assert result["snep-2018-04"] == 1_000
    assert result["snep-2024-07"] == 2_000


# Billboard --------------------------------------------------------------------------------------------


def test_the_billboard_change_of_2026_01_17_inside_one_chart_week() -> None:
    # Given the chart week Friday 2026-01-16 to Thursday 2026-01-22 of an album:
    #   Friday 16th: 125,000 paid, 375,000 ad-supported, 10 album sales
    #   Saturday 17th: 600,000 paid, 250,000 ad-supported; Thursday 22nd: 5 album sales
    days: list[DayTotals] = [
        (date(2026, 1, 16), "T1", Totals(premium=125_000, ad=375_000)),
        (date(2026, 1, 16), None, Totals(downloads=10)),
        (date(2026, 1, 17), "T1", Totals(premium=600_000, ad=250_000)),
        (date(2026, 1, 22), None, Totals(physical=5)),
    ]
    billboard = [rule_set("billboard-2020-01"), rule_set("billboard-2026-01")]
    # When converted
    result = equivalents("album", days, among=billboard)
    # Then Friday counts by 1,250 / 3,750: 100 + 100 + 10 = 210
    assert result["billboard-2020-01"] == 210
    # And the rest by 1,000 / 2,500: 600 + 100 + 5 = 705 (the new ratios over the whole week would say 990)
    assert result["billboard-2026-01"] == 705
    assert sum(result.values()) == 915


# Official Charts --------------------------------------------------------------------------------------


def test_the_official_charts_album_caps_its_top_two_tracks_at_the_mean_of_the_other_ten() -> None:
    # Given an album of 14 tracks (premium streams, in thousands): 100, 60, 20, 18, 16, 14, 12, 10, 8, 6, 4,
    # 2, 1, 0.5; and 3 album sales
    streams = [
        100_000,
        60_000,
        20_000,
        18_000,
        16_000,
        14_000,
        12_000,
        10_000,
        8_000,
        6_000,
        4_000,
        2_000,
        1_000,
        500,
    ]
    tracks = {f"T{i}": Totals(premium=n) for i, n in enumerate(streams)}
    figures = ReleaseFigures("album", tracks, Totals(downloads=3))
    # When converted by occ-2018-07
    units = rule_set("occ-2018-07").equivalents(figures)
    # Then the 12 most streamed count; the other ten (20 ... 2) sum to 110,000, mean 11,000;
    # the top two come down to 11,000 each: (22,000 + 110,000) / 1,000 + 3 = 135 (tracks 13 and 14 ignored)
    assert units == 135


def test_the_official_charts_album_weights_free_streams_at_the_singles_ratio() -> None:
    # Given a 3-track album: 6,000 premium; 1,000 premium + 6,000 free (= 1,000 premium); 2,000 premium
    tracks = {"A": Totals(premium=6_000), "B": Totals(premium=1_000, ad=6_000), "C": Totals(premium=2_000)}
    # When converted: weighted 6,000, 2,000, 2,000; others (only the third) mean 2,000: top two capped
    units = rule_set("occ-2018-07").equivalents(ReleaseFigures("album", tracks))
    # Then (2,000 + 2,000 + 2,000) / 1,000 = 6
    assert units == 6


def test_the_official_charts_single_is_premium_by_100_free_by_600_plus_downloads() -> None:
    figures = ReleaseFigures("single", {"T": Totals(premium=50_000, ad=60_000, downloads=200)})
    # 500 + 100 + 200 = 800
    assert rule_set("occ-2018-07").equivalents(figures) == 800


# RIAA -------------------------------------------------------------------------------------------------


def test_riaa_counts_1500_streams_an_album() -> None:
    figures = ReleaseFigures("album", {"T": Totals(premium=900_000, ad=600_000)}, Totals(physical=50))
    # 1,500,000 / 1,500 + 50 = 1,050
    assert rule_set("riaa-2016-02").equivalents(figures) == 1_050


def test_riaa_counts_150_streams_a_single() -> None:
    figures = ReleaseFigures("single", {"T": Totals(premium=200_000, ad=100_000, downloads=500)})
    # 300,000 / 150 + 500 = 2,500
    assert rule_set("riaa-2016-02").equivalents(figures) == 2_500


def test_days_before_a_familys_first_rule_set_count_for_no_rule_of_it() -> None:
    # Given streams in 2015 / Then no rule set converts them
    assert equivalents("album", [(date(2015, 5, 1), "T", Totals(premium=1_500))]) == {}


# Certification ----------------------------------------------------------------------------------------


def test_an_album_past_platinum_shows_the_progress_to_double_platinum() -> None:
    # Given 120,000 album units / Then Platine reached, 60 % of the way to Double Platine (200,000)
    result = certification("album", Fraction(120_000))
    assert (result.level, result.next_level, result.next_units) == ("platine", "double_platine", 200_000)
    assert result.progress == pytest.approx(0.6)
    assert result.source.startswith("https://snepmusique.com")


def test_a_single_below_gold_has_no_level_yet() -> None:
    # Given 10,000,000 stream equivalents / Then no level, two thirds of the way to Or (15,000,000)
    result = certification("single", Fraction(10_000_000))
    assert result.level is None
    assert result.next_level == "or"
    assert result.progress == pytest.approx(2 / 3)


def test_a_diamond_album_has_nothing_further() -> None:
    result = certification("ep", Fraction(600_000))
    assert (result.level, result.next_level, result.progress) == ("diamant", None, 1.0)


def test_weeks_of_daily_figures_convert_the_same_as_their_sum_within_one_rule_set() -> None:
    # Given the same album streams spread over 7 days or on one day, all under riaa-2016-02
    start = date(2025, 3, 7)
    spread: list[DayTotals] = [(start + timedelta(days=i), "T", Totals(premium=1_000)) for i in range(7)]
    # Then the equivalents are the same (7,000 / 1,500)
    assert equivalents("album", spread)["riaa-2016-02"] == Fraction(7_000, 1_500)
