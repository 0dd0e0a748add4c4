"""Issue 9, point 9: how long the local stack takes to be ready again with 100,000 stored events.

The real local stack stores 100,000 events (X likes, signed, over HTTP, through the queue and the
consumer), with snapshots every 2,000 journaled requests only; then 10,000 more, and as soon as
they are stored its process group is killed (`kill -9`), so that the restart loads the last snapshot
and replays up to 2,000 requests journaled since (the most a kill can leave). It is started again,
left idle until its periodic snapshot has caught up, stopped, and started once more. Each time runs
from the start command to the first 200 of /health. Baseline in the same run: the start of an empty
stack. Target: ready in under 30 s.
"""

from __future__ import annotations

import json
import re
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import report

EVENTS = 100_000
MORE_EVENTS = 10_000
LIKES_PER_DELIVERY = 100
POSTS = 50
SENDERS = 8
TABLE = "engagement-tracker-local"


def _stored_events(dynamodb: Any) -> int:
    """Events per partition (each post's shards), counted by queries: a scan of moto's whole
    table would take minutes."""
    from chalicelib.adapters.event_store import EVENT_SHARDS

    total = 0
    for post in range(POSTS):
        for shard in range(EVENT_SHARDS):
            kwargs: dict[str, Any] = {
                "TableName": TABLE,
                "KeyConditionExpression": "pk = :pk",
                "ExpressionAttributeValues": {":pk": {"S": f"EV#x#tw{post}#{shard}"}},
                "Select": "COUNT",
            }
            while True:
                page = dynamodb.query(**kwargs)
                total += page["Count"]
                if "LastEvaluatedKey" not in page:
                    break
                kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return total


def _timed_start(log: Path, local_dir: Path, env: dict[str, str] | None = None) -> tuple[Any, float]:
    from infra.local.harness import start

    started = time.perf_counter()
    stack = start(log, env, local_dir=local_dir)
    return stack, time.perf_counter() - started


def _replayed(log: Path) -> str:
    lines = re.findall(r"local AWS restored in .*", log.read_text(errors="replace"))
    return lines[-1] if lines else "?"


def _send_likes(stack: Any, senders: Any, events: int, first: int) -> None:
    from infra.local import senders as payloads
    from infra.local.harness import send_signed, wait_until_ingested

    at = datetime.now(UTC) - timedelta(hours=1)
    deliveries = [
        senders.x(payloads.x_likes("1234", f"tw{n % POSTS}", at, count=LIKES_PER_DELIVERY))
        for n in range(first, first + events // LIKES_PER_DELIVERY)
    ]
    with ThreadPoolExecutor(SENDERS) as pool:
        assert set(pool.map(lambda r: send_signed(stack, r), deliveries)) == {200}
    wait_until_ingested(stack, timeout_seconds=1800)


def run(events: int = EVENTS) -> dict[str, Any]:
    from infra.local.harness import aws_client
    from infra.local.senders import Senders
    from infra.local.stack import read_env_file

    work = Path(tempfile.mkdtemp())
    empty, empty_seconds = _timed_start(work / "empty.log", work / "empty")
    empty.stop()

    log, state = work / "full.log", work / "full"
    # Snapshots by count only (every 2,000 journaled requests): the kill then leaves up to that many
    # to replay, the most a kill -9 can leave.
    stack, _ = _timed_start(log, state, {"LOCAL_SNAPSHOT_EVERY_SECONDS": "86400"})
    try:
        senders = Senders(read_env_file(state / "secrets.env"))
        ingest_started = time.perf_counter()
        _send_likes(stack, senders, events, 0)
        ingest_seconds = time.perf_counter() - ingest_started
        _send_likes(stack, senders, MORE_EVENTS, events // LIKES_PER_DELIVERY)
        stored = _stored_events(aws_client(stack, "dynamodb"))
    finally:
        stack.kill()  # at once: what was journaled since the last snapshot is replayed

    # Started again with the default cadence (here every 2 s, so the bench need not wait 30 s): once
    # idle, the snapshot catches up and the journal after it is empty, as after a quiet moment.
    killed, killed_seconds = _timed_start(log, state, {"LOCAL_SNAPSHOT_EVERY_SECONDS": "2"})
    killed_replay = _replayed(log)
    killed_stored = _stored_events(aws_client(killed, "dynamodb"))
    time.sleep(20)  # a snapshot of 110,000 events takes a few seconds in its child
    killed.stop()
    clean, clean_seconds = _timed_start(log, state)
    clean_replay = _replayed(log)
    clean_stored = _stored_events(aws_client(clean, "dynamodb"))
    clean.stop()

    figures = {
        "events_stored": stored,
        "ingest_seconds": ingest_seconds,
        "empty_start_seconds": empty_seconds,
        "restart_after_kill_9_seconds": killed_seconds,
        "restart_after_idle_and_clean_stop_seconds": clean_seconds,
        "events_after_kill_9_restart": killed_stored,
        "events_after_clean_restart": clean_stored,
    }
    report(
        "Local stack restart with stored events (state under LOCAL_DIR/state)",
        [
            (
                "events stored (X likes, through HTTP, queue, consumer)",
                f"{stored} ({events} in {ingest_seconds:.0f} s, then {MORE_EVENTS})",
            ),
            ("baseline: start of an empty stack", f"{empty_seconds:.1f} s"),
            (
                "restart after kill -9",
                f"{killed_seconds:.1f} s ({killed_seconds / empty_seconds:.2f}x), {killed_stored} events;"
                f" {killed_replay}",
            ),
            (
                "restart after an idle moment and a clean stop",
                f"{clean_seconds:.1f} s ({clean_seconds / empty_seconds:.2f}x), {clean_stored} events;"
                f" {clean_replay}",
            ),
            ("target", "ready in under 30 s"),
        ],
    )
    return figures


if __name__ == "__main__":
    print(json.dumps(run()))
