"""The clash rule, the push index's keys and ranges, and the calendar page. Pure."""

from __future__ import annotations

import base64
import hashlib
import html
import random
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from chalicelib.domain.calendar import Calendar, Clash, Window
from chalicelib.domain.pushes import ClashFinder, PushEntry, clashes, index_keys, ranges_around
from chalicelib.report.calendar_html import render_calendar_html

DAY = timedelta(hours=24)
T0 = datetime(2026, 11, 25, 10, tzinfo=UTC)


def entry(campaign: str, push_id: str, at: datetime, *platforms: str, label: str = "l") -> PushEntry:
    return PushEntry(
        campaign, label, "Artist", push_id, at, platforms or ("youtube",), "video", f"T {push_id}"
    )


def test_a_push_is_indexed_once_per_platform_under_its_utc_day() -> None:
    # Given a push at 00:30 in Paris (23:30 UTC the day before) on two platforms
    paris = datetime(2026, 11, 26, 0, 30, tzinfo=ZoneInfo("Europe/Paris"))
    keys = index_keys(entry("c", "p", paris, "youtube", "x"))
    # Then its keys are under the UTC day, with a fixed-width UTC time first in the sort key
    assert keys == [
        ("PUSH#youtube#2026-11-25", "2026-11-25T23:30:00.000000Z#c#p"),
        ("PUSH#x#2026-11-25", "2026-11-25T23:30:00.000000Z#c#p"),
    ]


def test_the_ranges_around_a_push_cover_the_days_the_spacing_reaches_and_no_more() -> None:
    # Given a push at 10:00 UTC on one platform and a 24 h spacing
    ranges = ranges_around([entry("c", "p", T0)], DAY)
    # Then three partitions are read, each only over the part of the day within the spacing
    assert [(r.partition, r.start.hour, r.end.hour, r.end.day) for r in ranges] == [
        ("PUSH#youtube#2026-11-24", 10, 0, 25),
        ("PUSH#youtube#2026-11-25", 0, 0, 26),
        ("PUSH#youtube#2026-11-26", 0, 10, 26),
    ]


def test_overlapping_ranges_of_one_partition_are_merged() -> None:
    ranges = ranges_around([entry("c", "a", T0), entry("c", "b", T0 + timedelta(hours=2))], DAY)
    assert len(ranges) == 3


def test_pushes_of_one_campaign_never_clash() -> None:
    assert clashes([entry("c", "a", T0)], [entry("c", "b", T0)], DAY, lambda _: True) == []


def test_pushes_without_a_shared_platform_never_clash() -> None:
    assert clashes([entry("c", "a", T0, "x")], [entry("d", "b", T0, "youtube")], DAY, lambda _: True) == []


def test_the_finder_gives_the_same_clashes_as_comparing_every_pair() -> None:
    # Given a few hundred random pushes of several campaigns and platforms
    rng = random.Random(5)
    platforms = ("youtube", "x", "tiktok", "spotify")
    everything = [
        entry(
            f"c{rng.randrange(12)}",
            f"p{n}",
            T0 + timedelta(minutes=rng.randrange(60 * 24 * 20)),
            *rng.sample(platforms, rng.randint(1, 3)),
            label=f"l{rng.randrange(4)}",
        )
        for n in range(300)
    ]
    finder = ClashFinder(everything, DAY)
    mine = [e for e in everything if e.campaign_id == "c3"]
    # Then the sorted lookup finds exactly what the pairwise rule finds
    visible = {"l0", "l2"}.__contains__
    assert finder.warnings(mine, visible) == clashes(mine, everything, DAY, visible)
    assert finder.warnings(mine, visible)  # the sample does hold clashes


def test_the_calendar_page_is_self_contained_escaped_and_marks_clashes() -> None:
    # Given a label's calendar with a push whose title is markup, clashing with another label's push
    mine = PushEntry("c", "l", "Artist", "p", T0, ("youtube",), "video", "<script>x</script>")
    other = entry("d", "q", T0 + timedelta(hours=2), label="m")
    window = Window("c", "Tour", "l", "Artist", T0 - DAY, T0 + 10 * DAY, "Europe/Paris", T0)
    calendar = Calendar([window], [mine], [], {mine.identity: [Clash(other, ["youtube"], 2.0, False)]})
    # When the page is rendered
    page = render_calendar_html(
        "l",
        calendar,
        generated_at=T0,
        tz=ZoneInfo("Europe/Paris"),
        zone_name="Europe/Paris",
        spacing_hours=24,
    ).decode()
    # Then it escapes the title, names the clash by label only, and allows only its own style by hash
    assert "<script>" not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page
    assert 'class="chip clash"' in page
    assert "Clashes with m video on youtube, 2 h apart" in page
    style = re.search(r"<style>(.*)</style>", page, re.S)
    assert style is not None
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in html.unescape(page)
    assert "default-src 'none'" in html.unescape(page)
    assert " style=" not in page
    assert "November 2026" in page
