"""Invariant 2, as a property: whatever the duplicates, order, crashes between AWS calls and SQS
redeliveries, the stored events are exactly the distinct events of the deliveries."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moto import mock_aws

from chalicelib.adapters.delivery_queue import decode, encode
from chalicelib.adapters.event_store import DynamoEventStore
from chalicelib.domain.events import Delivery, keyed_pseudonymiser
from chalicelib.domain.ingest import Candidate, revision_updates
from chalicelib.platforms.youtube import webhook as youtube
from chalicelib.services.ingest import IngestService, QueuedMessage, handlers
from infra.local import senders as payloads
from tests.conftest import unique

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
PSEUDONYMISE = keyed_pseudonymiser(b"property-test-key")
TEMPLATE = json.loads((Path(__file__).resolve().parents[2] / "infra" / "template.json").read_text())


class Crash(Exception):
    """The Lambda runtime dies between two AWS calls."""


class CrashingDynamoDB:
    """A DynamoDB client that dies at call number `crash_at`, before or after performing it."""

    def __init__(self, real: Any, crash_at: int | None, after_call: bool) -> None:
        self._real, self._crash_at, self._after_call, self.calls = real, crash_at, after_call, 0

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._real, name)

        def call(**kwargs: Any) -> Any:
            self.calls += 1
            crash_now = self.calls == self._crash_at
            if crash_now and not self._after_call:
                raise Crash
            result = method(**kwargs)
            if crash_now:
                raise Crash
            return result

        return call


# Deliveries: small id pools so that different deliveries share events --------------------------------


def _meta(draw: Any) -> Delivery:
    changes = []
    for _ in range(draw(st.integers(1, 3))):
        post = f"104_{draw(st.integers(1, 2))}"
        minute = draw(st.integers(0, 90))
        if draw(st.booleans()):
            cid = draw(st.integers(1, 6))
            changes.append(
                {
                    "item": "comment",
                    "verb": "add",
                    "post_id": post,
                    "comment_id": f"{post}_{cid}",
                    "parent_id": post,
                    "from": {"id": f"u{cid}"},
                    "created_time": payloads.unix(T0) + cid,
                    "message": f"comment {cid}",
                }
            )
        else:
            user = draw(st.integers(1, 4))
            verb = draw(st.sampled_from(["add", "remove"]))
            changes.append(
                {
                    "item": "reaction",
                    "verb": verb,
                    "post_id": post,
                    "reaction_type": "like",
                    "from": {"id": f"u{user}"},
                    "created_time": payloads.unix(T0 + timedelta(minutes=minute)),
                }
            )
    sent = T0 + timedelta(seconds=draw(st.integers(0, 3600)))
    return _delivery("meta", payloads.facebook_feed("104", changes, sent_at=sent))


def _instagram(draw: Any) -> Delivery:
    """One comment in any of Meta's three Instagram shapes: an envelope, an array of envelopes, or an
    array of bare changes; the same comment in two shapes is the same event."""
    comment = draw(st.integers(1, 5))
    change = {
        "field": "comments",
        "value": {"id": f"ig{comment}", "from": {"id": f"f{comment}"}, "media": {"id": "m1"}, "text": "wow"},
    }
    envelope = {
        "object": "instagram",
        "entry": [{"id": "178", "time": payloads.unix(T0), "changes": [change]}],
    }
    shape = draw(st.sampled_from(["envelope", "array_of_envelopes", "array_of_changes"]))
    document: Any = {"envelope": envelope, "array_of_envelopes": [envelope], "array_of_changes": [change]}
    return _delivery("meta", payloads.dumps(document[shape]))


def _x(draw: Any) -> Delivery:
    likes = [
        {
            "id": f"fav{n}",
            "timestamp_ms": str(payloads.unix(T0) * 1000 + n),
            "favorited_status": {"id_str": "1790"},
            "user": {"id_str": f"x{n}"},
        }
        for n in draw(st.lists(st.integers(1, 8), min_size=1, max_size=4, unique=True))
    ]
    return _delivery("x", payloads.dumps({"for_user_id": "1234", "favorite_events": likes}))


YOUTUBE_TOPIC = youtube.topic_for_channel("UCabc")
YOUTUBE_LINK = {"link": f'<https://pubsubhubbub.appspot.com>; rel="hub", <{YOUTUBE_TOPIC}>; rel="self"'}


class LiveSubscriptions:
    """The channel's subscription is live for the whole test."""

    def live_until(self, topics: Any) -> dict[str, datetime]:
        return {topic: T0 + timedelta(days=5) for topic in topics if topic == YOUTUBE_TOPIC}


def _youtube(draw: Any) -> Delivery:
    video = f"vid{draw(st.integers(1, 2))}"
    if draw(st.integers(0, 4)) == 0:
        body = payloads.youtube_tombstone("UCabc", video, T0 + timedelta(days=2))
        return _delivery("youtube", body, headers=YOUTUBE_LINK)
    revision = T0 + timedelta(hours=draw(st.integers(0, 3)))
    return _delivery("youtube", payloads.youtube_entry("UCabc", video, T0, revision), headers=YOUTUBE_LINK)


