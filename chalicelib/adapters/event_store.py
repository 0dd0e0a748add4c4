"""Engagement events in DynamoDB (single table). Key layout:

| item | pk | sk |
|---|---|---|
| event | `EV#<platform>#<content_id>#<shard>` | `<event_id>` (LSI `by_time`: `t` = `<occurred_at>#<id>`) |
| a delivery's texts on a content, with verdicts (TTL) | `TXT#<platform>#<content_id>` | `<time>#<event_id>` |
| dirty bucket marker | `DIRTY#<shard>` | `<platform>#<hour>#<content_id>` |
| content to pull at the next run | `PULLSOON#<platform>` | `<content_id>` |

A comment or reply whose platform id is known carries `cmt` = `<platform>#<comment id>`, the key of the
sparse global index `by_comment`: a hide request (contract section 11) finds the stored comment, its
account and content, with one Query, and no other event is indexed.

The shard of an event comes from its id, so the key of a redelivered event is known before reading;
hot content spreads over EVENT_SHARDS partitions. Every write is a put of a deterministic key.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from chalicelib.adapters.dynamo import MAX_ATTEMPTS, Item, Key, batch_get, batch_put, key_of, to_item
from chalicelib.domain.events import EngagementEvent
from chalicelib.domain.ingest import StoredEvent, TouchedBucket, WriteOutcome, WritePlan, occurred

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

EVENT_SHARDS = 4
MARKER_SHARDS = 8


class Verdict(Protocol):
    """What is stored of a moderation verdict (chalicelib.domain.moderation.classifier.Verdict)."""

    @property
    def language(self) -> str: ...

    @property
    def categories(self) -> tuple[str, ...]: ...

    @property
    def severity(self) -> int: ...

    @property
    def abusive(self) -> bool: ...


def _s(value: str) -> dict[str, str]:
    return {"S": value}


def _shard(text: str, shards: int) -> int:
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:8], 16) % shards


def event_pk(platform: str, content_id: str, event_id: str) -> str:
    return f"EV#{platform}#{content_id}#{_shard(event_id, EVENT_SHARDS)}"


# The kinds a platform's moderation API may hide (section 11: "comments").
HIDEABLE_KINDS = frozenset({"comment", "reply"})
COMMENT_INDEX = "by_comment"


def comment_key(platform: str, comment_id: str) -> str:
    return f"{platform}#{comment_id}"


def event_key(event: EngagementEvent) -> Key:
    return (event_pk(event.platform, event.content_id, event.event_id), event.event_id)


def iso(moment: datetime) -> str:
    """Fixed-width UTC ISO 8601, so that string order is time order."""
    return moment.isoformat(timespec="microseconds")


def event_item(event: EngagementEvent, verdict: Verdict | None = None) -> Item:
    pk, sk = event_key(event)
    at = iso(occurred(event))
    item = to_item(
        {
            "pk": pk,
            "sk": sk,
            "t": f"{at}#{event.event_id}",
            "platform": event.platform,
            "kind": event.kind,
            "undo": event.undo,
            "content_id": event.content_id,
            "account_id": event.account_id,
            "occurred_at": at,
            "received_at": iso(event.received_at),
            "time_from_platform": event.occurred_at is not None,
            "actor": event.actor or None,
            "first_revision": event.revision or None,
            "title": event.title or None,  # an attribute of the same put: no request of its own
        }
    )
    if event.comment_id and event.kind in HIDEABLE_KINDS:
        item["cmt"] = _s(comment_key(event.platform, event.comment_id))  # same put, sparse index
    if verdict is not None:
        # What rollups count of a text's verdict (never the text): whether it is abusive and its
        # categories, so that a bucket recomputed after the text expired still counts it.
        item["mod"] = {
            "M": {"abusive": {"BOOL": verdict.abusive}, "categories": _strings(verdict.categories)}
        }
    return item


def _strings(values: Sequence[str]) -> dict[str, Any]:
    return {"L": [_s(value) for value in values]}


def verdict_attribute(event: EngagementEvent, verdict: Verdict) -> dict[str, Any]:
    """A verdict as stored beside its text: what a moderation report shows of it."""
    fields: Item = {
        "language": _s(verdict.language),
        "categories": _strings(verdict.categories),
        "severity": {"N": str(verdict.severity)},
        "abusive": {"BOOL": verdict.abusive},
        "kind": _s(event.kind),
        "account_id": _s(event.account_id),
        "at": _s(iso(occurred(event))),
    }
    if event.actor:
        fields["actor"] = _s(event.actor)
    if event.comment_id:
        fields["comment_id"] = _s(event.comment_id)
    return {"M": fields}


# Texts of one delivery and content share an item, kept well under DynamoDB's 400 KB.
MAX_TEXT_ITEM_BYTES = 300_000
# What each text adds beside its own bytes: its event id, and its verdict (ids, actor, time, categories).
PER_TEXT_BYTES = 640


def text_items(
    events: Sequence[EngagementEvent],
    kept_for: timedelta,
    verdicts: Mapping[str, Verdict] | None = None,
) -> list[Item]:
    """The texts of one delivery's events about one content, as few TTL items as fit.

    DynamoDB's TTL deletes whole items, so texts cannot live on their events; one item per delivery
    and content (rather than per comment) keeps writes low. Keys come from the events, so a retry
    writes the same items. Each text's verdict (`verdicts`, by event id) is in the same item, so it
    lives exactly as long as its text.
    """
    items: list[Item] = []
    group: list[EngagementEvent] = []
    size = 0
    for event in sorted(events, key=lambda e: e.event_id):
        length = len((event.text or "").encode("utf-8", "surrogatepass")) + PER_TEXT_BYTES
        if group and size + length > MAX_TEXT_ITEM_BYTES:
            items.append(_text_item(group, kept_for, verdicts or {}))
            group, size = [], 0
        group.append(event)
        size += length
    if group:
        items.append(_text_item(group, kept_for, verdicts or {}))
    return items


def _text_item(
    events: Sequence[EngagementEvent], kept_for: timedelta, verdicts: Mapping[str, Verdict]
) -> Item:
    first = events[0]
    expires = max(e.received_at for e in events) + kept_for
    item = to_item(
        {
            "pk": f"TXT#{first.platform}#{first.content_id}",
            "sk": f"{iso(occurred(first))}#{first.event_id}",
            "texts": {e.event_id: e.text or "" for e in events},
            "expires_at": int(expires.timestamp()),
        }
    )
    judged = {
        e.event_id: verdict_attribute(e, verdicts[e.event_id]) for e in events if e.event_id in verdicts
    }
    if judged:
        item["verdicts"] = {"M": judged}
    return item


def marker_item(bucket: TouchedBucket, written_at: datetime) -> Item:
    return to_item(
        {
            "pk": f"DIRTY#{_shard(bucket.platform + '#' + bucket.content_id, MARKER_SHARDS)}",
            "sk": f"{bucket.platform}#{bucket.hour}#{bucket.content_id}",
            "platform": bucket.platform,
            "content_id": bucket.content_id,
            "hour": bucket.hour,
            # The publisher leaves markers younger than the consumer's timeout, so a batch still
            # writing its events is never rolled up half-done.
            "written_at": iso(written_at),
        }
    )


def pull_soon_item(platform: str, content_id: str) -> Item:
    """Asks the next pull run for this content's counters (a YouTube upload announced by WebSub)."""
    return to_item({"pk": f"PULLSOON#{platform}", "sk": content_id})


