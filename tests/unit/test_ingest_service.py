"""The ingest service's guards: an event whose content id no key can hold is ignored, not written, so it
can never fail its batch on every retry (poison); a YouTube delivery counts only when its topic had a
live subscription when it was received."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.domain.events import (
    MAX_ACCOUNT_ID_BYTES,
    MAX_CONTENT_ID_BYTES,
    MAX_TEXT_CHARS,
    Delivery,
    EngagementEvent,
    keyed_pseudonymiser,
)
from chalicelib.domain.ingest import StoredEvent, WriteOutcome, WritePlan, occurred
from chalicelib.platforms.youtube import webhook as youtube
from chalicelib.services.ingest import IngestService, QueuedMessage
from infra.local import senders as payloads

NOW = datetime(2026, 11, 26, 10, 30, tzinfo=UTC)


class RecordingStore:
    """An empty events table that keeps what it is asked to write."""

    def __init__(self) -> None:
        self.written: list[EngagementEvent] = []
        self.verdicts: dict[str, Any] = {}

    def stored(self, events: Sequence[EngagementEvent]) -> dict[str, StoredEvent]:
        return {}

    def write(
        self,
        plan: WritePlan,
        *,
        written_at: datetime,
        texts_kept_for: timedelta,
        verdicts: Mapping[str, Any] | None = None,
    ) -> WriteOutcome:
        self.written.extend(c.event for c in (*plan.new, *plan.rewrites))
        self.verdicts.update(verdicts or {})
        return WriteOutcome()


class FakeSubscriptions:
    """Subscriptions live until a given time, by topic; records the topics it is asked about."""

    def __init__(self, live: Mapping[str, datetime] | None = None) -> None:
        self.live = dict(live or {})
        self.asked: list[set[str]] = []

    def live_until(self, topics: Collection[str]) -> dict[str, datetime]:
        self.asked.append(set(topics))
        return {topic: until for topic, until in self.live.items() if topic in topics}


def ingest_service(
    store: RecordingStore,
    decode: Callable[[str], Delivery],
    subscriptions: FakeSubscriptions | None = None,
) -> IngestService:
    return IngestService(
        store=store,
        decode=decode,
        pseudonymiser=lambda: keyed_pseudonymiser(b"test-key"),
        text_retention_days=30,
        clock=lambda: NOW,
        subscriptions=subscriptions or FakeSubscriptions(),
    )


def x_replies(*replied_to: str) -> bytes:
    tweets = [
        {"id_str": f"70{n}", "text": "hi", "in_reply_to_status_id_str": tweet, "user": {"id_str": "6001"}}
        for n, tweet in enumerate(replied_to)
    ]
    return json.dumps({"for_user_id": "1234", "tweet_create_events": tweets}).encode()


def test_an_event_whose_content_id_no_key_can_hold_is_ignored_not_failed() -> None:
    # given an accepted X delivery replying to a post of the longest storable id and to an overlong one
    longest, overlong = "1" * MAX_CONTENT_ID_BYTES, "x" * (MAX_CONTENT_ID_BYTES + 1)
    delivery = Delivery(platform="x", delivery_id="d-1", body=x_replies(longest, overlong), received_at=NOW)
    store = RecordingStore()
    service = ingest_service(store, lambda _body: delivery)
    # when the consumer processes it
    outcome = service.process([QueuedMessage("m-1", "queued")])
    # then the storable event is written, the overlong one ignored, and the message does not fail
    assert outcome.failed_message_ids == ()
    assert (outcome.stored, outcome.ignored) == (1, 1)
    assert not [event for event in store.written if overlong in repr(event)]
    assert [event for event in store.written if event.content_id == longest]


def test_an_overlong_account_id_is_ignored_and_an_overlong_text_is_cut() -> None:
    # given X replies, one for an account whose id no item should hold, one of a huge text
    overlong_account = json.loads(x_replies("1790"))
    overlong_account["for_user_id"] = "u" * (MAX_ACCOUNT_ID_BYTES + 1)
    huge_text = json.loads(x_replies("1791"))
    huge_text["tweet_create_events"][0]["text"] = "t" * 450_000
    deliveries = {
        "m-1": Delivery("x", "d-1", json.dumps(overlong_account).encode(), NOW),
        "m-2": Delivery("x", "d-2", json.dumps(huge_text).encode(), NOW),
    }
    store = RecordingStore()
    service = ingest_service(store, deliveries.__getitem__)
    # when the consumer processes both
    outcome = service.process([QueuedMessage(m, m) for m in deliveries])
    # then neither fails: the first is ignored, the second stored with its text cut to size
    assert outcome.failed_message_ids == ()
    assert (outcome.stored, outcome.ignored) == (1, 1)
    assert [event.text for event in store.written if event.text] == ["t" * MAX_TEXT_CHARS]


def test_an_event_dated_outside_the_supported_years_is_ignored_not_stored() -> None:
    # given signed Standard Webhooks clicks dated year 9999, 1999 and 2026
    def click(webhook_id: str, timestamp: str) -> Delivery:
        body = {"type": "engagement.click", "timestamp": timestamp, "data": {"content_id": "l-1"}}
        return Delivery("standard", webhook_id, json.dumps(body).encode(), NOW, source="demo")

    deliveries = {
        "m-1": click("w-1", "9999-12-31T23:30:00Z"),
        "m-2": click("w-2", "1999-12-31T23:59:59Z"),
        "m-3": click("w-3", "2026-11-26T10:00:00Z"),
    }
    store = RecordingStore()
    service = ingest_service(store, deliveries.__getitem__)
    # when the consumer processes them
    outcome = service.process([QueuedMessage(m, m) for m in deliveries])
    # then only the 2026 click is stored (a year-9999 hour would overflow every later rollup)
    assert outcome.failed_message_ids == ()
    assert (outcome.stored, outcome.ignored) == (1, 2)
    assert [occurred(event) for event in store.written] == [datetime(2026, 11, 26, 10, tzinfo=UTC)]


# YouTube: a live subscription to the delivery's topic ----------------------------------------------

CHANNEL = "UCaaaaaaaaaaaaaaaaaaaaaa"
TOPIC = youtube.topic_for_channel(CHANNEL)


def upload(received_at: datetime = NOW) -> Delivery:
    """A YouTube upload of CHANNEL, queued with the Link header naming its topic."""
    body = payloads.youtube_entry(CHANNEL, "dQw4w9WgXcQ", NOW, NOW)
    link = f'<https://pubsubhubbub.appspot.com>; rel="hub", <{TOPIC}>; rel="self"'
    return Delivery("youtube", "d-yt", body, received_at, headers={"link": link})


def test_a_youtube_delivery_for_a_live_subscription_is_stored() -> None:
    # given a subscription to the topic, live for another hour
    subscriptions = FakeSubscriptions({TOPIC: NOW + timedelta(hours=1)})
    store = RecordingStore()
    # when the consumer processes an upload of that topic
    outcome = ingest_service(store, lambda _body: upload(), subscriptions).process([QueuedMessage("m", "m")])
    # then it is stored
    assert (outcome.stored, outcome.ignored) == (1, 0)


def test_a_youtube_delivery_for_a_topic_without_a_subscription_is_ignored() -> None:
    # given no subscription to the topic (never asked, unverified or unsubscribed)
    store = RecordingStore()
    # when the consumer processes an upload of that topic
    outcome = ingest_service(store, lambda _body: upload()).process([QueuedMessage("m", "m")])
    # then it is counted as ignored, nothing written, and the message does not fail
    assert (outcome.stored, outcome.ignored, outcome.failed_message_ids) == (0, 1, ())
    assert store.written == []


def test_a_youtube_delivery_received_after_the_lease_ran_out_is_ignored() -> None:
    # given a subscription whose lease ended a second before the delivery was received
    subscriptions = FakeSubscriptions({TOPIC: NOW - timedelta(seconds=1)})
    store = RecordingStore()
    # when the consumer processes it (even if the lease was renewed since)
    outcome = ingest_service(store, lambda _body: upload(), subscriptions).process([QueuedMessage("m", "m")])
    # then it is ignored
    assert (outcome.stored, outcome.ignored) == (0, 1)


def test_subscriptions_are_read_once_per_batch_and_only_for_youtube() -> None:
    # given a batch of two YouTube uploads of one topic and an X reply
    deliveries = {
        "m-1": upload(),
        "m-2": upload(NOW + timedelta(seconds=1)),
        "m-3": Delivery("x", "d-x", x_replies("1790"), NOW),
    }
    subscriptions = FakeSubscriptions({TOPIC: NOW + timedelta(days=1)})
    # when the consumer processes it, and then a batch of X alone
    ingest_service(RecordingStore(), deliveries.__getitem__, subscriptions).process(
        [QueuedMessage(m, m) for m in deliveries]
    )
    ingest_service(RecordingStore(), deliveries.__getitem__, subscriptions).process(
        [QueuedMessage("m-3", "m-3")]
    )
    # then the subscriptions were asked once, about the one topic
    assert subscriptions.asked == [{TOPIC}]
