"""Moderation actions, label policies and the stored-comment lookup, in the single table.

| item | pk | sk |
|---|---|---|
| action | `MODACT#<label>` | `<requested_at>#<action_id>` (newest last; listed newest first) |
| claim of an automatic hiding | `MODCLAIM#<platform>#<comment id>` | `auto_hide` |
| label policy | `MODPOLICY` | `<label>` (every label's in one small partition: one Query) |

A stored comment is found through the events' sparse `by_comment` index (`adapters/event_store.py`).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.adapters.event_store import COMMENT_INDEX, comment_key, iso
from chalicelib.domain.moderation_actions import (
    AutoHidePolicy,
    ModerationAction,
    StoredComment,
    auto_claim,
)
from chalicelib.errors import DependencyFailed

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

POLICIES = "MODPOLICY"
AUTO_HIDE = "auto_hide"


def _s(value: str) -> dict[str, str]:
    return {"S": value}


def _action_key(action: ModerationAction) -> dict[str, Any]:
    return {
        "pk": _s(f"MODACT#{action.label}"),
        "sk": _s(f"{iso(action.requested_at)}#{action.action_id}"),
    }


def _action_item(action: ModerationAction) -> dict[str, Any]:
    return {
        **_action_key(action),
        "record": _s(json.dumps(action.public(), sort_keys=True)),
    }


def _action(item: dict[str, Any]) -> ModerationAction:
    record = json.loads(item["record"]["S"])
    answered = record.get("answered_at")
    return ModerationAction(
        action_id=record["action_id"],
        label=record["label"],
        platform=record["platform"],
        comment_id=record["comment_id"],
        account_id=record["account_id"],
        content_id=record["content_id"],
        action=record["action"],
        trigger=record["trigger"],
        by=record["by"],
        requested_at=datetime.fromisoformat(record["requested_at"]),
        outcome=record["outcome"],
        answer=record.get("answer") or {},
        answered_at=datetime.fromisoformat(answered) if answered else None,
        verdict=record.get("verdict"),
    )


class DynamoModeration:
    def __init__(self, dynamodb: DynamoDBClient, table_name: str) -> None:
        self._dynamodb = dynamodb
        self._table = table_name

    # --- the stored comment ---------------------------------------------------------------------------

    def find_comment(self, platform: str, comment_id: str) -> StoredComment | None:
        """The stored comment or reply with this platform id: one Query of the sparse index."""
        try:
            page = self._dynamodb.query(
                TableName=self._table,
                IndexName=COMMENT_INDEX,
                KeyConditionExpression="cmt = :cmt",
                ExpressionAttributeValues={":cmt": _s(comment_key(platform, comment_id))},
                Limit=1,
            )
        except (BotoCoreError, ClientError) as error:
            raise DependencyFailed("Stored comments could not be read.") from error
        for item in page.get("Items", []):
            return StoredComment(platform, comment_id, item["account_id"]["S"], item["content_id"]["S"])
        return None

    # --- policies -------------------------------------------------------------------------------------

    def policies(self) -> dict[str, AutoHidePolicy]:
        """Every label's policy (labels without one are off): one Query."""
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": _s(POLICIES)},
        }
        found: dict[str, AutoHidePolicy] = {}
        try:
            while True:
                page = self._dynamodb.query(**request)
                for item in page.get("Items", []):
                    rule = json.loads(item["auto_hide"]["S"])
                    found[item["sk"]["S"]] = AutoHidePolicy(
                        bool(rule["enabled"]), tuple(rule["categories"]), int(rule["min_severity"])
                    )
                if "LastEvaluatedKey" not in page:
                    return found
                request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        except (BotoCoreError, ClientError) as error:
            raise DependencyFailed("Moderation policies could not be read.") from error

    def put_policy(self, label: str, policy: AutoHidePolicy, by: str, at: datetime) -> None:
        try:
            self._dynamodb.put_item(
                TableName=self._table,
                Item={
                    "pk": _s(POLICIES),
                    "sk": _s(label),
                    "auto_hide": _s(json.dumps(policy.public()["auto_hide"], sort_keys=True)),
                    "changed_by": _s(by),
                    "changed_at": _s(iso(at)),
                },
            )
        except (BotoCoreError, ClientError) as error:
            raise DependencyFailed("The moderation policy could not be written.") from error

    # --- actions --------------------------------------------------------------------------------------

    def start(self, action: ModerationAction) -> None:
        """Record a manual action before the platform is called."""
        try:
            self._dynamodb.put_item(TableName=self._table, Item=_action_item(action))
        except (BotoCoreError, ClientError) as error:
            raise DependencyFailed("The moderation action could not be recorded.") from error

    def claim(self, action: ModerationAction) -> bool:
        """Record an automatic action and claim its identity in one transaction; False when another
        run (a retried or concurrent batch) has it already: nothing is written then."""
        claim = {
            "pk": _s(f"MODCLAIM#{auto_claim(action.platform, action.comment_id)}"),
            "sk": _s(AUTO_HIDE),
            "action_id": _s(action.action_id),
        }
        try:
            self._dynamodb.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": self._table,
                            "Item": claim,
                            "ConditionExpression": "attribute_not_exists(pk)",
                        }
                    },
                    {"Put": {"TableName": self._table, "Item": _action_item(action)}},
                ]
            )
        except ClientError as error:
            reasons = error.response.get("CancellationReasons") or []
            if any(reason.get("Code") == "ConditionalCheckFailed" for reason in reasons):
                return False
            raise DependencyFailed("The moderation action could not be recorded.") from error
        except BotoCoreError as error:
            raise DependencyFailed("The moderation action could not be recorded.") from error
        return True

    def finish(self, action: ModerationAction) -> None:
        """Record the platform's answer on the action."""
        try:
            self._dynamodb.update_item(
                TableName=self._table,
                Key=_action_key(action),
                UpdateExpression="SET #r = :r",
                ExpressionAttributeNames={"#r": "record"},
                ExpressionAttributeValues={":r": _s(json.dumps(action.public(), sort_keys=True))},
            )
        except (BotoCoreError, ClientError) as error:
            raise DependencyFailed("The platform's answer could not be recorded.") from error

    def list_label(self, label: str, limit: int) -> list[ModerationAction]:
        """The label's latest `limit` actions, newest first."""
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": _s(f"MODACT#{label}")},
            "ScanIndexForward": False,
            "ConsistentRead": True,
            "Limit": limit,
        }
        actions: list[ModerationAction] = []
        try:
            while len(actions) < limit:
                page = self._dynamodb.query(**request)
                actions.extend(_action(item) for item in page.get("Items", []))
                if "LastEvaluatedKey" not in page:
                    break
                request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
                request["Limit"] = limit - len(actions)
        except (BotoCoreError, ClientError) as error:
            raise DependencyFailed("Moderation actions could not be read.") from error
        return actions[:limit]
