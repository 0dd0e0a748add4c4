"""The wave rule of contract section 11, with values computed by hand."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.moderation.waves import (
    HOUR,
    WEEK,
    LiveWave,
    WaveKey,
    baseline,
    evaluate,
    poisson_tail,
    replay,
    wave_id,
)

KEY = WaveKey("artist:a1", "instagram")
NOON = datetime(2026, 11, 26, 12, tzinfo=UTC)


def _window(total_by_hour: list[int], last: datetime = NOON) -> dict[datetime, int]:
    """Counts for the hours ending at `last` (the last item is `last`'s count)."""
    n = len(total_by_hour)
    return {last - HOUR * (n - 1 - i): c for i, c in enumerate(total_by_hour)}


def test_poisson_tail_matches_hand_computed_values() -> None:
    # given mu = 1: P(X >= 5) = 1 - e^-1 (1 + 1 + 1/2 + 1/6 + 1/24) = 1 - 65/24 e^-1
    # when / then
    assert poisson_tail(5, 1.0) == pytest.approx(1 - 65 / 24 / math.e, rel=1e-12)
    # and P(X >= 6) = P(X >= 5) - e^-1 / 120
    assert poisson_tail(6, 1.0) == pytest.approx(1 - 65 / 24 / math.e - 1 / 120 / math.e, rel=1e-12)


def test_poisson_tail_is_exact_far_in_the_tail_where_one_minus_cdf_is_zero() -> None:
    # given mu = 1 and k = 40, where 1 - CDF is 0 in floating point; the first term e^-1/40! dominates
    first = math.exp(-1 - math.lgamma(41))
    # when
    tail = poisson_tail(40, 1.0)
    # then: between the first term and the first term times 1/(1 - 1/41) (a geometric bound)
    assert first <= tail <= first / (1 - 1 / 41)
    assert tail > 0


def test_poisson_tail_of_huge_counts_does_not_overflow() -> None:
    # given a count a bot could produce in four hours / when / then
    assert 0.0 <= poisson_tail(100_000, 4.0) < 1e-300
    assert poisson_tail(0, 4.0) == 1.0
    assert poisson_tail(3, 100.0) == pytest.approx(1.0)


def test_baseline_is_the_mean_of_the_same_hour_over_four_weeks() -> None:
    # given the same hour 1, 2, 3 and 4 weeks ago held 2, 0, 4, 2 (and 5 weeks ago 100, not counted)
    counts = {
        NOON - WEEK: 2,
        NOON - 2 * WEEK: 0,
        NOON - 3 * WEEK: 4,
        NOON - 4 * WEEK: 2,
        NOON - 5 * WEEK: 100,
    }
    # when / then: (2 + 0 + 4 + 2) / 4
    assert baseline(counts, NOON) == 2.0


def test_baseline_is_at_least_a_quarter() -> None:
    # given no history / when / then
    assert baseline({}, NOON) == 0.25


def test_five_abusive_texts_on_a_quiet_account_are_not_a_wave() -> None:
    # given b = 0.25 (no history), so 4b = 1, and 5 abusive texts in 4 hours: P = 0.00366 >= 0.001
    counts = _window([1, 1, 1, 2])
    # when
    live, change = evaluate(KEY, counts, NOON, None)
    # then
    assert live is None
    assert change is None


def test_six_abusive_texts_on_a_quiet_account_start_a_wave() -> None:
    # given 4b = 1 and 6 in the window: P(X >= 6) = 0.000594 < 0.001
    counts = _window([0, 2, 0, 4])
    # when
    live, change = evaluate(KEY, counts, NOON, None)
    # then
    assert change is not None
    assert change.kind == "start"
    assert change.abusive == 6
    assert change.p_value == pytest.approx(0.000594185, rel=1e-5)
    assert live == LiveWave(wave_id(KEY, NOON), KEY, NOON, 6)


def test_a_usual_level_of_abuse_is_not_a_wave() -> None:
    # given b = 1 at this hour (4b = 4): 11 in the window gives P = 0.00284, 12 gives 0.000915
    history = {NOON - WEEK * n: 1 for n in range(1, 5)}
    # when
    _, eleven = evaluate(KEY, history | _window([3, 3, 3, 2]), NOON, None)
    _, twelve = evaluate(KEY, history | _window([3, 3, 3, 3]), NOON, None)
    # then
    assert eleven is None
    assert twelve is not None
    assert twelve.kind == "start"


def test_fewer_than_five_never_start_a_wave_whatever_the_probability() -> None:
    # given a baseline at its floor and 4 abusive texts in one hour / when
    _, change = evaluate(KEY, _window([0, 0, 0, 4]), NOON, None)
    # then
    assert change is None


def test_a_wave_ends_after_two_consecutive_hours_with_fewer_than_two() -> None:
    # given a wave started at noon, then hours of 1 and 0 abusive texts
    counts = _window([0, 2, 0, 4]) | {NOON + HOUR: 1, NOON + 2 * HOUR: 0}
    # when
    live, changes = replay(KEY, counts, NOON, NOON + 2 * HOUR)
    # then
    assert live is None
    assert [(c.kind, c.hour) for c in changes] == [("start", NOON), ("end", NOON + 2 * HOUR)]
    assert changes[0].wave_id == changes[1].wave_id


def test_a_busy_hour_resets_the_quiet_hours() -> None:
    # given quiet, busy (3), quiet after the start
    counts = _window([0, 2, 0, 4]) | {NOON + HOUR: 1, NOON + 2 * HOUR: 3, NOON + 3 * HOUR: 0}
    # when
    live, changes = replay(KEY, counts, NOON, NOON + 3 * HOUR)
    # then: still live, one quiet hour counted
    assert [c.kind for c in changes] == ["start"]
    assert live is not None
    assert live.quiet_hours == 1


def test_no_second_wave_starts_while_one_is_live() -> None:
    # given an abusive window every hour for 3 hours
    counts = _window([6, 6, 6, 6])
    # when
    live, changes = replay(KEY, counts, NOON - 3 * HOUR, NOON)
    # then: one start, at the first hour whose window qualified
    assert [(c.kind, c.hour) for c in changes] == [("start", NOON - 3 * HOUR)]
    assert live is not None


def test_a_replay_is_deterministic_and_names_the_wave_by_key_and_start_hour() -> None:
    # given the same history replayed twice, and by a job that evaluates hour by hour
    counts = _window([0, 2, 0, 4]) | {NOON + HOUR: 0, NOON + 2 * HOUR: 0}
    # when
    first = replay(KEY, counts, NOON - 5 * HOUR, NOON + 2 * HOUR)
    second = replay(KEY, counts, NOON - 5 * HOUR, NOON + 2 * HOUR)
    live = None
    stepwise = []
    for n in range(-5, 3):
        live, change = evaluate(KEY, counts, NOON + n * HOUR, live)
        stepwise += [change] if change else []
    # then
    assert first == second
    assert first[1] == stepwise
    assert first[1][0].wave_id == wave_id(WaveKey("artist:a1", "instagram"), NOON)
    assert wave_id(WaveKey("artist:a1", "x"), NOON) != wave_id(KEY, NOON)
    assert wave_id(KEY, NOON + timedelta(hours=1)) != wave_id(KEY, NOON)
