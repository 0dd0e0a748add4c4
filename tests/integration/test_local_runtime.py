"""The local stack's Lambda stand-ins: the SQS event source mapping and the scheduler."""

from __future__ import annotations

import itertools
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from moto import mock_aws

from infra.local.lambda_runtime import QueuePoller, ScheduledFunction, VirtualClock, sqs_event
from tests.conftest import unique


@pytest.fixture
def sqs() -> Any:
    with mock_aws():
        yield boto3.client("sqs")


def _queue_with_dead_letters(sqs: Any, max_receives: int = 5) -> tuple[str, str]:
    dlq_url = sqs.create_queue(QueueName=unique("dlq"))["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    queue_url = sqs.create_queue(
        QueueName=unique("ingest"),
        Attributes={
            "VisibilityTimeout": "0",
            "RedrivePolicy": f'{{"deadLetterTargetArn": "{dlq_arn}", "maxReceiveCount": "{max_receives}"}}',
        },
    )["QueueUrl"]
    return queue_url, dlq_url


def _poller(sqs: Any, queue_url: str, handler: Any, **options: Any) -> QueuePoller:
    return QueuePoller(
        sqs=sqs,
        queue_url=queue_url,
        function_name="ingest",
        handler=handler,
        stop=threading.Event(),
        wait_seconds=0,
        **options,
    )


def _count(sqs: Any, queue_url: str) -> int:
    attributes = sqs.get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


def test_records_carry_distinct_message_ids(sqs: Any) -> None:
    # Given three messages on the queue
    queue_url, _ = _queue_with_dead_letters(sqs)
    for n in range(3):
        sqs.send_message(QueueUrl=queue_url, MessageBody=f"m{n}")
    seen: list[dict[str, Any]] = []

    def handler(event: dict[str, Any], _context: Any) -> dict[str, Any]:
        seen.extend(event["Records"])
        return {"batchItemFailures": []}

    # When the poller delivers them
    _poller(sqs, queue_url, handler).poll_once()
    # Then each record is a real SQS record with its own id, and the queue is empty
    assert len({r["messageId"] for r in seen}) == 3
    assert all(r["eventSource"] == "aws:sqs" and r["receiptHandle"] for r in seen)
    assert _count(sqs, queue_url) == 0


def test_only_messages_reported_as_failed_stay_on_the_queue(sqs: Any) -> None:
    queue_url, _ = _queue_with_dead_letters(sqs)
    for body in ("good-1", "bad", "good-2"):
        sqs.send_message(QueueUrl=queue_url, MessageBody=body)

    def handler(event: dict[str, Any], _context: Any) -> dict[str, Any]:
        failed = [r["messageId"] for r in event["Records"] if r["body"] == "bad"]
        return {"batchItemFailures": [{"itemIdentifier": i} for i in failed]}

    deleted = _poller(sqs, queue_url, handler).poll_once()
    assert deleted == 2
    remaining = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in remaining] == ["bad"]


def test_a_handler_that_raises_leaves_the_whole_batch(sqs: Any) -> None:
    queue_url, _ = _queue_with_dead_letters(sqs)
    sqs.send_message(QueueUrl=queue_url, MessageBody="x")

    def handler(_event: dict[str, Any], _context: Any) -> None:
        raise RuntimeError("crash")

    assert _poller(sqs, queue_url, handler).poll_once() == 0
    assert _count(sqs, queue_url) == 1


def test_a_poison_message_reaches_the_dead_letter_queue_after_five_receives(sqs: Any) -> None:
    # Given a poison message among good ones
    queue_url, dlq_url = _queue_with_dead_letters(sqs, max_receives=5)
    sqs.send_message(QueueUrl=queue_url, MessageBody="poison")
    receives = 0

    def handler(event: dict[str, Any], _context: Any) -> dict[str, Any]:
        nonlocal receives
        receives += 1
        return {"batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in event["Records"]]}

    poller = _poller(sqs, queue_url, handler)
    # When it fails on every receive
    for _ in range(7):
        poller.poll_once()
    # Then it was tried five times and now waits in the dead-letter queue
    assert receives == 5
    assert _count(sqs, queue_url) == 0
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=dlq_url)["Messages"]] == ["poison"]


