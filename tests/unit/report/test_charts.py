"""charts.py: time ticks on round local times, whole-number count axes, escaped SVG."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from chalicelib.report.charts import SMALL_SIZE, Line, Tick, line_chart, time_ticks, value_ticks

PARIS = ZoneInfo("Europe/Paris")
KOLKATA = ZoneInfo("Asia/Kolkata")


def _local(ticks: list[Tick], zone: ZoneInfo) -> list[str]:
    return [tick.at.astimezone(zone).strftime("%m-%d %H:%M") for tick in ticks]


class Plain:
    def tick(self, tick: Tick) -> tuple[str, str]:
        return tick.at.isoformat(), ""

    def value(self, value: float, step: float) -> str:
        return f"{value:g}"

    def point(self, line: Line, at: datetime, value: float) -> str:
        return f"{line.label}: {value:g}"


def test_six_hourly_ticks_fall_at_00_06_12_18_local() -> None:
    # Given a day and a half in Paris from 07:00 local
    start = datetime(2026, 11, 24, 7, tzinfo=PARIS)
    # When at most 7 ticks fit
    ticks, _, _ = time_ticks(start, start + timedelta(hours=35), PARIS, 7)
    # Then they are every six hours on the local clock
    assert _local(ticks, PARIS) == [
        "11-24 12:00",
        "11-24 18:00",
        "11-25 00:00",
        "11-25 06:00",
        "11-25 12:00",
        "11-25 18:00",
    ]
    assert [tick.new_day for tick in ticks] == [True, False, True, False, False, False]


def test_day_ticks_fall_on_local_midnights_across_a_dst_change() -> None:
    # Given a week across the end of summer time in Paris
    start = datetime(2026, 10, 22, tzinfo=PARIS)
    ticks, _, _ = time_ticks(start, start + timedelta(days=6), PARIS, 7)
    # Then every tick is a local midnight, although one day has 25 hours
    assert {tick.at.astimezone(PARIS).strftime("%H:%M") for tick in ticks} == {"00:00"}
    assert len(ticks) == 7


def test_a_year_gets_month_ticks_on_the_first() -> None:
    start = datetime(2026, 1, 1, tzinfo=PARIS)
    ticks, _, _ = time_ticks(start, datetime(2027, 1, 1, tzinfo=PARIS), PARIS, 7)
    assert _local(ticks, PARIS) == [f"{month:02d}-01 00:00" for month in (1, 3, 5, 7, 9, 11, 1)]
    assert {tick.unit for tick in ticks} == {"month"}


def test_zones_off_by_half_an_hour_get_their_own_round_hours() -> None:
    start = datetime(2026, 1, 1, 10, tzinfo=KOLKATA)
    ticks, _, _ = time_ticks(start, start + timedelta(hours=12), KOLKATA, 7)
    assert [tick.at.astimezone(KOLKATA).strftime("%H:%M") for tick in ticks] == [
        "10:00",
        "12:00",
        "14:00",
        "16:00",
        "18:00",
        "20:00",
        "22:00",
    ]


def test_a_range_without_two_round_ticks_is_widened_to_them() -> None:
    # Given two readings 20 minutes apart, between 10:00 and 11:00
    start = datetime(2026, 1, 1, 10, 20, tzinfo=PARIS)
    ticks, low, high = time_ticks(start, start + timedelta(minutes=20), PARIS, 4)
    # Then the axis runs from 10:00 to 11:00, both labelled
    assert _local(ticks, PARIS) == ["01-01 10:00", "01-01 11:00"]
    assert (low, high) == (ticks[0].at, ticks[-1].at)


def test_count_axes_never_step_by_a_fraction() -> None:
    for high in (1, 2, 3, 5, 7, 9):
        ticks, step = value_ticks(0, high, integer=True, include_zero=True)
        assert step >= 1
        assert all(tick == int(tick) for tick in ticks), (high, ticks)


def test_count_axes_skip_two_and_a_half() -> None:
    ticks, step = value_ticks(0, 9, integer=True, include_zero=True, most=5)
    assert step in {2, 3, 5}
    assert ticks[0] == 0
    assert ticks[-1] >= 9


def test_a_measure_axis_may_step_by_a_fraction() -> None:
    ticks, step = value_ticks(61, 62, integer=False, include_zero=False)
    assert step < 1
    assert ticks[0] <= 61
    assert ticks[-1] >= 62


def test_the_chart_escapes_its_texts_and_dots_a_single_point() -> None:
    # Given a line of one point whose label is markup
    at = datetime(2026, 11, 26, 9, tzinfo=PARIS)
    line = Line("<k>", "<b>label</b>", "#000000", "", ((at, 3.0),))
    # When it is drawn
    svg = line_chart(
        chart_id="c",
        title="<t>",
        description="<d>",
        lines=[line],
        zone=PARIS,
        labels=Plain(),
        integer=True,
        include_zero=True,
        size=SMALL_SIZE,
    )
    # Then no text is markup, and the point is a dot without a line
    assert "<b>" not in svg
    assert "&lt;b&gt;label&lt;/b&gt;" in svg
    assert "<polyline" not in svg
    assert svg.count("<circle") == 1
