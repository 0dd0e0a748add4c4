"""What the Lambda service does around our functions, rebuilt for the local stack:
an SQS event source mapping (poll, invoke with real records, delete what did not fail) and
EventBridge schedules (fire each scheduled function when its expression says). The handlers they
invoke run in the functions' own containers (infra.local.containers), one invocation at a time each.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from infra.local.schedules import parse

log = logging.getLogger("local.runtime")

Handler = Callable[[dict[str, Any], Any], Any]


class LambdaContext:
    """The attributes Powertools and Chalice read from a Lambda context."""

    def __init__(self, function_name: str, timeout_seconds: int = 60) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = 512
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{function_name}"
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "local"
        self._deadline = time.monotonic() + timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def sqs_event(messages: list[dict[str, Any]], queue_arn: str, region: str) -> dict[str, Any]:
    """An SQS event as Lambda delivers it: one record per message, each with its own messageId."""
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": message.get("Attributes", {}),
                "messageAttributes": message.get("MessageAttributes", {}),
                "md5OfBody": message.get("MD5OfBody", ""),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": region,
            }
            for message in messages
        ]
    }


def failed_message_ids(response: Any) -> set[str]:
    """The ids a handler reported in `batchItemFailures` (ReportBatchItemFailures)."""
    if not isinstance(response, dict):
        return set()
    return {
        str(item.get("itemIdentifier"))
        for item in response.get("batchItemFailures") or []
        if isinstance(item, dict)
    }


class QueuePoller(threading.Thread):
    """Polls one queue and invokes its consumer like Lambda's event source mapping.

    Messages the handler reports as failed, and every message of a batch whose invocation raised,
    are left on the queue: they come back after the visibility timeout and, after the queue's
    maxReceiveCount, move to the dead-letter queue, exactly as in AWS.
    """

    def __init__(
        self,
        *,
        sqs: Any,
        queue_url: str,
        function_name: str,
        handler: Handler,
        stop: threading.Event,
        batch_size: int = 10,
        wait_seconds: int = 1,
        idle_seconds: float = 0.2,
    ) -> None:
        super().__init__(name=f"poller-{function_name}", daemon=True)
        self._sqs = sqs
        self._queue_url = queue_url
        self._function_name = function_name
        self._handler = handler
        self._stop_event = stop
        self._batch_size = batch_size
        self._wait_seconds = wait_seconds
        # Without a long poll, how long an empty queue waits before the next receive.
        self._idle_seconds = idle_seconds if wait_seconds == 0 else 0.0
        attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])
        self._queue_arn = attributes["Attributes"]["QueueArn"]
        self._region = sqs.meta.region_name

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                if self.poll_once() == 0 and self._idle_seconds:
                    self._stop_event.wait(self._idle_seconds)
            except Exception as error:  # the loop must survive a moto hiccup; say so in one line
                log.warning("queue poll failed: %s: %s", type(error).__name__, error)
                self._stop_event.wait(1)

    def _receive(self) -> list[dict[str, Any]]:
        """Up to batch_size messages, 10 per ReceiveMessage as SQS allows; like Lambda, a batch is
        what is available now, not a wait for a full one."""
        messages: list[dict[str, Any]] = []
        seen: set[str] = set()
        while len(messages) < self._batch_size:
            received = self._sqs.receive_message(
                QueueUrl=self._queue_url,
                MaxNumberOfMessages=min(10, self._batch_size - len(messages)),
                WaitTimeSeconds=0 if messages else self._wait_seconds,
                AttributeNames=["All"],
                MessageAttributeNames=["All"],
            ).get("Messages", [])
            fresh = [m for m in received if m["MessageId"] not in seen]
            if not fresh:  # nothing more, or (visibility 0) the same messages again
                break
            seen.update(m["MessageId"] for m in fresh)
            messages.extend(fresh)
            if len(received) < 10:  # the queue had no more to give
                break
        return messages

    def poll_once(self) -> int:
        """Receive one batch, invoke the handler, delete what succeeded; returns messages deleted."""
        messages = self._receive()
        if not messages:
            return 0
        event = sqs_event(messages, self._queue_arn, self._region)
        try:
            response = self._handler(event, LambdaContext(self._function_name))
        except Exception as error:
            log.warning("consumer %s failed its whole batch: %s", self._function_name, type(error).__name__)
            return 0
        failed = failed_message_ids(response)
        done = [m for m in messages if m["MessageId"] not in failed]
        if done:
            self._sqs.delete_message_batch(
                QueueUrl=self._queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)],
            )
        return len(done)


def scheduled_event(rule_name: str, moment: datetime) -> dict[str, Any]:
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": "us-east-1",
        "resources": [f"arn:aws:events:us-east-1:123456789012:rule/{rule_name}"],
        "detail": {},
    }


class VirtualClock:
    """Schedule time that runs `speedup` times faster than the wall clock (LOCAL_SCHEDULE_SPEEDUP)."""

    def __init__(self, speedup: float, start: datetime | None = None) -> None:
        if speedup <= 0:
            raise ValueError("the speed-up must be positive")
        self.speedup = speedup
        self._start_virtual = start or datetime.now(UTC)
        self._start_real = time.monotonic()

    def now(self) -> datetime:
        elapsed = (time.monotonic() - self._start_real) * self.speedup
        return self._start_virtual + timedelta(seconds=elapsed)

    def real_seconds_until(self, moment: datetime) -> float:
        return max(0.0, (moment - self.now()).total_seconds() / self.speedup)


class ScheduledFunction(threading.Thread):
    """Fires one scheduled function whenever its expression comes due on the virtual clock."""

    def __init__(
        self,
        *,
        function_name: str,
        expression: str,
        handler: Handler,
        clock: VirtualClock,
        stop: threading.Event,
    ) -> None:
        super().__init__(name=f"schedule-{function_name}", daemon=True)
        self.function_name = function_name
        self.expression = expression
        self._schedule = parse(expression)
        self._handler = handler
        self._clock = clock
        self._stop_event = stop
        self.runs = 0
        # EventBridge counts a rate from when the rule is created, not from when a thread starts.
        self._first_due = self._schedule.next_after(clock.now())

    def run(self) -> None:
        due = self._first_due
        while not self._stop_event.wait(min(1.0, self._clock.real_seconds_until(due))):
            if self._clock.now() < due:
                continue
            self._invoke(due)
            # The next fire keeps the schedule's cadence (no drift by the run's own duration);
            # fires a slow run made us miss are skipped, not made up.
            now = self._clock.now()
            due = self._schedule.next_after(due)
            while due <= now:
                due = self._schedule.next_after(due)

    def _invoke(self, moment: datetime) -> None:
        self.runs += 1
        try:
            result = self._handler(
                scheduled_event(self.function_name, moment), LambdaContext(self.function_name)
            )
            log.info("scheduled %s ran: %s", self.function_name, json.dumps(result, default=str)[:300])
        except Exception as error:
            log.warning("scheduled %s failed: %s", self.function_name, type(error).__name__)
