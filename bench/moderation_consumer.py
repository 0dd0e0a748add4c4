"""The baseline of `bench.moderation`'s CPU ratio: the ingest consumer's own work per 1,000 events.

`IngestService.process` on batches of 100 queued messages (Meta feed batches of reactions and comments,
Instagram comments, X likes and replies, TikTok publications, Standard Webhooks clicks: the mix of
`bench.ingest_requests` without YouTube, whose subscription read is not per event), with the real
`DynamoEventStore` over a real botocore client whose HTTP layer is answered in-process. What is timed is
what Lambda bills the consumer for besides waiting on DynamoDB: decoding messages, normalising, HMAC
pseudonyms, write plans, items, and botocore's request serialisation and response parsing. Moto's server
time is not in it (it would flatter the ratio), nor the network.

Kept apart from `bench.moderation` because it is the part that follows the consumer's interfaces, which
the platform-registry refactor may move.
"""

from __future__ import annotations

import json
import os
import random
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.common import median, timed

BATCH = 100


def _deliveries() -> list[Any]:
    from chalicelib.domain.events import Delivery
    from infra.local import senders as payloads

    rng = random.Random(13)
    at = datetime(2026, 11, 26, 10, tzinfo=UTC)
    deliveries = []

    def add(platform: str, body: bytes, source: str | None = None) -> None:
        deliveries.append(
            Delivery(platform, f"d{len(deliveries)}", body, at, "application/json", source, headers={})
        )

    for n in range(200):
        when = at + timedelta(minutes=n)
        changes = [payloads.facebook_reaction("104_1", when) for _ in range(rng.randint(5, 20))]
        changes += [payloads.facebook_comment("104_1", when) for _ in range(rng.randint(1, 5))]
        add("meta", payloads.facebook_feed("104", changes))
        add("meta", payloads.instagram_comments("178", f"179{n % 3}", count=rng.randint(1, 4)))
        add("x", payloads.x_likes("1234", "1790", when, count=rng.randint(3, 12)))
        if n % 4 == 0:
            add("x", payloads.x_reply("1234", "1790", when))
            add("tiktok", payloads.tiktok_publish("open-1", f"t{n}", when))
        add("standard", payloads.standard_engagement("click", "link-1", when), source="demo")
    return deliveries


def _answering_client() -> Any:
    """A DynamoDB client whose requests are answered in-process: nothing is stored, nothing waits."""
    import boto3
    from botocore.awsrequest import AWSResponse

    class _Raw:
        def __init__(self, body: bytes) -> None:
            self._body = body

        def stream(self, **_: Any) -> Any:
            yield self._body

        def read(self, *_: Any, **__: Any) -> bytes:
            return self._body

    def answer(request: Any, **_: Any) -> AWSResponse:
        target = request.headers.get("X-Amz-Target", b"")
        target = target.decode() if isinstance(target, bytes) else target
        body = b'{"Responses": {}}' if target.endswith("BatchGetItem") else b'{"UnprocessedItems": {}}'
        headers = {"x-amzn-requestid": "bench", "content-type": "application/x-amz-json-1.0"}
        return AWSResponse(request.url, 200, headers, _Raw(body))

    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    client = boto3.client("dynamodb", region_name="eu-west-3")
    client.meta.events.register("before-send.dynamodb", answer)
    return client


class _NoSubscriptions:
    def live_until(self, topics: Any) -> dict[str, datetime]:
        return {}


def consumer_time() -> tuple[float, dict[str, int]]:
    """(seconds per 1,000 events, the mix's figures)."""
    from chalicelib.adapters.delivery_queue import decode, encode
    from chalicelib.adapters.event_store import DynamoEventStore
    from chalicelib.domain.events import keyed_pseudonymiser
    from chalicelib.services.ingest import IngestService, QueuedMessage

    messages = [QueuedMessage(f"m{i}", encode(d)) for i, d in enumerate(_deliveries())]
    batches = [messages[i : i + BATCH] for i in range(0, len(messages), BATCH)]
    service = IngestService(
        store=DynamoEventStore(_answering_client(), "engagement-tracker-bench"),
        decode=lambda body: decode(body, read_body=None),
        pseudonymiser=lambda: keyed_pseudonymiser(b"bench-key"),
        text_retention_days=30,
        clock=lambda: datetime(2026, 11, 26, 12, tzinfo=UTC),
        subscriptions=_NoSubscriptions(),
    )
    events = sum(service.process(batch).stored for batch in batches)
    with_text = _events_with_text(messages)
    seconds = median(timed(lambda: [service.process(batch) for batch in batches], repeat=7))
    return seconds * 1000 / events, {"events": events, "with_text": with_text, "messages": len(messages)}


def _events_with_text(messages: list[Any]) -> int:
    from chalicelib.adapters.delivery_queue import decode
    from chalicelib.domain.events import keyed_pseudonymiser
    from chalicelib.services.ingest import handlers

    pseudonymise = keyed_pseudonymiser(b"bench-key")
    known = handlers()
    total = 0
    for message in messages:
        delivery = decode(message.body, read_body=None)
        total += sum(1 for e in known[delivery.platform].normalize(delivery, pseudonymise).events if e.text)
    return total


if __name__ == "__main__":
    seconds, figures = consumer_time()
    print(json.dumps({"consumer_ms_per_1000_events": seconds * 1000, **figures}))
