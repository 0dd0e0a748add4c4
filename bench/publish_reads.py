"""Issue 4 (3): what a publish reads grows with the new events and their buckets, not with history.

200,000 events are stored (20 posts over 10 days) with their rollups. The baseline is a full recount:
reading every event of the campaign. Then 100 new events arrive (with the dirty-bucket markers the
consumer writes) and the publish job runs. DynamoDB items read are counted at botocore level (items
returned by Query, GetItem and BatchGetItem) against moto. (moto answers an index query by scanning
the whole table, so the history's rollups are computed in process rather than through 4,800 slow
marker refreshes; the counts are what DynamoDB would return. It still takes a few minutes.)
"""

from __future__ import annotations

import json
import os
import random
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.common import report

POSTS = 20
DAYS = 10
START = datetime(2026, 11, 10, tzinfo=UTC)


@dataclass
class BenchCampaign:
    """The fields the publisher reads of a campaign."""

    campaign_id: str = "bench-campaign"
    label: str = "bench-label"
    artist: str = "bench-artist"
    language: str | None = None  # the summary's language comes from the roster (one Query a run)
    starts_at: datetime = START
    ends_at: datetime = START + timedelta(days=30)
    timezone: str = "Europe/Paris"
    archived: bool = False
    tracked: Any = None

    def is_active(self, now: datetime) -> bool:
        return self.starts_at <= now < self.ends_at

    def public(self) -> dict[str, Any]:
        return {
            "campaign_id": self.campaign_id,
            "name": "Bench",
            "label": self.label,
            "artist": self.artist,
            "starts_at": self.starts_at.isoformat(),
            "ends_at": self.ends_at.isoformat(),
            "timezone": self.timezone,
            "tracked": {
                name: {"accounts": list(ids.accounts), "content": list(ids.content)}
                for name, ids in self.tracked.entries()
            },
            "archived": self.archived,
        }


@dataclass(frozen=True)
class Tracked:
    platforms: dict[str, Any]

    def entries(self) -> list[tuple[str, Any]]:
        return list(self.platforms.items())


@dataclass(frozen=True)
class Ids:
    accounts: tuple[str, ...]
    content: tuple[str, ...]


