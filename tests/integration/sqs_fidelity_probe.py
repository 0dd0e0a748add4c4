"""Run by tests/integration/test_moto_fidelity.py in a process of its own (the patches are for the
whole process): one SQS scenario on moto, patched or not, printed as JSON."""

from __future__ import annotations

import json
import sys
from typing import Any

import boto3
from moto import mock_aws

from infra.local.moto_fidelity import queue_attributes_computed_when_read, receive_in_time_linear_in_the_queue

STAMPS = {"CreatedTimestamp", "LastModifiedTimestamp"}


def plain(messages: list[dict[str, Any]]) -> list[tuple[str, str | None]]:
    return sorted((m["Body"], m.get("Attributes", {}).get("ApproximateReceiveCount")) for m in messages)


def attributes(sqs: Any, url: str, names: list[str]) -> dict[str, str]:
    found = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    return {name: value for name, value in found.items() if name not in STAMPS}


def scenario() -> dict[str, Any]:
    sqs = boto3.client("sqs", region_name="us-east-1")
    dlq = sqs.create_queue(QueueName="dead")["QueueUrl"]
    dlq_arn = attributes(sqs, dlq, ["QueueArn"])["QueueArn"]
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "2"})
    settings = {"VisibilityTimeout": "0", "RedrivePolicy": redrive, "MessageRetentionPeriod": "600"}
    queue = sqs.create_queue(QueueName="work", Attributes=settings)["QueueUrl"]
    fifo_settings = {"FifoQueue": "true", "ContentBasedDeduplication": "true"}
    fifo = sqs.create_queue(QueueName="work.fifo", Attributes=fifo_settings)["QueueUrl"]
    for n in range(25):
        sqs.send_message(QueueUrl=queue, MessageBody=f"m{n}")
    for n in (1, 1, 2):  # content-based deduplication keeps one "f1"
        sqs.send_message(QueueUrl=fifo, MessageBody=f"f{n}", MessageGroupId="g")
    seen: dict[str, Any] = {
        "all": attributes(sqs, queue, ["All"]),
        "some": attributes(sqs, queue, ["ApproximateNumberOfMessages", "RedrivePolicy"]),
        "fifo": attributes(sqs, fifo, ["All"]),
    }
    rounds = []
    for _ in range(4):  # after its second receive a message goes to the dead-letter queue
        received = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, AttributeNames=["All"])
        rounds.append(plain(received.get("Messages", [])))
    seen["rounds"] = rounds
    seen["fifo_bodies"] = plain(
        sqs.receive_message(QueueUrl=fifo, MaxNumberOfMessages=10).get("Messages", [])
    )
    seen["dead"] = attributes(sqs, dlq, ["ApproximateNumberOfMessages"])
    return seen


if __name__ == "__main__":
    if sys.argv[1] == "patched":
        receive_in_time_linear_in_the_queue()
        queue_attributes_computed_when_read()
    with mock_aws():
        print(json.dumps(scenario(), sort_keys=True))
