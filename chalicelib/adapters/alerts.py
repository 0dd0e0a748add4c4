"""Product alerts in the single table (contract sections 11 and 13): `talent_breakout` now, moderation's
`abuse_wave` later, through the same items.

An alert item: pk `ALERTS#<label>`, sk `<type>#<key>`; `type`, `label`, `payload` (JSON), `created_at`,
`published_at` once SNS took it, and `publish_error` while a failed publish waits for a retry.

The sort key is the alert's identity (what it is about: a breakout's artist and entry day, a wave's
artist, platform and start), so claiming it is one conditional put: a retried or concurrent run finds it
and publishes nothing (architecture invariant 8). A label's alerts are one Query; they are few (a handful
a week), so `since` is a filter on `created_at`, not a key.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.adapters.dynamo import partition, write
from chalicelib.adapters.event_store import iso
from chalicelib.domain.stored import Alert
from chalicelib.errors import DependencyFailed

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import PutTypeDef


def _key(label: str, sort_key: str) -> dict[str, Any]:
    return {"pk": {"S": f"ALERTS#{label}"}, "sk": {"S": sort_key}}


def _alert(item: dict[str, Any]) -> Alert:
    return Alert(
        type=item["type"]["S"],
        label=item["label"]["S"],
        key=item["sk"]["S"].split("#", 1)[1],
        payload=json.loads(item["payload"]["S"]),
        created_at=datetime.fromisoformat(item["created_at"]["S"]),
        published_at=item.get("published_at", {}).get("S"),
        publish_error=item.get("publish_error", {}).get("S"),
    )


class DynamoAlerts:
    def __init__(self, dynamodb: DynamoDBClient, table_name: str) -> None:
        self._dynamodb = dynamodb
        self._table = table_name

    def claim_put(self, alert: Alert) -> PutTypeDef:
        """The conditional put that claims an alert's identity, inside the transaction that stores what
        raised it (a talent breakout: the artist's new band). Alone, it is a PutItem whose
        ConditionalCheckFailedException means another run has the alert."""
        return {
            "TableName": self._table,
            "Item": {
                **_key(alert.label, f"{alert.type}#{alert.key}"),
                "type": {"S": alert.type},
                "label": {"S": alert.label},
                "payload": {"S": json.dumps(alert.payload, sort_keys=True)},
                "created_at": {"S": iso(alert.created_at)},
            },
            "ConditionExpression": "attribute_not_exists(pk)",
        }

    def claim(self, alert: Alert) -> bool:
        """Claim an alert whose identity is all that needs storing (an abuse wave: its id is a function
        of its key and start): True for the one run that stored it, False when it was there."""
        return write(self._dynamodb.put_item, "The alert could not be stored.", **self.claim_put(alert))

    def published(self, alert: Alert, at: datetime) -> None:
        self._update(alert, "SET published_at = :at REMOVE publish_error", {":at": {"S": iso(at)}})

    def failed(self, alert: Alert, reason: str) -> None:
        self._update(alert, "SET publish_error = :why", {":why": {"S": reason}})

    def take_retry(self, alert: Alert) -> bool:
        """Claim the retry of a failed publish: exactly one run removes its `publish_error`."""
        return self._update(
            alert, "REMOVE publish_error", ConditionExpression="attribute_exists(publish_error)"
        )

    def _update(
        self, alert: Alert, expression: str, values: dict[str, Any] | None = None, **request: Any
    ) -> bool:
        if values:
            request["ExpressionAttributeValues"] = values
        return write(
            self._dynamodb.update_item,
            "The alert could not be updated.",
            TableName=self._table,
            Key=_key(alert.label, f"{alert.type}#{alert.key}"),
            UpdateExpression=expression,
            **request,
        )

    def list_label(self, label: str, since: datetime | None = None) -> list[Alert]:
        """The label's alerts created at or after `since`, newest first: one (paginated) Query."""
        items = partition(self._dynamodb, self._table, f"ALERTS#{label}", "Alerts could not be read.")
        alerts = [_alert(item) for item in items]
        if since is not None:
            alerts = [a for a in alerts if a.created_at >= since]
        return sorted(alerts, key=lambda a: (a.created_at, a.type, a.key), reverse=True)


class SnsAlertTopic:
    """Publishes product alerts on the stack's alerts topic, with `type` and `label` as message
    attributes so that a subscriber filters (an A&R team: `talent_breakout` of its label)."""

    def __init__(self, sns: Any, topic_arn: str) -> None:
        self._sns = sns
        self._topic_arn = topic_arn

    def publish(self, message: dict[str, Any]) -> None:
        try:
            self._sns.publish(
                TopicArn=self._topic_arn,
                Message=json.dumps(message, sort_keys=True),
                Subject=f"engagement-tracker {message['type']}"[:100],
                MessageAttributes={
                    "type": {"DataType": "String", "StringValue": str(message["type"])},
                    "label": {"DataType": "String", "StringValue": str(message["label"])},
                },
            )
        except (BotoCoreError, ClientError) as error:
            raise DependencyFailed("The alert could not be published.") from error


Publish = Callable[[dict[str, Any]], None]
