"""Issue 3 (c): events per second through the local stack end to end.

The real local stack (moto server, Chalice's HTTP server, the in-process SQS consumer) receives
signed deliveries over HTTP from 8 concurrent senders; the clock stops when DynamoDB holds every
event. Baseline in the same run: GET /health round trips per second on the same server.
"""

from __future__ import annotations

import json
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import report

SENDERS = 8


def _post(base_url: str, request: Any) -> int:
    http = urllib.request.Request(
        base_url + request.path, data=request.body, headers=request.headers, method="POST"
    )
    with urllib.request.urlopen(http, timeout=30) as response:
        return int(response.status)


def _stored_events(dynamodb: Any, table: str) -> int:
    count, kwargs = 0, {"TableName": table, "ProjectionExpression": "pk, sk"}
    while True:
        page = dynamodb.scan(**kwargs)
        count += sum(
            1 for i in page["Items"] if i["pk"]["S"].startswith("EV#") and not i["sk"]["S"].startswith("TXT#")
        )
        if "LastEvaluatedKey" not in page:
            return count
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def run(deliveries: int = 300, likes_per_delivery: int = 10) -> dict[str, float]:

    from infra.local import senders as payloads
    from infra.local.harness import aws_client, start
    from infra.local.senders import Senders
    from infra.local.stack import resolve_secrets

    secrets, _ = resolve_secrets({})
    stack = start(Path(tempfile.mkdtemp()) / "stack.log", secrets)
    try:
        senders = Senders(secrets)
        at = datetime.now(UTC) - timedelta(hours=1)
        requests = [
            senders.x(payloads.x_likes("1234", f"tw{n % 20}", at, count=likes_per_delivery))
            for n in range(deliveries)
        ]
        expected = deliveries * likes_per_delivery
        dynamodb = aws_client(stack, "dynamodb")
        table = "engagement-tracker-local"

        health_count = 300
        started = time.perf_counter()
        for _ in range(health_count):
            with urllib.request.urlopen(f"{stack.base_url}/health", timeout=10) as response:
                response.read()
        health_per_second = health_count / (time.perf_counter() - started)

        started = time.perf_counter()
        with ThreadPoolExecutor(SENDERS) as pool:
            statuses = list(pool.map(lambda r: _post(stack.base_url, r), requests))
        accepted_at = time.perf_counter()
        assert set(statuses) == {200}, statuses
        stored = 0
        deadline = time.monotonic() + 300
        while stored < expected and time.monotonic() < deadline:
            time.sleep(0.5)
            stored = _stored_events(dynamodb, table)
        finished = time.perf_counter()
    finally:
        stack.stop()
    elapsed = finished - started
    figures = {
        "deliveries": deliveries,
        "events": stored,
        "deliveries_per_second_accepted": deliveries / (accepted_at - started),
        "events_per_second_end_to_end": stored / elapsed,
        "health_requests_per_second": health_per_second,
    }
    report(
        "Local stack end to end (HTTP -> webhook -> SQS (moto) -> consumer -> DynamoDB (moto))",
        [
            (
                "deliveries x events each",
                f"{deliveries} x {likes_per_delivery} X likes, {SENDERS} concurrent senders",
            ),
            ("events stored / expected", f"{stored} / {expected}"),
            ("deliveries accepted per second", f"{figures['deliveries_per_second_accepted']:.0f}"),
            ("events per second, end to end", f"{figures['events_per_second_end_to_end']:.0f}"),
            ("baseline: GET /health per second", f"{health_per_second:.0f}"),
            (
                "deliveries accepted / health requests",
                f"{figures['deliveries_per_second_accepted'] / health_per_second:.2f}",
            ),
        ],
    )
    return figures


if __name__ == "__main__":
    print(json.dumps(run()))
