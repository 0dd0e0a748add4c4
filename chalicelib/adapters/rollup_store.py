"""Rollups, the account index and dirty-bucket markers in DynamoDB.

| item | pk | sk |
|---|---|---|
| rollup | `RU#<platform>#<content_id>` | `<YYYY-MM-DDTHH>` (UTC); `counts`, `last`, `title`, `moderation` |

An account's abusive texts per hour, derived from its rollups, are wave_store's items.
| account index | `ACCT#<platform>#<account_id>` | `<content_id>` |
| dirty marker (written by the consumer) | `DIRTY#<shard>` | `<platform>#<hour>#<content_id>` |
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from chalicelib.adapters.dynamo import Item, batch_get, batch_put, key_of, query, write
from chalicelib.adapters.event_store import EVENT_SHARDS, MARKER_SHARDS, iso
from chalicelib.adapters.wave_store import abuse_items
from chalicelib.domain.rollups import Rollup, StoredEventView, Title
from chalicelib.domain.stored import Marker
from chalicelib.errors import DependencyFailed

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

HOUR_FORMAT = "%Y-%m-%dT%H"


def _hour(text: str) -> datetime:
    return datetime.strptime(text, HOUR_FORMAT).replace(tzinfo=UTC)


def rollup_item(rollup: Rollup) -> Item:
    item: Item = {
        "pk": {"S": f"RU#{rollup.platform}#{rollup.content_id}"},
        "sk": {"S": rollup.hour.strftime(HOUR_FORMAT)},
        "counts": {"S": json.dumps(rollup.counts, sort_keys=True, separators=(",", ":"))},
        "last": {"S": json.dumps({a: iso(t) for a, t in sorted(rollup.last_event_at.items())})},
    }
    if rollup.title is not None:
        title = {"text": rollup.title.text, "at": iso(rollup.title.at)}
        item["title"] = {"S": json.dumps(title, ensure_ascii=False, sort_keys=True)}
    if rollup.moderation:
        item["moderation"] = {"S": json.dumps(rollup.moderation, sort_keys=True, separators=(",", ":"))}
    return item


def _title(item: dict[str, Any]) -> Title | None:
    raw = item.get("title", {}).get("S")
    if not raw:
        return None
    title = json.loads(raw)
    return Title(title["text"], datetime.fromisoformat(title["at"]))


StoredForm = tuple[str, str, str | None, str | None]


def _stored_form(item: dict[str, Any]) -> StoredForm:
    """What tells a recomputed rollup from the stored one."""
    return (
        item["counts"]["S"],
        item["last"]["S"],
        item.get("title", {}).get("S"),
        item.get("moderation", {}).get("S"),
    )


def _verdict(item: dict[str, Any]) -> dict[str, Any]:
    """What an event item says of its text's verdict (none when it had no classified text)."""
    mark = item.get("mod", {}).get("M")
    if mark is None:
        return {}
    return {
        "abusive": mark["abusive"]["BOOL"],
        "categories": tuple(c["S"] for c in mark.get("categories", {}).get("L", [])),
    }


def account_link_item(platform: str, account_id: str, content_id: str) -> Item:
    return {"pk": {"S": f"ACCT#{platform}#{account_id}"}, "sk": {"S": content_id}}


