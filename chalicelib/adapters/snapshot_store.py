"""Counter snapshots and pull freshness in DynamoDB.

| item | pk | sk |
|---|---|---|
| snapshot | `SNAP#<platform>#<content\\|account>#<item_id>` | `<metric>#<its pull's time, UTC, µs>` |
| a counter's latest value of a day | `SNAPDAY#<platform>#<kind>#<item_id>` | `<metric>#<YYYY-MM-DD>` |
| pull state | `PULL#<platform>` | `STATE` (see below) |
| pull progress (budget, ids to resume) | `PULL#<platform>` | `PROGRESS` |

A snapshot is keyed by the full time of its pull, so every pull is its own reading (two pulls in one
minute are two snapshots: the window's first and last are the real ones), while writing the same
reading again (a retried batch) rewrites the same item.

The pull state says when a pull last ran (`last_pull_at`, every attempt), when one last got an answer
from the platform (`reached_at`, NULL until one did), the latest failure since its latest clean pull
(`last_error`, the sentence a summary shows; `last_error_kind`, what kind of failure it was; and
`last_error_at`), and when its latest snapshots were written (`snapshots_written_at`). A state
written before `reached_at` existed has only `last_pull_at`, which then counted every attempt: it is
read as the latest reach, except after the old "no credentials" sentence. One written before
`last_error_kind` existed has a failure of no known kind until the next pull, an hour at most.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.adapters.dynamo import Item, batch_put, get_item, write
from chalicelib.adapters.event_store import iso
from chalicelib.domain.counters import Reading
from chalicelib.domain.freshness import PullState
from chalicelib.errors import DependencyFailed
from chalicelib.pulls.snapshots import Snapshot

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

# What the pull job recorded for a platform without credentials before `reached_at` existed.
LEGACY_NO_CREDENTIALS = "No credentials are configured for this platform."


def key_time(moment: datetime) -> str:
    """A time in a snapshot's sort key: UTC, fixed width, so that string order is time order."""
    return iso(moment.astimezone(UTC))


def snapshot_pk(platform: str, item_kind: str, item_id: str) -> str:
    return f"SNAP#{platform}#{item_kind}#{item_id}"


def snapshot_item(snapshot: Snapshot) -> Item:
    at = key_time(snapshot.at)
    item: Item = {
        "pk": {"S": snapshot_pk(snapshot.platform, snapshot.item_kind, snapshot.item_id)},
        "sk": {"S": f"{snapshot.metric}#{at}"},
        "at": {"S": at},
    }
    if snapshot.value is not None:
        item["value"] = {"N": repr(float(snapshot.value))}
    if snapshot.unavailable is not None:
        item["unavailable"] = {"S": snapshot.unavailable}
    if snapshot.title is not None:
        item["title"] = {"S": snapshot.title}
    return item


def daily_item(snapshot: Snapshot) -> Item:
    """The day's latest value of a counter: what a series over weeks reads, one item a day."""
    item = snapshot_item(snapshot)
    item["pk"] = {"S": "SNAPDAY#" + item["pk"]["S"].removeprefix("SNAP#")}
    item["sk"] = {"S": f"{snapshot.metric}#{snapshot.at.astimezone(UTC).date().isoformat()}"}
    item.pop("title", None)  # summaries take titles from the first and last readings, not the days'
    return item


def _pull_key(platform: str, sort_key: str) -> Item:
    return {"pk": {"S": f"PULL#{platform}"}, "sk": {"S": sort_key}}


def _time(item: dict[str, Any], name: str) -> datetime | None:
    value = item.get(name, {}).get("S")
    return datetime.fromisoformat(value) if value else None


def _reading(item: dict[str, Any]) -> Reading:
    value = item.get("value", {}).get("N")
    return Reading(
        at=datetime.fromisoformat(item["at"]["S"]),
        value=float(value) if value is not None else None,
        unavailable=item.get("unavailable", {}).get("S"),
        title=item.get("title", {}).get("S"),
    )


