"""Chart weeks (Friday 00:00 to Thursday 23:59 UTC) and a label's weekly consumption report built on
them: the boundaries, time zones and clock changes, equivalents per week and the certification by
each week's end (contract section 12)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest

from chalicelib.domain.consumption.rules import ReleaseType, Totals
from chalicelib.domain.consumption.weekly import (
    ChartWeek,
    LabelRelease,
    build_report,
    chart_week_at,
    chart_week_of,
    recent_weeks,
)
from chalicelib.domain.summary import ReleaseDays

PARIS = ZoneInfo("Europe/Paris")
ISRC = "FRZ032600001"
NOW = datetime(2026, 1, 22, 12, tzinfo=UTC)  # a Thursday: the current week is Fri 16 to Thu 22


def release(
    days: list[tuple[date, Totals]], *, release_type: ReleaseType = "single", out: date = date(2026, 1, 2)
) -> LabelRelease:
    given = ReleaseDays("000000000017", "One", release_type, out, tuple((d, ISRC, t) for d, t in days))
    return LabelRelease("angele", given)


def test_a_thursday_closes_the_week_that_began_the_friday_before() -> None:
    assert chart_week_of(date(2026, 1, 15)) == ChartWeek(date(2026, 1, 9))
    assert chart_week_of(date(2026, 1, 16)) == ChartWeek(date(2026, 1, 16))
    assert ChartWeek(date(2026, 1, 9)).end == date(2026, 1, 15)


@pytest.mark.parametrize(
    ("moment", "start"),
    [
        (datetime(2026, 1, 15, 23, 59, 59, tzinfo=UTC), date(2026, 1, 9)),
        (datetime(2026, 1, 16, 0, 0, tzinfo=UTC), date(2026, 1, 16)),
        # Friday 00:30 in Paris is still Thursday in UTC: weeks are UTC's
        (datetime(2026, 1, 16, 0, 30, tzinfo=PARIS), date(2026, 1, 9)),
    ],
)
def test_an_instant_belongs_to_the_chart_week_of_its_utc_day(moment: datetime, start: date) -> None:
    assert chart_week_at(moment).start == start


def test_the_clocks_changing_moves_no_boundary() -> None:
    # Given the weeks around Europe's change to summer time (Sunday 29 March 2026)
    weeks = recent_weeks(datetime(2026, 4, 9, 12, tzinfo=PARIS), 3)
    # Then each is seven days from a Friday, and noon in Paris on any of its days falls in it
    assert [w.start for w in weeks] == [date(2026, 4, 3), date(2026, 3, 27), date(2026, 3, 20)]
    for week in weeks:
        noons = [datetime.combine(d, datetime.min.time(), PARIS) + timedelta(hours=12) for d in week.days()]
        assert {chart_week_at(noon) for noon in noons} == {week}


def test_the_report_covers_eight_weeks_ending_with_the_current_one() -> None:
    weeks = recent_weeks(NOW)
    assert len(weeks) == 8
    assert weeks[0] == ChartWeek(date(2026, 1, 16))
    assert weeks[-1] == ChartWeek(date(2025, 11, 28))


def test_a_thursday_row_and_a_friday_row_fall_in_consecutive_weeks() -> None:
    # Given streams on Thursday the 15th and on Friday the 16th
    rows = [(date(2026, 1, 15), Totals(premium=100)), (date(2026, 1, 16), Totals(premium=7))]
    # When the report is built
    report = build_report("lab", NOW, [release(rows)], {"angele": "Angèle"})
    # Then the current week holds Friday's, the week before Thursday's
    weeks = report.artists[0].releases[0].weeks
    assert [(w.week.start, w.totals.premium) for w in weeks[:2]] == [
        (date(2026, 1, 16), 7),
        (date(2026, 1, 9), 100),
    ]


def test_a_week_across_billboards_change_holds_both_rule_sets_each_with_its_days() -> None:
    # Given an album streamed 1,000 premium a day, Friday 16 to Sunday 18 (the change is on the 17th)
    days = [(date(2026, 1, 16) + timedelta(days=n), Totals(premium=1000)) for n in range(3)]
    report = build_report("lab", NOW, [release(days, release_type="album")], {})
    current = report.artists[0].releases[0].weeks[0]
    # Then the old rule counts the Friday (1,000 / 1,250), the new one the weekend (2,000 / 1,000)
    units = {e.rule.id: e.units for e in current.equivalents}
    assert units["billboard-2020-01"] == Fraction(1000, 1250)
    assert units["billboard-2026-01"] == 2
    assert {e.rule.family for e in current.equivalents} == {"snep", "billboard", "occ", "riaa"}


def test_the_certification_counts_everything_up_to_each_weeks_end() -> None:
    # Given a single with 10 M premium streams the week of the 9th and 6 M the current week
    rows = [(date(2026, 1, 12), Totals(premium=10_000_000)), (date(2026, 1, 19), Totals(premium=6_000_000))]
    weeks = build_report("lab", NOW, [release(rows)], {}).artists[0].releases[0].weeks
    # Then it has no level by the 15th and Gold (15 M stream equivalents) by the 22nd
    assert (weeks[1].certification.level, weeks[1].certification.units) == (None, 10_000_000)
    assert (weeks[0].certification.level, weeks[0].certification.next_level) == ("or", "platine")


def test_weeks_before_a_release_are_left_out() -> None:
    weeks = build_report("lab", NOW, [release([], out=date(2026, 1, 14))], {}).artists[0].releases[0].weeks
    assert [w.week.start for w in weeks] == [date(2026, 1, 16), date(2026, 1, 9)]


def test_artists_read_by_name_and_their_releases_newest_first() -> None:
    # Given two artists, one with two releases
    older = LabelRelease("zaz", ReleaseDays("000000000024", "Old", "album", date(2025, 5, 1)))
    newer = LabelRelease("zaz", ReleaseDays("000000000031", "New", "album", date(2026, 1, 1)))
    report = build_report("lab", NOW, [older, release([]), newer], {"zaz": "Aaron", "angele": "Angèle"})
    # Then "Aaron" (zaz) comes first, its newer release first; an unnamed artist reads as its id
    assert [a.name for a in report.artists] == ["Aaron", "Angèle"]
    assert [r.release.title for r in report.artists[0].releases] == ["New", "Old"]
    assert build_report("lab", NOW, [older], {}).artists[0].name == "zaz"