class DynamoEventStore:
    def __init__(
        self,
        dynamodb: DynamoDBClient,
        table_name: str,
        sleep: Callable[[float], None] = time.sleep,
        max_attempts: int = MAX_ATTEMPTS,
    ) -> None:
        self._dynamodb = dynamodb
        self._table = table_name
        self._sleep = sleep
        self._max_attempts = max_attempts

    def stored(self, events: Sequence[EngagementEvent]) -> dict[str, StoredEvent]:
        """Which of these events exist (by event id), with what a write plan needs of them."""
        unique = list(dict.fromkeys(map(event_key, events)))
        items = batch_get(
            self._dynamodb,
            self._table,
            [to_item({"pk": pk, "sk": sk}) for pk, sk in unique],
            failure="The events table could not be read.",
            throttled="The events table kept throttling reads.",
            sleep=self._sleep,
            max_attempts=self._max_attempts,
            ProjectionExpression="sk, first_revision",
            ConsistentRead=True,
        )
        return {item["sk"]["S"]: StoredEvent(item.get("first_revision", {}).get("S")) for item in items}

    def write(
        self,
        plan: WritePlan,
        *,
        written_at: datetime,
        texts_kept_for: timedelta,
        verdicts: Mapping[str, Verdict] | None = None,
    ) -> WriteOutcome:
        """Texts, then events, then dirty markers and contents to pull soon; first-revision rewrites
        last, once the content_updated events they imply are stored. The outcome names the messages
        with unwritten items; an unwritten marker has no single owner, so it fails every message of
        the plan."""
        owners: dict[Key, str] = {}
        items: list[Item] = []
        with_text: dict[tuple[str, str, str], list[EngagementEvent]] = {}
        for candidate in plan.new:
            event = candidate.event
            if event.text:
                with_text.setdefault((candidate.message_id, event.platform, event.content_id), []).append(
                    event
                )
        for (message_id, _, _), events in sorted(with_text.items()):
            for item in text_items(events, texts_kept_for, verdicts):
                items.append(item)
                owners[key_of(item)] = message_id
        for candidate in plan.new:
            items.append(event_item(candidate.event, (verdicts or {}).get(candidate.event.event_id)))
            owners[key_of(items[-1])] = candidate.message_id
        items.extend(marker_item(bucket, written_at) for bucket in sorted(plan.touched, key=str))
        items.extend(pull_soon_item(c.event.platform, c.event.content_id) for c in plan.pull_soon)
        left = self.put_all(items)
        if plan.rewrites and not left:
            left = self.put_all([event_item(c.event) for c in plan.rewrites])
            owners.update({event_key(c.event): c.message_id for c in plan.rewrites})
        owned = {owners.get(key_of(item)) for item in left}
        if None in owned:
            return WriteOutcome(frozenset(plan.message_ids))
        return WriteOutcome(frozenset(o for o in owned if o is not None))

    def put_all(self, items: Sequence[Item]) -> list[Item]:
        """Put every item; returns those still unprocessed after the last attempt, so the caller
        can fail just their messages."""
        return batch_put(self._dynamodb, self._table, items, self._sleep, self._max_attempts)
