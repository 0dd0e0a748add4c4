"""WebSub subscription records: which topics we asked a hub for (the renew job writes them), read
when a hub verifies our intent, and by the ingest consumer to tell whether a delivery's topic has a
live subscription. Item: pk `SUB#youtube`, sk `<topic>`."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.adapters.dynamo import Item, get_item, partition, write
from chalicelib.domain.stored import Subscription
from chalicelib.platforms.youtube.webhook import live_until

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

PARTITION = "SUB#youtube"


def _time(item: dict[str, Any], name: str) -> datetime | None:
    value = item.get(name, {}).get("S")
    return datetime.fromisoformat(value) if value else None


# The topic is the sort key, which DynamoDB caps at 1024 bytes (it answers ValidationException beyond).
MAX_TOPIC_BYTES = 1024


def _key(topic: str) -> Item:
    return {"pk": {"S": PARTITION}, "sk": {"S": topic}}


class DynamoSubscriptions:
    def __init__(self, dynamodb: DynamoDBClient, table_name: str) -> None:
        self._dynamodb = dynamodb
        self._table = table_name

    def all(self) -> list[Subscription]:
        """Every topic we ever asked a hub about (one partition: a label has few channels)."""
        found: list[Subscription] = []
        for item in partition(self._dynamodb, self._table, PARTITION, "Subscriptions could not be read."):
            lease = item.get("lease_seconds", {}).get("N")
            found.append(
                Subscription(
                    topic=item["sk"]["S"],
                    requested_mode=item.get("requested_mode", {}).get("S"),
                    requested_at=_time(item, "requested_at"),
                    verified_mode=item.get("verified_mode", {}).get("S"),
                    verified_at=_time(item, "verified_at"),
                    lease_seconds=int(lease) if lease else None,
                )
            )
        return found

    def requested_mode(self, topic: str) -> str | None:
        """The mode ('subscribe' or 'unsubscribe') last requested for the topic, or None."""
        # A topic no key can hold was never requested (and a lookup would fail).
        item = self._get(topic, "requested_mode")
        return item["requested_mode"]["S"] if item and "requested_mode" in item else None

    def live_until(self, topics: Collection[str]) -> dict[str, datetime]:
        """Until when each topic's subscription is live (youtube.live_until); topics that are not
        live are absent. One read per topic: a batch's YouTube deliveries name a label's few channels."""
        live: dict[str, datetime] = {}
        for topic in topics:
            item = self._get(topic, "verified_mode, verified_at, lease_seconds")
            if not item:  # not subscribed (a topic no key can hold never was)
                continue
            lease = item.get("lease_seconds", {}).get("N")
            until = live_until(
                item.get("verified_mode", {}).get("S"),
                _time(item, "verified_at"),
                int(lease) if lease else None,
            )
            if until is not None:
                live[topic] = until
        return live

    def request(self, topic: str, mode: str, requested_at: str) -> None:
        """Record that we asked the hub to (un)subscribe the topic."""
        self._set(
            topic,
            "SET requested_mode = :mode, requested_at = :at",
            {":mode": {"S": mode}, ":at": {"S": requested_at}},
        )

    def verified(self, topic: str, mode: str, lease_seconds: int | None, verified_at: str) -> None:
        """Record the hub's verification of intent (and the lease it granted)."""
        values = {":mode": {"S": mode}, ":at": {"S": verified_at}}
        expression = "SET verified_mode = :mode, verified_at = :at"
        if lease_seconds is not None:
            expression += ", lease_seconds = :lease"
            values[":lease"] = {"N": str(lease_seconds)}
        self._set(topic, expression, values)

    def _get(self, topic: str, attributes: str) -> Item | None:
        if len(topic.encode("utf-8", "surrogatepass")) > MAX_TOPIC_BYTES:
            return None
        return get_item(
            self._dynamodb,
            self._table,
            _key(topic),
            "Subscriptions could not be read.",
            ProjectionExpression=attributes,
        )

    def _set(self, topic: str, expression: str, values: Item) -> None:
        write(
            self._dynamodb.update_item,
            "Subscriptions could not be written.",
            TableName=self._table,
            Key=_key(topic),
            UpdateExpression=expression,
            ExpressionAttributeValues=values,
        )