def run(history: int = 200_000, new: int = 100) -> dict[str, float]:
    os.environ.update(
        {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "us-east-1"}
    )
    import boto3
    from moto import mock_aws

    from chalicelib.adapters.dynamo import batch_put
    from chalicelib.adapters.event_store import EVENT_SHARDS, DynamoEventStore, event_item, marker_item
    from chalicelib.adapters.rollup_store import DynamoRollupStore
    from chalicelib.adapters.roster import DynamoRoster
    from chalicelib.domain.events import EngagementEvent, event_id
    from chalicelib.domain.ingest import TouchedBucket, hour_of
    from chalicelib.domain.rollups import StoredEventView, compute_rollup, hour_start
    from chalicelib.domain.stored import PublishedRun
    from chalicelib.domain.weights import DEFAULT_WEIGHTS
    from chalicelib.services.publishing import PublishingService, render_json
    from infra.local.moto_fidelity import scope_queries_to_their_partition

    # moto scans the whole table for every query; DynamoDB reads the partition. Same answers.
    scope_queries_to_their_partition()
    with mock_aws():
        from infra.local.stack import deploy

        table = deploy(boto3.client("cloudformation"))["TableName"]
        dynamodb = boto3.client("dynamodb")
        rng = random.Random(11)
        posts = [f"17900000000000{n:05d}" for n in range(POSTS)]

        def make_event(n: int, at: datetime) -> EngagementEvent:
            post = posts[n % POSTS]
            return EngagementEvent(
                event_id=event_id("x", "bench", str(n)),
                platform="x",
                kind=rng.choice(["like", "reply", "repost"]),
                content_id=post,
                account_id="artist",
                occurred_at=at,
                received_at=at,
            )

        started = time.perf_counter()
        events = [
            make_event(n, START + timedelta(seconds=rng.randrange(DAYS * 86400))) for n in range(history)
        ]
        now = START + timedelta(days=DAYS)
        batch_put(dynamodb, table, [event_item(e) for e in events], lambda _s: None)
        by_bucket: dict[tuple[str, datetime], list[StoredEventView]] = {}
        for e in events:
            view = StoredEventView(
                e.event_id, e.platform, e.kind, e.undo, e.content_id, e.account_id, e.occurred_at
            )
            by_bucket.setdefault((e.content_id, hour_start(e.occurred_at)), []).append(view)
        rollup_store = DynamoRollupStore(dynamodb, table, lambda _s: None)
        rollup_store.save(
            [compute_rollup("x", post, hour, bucket) for (post, hour), bucket in by_bucket.items()]
        )
        load_seconds = time.perf_counter() - started

        read: Counter[str] = Counter()

        def count_items(parsed: Any, model: Any, **_: Any) -> None:
            if model.name == "Query":
                read["items"] += len(parsed.get("Items", []))
            elif model.name == "BatchGetItem":
                read["items"] += sum(len(v) for v in parsed.get("Responses", {}).values())
            elif model.name == "GetItem" and parsed.get("Item"):
                read["items"] += 1
            read[f"requests:{model.name}"] += 1

        dynamodb.meta.events.register("after-call.dynamodb", count_items)

        class S3Stub:
            def publish(
                self, label: str, campaign_id: str, generated_at: str, bodies: dict[str, bytes]
            ) -> Any:
                return PublishedRun(generated_at, {})

            def latest(self, label: str, campaign_id: str) -> Any:
                return object()

            def presign(self, key: str, expires_in_seconds: int) -> str:
                return ""

        campaign = BenchCampaign(tracked=Tracked({"x": Ids(accounts=(), content=tuple(posts))}))

        class OneCampaign:
            def list_all(self) -> list[Any]:
                return [campaign]

        clock = [now]
        publisher = PublishingService(
            campaigns=OneCampaign(),
            rollups=rollup_store,
            summaries=S3Stub(),
            renderers={"json": render_json},
            collisions=lambda c, o: [],
            weights=DEFAULT_WEIGHTS,
            clock=lambda: clock[0],
            artists=DynamoRoster(dynamodb, table, lambda _s: None).list_all,
        )
        read.clear()
        # The baseline: a recount reads every event of the campaign (by partition; moto answers
        # index queries by scanning the whole table, which would only make the bench slow).
        for post in posts:
            for shard in range(EVENT_SHARDS):
                pages = dynamodb.get_paginator("query").paginate(
                    TableName=table,
                    KeyConditionExpression="pk = :pk",
                    ExpressionAttributeValues={":pk": {"S": f"EV#x#{post}#{shard}"}},
                )
                for _ in pages:
                    pass
        full_recount = read["items"]
        read.clear()

        # 100 new events arrive through the consumer's store path, in the last two hours
        store = DynamoEventStore(dynamodb, table, sleep=lambda _s: None)
        fresh = [make_event(history + n, now - timedelta(minutes=rng.randrange(120))) for n in range(new)]
        store.put_all(
            [event_item(e) for e in fresh]
            + [
                marker_item(
                    TouchedBucket("x", e.content_id, hour_of(e.occurred_at)), now - timedelta(minutes=5)
                )
                for e in fresh
            ]
        )
        read.clear()
        second = publisher.publish_due()
        incremental = read["items"]
        requests = sum(n for name, n in read.items() if name.startswith("requests:"))
        touched = len({(e.content_id, hour_of(e.occurred_at)) for e in fresh})

        # The comparison (contract section 10) reads the previous window's rollups in the same Query per
        # content. This campaign's previous window is before the history, so it adds nothing above; one
        # that starts halfway through the history has a previous window full of it.
        late = BenchCampaign(
            campaign_id="bench-late", starts_at=START + timedelta(days=DAYS // 2), tracked=campaign.tracked
        )
        buckets = set(by_bucket) | {(e.content_id, hour_start(e.occurred_at)) for e in fresh}
        length = now - late.starts_at
        in_window = sum(1 for _, hour in buckets if late.starts_at <= hour < now)
        before_it = sum(1 for _, hour in buckets if late.starts_at - length <= hour < late.starts_at)
        read.clear()
        publisher.build(late, [], now)
        late_items = read["items"]
        late_requests = sum(n for name, n in read.items() if name.startswith("requests:"))
    figures = {
        "history_events": history,
        "new_events": new,
        "buckets_touched": touched,
        "items_read_full_recount": full_recount,
        "items_read_incremental": incremental,
        "requests_incremental": requests,
        "ratio_incremental_to_full": incremental / full_recount,
        "late_campaign_items_read": late_items,
        "late_campaign_requests": late_requests,
        "late_campaign_rollups_in_window": in_window,
        "late_campaign_rollups_in_previous_window": before_it,
    }
    report(
        "Publish reads: incremental vs full recount (DynamoDB items read, counted at botocore level)",
        [
            (
                "stored history",
                f"{history} events over {POSTS} posts x {DAYS} days (loaded in {load_seconds:.0f} s)",
            ),
            ("full recount: every event of the campaign", f"{full_recount} items read"),
            ("new events / buckets they touch", f"{new} / {touched}"),
            (
                "publish after the new events",
                f"{incremental} items read in {requests} requests "
                f"({second['rollups_changed']} rollups changed)",
            ),
            ("ratio incremental / full recount", f"{incremental / full_recount:.4f}"),
            ("events per bucket in history", f"{history / (POSTS * DAYS * 24):.0f}"),
            (
                "a summary starting halfway (comparison full of history)",
                f"{late_items} items in {late_requests} requests; rollups: {in_window} in its window, "
                f"{before_it} in the previous one",
            ),
        ],
    )
    return figures


if __name__ == "__main__":
    print(json.dumps(run()))