def _tiktok(draw: Any) -> Delivery:
    return _delivery("tiktok", payloads.tiktok_publish("open-1", f"tt{draw(st.integers(1, 3))}", T0))


def _standard(draw: Any) -> Delivery:
    number = draw(st.integers(1, 5))
    body = payloads.standard_engagement(draw(st.sampled_from(["click", "presave"])), "link-1", T0)
    return _delivery("standard", body, source="linkfire", headers={"webhook-id": f"msg_{number}"})


def _delivery(
    platform: str, body: bytes, source: str | None = None, headers: dict[str, str] | None = None
) -> Delivery:
    return Delivery(
        platform=platform,
        delivery_id=unique("d"),
        body=body,
        received_at=T0 + timedelta(hours=5),
        source=source,
        headers=headers or {},
    )


@st.composite
def deliveries(draw: Any) -> Delivery:
    return draw(st.sampled_from([_meta, _instagram, _x, _youtube, _tiktok, _standard]))(draw)


@dataclass(frozen=True)
class Schedule:
    copies: list[int]
    seed: int
    crash_points: list[tuple[int, bool]]
    redelivery_rate: float


def expected_event_ids(distinct: list[Delivery]) -> set[str]:
    """Each distinct delivery normalised once, plus the rule that every YouTube revision after a
    video's first is a content_updated."""
    candidates = [
        Candidate(e, "m") for d in distinct for e in handlers()[d.platform].normalize(d, PSEUDONYMISE).events
    ]
    derived, _ = revision_updates(candidates, {}, {youtube.PLATFORM: youtube.updated_event})
    return {c.event.event_id for c in (*candidates, *derived)}


def _create_table(dynamodb: Any) -> str:
    properties = TEMPLATE["Resources"]["EventsTable"]["Properties"]
    name = unique("events")
    dynamodb.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=properties["AttributeDefinitions"],
        KeySchema=properties["KeySchema"],
        LocalSecondaryIndexes=properties["LocalSecondaryIndexes"],
        GlobalSecondaryIndexes=properties["GlobalSecondaryIndexes"],
    )
    return name


def _stored_event_ids(dynamodb: Any, table: str) -> set[str]:
    items = dynamodb.scan(TableName=table)["Items"]
    return {
        i["sk"]["S"] for i in items if i["pk"]["S"].startswith("EV#") and not i["sk"]["S"].startswith("TXT#")
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    distinct=st.lists(deliveries(), min_size=1, max_size=12),
    copies=st.lists(st.integers(1, 3), min_size=12, max_size=12),
    seed=st.integers(0, 2**32),
    crash_points=st.lists(st.tuples(st.integers(1, 4), st.booleans()), max_size=6),
    redelivery_rate=st.sampled_from([0.0, 0.2]),
)
def test_stored_events_are_exactly_the_distinct_events(
    distinct: list[Delivery],
    copies: list[int],
    seed: int,
    crash_points: list[tuple[int, bool]],
    redelivery_rate: float,
) -> None:
    rng = random.Random(seed)
    with mock_aws():
        real = boto3.client("dynamodb", region_name="us-east-1")
        table = _create_table(real)
        # Given every delivery sent 1 to 3 times, as distinct queue messages, in a random order
        pending = [
            QueuedMessage(unique("msg"), encode(d))
            for d, n in zip(distinct, copies, strict=False)
            for _ in range(n)
        ]
        rng.shuffle(pending)
        crashes = list(crash_points)
        # When consumers take random batches, some dying between AWS calls, SQS redelivering
        for _round in range(500):
            if not pending:
                break
            size = rng.randint(1, min(10, len(pending)))
            batch, pending = pending[:size], pending[size:]
            crash_at, after = crashes.pop() if crashes else (None, False)
            client = CrashingDynamoDB(real, crash_at, after)
            service = IngestService(
                store=DynamoEventStore(client, table, sleep=lambda _s: None),
                decode=lambda body: decode(body, read_body=None),
                pseudonymiser=lambda: PSEUDONYMISE,
                text_retention_days=30,
                clock=lambda: T0 + timedelta(hours=6),
                subscriptions=LiveSubscriptions(),
            )
            try:
                failed = set(service.process(batch).failed_message_ids)
            except Crash:
                failed = {m.message_id for m in batch}  # the whole batch comes back
            returned = [m for m in batch if m.message_id in failed or rng.random() < redelivery_rate]
            pending = pending + returned
            rng.shuffle(pending)
        assert not pending, "the queue must drain"
        # Then the stored events are exactly the expected distinct set
        assert _stored_event_ids(real, table) == expected_event_ids(distinct)


def test_the_crashing_client_really_crashes() -> None:
    calls: list[str] = []

    class Real:
        def put_item(self, **_: Any) -> str:
            calls.append("put")
            return "ok"

    with pytest.raises(Crash):
        CrashingDynamoDB(Real(), crash_at=1, after_call=False).put_item()
    with pytest.raises(Crash):
        CrashingDynamoDB(Real(), crash_at=1, after_call=True).put_item()
    assert calls == ["put"]  # the first died before the call, the second after it