class DynamoSnapshotStore:
    def __init__(self, dynamodb: DynamoDBClient, table_name: str, sleep: Callable[[float], None]) -> None:
        self._dynamodb = dynamodb
        self._table = table_name
        self._sleep = sleep

    def save(self, snapshots: Sequence[Snapshot]) -> None:
        """Each snapshot, and its day's latest (overwritten by every later pull of the day)."""
        items = [snapshot_item(s) for s in snapshots] + [
            daily_item(s) for s in snapshots if s.value is not None
        ]
        if batch_put(self._dynamodb, self._table, items, self._sleep):
            raise DependencyFailed("Snapshots could not all be written.")

    def daily(
        self, platform: str, item_kind: str, item_id: str, metric: str, *, start: datetime, end: datetime
    ) -> list[Reading]:
        """The last snapshot of each UTC day in [start, end): one item a day, whatever the pulls."""
        try:
            page = self._dynamodb.query(
                TableName=self._table,
                KeyConditionExpression="pk = :pk AND sk BETWEEN :from AND :to",
                ExpressionAttributeValues={
                    ":pk": {"S": f"SNAPDAY#{platform}#{item_kind}#{item_id}"},
                    ":from": {"S": f"{metric}#{start.astimezone(UTC).date().isoformat()}"},
                    ":to": {"S": f"{metric}#{end.astimezone(UTC).date().isoformat()}"},
                },
            )
        except (BotoCoreError, ClientError) as error:
            raise DependencyFailed("Snapshots could not be read.") from error
        readings = [_reading(item) for item in page.get("Items", [])]
        return [r for r in readings if start <= r.at < end]

    def _edge(
        self, pk: str, metric: str, start: datetime, end: datetime, *, earliest: bool
    ) -> Reading | None:
        try:
            page = self._dynamodb.query(
                TableName=self._table,
                KeyConditionExpression="pk = :pk AND sk BETWEEN :from AND :to",
                ExpressionAttributeValues={
                    ":pk": {"S": pk},
                    ":from": {"S": f"{metric}#{key_time(start)}"},
                    ":to": {"S": f"{metric}#{key_time(end - timedelta(microseconds=1))}"},  # [start, end)
                },
                ScanIndexForward=earliest,
                Limit=1,
            )
        except (BotoCoreError, ClientError) as error:
            raise DependencyFailed("Snapshots could not be read.") from error
        items = page.get("Items", [])
        return _reading(items[0]) if items else None

    def first_and_last(
        self, platform: str, item_kind: str, item_id: str, metric: str, *, start: datetime, end: datetime
    ) -> tuple[Reading, Reading] | None:
        """The item's earliest and latest snapshot of the metric in [start, end): two reads of one
        item each, whatever the history."""
        pk = snapshot_pk(platform, item_kind, item_id)
        first = self._edge(pk, metric, start, end, earliest=True)
        if first is None:
            return None
        last = self._edge(pk, metric, start, end, earliest=False)
        return first, last or first

    def record_pull(
        self,
        platform: str,
        at: datetime,
        error: str | None,
        *,
        reached: bool = True,
        written_at: datetime | None = None,
        kind: str | None = None,
    ) -> None:
        """The platform's latest pull: when, whether it reached the platform (got any answer), and
        the failure it met (None when clean, which clears the previous one) with its `kind`; with
        `written_at`, when the snapshots it stored were written (what the publish job compares)."""
        values: dict[str, Any] = {":at": {"S": iso(at)}}
        expression = "SET last_pull_at = :at"
        if reached:
            expression += ", reached_at = :at"
        else:  # NULL until a pull reaches it: tells a new state from one written before reached_at
            expression += ", reached_at = if_not_exists(reached_at, :never)"
            values[":never"] = {"NULL": True}
        if written_at is not None:
            expression += ", snapshots_written_at = :written"
            values[":written"] = {"S": key_time(written_at)}
        if error is None:
            expression += " REMOVE last_error, last_error_at, last_error_kind"
        elif kind is None:
            expression += ", last_error = :error, last_error_at = :at REMOVE last_error_kind"
            values[":error"] = {"S": error}
        else:
            expression += ", last_error = :error, last_error_at = :at, last_error_kind = :kind"
            values[":error"] = {"S": error}
            values[":kind"] = {"S": kind}
        write(
            self._dynamodb.update_item,
            "The pull state could not be written.",
            TableName=self._table,
            Key=_pull_key(platform, "STATE"),
            UpdateExpression=expression,
            ExpressionAttributeValues=values,
        )

    def load_progress(self, platform: str) -> dict[str, Any]:
        """What a pull keeps between runs (its daily budget, the ids to resume with), as JSON."""
        item = self._get(_pull_key(platform, "PROGRESS"), "The pull progress could not be read.")
        progress: dict[str, Any] = json.loads(item["progress"]["S"]) if item else {}
        return progress

    def save_progress(self, platform: str, progress: dict[str, Any]) -> None:
        write(
            self._dynamodb.put_item,
            "The pull progress could not be written.",
            TableName=self._table,
            Item={**_pull_key(platform, "PROGRESS"), "progress": {"S": json.dumps(progress, sort_keys=True)}},
        )

    def pull_soon(self, platform: str) -> list[str]:
        """Content the consumer asked to pull at the next run (new uploads)."""
        try:
            page = self._dynamodb.query(
                TableName=self._table,
                KeyConditionExpression="pk = :pk",
                ExpressionAttributeValues={":pk": {"S": f"PULLSOON#{platform}"}},
                Limit=500,
            )
        except (BotoCoreError, ClientError) as error:
            raise DependencyFailed("The content to pull could not be read.") from error
        return [item["sk"]["S"] for item in page.get("Items", [])]

    def pulled_soon(self, platform: str, content_ids: Sequence[str]) -> None:
        for content_id in content_ids:
            write(
                self._dynamodb.delete_item,
                "The content to pull could not be cleared.",
                TableName=self._table,
                Key={"pk": {"S": f"PULLSOON#{platform}"}, "sk": {"S": content_id}},
            )

    def _state(self, platform: str) -> dict[str, Any]:
        return dict(self._get(_pull_key(platform, "STATE"), "The pull state could not be read.") or {})

    def _get(self, key: Item, failure: str) -> Item | None:
        # Eventually consistent: a run reads what an earlier run wrote.
        return get_item(self._dynamodb, self._table, key, failure, ConsistentRead=False)

    def pull_state(self, platform: str) -> PullState:
        item = self._state(platform)
        attempted_at = _time(item, "last_pull_at")
        error = item.get("last_error", {}).get("S")
        if "reached_at" in item:
            reached_at = _time(item, "reached_at")
        else:  # written before reached_at: every attempt set last_pull_at
            reached_at = None if error == LEGACY_NO_CREDENTIALS else attempted_at
        error_at = _time(item, "last_error_at") or (attempted_at if error else None)
        kind = item.get("last_error_kind", {}).get("S") if error else None
        return PullState(reached_at=reached_at, error=error, error_at=error_at, error_kind=kind)

    def snapshots_written_at(self, platform: str) -> datetime | None:
        """When the platform's latest snapshots were written (None before its first): one read."""
        at = self._state(platform).get("snapshots_written_at", {}).get("S")
        return datetime.fromisoformat(at) if at else None
