"""When the renew job (re)subscribes a wanted topic."""

from datetime import UTC, datetime, timedelta

from chalicelib.domain.stored import Subscription
from chalicelib.services.subscriptions import LEASE_SECONDS, due

NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)
TOPIC = "https://www.youtube.com/xml/feeds/videos.xml?channel_id=UCaaaaaaaaaaaaaaaaaaaaaa"


def verified(days_ago: float, lease: int = LEASE_SECONDS) -> Subscription:
    at = NOW - timedelta(days=days_ago)
    return Subscription(TOPIC, "subscribe", at, "subscribe", at, lease)


def test_a_topic_never_requested_is_due() -> None:
    assert due(None, NOW)


def test_a_fresh_lease_is_not_due() -> None:
    assert not due(verified(days_ago=1), NOW)


def test_a_lease_is_renewed_at_80_percent() -> None:
    # 5-day lease: due from 4 days on
    assert not due(verified(days_ago=3.9), NOW)
    assert due(verified(days_ago=4.0), NOW)


def test_the_hubs_own_lease_is_honoured() -> None:
    assert due(verified(days_ago=0.9, lease=86_400), NOW)


def test_an_unverified_request_is_asked_again_after_an_hour() -> None:
    pending = Subscription(TOPIC, "subscribe", NOW - timedelta(minutes=30), None, None, None)
    assert not due(pending, NOW)
    assert due(Subscription(TOPIC, "subscribe", NOW - timedelta(minutes=61), None, None, None), NOW)


def test_a_topic_we_unsubscribed_from_and_want_again_is_due() -> None:
    assert due(Subscription(TOPIC, "unsubscribe", NOW, "unsubscribe", NOW, None), NOW)
