"""Issue 3 (b): AWS requests per 1,000 ingested events, counted at the botocore level against moto.

A realistic mix of deliveries (Meta batches, X likes and replies, YouTube uploads, TikTok, Standard
Webhooks clicks; about a fifth of events carry a comment text) goes through the webhook receiver to
the real queue, then through the ingest consumer as Lambda would call it (batches of up to 100
messages). Every AWS request the two functions make is counted by a botocore `before-call` hook.
The SQS polling that Lambda's event source mapping does is not the functions' own and is not counted.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.common import report


def _deliveries(senders: Any, rng: random.Random) -> list[Any]:
    from infra.local import senders as payloads

    at = datetime(2026, 11, 26, 10, tzinfo=UTC)
    requests = []
    for n in range(40):
        when = at + timedelta(minutes=n)
        changes = [payloads.facebook_reaction("104_1", when) for _ in range(rng.randint(5, 20))]
        changes += [payloads.facebook_comment("104_1", when) for _ in range(rng.randint(1, 5))]
        requests.append(senders.meta(payloads.facebook_feed("104", changes)))
        requests.append(
            senders.meta(payloads.instagram_comments("178", f"179{n % 3}", count=rng.randint(1, 4)))
        )
        requests.append(senders.x(payloads.x_likes("1234", "1790", when, count=rng.randint(3, 12))))
        if n % 4 == 0:
            requests.append(senders.x(payloads.x_reply("1234", "1790", when)))
            requests.append(senders.youtube(payloads.youtube_entry("UCabc", f"v{n}", when, when), "UCabc"))
            requests.append(senders.tiktok(payloads.tiktok_publish("open-1", f"t{n}", when)))
        requests.append(senders.standard("demo", payloads.standard_engagement("click", "link-1", when)))
    return requests


def _subscribe(client: Any, table_name: str, channel_id: str) -> None:
    """A live subscription to the channel's topic, as the renew job and the hub's verification leave it."""
    from urllib.parse import quote

    import boto3

    from chalicelib.adapters.subscriptions import DynamoSubscriptions
    from chalicelib.platforms.youtube.webhook import topic_for_channel

    topic = topic_for_channel(channel_id)
    DynamoSubscriptions(boto3.client("dynamodb"), table_name).request(
        topic, "subscribe", "2026-11-26T00:00:00+00:00"
    )
    query = f"hub.mode=subscribe&hub.topic={quote(topic, safe='')}&hub.challenge=c&hub.lease_seconds=432000"
    assert client("GET", f"/webhooks/youtube?{query}", {}, b"")["statusCode"] == 200


def _function_url(webhooks: Any) -> Any:
    """Requests to the webhook function as its Function URL invokes it (payload 2.0 events)."""
    from infra.local import function_url
    from infra.local.lambda_runtime import LambdaContext

    def call(method: str, path: str, headers: dict[str, str], body: bytes) -> Any:
        event = function_url.event(method, path, headers.items(), body)
        return webhooks(event, LambdaContext("webhooks", 10))

    return call


def run() -> dict[str, float]:
    os.environ.update(
        {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "us-east-1"}
    )
    import boto3
    from moto import mock_aws

    with mock_aws():
        from infra.local.stack import in_process

        outputs, secrets, environment = in_process()
        os.environ.update(environment)
        import app as app_module
        from chalicelib import observability, wiring
        from chalicelib.aws import get_clients
        from infra.local.lambda_runtime import LambdaContext, sqs_event
        from infra.local.senders import Senders

        observability.logger.registered_handler.setStream(io.StringIO())
        calls: Counter[str] = Counter()
        clients = get_clients()
        for client in (clients.sqs, clients.s3, clients.dynamodb, clients.ssm):
            client.meta.events.register(
                "before-call",
                lambda model, **_: calls.update([f"{model.service_model.service_name}:{model.name}"]),
            )

        requests = _deliveries(Senders(secrets), random.Random(7))
        client = _function_url(app_module.webhooks)
        with contextlib.redirect_stdout(io.StringIO()):
            # YouTube deliveries count only for a live subscription (its own requests are not counted)
            _subscribe(client, outputs["TableName"], "UCabc")
            calls.clear()
            for request in requests:
                assert client("POST", request.path, request.headers, request.body)["statusCode"] == 200
        webhook_calls = sum(calls.values())
        webhook_breakdown = dict(calls)
        calls.clear()
        # The consumer, fed as Lambda feeds it: batches of up to 100 messages (polling not counted).
        sqs = boto3.client("sqs")
        stored = 0
        with contextlib.redirect_stdout(io.StringIO()):
            while True:
                messages: list[dict[str, Any]] = []
                while len(messages) < 100:
                    batch = sqs.receive_message(
                        QueueUrl=outputs["IngestQueueUrl"], MaxNumberOfMessages=10
                    ).get("Messages", [])
                    if not batch:
                        break
                    messages.extend(batch)
                if not messages:
                    break
                wiring.ingest_service()  # built once, as in a warm container
                response = app_module.ingest_consumer(
                    sqs_event(messages, "arn:aws:sqs:us-east-1:1:q", "us-east-1"), LambdaContext("ingest")
                )
                assert response == {"batchItemFailures": []}
                sqs.delete_message_batch(
                    QueueUrl=outputs["IngestQueueUrl"],
                    Entries=[
                        {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)
                    ],
                )
        dynamodb = boto3.client("dynamodb")
        items = dynamodb.scan(TableName=outputs["TableName"], Select="ALL_ATTRIBUTES")["Items"]
        stored = sum(
            1 for i in items if i["pk"]["S"].startswith("EV#") and not i["sk"]["S"].startswith("TXT#")
        )
        texts = sum(len(i["texts"]["M"]) for i in items if i["pk"]["S"].startswith("TXT#"))
        text_items = sum(1 for i in items if i["pk"]["S"].startswith("TXT#"))
        markers = sum(1 for i in items if i["pk"]["S"].startswith("DIRTY#"))
        consumer_calls = sum(calls.values())
    per_thousand = consumer_calls / stored * 1000
    figures = {
        "deliveries": len(requests),
        "events": stored,
        "consumer_requests": consumer_calls,
        "consumer_requests_per_1000_events": per_thousand,
        "webhook_requests_per_delivery": webhook_calls / len(requests),
        "items_written": stored + text_items + markers,
        "body_bytes": sum(len(request.body) for request in requests),
        **{f"webhook:{operation}": count for operation, count in webhook_breakdown.items()},
        **{f"consumer:{operation}": count for operation, count in calls.items()},
    }
    report(
        "AWS requests per 1,000 ingested events (botocore level, against moto; target <= 60)",
        [
            (
                "deliveries / events / texts (in items) / markers",
                f"{len(requests)} / {stored} / {texts} ({text_items}) / {markers}",
            ),
            (
                "floor: ceil(events/100) reads + ceil(items/25) writes",
                str(-(-stored // 100) + -(-(stored + text_items + markers) // 25)),
            ),
            ("consumer requests", f"{consumer_calls}  {dict(calls)}"),
            ("consumer requests per 1,000 events", f"{per_thousand:.1f}"),
            (
                "webhook requests per delivery",
                f"{figures['webhook_requests_per_delivery']:.2f}  {webhook_breakdown}",
            ),
        ],
    )
    return figures


if __name__ == "__main__":
    print(json.dumps(run()))