class DynamoRollupStore:
    def __init__(self, dynamodb: DynamoDBClient, table_name: str, sleep: Callable[[float], None]) -> None:
        self._dynamodb = dynamodb
        self._table = table_name
        self._sleep = sleep

    def _query(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
        return query(self._dynamodb, "The table could not be read.", TableName=self._table, **kwargs)

    def markers(self) -> list[Marker]:
        found = []
        for shard in range(MARKER_SHARDS):
            for item in self._query(
                KeyConditionExpression="pk = :pk",
                ExpressionAttributeValues={":pk": {"S": f"DIRTY#{shard}"}},
                ConsistentRead=True,
            ):
                found.append(
                    Marker(
                        pk=item["pk"]["S"],
                        sk=item["sk"]["S"],
                        platform=item["platform"]["S"],
                        content_id=item["content_id"]["S"],
                        hour=_hour(item["hour"]["S"]),
                        written_at=item["written_at"]["S"],
                    )
                )
        return found

    def clear(self, marker: Marker) -> None:
        """Delete the marker unless the consumer rewrote it since it was read."""
        # Refused when new events came since: the marker stays for the next run.
        write(
            self._dynamodb.delete_item,
            "A dirty marker could not be cleared.",
            TableName=self._table,
            Key={"pk": {"S": marker.pk}, "sk": {"S": marker.sk}},
            ConditionExpression="written_at = :seen",
            ExpressionAttributeValues={":seen": {"S": marker.written_at}},
        )

    def events_between(
        self, platform: str, content_id: str, start: datetime, end: datetime
    ) -> list[StoredEventView]:
        """The stored events of one content with start <= occurred_at < end (every shard)."""
        events = []
        for shard in range(EVENT_SHARDS):
            for item in self._query(
                IndexName="by_time",
                KeyConditionExpression="pk = :pk AND t BETWEEN :from AND :to",
                ExpressionAttributeValues={
                    ":pk": {"S": f"EV#{platform}#{content_id}#{shard}"},
                    ":from": {"S": iso(start)},
                    ":to": {"S": iso(end)},
                },
                ConsistentRead=True,
            ):
                occurred = datetime.fromisoformat(item["occurred_at"]["S"])
                if start <= occurred < end:
                    events.append(
                        StoredEventView(
                            event_id=item["sk"]["S"],
                            platform=item["platform"]["S"],
                            kind=item["kind"]["S"],
                            undo=item["undo"]["BOOL"],
                            content_id=item["content_id"]["S"],
                            account_id=item["account_id"]["S"],
                            occurred_at=occurred,
                            title=item.get("title", {}).get("S"),
                            **_verdict(item),
                        )
                    )
        return events

    def rollups(
        self, platform: str, content_id: str, first_hour: datetime, last_hour: datetime
    ) -> list[Rollup]:
        found = []
        for item in self._query(
            KeyConditionExpression="pk = :pk AND sk BETWEEN :first AND :last",
            ExpressionAttributeValues={
                ":pk": {"S": f"RU#{platform}#{content_id}"},
                ":first": {"S": first_hour.strftime(HOUR_FORMAT)},
                ":last": {"S": last_hour.strftime(HOUR_FORMAT)},
            },
        ):
            last = {a: datetime.fromisoformat(t) for a, t in json.loads(item["last"]["S"]).items()}
            found.append(
                Rollup(
                    platform,
                    content_id,
                    _hour(item["sk"]["S"]),
                    json.loads(item["counts"]["S"]),
                    last,
                    _title(item),
                    json.loads(item["moderation"]["S"]) if "moderation" in item else {},
                )
            )
        return found

    def contents_of(self, platform: str, account_id: str) -> list[str]:
        return [
            item["sk"]["S"]
            for item in self._query(
                KeyConditionExpression="pk = :pk",
                ExpressionAttributeValues={":pk": {"S": f"ACCT#{platform}#{account_id}"}},
            )
        ]

    def save(self, rollups: Sequence[Rollup]) -> list[Rollup]:
        """Put the recomputed rollups that differ from the stored ones, with the account -> content
        links they show; returns those that changed."""
        fresh = {key_of(i): (r, i) for r in rollups for i in [rollup_item(r)]}
        stored = self._stored_rollups(list(fresh))
        changed = [(r, i) for key, (r, i) in fresh.items() if stored.get(key) != _stored_form(i)]
        items = [item for _, item in changed]
        links = {(r.platform, a, r.content_id) for r, _ in changed for a in r.accounts if a}
        items += [account_link_item(*link) for link in sorted(links)]
        # The wave job reads abusive counts per account and hour, not per content: derived here, from
        # the same recomputation, as puts of deterministic keys (a second run writes the same items).
        items += [item for r, _ in changed for item in abuse_items(r)]
        if batch_put(self._dynamodb, self._table, items, self._sleep):
            raise DependencyFailed("Rollups could not all be written; the next run recomputes them.")
        return [r for r, _ in changed]

    def _stored_rollups(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], StoredForm]:
        items = batch_get(
            self._dynamodb,
            self._table,
            [{"pk": {"S": pk}, "sk": {"S": sk}} for pk, sk in keys],
            failure="Rollups could not be read.",
            throttled="Rollups kept throttling reads.",
            sleep=self._sleep,
            ConsistentRead=True,
        )
        return {key_of(item): _stored_form(item) for item in items}
