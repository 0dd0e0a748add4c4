"""The local scheduler must fire scheduled functions when EventBridge would."""

from datetime import UTC, datetime, timedelta

import pytest

from infra.local.schedules import Cron, Rate, ScheduleError, parse

NOON = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)  # a Thursday


def test_rate_in_minutes_fires_after_the_interval() -> None:
    # Given a rate of 5 minutes
    schedule = parse("rate(5 minutes)")
    # Then the next run is 5 minutes after the last one
    assert schedule.next_after(NOON) == NOON + timedelta(minutes=5)


@pytest.mark.parametrize(
    ("expression", "seconds"),
    [("rate(1 minute)", 60), ("rate(2 hours)", 7200), ("rate(1 day)", 86400)],
)
def test_rate_units(expression: str, seconds: int) -> None:
    assert parse(expression) == Rate(timedelta(seconds=seconds))


def test_cron_every_quarter_hour_fires_at_the_next_quarter() -> None:
    schedule = parse("cron(0/15 * * * ? *)")
    assert schedule.next_after(NOON + timedelta(minutes=1)) == NOON + timedelta(minutes=15)


def test_cron_day_of_week_uses_aws_numbering_sunday_is_one() -> None:
    # Given "every Sunday at 03:30", asked on a Thursday
    schedule = parse("cron(30 3 ? * 1 *)")
    # Then it fires on Sunday 29 November at 03:30
    assert schedule.next_after(NOON) == datetime(2026, 11, 29, 3, 30, tzinfo=UTC)


def test_cron_names_and_ranges() -> None:
    schedule = parse("cron(0 9 ? JAN-MAR MON-FRI *)")
    assert schedule.next_after(NOON) == datetime(2027, 1, 1, 9, 0, tzinfo=UTC)  # a Friday


def test_cron_day_of_month() -> None:
    schedule = parse("cron(0 0 1 * ? *)")
    assert schedule.next_after(NOON) == datetime(2026, 12, 1, tzinfo=UTC)


def test_cron_never_fires_at_the_same_minute_twice() -> None:
    schedule = parse("cron(* * * * ? *)")
    assert isinstance(schedule, Cron)
    assert schedule.next_after(NOON) == NOON + timedelta(minutes=1)


@pytest.mark.parametrize(
    "expression",
    [
        "rate(0 minutes)",
        "rate(5 weeks)",
        "cron(* * * * *)",
        "cron(0 0 * * * *)",
        "cron(0 0 ? * ? *)",
        "cron(61 * * * ? *)",
        "cron(0/0 * * * ? *)",
        "every day",
    ],
)
def test_malformed_expressions_are_rejected(expression: str) -> None:
    with pytest.raises(ScheduleError):
        parse(expression)
