"""Calendar feeds (contract section 9) in the single table: pk `FEED`, sk `<feed_id>`, with the
SHA-256 of the URL's secret (never the secret), its name, labels, who made it, and `version`.

`version` is what the feed's ETag derives from: it is bumped whenever what the feed shows may have
changed, so a poll is answered (a 304 or not) from this one item. Reads are consistent: a deleted
feed is a 404 at once, and a bump is seen by the next poll. Feeds are few: listing them (to bump)
is one Query of one partition.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chalicelib.adapters.dynamo import Item, PartitionStore, write
from chalicelib.domain.stored import StoredFeed
from chalicelib.errors import Conflict

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef


class DynamoFeeds(PartitionStore[StoredFeed]):
    PARTITION = "FEED"
    UNREADABLE = "Feeds could not be read."

    def _record(self, item: Item) -> StoredFeed:
        return StoredFeed(
            feed_id=item["sk"]["S"],
            name=item["name"]["S"],
            labels=frozenset(value["S"] for value in item.get("labels", {}).get("L", [])),
            secret_sha256=item["secret_sha256"]["S"],
            created_at=item["created_at"]["S"],
            created_by=item["created_by"]["S"],
            version=int(item.get("version", {}).get("N", "0")),
        )

    def put(self, feed: StoredFeed) -> None:
        """Store a new feed; an existing feed_id is a Conflict (never overwritten)."""
        item: dict[str, AttributeValueTypeDef] = {
            **self._key(feed.feed_id),
            "name": {"S": feed.name},
            "labels": {"L": [{"S": label} for label in sorted(feed.labels)]},
            "secret_sha256": {"S": feed.secret_sha256},
            "created_at": {"S": feed.created_at},
            "created_by": {"S": feed.created_by},
            "version": {"N": str(feed.version)},
        }
        if not self._write(
            self._dynamodb.put_item, Item=item, ConditionExpression="attribute_not_exists(pk)"
        ):
            raise Conflict("The feed id is taken.")

    def delete(self, feed_id: str) -> bool:
        """Delete the feed; False when there was none."""
        return self._write(
            self._dynamodb.delete_item, Key=self._key(feed_id), ConditionExpression="attribute_exists(pk)"
        )

    def bump(self, feed_id: str) -> None:
        """A new version, so that the next poll gets the feed again (a feed deleted meanwhile stays
        deleted). Bumping twice costs a poll one extra download, never a stale answer."""
        self._write(
            self._dynamodb.update_item,
            Key=self._key(feed_id),
            UpdateExpression="ADD version :one",
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeValues={":one": {"N": "1"}},
        )

    def _write(self, call: Callable[..., object], **request: Any) -> bool:
        return write(call, "Feeds could not be written.", TableName=self._table, **request)
