"""Send signed deliveries through Chalice's test client, and look at what got stored."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import boto3
from chalice.test import Client

from infra.local.senders import SignedRequest


def send(client: Client, request: SignedRequest) -> Any:
    if request.method == "POST":
        return client.http.post(request.path, headers=request.headers, body=request.body)
    return client.http.get(request.path, headers=request.headers)


def subscribe_live(client: Client, table_name: str, channel_id: str, lease_seconds: int = 432_000) -> str:
    """What the renew job and the hub do: record our subscribe request for the channel's topic, then
    answer the hub's verification of intent through the route. Returns the topic."""
    from chalicelib.adapters.subscriptions import DynamoSubscriptions
    from chalicelib.platforms.youtube.webhook import topic_for_channel

    topic = topic_for_channel(channel_id)
    DynamoSubscriptions(boto3.client("dynamodb"), table_name).request(
        topic, "subscribe", "2026-01-01T00:00:00+00:00"
    )
    query = f"hub.mode=subscribe&hub.topic={quote(topic, safe='')}&hub.challenge=c"
    response = client.http.get(f"/webhooks/youtube?{query}&hub.lease_seconds={lease_seconds}")
    assert response.status_code == 200, response.body
    return topic


def body_of(response: Any) -> Any:
    return json.loads(response.body)


def queued_messages(queue_url: str) -> list[dict[str, Any]]:
    """Every message on the queue (left visible again for the consumer)."""
    sqs = boto3.client("sqs")
    messages: list[dict[str, Any]] = []
    while True:
        batch = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, VisibilityTimeout=0).get(
            "Messages", []
        )
        new = [m for m in batch if m["MessageId"] not in {x["MessageId"] for x in messages}]
        if not new:
            return messages
        messages.extend(new)


def queue_depth(queue_url: str) -> int:
    attributes = boto3.client("sqs").get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


def table_items(table_name: str) -> list[dict[str, Any]]:
    dynamodb = boto3.client("dynamodb")
    items: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"TableName": table_name}
    while True:
        page = dynamodb.scan(**kwargs)
        items.extend(page["Items"])
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def stored_events(table_name: str) -> list[dict[str, Any]]:
    return [
        i
        for i in table_items(table_name)
        if i["pk"]["S"].startswith("EV#") and not i["sk"]["S"].startswith("TXT#")
    ]


def bucket_keys(bucket: str) -> list[str]:
    return [o["Key"] for o in boto3.client("s3").list_objects_v2(Bucket=bucket).get("Contents", [])]


def consume(queue_url: str, batch_size: int = 10) -> None:
    """Run the ingest consumer over everything queued, as Lambda's event source mapping would."""
    import threading

    import app as app_module
    from infra.local.lambda_runtime import QueuePoller

    poller = QueuePoller(
        sqs=boto3.client("sqs"),
        queue_url=queue_url,
        function_name="ingest_consumer",
        handler=app_module.ingest_consumer,
        stop=threading.Event(),
        batch_size=batch_size,
        wait_seconds=0,
    )
    while poller.poll_once():
        pass