def test_sqs_event_shape_matches_lambda() -> None:
    event = sqs_event(
        [{"MessageId": "a", "ReceiptHandle": "r", "Body": "b"}], "arn:aws:sqs:us-east-1:1:q", "us-east-1"
    )
    record = event["Records"][0]
    assert record["eventSourceARN"] == "arn:aws:sqs:us-east-1:1:q"
    assert record["awsRegion"] == "us-east-1"


def started_on_a_600x_clock(
    function_name: str, expression: str, runs: list[Any], stop: threading.Event
) -> ScheduledFunction:
    """A scheduled function, started, that appends its events to `runs`, on a clock at 12:00:30 that runs
    600 times faster than the wall clock (a minute is 0.1 s)."""
    clock = VirtualClock(speedup=600, start=datetime(2026, 11, 26, 12, 0, 30, tzinfo=UTC))
    scheduled = ScheduledFunction(
        function_name=function_name,
        expression=expression,
        handler=lambda e, _c: runs.append(e),
        clock=clock,
        stop=stop,
    )
    scheduled.start()
    return scheduled


def test_a_scheduled_function_fires_on_its_rate_with_the_speed_up() -> None:
    # Given "every minute" on a clock 600 times faster than the wall clock (a minute is 0.1 s)
    runs: list[dict[str, Any]] = []
    stop = threading.Event()
    scheduled = started_on_a_600x_clock("publish", "rate(1 minute)", runs, stop)
    # When it runs until it has fired four times (bounded: 5 s even on a loaded machine)
    deadline = time.monotonic() + 5
    while len(runs) < 4 and time.monotonic() < deadline:
        time.sleep(0.02)
    stop.set()
    scheduled.join(timeout=2)
    # Then it fired once per virtual minute, on the minute after the last, with scheduled events
    assert len(runs) >= 4
    times = [datetime.fromisoformat(run["time"].replace("Z", "+00:00")) for run in runs[:4]]
    assert [b - a for a, b in itertools.pairwise(times)] == [timedelta(minutes=1)] * 3
    assert times[0] == datetime(2026, 11, 26, 12, 1, 30, tzinfo=UTC)
    assert runs[0]["detail-type"] == "Scheduled Event"


def test_a_cron_schedule_waits_for_its_minute() -> None:
    # Given "at minute 0 of every hour" at 12:00:30 on a 600x clock (the next run is 59.5 min away = ~6 s)
    runs: list[Any] = []
    stop = threading.Event()
    scheduled = started_on_a_600x_clock("pull", "cron(0 * * * ? *)", runs, stop)
    time.sleep(0.5)
    stop.set()
    scheduled.join(timeout=2)
    # Then it has not fired yet
    assert runs == []


def test_a_batch_larger_than_one_receive_is_gathered(sqs: Any) -> None:
    # Given 25 messages and a consumer configured for batches of 100 (SQS returns 10 per receive)
    attributes = {"VisibilityTimeout": "30"}
    queue_url = sqs.create_queue(QueueName=unique("ingest"), Attributes=attributes)["QueueUrl"]
    for n in range(25):
        sqs.send_message(QueueUrl=queue_url, MessageBody=f"m{n}")
    batches: list[int] = []

    def handler(event: dict[str, Any], _context: Any) -> dict[str, Any]:
        batches.append(len(event["Records"]))
        return {"batchItemFailures": []}

    poller = _poller(sqs, queue_url, handler, batch_size=100)
    # When it polls once
    deleted = poller.poll_once()
    # Then one invocation got all 25, and all were deleted
    assert batches == [25]
    assert deleted == 25
