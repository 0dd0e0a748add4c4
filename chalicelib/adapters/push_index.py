"""The push index (contract section 9): one item per push and platform, under the push's UTC day.

pk `PUSH#<platform>#<YYYY-MM-DD>`, sk `<at, UTC, fixed width>#<campaign_id>#<push_id>` (see
chalicelib.domain.pushes), with what a clash warning shows: the campaign, its label and artist, the
push's id, time (as given, offset included), platforms, kind and title. A clash check queries only
the partitions of the platforms and days within the spacing around each push, and in them only the
sort keys of that span. Writes are puts and deletes of keys derived from the push: a retry writes
the same items.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.adapters.dynamo import DynamoTable, batch_write, query
from chalicelib.domain.pushes import PushEntry, Range, index_keys, key_time
from chalicelib.errors import DependencyFailed

if TYPE_CHECKING:
    pass


def _item(entry: PushEntry, pk: str, sk: str) -> dict[str, Any]:
    return {
        "pk": {"S": pk},
        "sk": {"S": sk},
        "campaign_id": {"S": entry.campaign_id},
        "label": {"S": entry.label},
        "artist": {"S": entry.artist},
        "push_id": {"S": entry.push_id},
        "at": {"S": entry.at.isoformat()},
        "platforms": {"S": json.dumps(list(entry.platforms))},
        "kind": {"S": entry.kind},
        "title": {"S": entry.title},
    }


def _entry(item: dict[str, Any]) -> PushEntry:
    return PushEntry(
        campaign_id=item["campaign_id"]["S"],
        label=item["label"]["S"],
        artist=item["artist"]["S"],
        push_id=item["push_id"]["S"],
        at=datetime.fromisoformat(item["at"]["S"]),
        platforms=tuple(json.loads(item["platforms"]["S"])),
        kind=item["kind"]["S"],
        title=item["title"]["S"],
    )


class DynamoPushIndex(DynamoTable):
    def near(self, ranges: Sequence[Range]) -> list[PushEntry]:
        """The pushes indexed in the ranges (each push once, whatever platforms it was found under)."""
        found: dict[tuple[str, str], PushEntry] = {}
        for span in ranges:
            kwargs: dict[str, Any] = {
                "TableName": self._table,
                "KeyConditionExpression": "pk = :pk AND sk BETWEEN :low AND :high",
                "ExpressionAttributeValues": {
                    ":pk": {"S": span.partition},
                    ":low": {"S": key_time(span.start)},
                    # "~" sorts after "#": every key of the span's last instant is in.
                    ":high": {"S": key_time(span.end) + "~"},
                },
            }
            for item in query(self._dynamodb, "The push index could not be read.", **kwargs):
                entry = _entry(item)
                found.setdefault(entry.identity, entry)
        return list(found.values())

    def replace(self, stale: Sequence[PushEntry], current: Sequence[PushEntry]) -> None:
        """Delete the index items of `stale` that `current` does not have, then put every item of
        `current` (a put of an unchanged item rewrites the same values)."""
        keep = {key: entry for entry in current for key in index_keys(entry)}
        requests: list[dict[str, Any]] = [
            {"DeleteRequest": {"Key": {"pk": {"S": pk}, "sk": {"S": sk}}}}
            for entry in stale
            for pk, sk in index_keys(entry)
            if (pk, sk) not in keep
        ]
        self._write(requests)
        self._write([{"PutRequest": {"Item": _item(entry, pk, sk)}} for (pk, sk), entry in keep.items()])

    def _write(self, requests: list[dict[str, Any]]) -> None:
        """BatchWriteItem, 25 a request, unprocessed ones retried with back-off; DependencyFailed
        when some are still unprocessed (the caller's retry writes the same keys)."""
        left = batch_write(
            self._dynamodb,
            self._table,
            requests,
            failure="The push index could not be written.",
            sleep=self._sleep,
        )
        if left:
            raise DependencyFailed("The push index could not be written; retry.")
