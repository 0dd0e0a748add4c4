"""Issue 9, point 9: how long the local stack takes to be ready again with 100,000 stored events.

The real local stack stores 100,000 events (X likes, signed, over HTTP, through the queue and the
consumer) and is killed (`kill -9` of its process group) as soon as they are stored; it is started
again on the same state (the last snapshot plus the journal since), stopped cleanly (one snapshot),
and started once more. Each time is
from the start command to the first 200 of /health. Baseline in the same run: the start of an
empty stack. Target: ready in under 30 s.
"""

from __future__ import annotations

import json
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import report

EVENTS = 100_000
LIKES_PER_DELIVERY = 100
SENDERS = 8


def _stored_events(dynamodb: Any) -> int:
    count, kwargs = 0, {"TableName": "engagement-tracker-local", "ProjectionExpression": "pk, sk"}
    while True:
        page = dynamodb.scan(**kwargs)
        count += sum(1 for i in page["Items"] if i["pk"]["S"].startswith("EV#"))
        if "LastEvaluatedKey" not in page:
            return count
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _timed_start(log: Path, local_dir: Path, env: dict[str, str] | None = None) -> tuple[Any, float]:
    from infra.local.harness import start

    started = time.perf_counter()
    stack = start(log, env, local_dir=local_dir)
    return stack, time.perf_counter() - started


def run(events: int = EVENTS) -> dict[str, float]:
    from infra.local import senders as payloads
    from infra.local.harness import aws_client, send_signed, wait_until_ingested
    from infra.local.senders import Senders
    from infra.local.stack import read_env_file

    work = Path(tempfile.mkdtemp())
    empty, empty_seconds = _timed_start(work / "empty.log", work / "empty")
    empty.stop()

    stack, _ = _timed_start(work / "full.log", work / "full")
    try:
        senders = Senders(read_env_file(work / "full" / "secrets.env"))
        at = datetime.now(UTC) - timedelta(hours=1)
        deliveries = [
            senders.x(payloads.x_likes("1234", f"tw{n % 50}", at, count=LIKES_PER_DELIVERY))
            for n in range(events // LIKES_PER_DELIVERY)
        ]
        ingest_started = time.perf_counter()
        with ThreadPoolExecutor(SENDERS) as pool:
            assert set(pool.map(lambda r: send_signed(stack, r), deliveries)) == {200}
        wait_until_ingested(stack, timeout_seconds=1800)
        ingest_seconds = time.perf_counter() - ingest_started
        stored = _stored_events(aws_client(stack, "dynamodb"))
    finally:
        stack.kill()  # at once after the work: the journal since the last snapshot is replayed

    killed, killed_seconds = _timed_start(work / "full.log", work / "full")
    killed_stored = _stored_events(aws_client(killed, "dynamodb"))
    killed.stop()  # a clean stop writes one snapshot
    clean, clean_seconds = _timed_start(work / "full.log", work / "full")
    clean_stored = _stored_events(aws_client(clean, "dynamodb"))
    clean.stop()

    figures = {
        "events_stored": stored,
        "ingest_seconds": ingest_seconds,
        "empty_start_seconds": empty_seconds,
        "restart_after_clean_stop_seconds": clean_seconds,
        "restart_after_kill_9_seconds": killed_seconds,
        "events_after_clean_restart": clean_stored,
        "events_after_kill_9_restart": killed_stored,
    }
    report(
        "Local stack restart with stored events (state under LOCAL_DIR/state)",
        [
            ("events stored (X likes, through HTTP, queue, consumer)", f"{stored} in {ingest_seconds:.0f} s"),
            ("baseline: start of an empty stack", f"{empty_seconds:.1f} s"),
            (
                "restart after a clean stop (snapshot)",
                f"{clean_seconds:.1f} s ({clean_seconds / empty_seconds:.2f}x), {clean_stored} events",
            ),
            (
                "restart after kill -9 (snapshot + journal)",
                f"{killed_seconds:.1f} s ({killed_seconds / empty_seconds:.2f}x), {killed_stored} events",
            ),
            ("target", "ready in under 30 s"),
        ],
    )
    return figures


if __name__ == "__main__":
    print(json.dumps(run()))
