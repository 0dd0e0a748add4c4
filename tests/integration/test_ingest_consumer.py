"""Contract section 3 end to end inside moto: signed deliveries through the routes, the real
queue, the consumer as Lambda invokes it, and what DynamoDB then holds."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from chalice.test import Client

import app as app_module
from infra.local import senders as payloads
from infra.local.senders import Senders, SignedRequest
from tests.integration.conftest import Stack
from tests.integration.function_url_client import front_doors
from tests.integration.webhook_client import consume as shared_consume
from tests.integration.webhook_client import send, stored_events, subscribe_live, table_items

AT = datetime(2026, 11, 26, 10, 30, tzinfo=UTC)


@pytest.fixture
def client(stack: Stack) -> Iterator[Client]:
    with front_doors(app_module.app) as test_client:
        yield test_client


@pytest.fixture
def senders(stack: Stack) -> Senders:
    return Senders(stack.secrets)


def consume(stack: Stack) -> None:
    shared_consume(stack.queue_url, batch_size=10)


def kinds(stack: Stack) -> dict[tuple[str, str, bool], int]:
    counted: dict[tuple[str, str, bool], int] = {}
    for item in stored_events(stack.table_name):
        key = (item["platform"]["S"], item["kind"]["S"], item["undo"]["BOOL"])
        counted[key] = counted.get(key, 0) + 1
    return counted


def kinds_once_consumed(
    client: Client, stack: Stack, request: SignedRequest
) -> dict[tuple[str, str, bool], int]:
    """`kinds` once the request is accepted (200) and the queue consumed."""
    assert send(client, request).status_code == 200
    consume(stack)
    return kinds(stack)


def test_every_push_platform_becomes_engagement_events(
    client: Client, senders: Senders, stack: Stack
) -> None:
    # Given one delivery per platform (YouTube's for a channel we hold a live subscription to)
    subscribe_live(client, stack.table_name, "UCabc")
    comment = payloads.facebook_comment("104_1", AT)
    for request in (
        senders.meta(payloads.facebook_feed("104", [comment, payloads.facebook_reaction("104_1", AT)])),
        senders.meta(payloads.instagram_comments("178", "179", count=2)),
        senders.x(payloads.x_likes("1234", "1790", AT, count=3)),
        senders.x(payloads.x_reply("1234", "1790", AT)),
        senders.youtube(payloads.youtube_entry("UCabc", "vid1", AT, AT), "UCabc"),
        senders.tiktok(payloads.tiktok_publish("open-1", "v1", AT)),
        senders.standard("demo", payloads.standard_engagement("presave", "album-1", AT)),
    ):
        assert send(client, request).status_code == 200
    # When the consumer runs
    consume(stack)
    # Then each became the contract's events
    assert kinds(stack) == {
        ("facebook", "comment", False): 1,
        ("facebook", "reaction", False): 1,
        ("instagram", "comment", False): 2,
        ("x", "like", False): 3,
        ("x", "reply", False): 1,
        ("youtube", "content_published", False): 1,
        ("tiktok", "content_published", False): 1,
        ("standard:demo", "presave", False): 1,
    }


def test_instagram_comments_are_counted_in_each_of_metas_three_shapes(
    client: Client, senders: Senders, stack: Stack
) -> None:
    # Given three distinct comments, as an envelope, an array of envelopes and an array of changes
    envelope = json.loads(payloads.instagram_comments("178", "179"))
    in_array = json.loads(payloads.instagram_comments("178", "179"))
    bare_changes = json.loads(payloads.instagram_comments("178", "179"))["entry"][0]["changes"]
    for body in (envelope, [in_array], bare_changes):
        assert send(client, senders.meta(payloads.dumps(body))).status_code == 200
    # When the consumer runs
    consume(stack)
    # Then all three are stored as Instagram comments
    assert kinds(stack) == {("instagram", "comment", False): 3}


def test_duplicate_deliveries_store_each_event_once(client: Client, senders: Senders, stack: Stack) -> None:
    request = senders.x(payloads.x_likes("1234", "1790", AT, count=2))
    for _ in range(3):
        send(client, request)
    consume(stack)
    assert kinds(stack) == {("x", "like", False): 2}


def test_a_meta_redelivery_with_a_new_send_time_is_the_same_event(
    client: Client, senders: Senders, stack: Stack
) -> None:
    change = payloads.facebook_comment("104_1", AT)
    send(client, senders.meta(payloads.facebook_feed("104", [change], sent_at=AT)))
    send(client, senders.meta(payloads.facebook_feed("104", [change], sent_at=AT + timedelta(hours=3))))
    consume(stack)
    assert kinds(stack) == {("facebook", "comment", False): 1}


def test_an_undo_is_its_own_record(client: Client, senders: Senders, stack: Stack) -> None:
    user = "5550001"
    added = payloads.facebook_reaction("104_1", AT, user_id=user)
    removed = payloads.facebook_reaction("104_1", AT + timedelta(minutes=1), verb="remove", user_id=user)
    send(client, senders.meta(payloads.facebook_feed("104", [added, removed])))
    consume(stack)
    assert kinds(stack) == {("facebook", "reaction", False): 1, ("facebook", "reaction", True): 1}


def test_a_later_youtube_revision_is_a_content_update_and_a_tombstone_a_removal(
    client: Client, senders: Senders, stack: Stack
) -> None:
    later = AT + timedelta(days=1)
    subscribe_live(client, stack.table_name, "UCabc")
    send(client, senders.youtube(payloads.youtube_entry("UCabc", "vid1", AT, later), "UCabc"))
    send(client, senders.youtube(payloads.youtube_entry("UCabc", "vid1", AT, AT), "UCabc"))
    send(client, senders.youtube(payloads.youtube_tombstone("UCabc", "vid1", later), "UCabc"))
    consume(stack)
    assert kinds(stack) == {
        ("youtube", "content_published", False): 1,
        ("youtube", "content_updated", False): 1,
        ("youtube", "content_removed", False): 1,
    }
    published = next(e for e in stored_events(stack.table_name) if e["kind"]["S"] == "content_published")
    assert published["occurred_at"]["S"].startswith("2026-11-26T10:30")


def test_a_youtube_delivery_for_a_topic_without_a_live_subscription_is_accepted_and_ignored(
    client: Client, senders: Senders, stack: Stack
) -> None:
    # Given a delivery for a channel's topic, validly signed, but no subscription to that topic
    request = senders.youtube(payloads.youtube_entry("UCnosub", "vid1", AT, AT), "UCnosub")
    # When it is delivered and consumed; Then nothing of it is stored
    assert kinds_once_consumed(client, stack, request) == {}


def test_a_youtube_entry_of_another_channel_than_the_topics_is_ignored(
    client: Client, senders: Senders, stack: Stack
) -> None:
    # Given a live subscription to UCabc, and a delivery for its topic (signed with its secret) that
    # announces a video of UCother
    subscribe_live(client, stack.table_name, "UCabc")
    request = senders.youtube(payloads.youtube_entry("UCother", "vid-other", AT, AT), "UCabc")
    # When it is delivered and consumed; Then the entry is not stored, under either channel
    assert kinds_once_consumed(client, stack, request) == {}


def test_a_youtube_delivery_after_the_hub_confirmed_our_unsubscribe_is_ignored(
    client: Client, senders: Senders, stack: Stack
) -> None:
    # Given a channel we subscribed to, then unsubscribed from, as the hub confirmed
    from urllib.parse import quote

    from chalicelib.adapters.subscriptions import DynamoSubscriptions

    topic = subscribe_live(client, stack.table_name, "UCabc")
    DynamoSubscriptions(boto3.client("dynamodb"), stack.table_name).request(
        topic, "unsubscribe", AT.isoformat()
    )
    confirmed = client.http.get(
        f"/webhooks/youtube?hub.mode=unsubscribe&hub.topic={quote(topic, safe='')}&hub.challenge=c"
    )
    assert confirmed.status_code == 200
    # When the hub still delivers an upload of that channel; Then it is not stored
    request = senders.youtube(payloads.youtube_entry("UCabc", "vid1", AT, AT), "UCabc")
    assert kinds_once_consumed(client, stack, request) == {}


def test_actors_are_pseudonymised_and_texts_expire(client: Client, senders: Senders, stack: Stack) -> None:
    # Given a comment by a known user with a text
    comment = payloads.facebook_comment("104_1", AT, text="Wonderful concert")
    send(client, senders.meta(payloads.facebook_feed("104", [comment])))
    consume(stack)
    items = table_items(stack.table_name)
    # Then the raw user id is stored nowhere
    assert comment["from"]["id"] not in json.dumps(items)
    # And the text lives in an item of its own with a TTL 30 days after receipt
    texts = [i for i in items if i["pk"]["S"].startswith("TXT#")]
    assert [list(t["texts"]["M"].values()) for t in texts] == [[{"S": "Wonderful concert"}]]
    ttl = datetime.fromtimestamp(int(texts[0]["expires_at"]["N"]), tz=UTC)
    assert timedelta(days=29) < ttl - datetime.now(UTC) <= timedelta(days=30)


def test_an_event_without_a_platform_time_keeps_its_first_delivery_time(
    client: Client, senders: Senders, stack: Stack
) -> None:
    body = payloads.instagram_comments("178", "179")
    send(client, senders.meta(body))
    consume(stack)
    first = stored_events(stack.table_name)[0]["occurred_at"]["S"]
    send(client, senders.meta(body))
    consume(stack)
    events = stored_events(stack.table_name)
    assert len(events) == 1
    assert events[0]["occurred_at"]["S"] == first


def test_new_events_mark_their_hour_bucket_dirty(client: Client, senders: Senders, stack: Stack) -> None:
    send(client, senders.x(payloads.x_likes("1234", "1790", AT, count=2)))
    consume(stack)
    markers = [i for i in table_items(stack.table_name) if i["pk"]["S"].startswith("DIRTY#")]
    assert [(m["platform"]["S"], m["content_id"]["S"], m["hour"]["S"]) for m in markers] == [
        ("x", "1790", "2026-11-26T10")
    ]


def _invoke(records: list[dict[str, Any]]) -> Any:
    from infra.local.lambda_runtime import LambdaContext

    return app_module.ingest_consumer({"Records": records}, LambdaContext("ingest_consumer"))


def test_a_poison_message_fails_alone(client: Client, senders: Senders, stack: Stack) -> None:
    # Given a batch with one message that is not a delivery
    send(client, senders.x(payloads.x_likes("1234", "1790", AT)))
    good = boto3.client("sqs").receive_message(QueueUrl=stack.queue_url)["Messages"][0]

    def record(message_id: str, body: str) -> dict[str, Any]:
        return {"messageId": message_id, "receiptHandle": "r", "body": body, "eventSource": "aws:sqs"}

    # When the consumer gets it
    response = _invoke([record("good", good["Body"]), record("poison", "not json")])
    # Then only the poison message is reported, and the good one is stored
    assert response == {"batchItemFailures": [{"itemIdentifier": "poison"}]}
    assert kinds(stack) == {("x", "like", False): 1}


def test_unknown_event_types_are_ignored_and_counted(
    client: Client, senders: Senders, stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    body = payloads.dumps({"for_user_id": "1234", "direct_message_events": [{"id": "1"}]})
    send(client, senders.x(body))
    consume(stack)
    assert kinds(stack) == {}
    emitted = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    assert any(m.get("events_ignored") == [1.0] for m in emitted)


def test_a_meta_envelope_of_an_object_not_counted_is_accepted_and_ignored(
    client: Client, senders: Senders, stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a signed Meta envelope of an object the tracker does not count
    change = {"field": "name", "value": {"name": "New name"}}
    body = payloads.dumps({"object": "user", "entry": [{"id": "1", "time": 1, "changes": [change]}]})
    # When it is delivered and consumed
    assert send(client, senders.meta(body)).status_code == 200
    consume(stack)
    # Then nothing is stored and its change is counted as ignored
    assert kinds(stack) == {}
    emitted = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    assert any(m.get("events_ignored") == [1.0] for m in emitted)


def test_a_batch_write_with_a_repeated_key_writes_the_last_item(stack: Stack) -> None:
    # Given two items for one key in one write (DynamoDB would refuse the whole request)
    from chalicelib.adapters.dynamo import batch_put

    first = {"pk": {"S": "TEST#1"}, "sk": {"S": "a"}, "v": {"S": "first"}}
    last = {"pk": {"S": "TEST#1"}, "sk": {"S": "a"}, "v": {"S": "last"}}
    # When they are put together
    left = batch_put(boto3.client("dynamodb"), stack.table_name, [first, last], lambda _s: None)
    # Then the write succeeds with the last one
    assert left == []
    stored = [i for i in table_items(stack.table_name) if i["pk"]["S"] == "TEST#1"]
    assert [i["v"]["S"] for i in stored] == ["last"]


def test_the_texts_of_one_delivery_about_one_content_share_an_item(
    client: Client, senders: Senders, stack: Stack
) -> None:
    # Given one delivery with three comments on one post
    comments = [payloads.facebook_comment("104_1", AT, text=f"comment {n}") for n in range(3)]
    send(client, senders.meta(payloads.facebook_feed("104", comments)))
    # When it is consumed
    consume(stack)
    # Then one text item holds the three texts, keyed by their events
    (texts,) = [i for i in table_items(stack.table_name) if i["pk"]["S"].startswith("TXT#")]
    assert sorted(v["S"] for v in texts["texts"]["M"].values()) == ["comment 0", "comment 1", "comment 2"]
    assert set(texts["texts"]["M"]) == {e["sk"]["S"] for e in stored_events(stack.table_name)}
