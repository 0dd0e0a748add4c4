"""UnitBudget: YouTube's Pacific day, X's UTC day, the reserve, and state a job can store."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.pulls.budget import UnitBudget

# 2026-11-21 07:59 UTC is 23:59 on the 20th in Los Angeles (PST, UTC-8).
BEFORE_PACIFIC_MIDNIGHT = datetime(2026, 11, 21, 7, 59, tzinfo=UTC)
AFTER_PACIFIC_MIDNIGHT = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)


def test_youtube_allows_ten_thousand_units_less_the_reserve() -> None:
    # given a fresh YouTube budget with a reserve of 500
    budget = UnitBudget.youtube(reserve=500)
    # when / then 9,500 units may be spent, not one more
    assert budget.can_spend(9_500, AFTER_PACIFIC_MIDNIGHT)
    assert not budget.can_spend(9_501, AFTER_PACIFIC_MIDNIGHT)


def test_spending_stops_at_the_reserve() -> None:
    # given a budget of 10 with 2 in reserve, 8 already spent
    budget = UnitBudget(10, reserve=2)
    budget.spend(8, AFTER_PACIFIC_MIDNIGHT)
    # when / then nothing more may be spent today
    assert budget.available(AFTER_PACIFIC_MIDNIGHT) == 0
    assert not budget.can_spend(1, AFTER_PACIFIC_MIDNIGHT)


def test_youtube_resets_at_midnight_pacific_not_utc() -> None:
    # given a YouTube budget spent to its reserve one minute before midnight in Los Angeles
    budget = UnitBudget.youtube(reserve=0)
    budget.spend(10_000, BEFORE_PACIFIC_MIDNIGHT)
    # when the Pacific day turns (08:00 UTC in winter)
    # then the whole allowance is back, although the UTC date did not change
    assert not budget.can_spend(1, BEFORE_PACIFIC_MIDNIGHT)
    assert budget.can_spend(10_000, AFTER_PACIFIC_MIDNIGHT)


def test_youtube_midnight_follows_daylight_saving() -> None:
    # given a budget spent on a summer day (PDT, UTC-7)
    budget = UnitBudget.youtube(reserve=0)
    budget.spend(10_000, datetime(2026, 7, 1, 6, 59, tzinfo=UTC))
    # when / then the day turns at 07:00 UTC in summer
    assert not budget.can_spend(1, datetime(2026, 7, 1, 6, 59, 59, tzinfo=UTC))
    assert budget.can_spend(1, datetime(2026, 7, 1, 7, 0, tzinfo=UTC))


def test_x_reads_reset_at_midnight_utc() -> None:
    # given an X read budget of 1,000 a day, spent at 23:59 UTC
    budget = UnitBudget.x_reads(1_000)
    budget.spend(1_000, datetime(2026, 11, 21, 23, 59, tzinfo=UTC))
    # when / then it comes back at 00:00 UTC
    assert not budget.can_spend(1, datetime(2026, 11, 21, 23, 59, 59, tzinfo=UTC))
    assert budget.can_spend(1_000, datetime(2026, 11, 22, 0, 0, tzinfo=UTC))


def test_the_state_round_trips_through_a_plain_dict() -> None:
    # given a budget with some units spent
    budget = UnitBudget.youtube(reserve=100)
    budget.spend(1_234, AFTER_PACIFIC_MIDNIGHT)
    # when its state is stored and loaded into a new budget
    state = budget.to_state()
    restored = UnitBudget.youtube(reserve=100, state=state)
    # then the state is JSON-friendly and the new budget continues where the old one stopped
    assert state == {"day": "2026-11-21", "used": 1_234}
    assert restored.available(AFTER_PACIFIC_MIDNIGHT) == 10_000 - 100 - 1_234


def test_from_state_takes_the_configuration_again() -> None:
    # given a stored state
    state = {"day": "2026-11-21", "used": 40}
    # when it is loaded with its limit and timezone
    budget = UnitBudget.from_state(state, 50, reserve=5, timezone="America/Los_Angeles")
    # then the remaining units follow
    assert budget.available(AFTER_PACIFIC_MIDNIGHT) == 5


def test_exhaust_spends_the_rest_of_the_day() -> None:
    # given a budget the platform says is spent (YouTube's quotaExceeded)
    budget = UnitBudget.youtube()
    # when it is exhausted
    budget.exhaust(AFTER_PACIFIC_MIDNIGHT)
    # then nothing can be spent until the next day
    assert budget.available(AFTER_PACIFIC_MIDNIGHT) == 0


@pytest.mark.parametrize(
    "state",
    [{"day": 20261121, "used": 1}, {"day": "2026-11-21", "used": -1}, {"day": "yesterday", "used": 1}],
)
def test_a_malformed_state_is_refused_rather_than_read_as_unspent(state: dict[str, object]) -> None:
    # given a stored state that is not a budget's
    # when / then loading it fails instead of silently allowing a full day
    with pytest.raises(ValueError):
        UnitBudget.youtube(state=state)


def test_naive_times_are_refused() -> None:
    # given a budget
    budget = UnitBudget.youtube()
    # when / then a time without a zone cannot say which day it is
    with pytest.raises(ValueError):
        budget.can_spend(1, datetime(2026, 11, 21, 12, 0))
