"""A summary's `consumption` (contract section 12) from day totals: the window's sums, equivalents by
each day's rule sets, and the SNEP certification on everything since the release."""

from __future__ import annotations

from datetime import date, timedelta

from chalicelib.domain.consumption.rules import Totals
from chalicelib.domain.summary import ConsumptionInput, ReleaseDays, consumption_section

ISRC = "FRZ032600001"
DAY = Totals(premium=1000, ad=2500)


def _single(days: list[date]) -> ReleaseDays:
    return ReleaseDays(
        "000000000017", "One", "single", date(2026, 1, 15), tuple((d, ISRC, DAY) for d in days)
    )


def test_the_window_sums_only_its_own_days() -> None:
    # Given a single streamed the same every day from its release on the 15th to the 18th
    days = [date(2026, 1, 15) + timedelta(days=n) for n in range(4)]
    # When the window covers the 16th to the 18th
    section = consumption_section(ConsumptionInput((_single(days),)), date(2026, 1, 16), date(2026, 1, 18))
    # Then its figures are three days', for the release and for the artist
    (release,) = section.releases
    assert (release.streams_premium, release.streams_ad) == (3000, 7500)
    assert (section.streams_premium, section.streams_ad, section.from_, section.to) == (
        3000,
        7500,
        "2026-01-16",
        "2026-01-18",
    )


def test_a_week_across_billboards_change_counts_each_day_by_its_own_rule() -> None:
    # Given the same days, across Billboard's change of 2026-01-17
    days = [date(2026, 1, 16) + timedelta(days=n) for n in range(3)]
    section = consumption_section(ConsumptionInput((_single(days),)), date(2026, 1, 16), date(2026, 1, 18))
    # Then the 17th and 18th count by billboard-2026-01: 2 x (1000 / 1000 + 2500 / 2500) = 4
    equivalents = section.releases[0].equivalents
    assert equivalents["billboard-2026-01"] == 4
    assert "billboard-2020-01" in equivalents  # the 16th, by the older rule


def test_certification_counts_every_day_since_the_release_up_to_the_window_end() -> None:
    # Given four days from the release, the first before the window, and one after it
    days = [date(2026, 1, 15) + timedelta(days=n) for n in range(5)]
    section = consumption_section(ConsumptionInput((_single(days),)), date(2026, 1, 16), date(2026, 1, 18))
    # Then SNEP 2024-07 counts the 15th to the 18th: 4 x (1000 + 2500 / 7) stream equivalents
    certification = section.releases[0].certification
    assert certification.units == round(4 * (1000 + 2500 / 7), 3)
    assert (certification.unit, certification.level, certification.next_level) == (
        "stream_equivalents",
        None,
        "or",
    )
    assert certification.progress == round(4 * (1000 + 2500 / 7) / 15_000_000, 4)


def test_no_release_gives_zero_figures_over_the_windows_days() -> None:
    section = consumption_section(ConsumptionInput(), date(2026, 1, 16), date(2026, 1, 18))
    assert section.releases == []
    assert (section.streams_premium, section.downloads, section.physical_units) == (0, 0, 0)
