"""Counters in a summary: first and last per item, summed over items, popularity averaged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.domain.counters import ItemCounter, Reading, aggregate

T0 = datetime(2026, 11, 20, tzinfo=UTC)


def counter(
    metric: str, first: float | None, last: float | None, hours: int = 24, reason: str | None = None
) -> ItemCounter:
    return ItemCounter(
        metric,
        Reading(T0, first, reason if first is None else None),
        Reading(T0 + timedelta(hours=hours), last, reason if last is None else None),
    )


def test_first_and_last_are_summed_over_items_with_their_delta() -> None:
    result = aggregate([counter("views", 100, 250), counter("views", 1000, 1100, hours=30)])
    assert result == {"views": {"first": 1100, "last": 1350, "delta": 250, "as_of": "2026-11-21T06:00:00Z"}}


def test_popularity_is_averaged_not_summed() -> None:
    result = aggregate([counter("popularity", 60, 70), counter("popularity", 40, 50)])
    assert result["popularity"]["first"] == 50
    assert result["popularity"]["last"] == 60


def test_a_refused_counter_is_all_null_as_of_included_with_its_reason() -> None:
    # given an item whose every reading in the window was refused
    refused = counter("followers", None, None, reason="Spotify gives no followers to this app (HTTP 403).")
    # when the counters are aggregated
    result = aggregate([refused])
    # then first, last, delta and as_of are null (no reading to date), and the reason says why
    assert result["followers"] == {
        "first": None,
        "last": None,
        "delta": None,
        "as_of": None,
        "unavailable": "Spotify gives no followers to this app (HTTP 403).",
    }


def test_items_that_refused_are_left_out_of_the_sum_of_the_others() -> None:
    result = aggregate([counter("likes", 5, 9), counter("likes", None, None, reason="hidden by the owner")])
    assert result["likes"]["last"] == 9
    assert "unavailable" not in result["likes"]
