"""Rollups: recomputed net counts per quarter, and exact sums for a campaign's window."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from chalicelib.domain.events import MAX_TITLE_CHARS, title_of
from chalicelib.domain.rollups import (
    StoredEventView,
    Tally,
    Title,
    Tracked,
    add_events,
    add_rollup,
    compute_rollup,
    partial_quarters,
)
from tests.conftest import unique

HOUR = datetime(2026, 11, 26, 10, tzinfo=UTC)


def event(
    minute: int,
    *,
    kind: str = "like",
    undo: bool = False,
    account: str = "acct",
    content: str = "post",
    event_id: str | None = None,
) -> StoredEventView:
    return StoredEventView(
        event_id=event_id or unique("ev"),
        platform="x",
        kind=kind,
        undo=undo,
        content_id=content,
        account_id=account,
        occurred_at=HOUR + timedelta(minutes=minute),
    )


def test_a_rollup_counts_net_events_per_quarter() -> None:
    rollup = compute_rollup("x", "post", HOUR, [event(1), event(20), event(21), event(50, undo=True)])
    assert rollup.counts == {"acct": {"like": [1, 2, 0, -1]}}


def test_recomputing_from_the_same_events_gives_the_same_rollup() -> None:
    events = [event(5, kind="reply"), event(35)]
    assert compute_rollup("x", "post", HOUR, events) == compute_rollup(
        "x", "post", HOUR, list(reversed(events))
    )


def test_a_rollup_counts_each_event_id_once_and_only_its_own_hour() -> None:
    twice = event(5, event_id="same")
    rollup = compute_rollup("x", "post", HOUR, [twice, twice, event(65)])
    assert rollup.counts == {"acct": {"like": [1, 0, 0, 0]}}


def test_a_campaign_sums_content_it_tracks_from_every_account() -> None:
    rollup = compute_rollup("x", "post", HOUR, [event(1, account="a"), event(2, account="b")])
    tally = Tally()
    add_rollup(tally, rollup, Tracked(frozenset(), frozenset({"post"})), HOUR, HOUR + timedelta(hours=1))
    assert dict(tally.events) == {("x", "like"): 2}


def test_a_campaign_tracking_an_account_sums_only_that_account() -> None:
    rollup = compute_rollup(
        "x",
        "other-post",
        HOUR,
        [event(1, account="a", content="other-post"), event(2, account="b", content="other-post")],
    )
    tally = Tally()
    add_rollup(tally, rollup, Tracked(frozenset({"a"}), frozenset()), HOUR, HOUR + timedelta(hours=1))
    assert dict(tally.events) == {("x", "like"): 1}


def test_an_event_matching_both_content_and_account_counts_once() -> None:
    rollup = compute_rollup("x", "post", HOUR, [event(1, account="a")])
    tally = Tally()
    add_rollup(tally, rollup, Tracked(frozenset({"a"}), frozenset({"post"})), HOUR, HOUR + timedelta(hours=1))
    assert dict(tally.events) == {("x", "like"): 1}


def test_quarters_outside_the_window_are_left_out() -> None:
    rollup = compute_rollup("x", "post", HOUR, [event(1), event(20), event(40)])
    tally = Tally()
    add_rollup(
        tally,
        rollup,
        Tracked(frozenset(), frozenset({"post"})),
        HOUR + timedelta(minutes=15),
        HOUR + timedelta(minutes=30),
    )
    assert dict(tally.events) == {("x", "like"): 1}


def test_window_edges_inside_a_quarter_are_read_event_by_event() -> None:
    start, end = HOUR + timedelta(minutes=7), HOUR + timedelta(minutes=52)
    assert partial_quarters(start, end) == [
        (start, HOUR + timedelta(minutes=15)),
        (HOUR + timedelta(minutes=45), end),
    ]
    tally = Tally()
    tracked = Tracked(frozenset(), frozenset({"post"}))
    add_events(tally, [event(6), event(8), event(14)], tracked, start, HOUR + timedelta(minutes=15))
    assert dict(tally.events) == {("x", "like"): 2}


def test_a_window_inside_one_quarter_is_one_range() -> None:
    start, end = HOUR + timedelta(minutes=2), HOUR + timedelta(minutes=9)
    assert partial_quarters(start, end) == [(start, end)]


def test_an_aligned_window_needs_no_event_reads() -> None:
    assert partial_quarters(HOUR, HOUR + timedelta(hours=5)) == []


# Accounts registered to other labels (contract section 8) -------------------------------------------


def test_an_excluded_account_counts_for_nothing_even_on_tracked_content() -> None:
    # Given tracked content with events of the campaign's label and of an account registered elsewhere
    rollup = compute_rollup("x", "post", HOUR, [event(1, account="ours"), event(2, account="theirs")])
    tracked = Tracked(frozenset({"theirs"}), frozenset({"post"}), excluded=frozenset({"theirs"}))
    tally = Tally()
    # When the rollup is added
    add_rollup(tally, rollup, tracked, HOUR, HOUR + timedelta(hours=1))
    # Then only the label's own event counts, and the content is withheld from counters
    assert dict(tally.events) == {("x", "like"): 1}
    assert tally.withheld == {("x", "post")}


def test_excluded_events_cut_by_the_window_count_for_nothing_either() -> None:
    tracked = Tracked(frozenset(), frozenset({"post"}), excluded=frozenset({"theirs"}))
    tally = Tally()
    add_events(tally, [event(1, account="theirs")], tracked, HOUR, HOUR + timedelta(minutes=10))
    assert dict(tally.events) == {}
    assert tally.withheld == {("x", "post")}
    assert tally.last_event_at == {}


def test_events_without_an_account_are_never_excluded() -> None:
    tracked = Tracked(frozenset(), frozenset({"post"}), excluded=frozenset({""}))
    assert tracked.attributes("post", "")


def titled(minute: int, title: str, *, account: str = "acct") -> StoredEventView:
    return replace(event(minute, kind="content_updated", account=account), title=title)


def test_a_rollup_keeps_the_newest_title_its_events_gave() -> None:
    # Given a bucket with a like, a title at :10 and a newer one at :40
    rollup = compute_rollup("x", "post", HOUR, [event(5), titled(40, "Second title"), titled(10, "First")])
    # Then its title is the newest, with that event's time; a bucket without titles has none
    assert rollup.title == Title("Second title", HOUR + timedelta(minutes=40))
    assert compute_rollup("x", "post", HOUR, [event(5)]).title is None


def test_a_tally_keeps_each_content_s_newest_title_from_rollups_and_events() -> None:
    tally = Tally()
    tracked = Tracked(frozenset(), frozenset({"post"}))
    earlier = compute_rollup("x", "post", HOUR, [titled(10, "Old")])
    later = compute_rollup("x", "post", HOUR + timedelta(hours=1), [titled(70, "New")])
    add_rollup(tally, later, tracked, HOUR, HOUR + timedelta(hours=3))
    add_rollup(tally, earlier, tracked, HOUR, HOUR + timedelta(hours=3))
    assert tally.titles[("x", "post")].text == "New"
    add_events(tally, [titled(130, "Newest")], tracked, HOUR, HOUR + timedelta(hours=3))
    assert tally.titles[("x", "post")].text == "Newest"


def test_another_label_s_content_gives_no_title() -> None:
    # Given a rollup whose events come from an account registered to another label
    tracked = Tracked(frozenset(), frozenset({"post"}), excluded=frozenset({"theirs"}))
    rollup = compute_rollup("x", "post", HOUR, [titled(10, "Their video", account="theirs")])
    tally = Tally()
    add_rollup(tally, rollup, tracked, HOUR, HOUR + timedelta(hours=1))
    assert tally.titles == {}


def test_a_title_is_one_line_of_at_most_300_characters() -> None:
    assert title_of("  New\n single \t out  ") == "New single out"
    long = title_of("a" * 400)
    assert long is not None
    assert (len(long), long[-1]) == (MAX_TITLE_CHARS, "\u2026")
    assert title_of(" \n ") is None
