"""The local AWS's journal and snapshots (infra/local/durable.py): what moto acknowledged comes back
after a restart, once, with SQS message ids intact.

Each test serves moto through DurableMoto on a loopback port, writes through boto3, then "restarts":
moto's backends are emptied (as a new process would have them) and the state folder is restored.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.core.base_backend import BackendDict
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

from infra.local.durable import SNAPSHOT_FILE, DurableMoto, RestoreReport
from tests.conftest import unique


class LocalAws:
    def __init__(self, state_dir: Path) -> None:
        self.state_dir = state_dir
        self.durable: DurableMoto | None = None
        self._server: Any = None

    def start(self) -> RestoreReport:
        self.durable = DurableMoto(DomainDispatcherApplication(create_backend_app), self.state_dir)
        report = self.durable.restore()
        self._server = make_server(
            "127.0.0.1", 0, self.durable, threaded=True, request_handler=MotoRequestHandler
        )
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return report

    def client(self, service: str) -> Any:
        port = self._server.server_address[1]
        return boto3.client(
            service,
            endpoint_url=f"http://127.0.0.1:{port}",
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )

    def crash(self) -> None:
        """Stop serving and forget everything in memory, as `kill -9` and a new process would."""
        self._server.shutdown()
        self._server.server_close()
        BackendDict.reset()


@pytest.fixture
def local_aws(tmp_path: Path) -> Iterator[LocalAws]:
    BackendDict.reset()
    aws = LocalAws(tmp_path / "aws")
    aws.start()
    yield aws
    aws.crash()


def _table(dynamodb: Any) -> str:
    name = unique("table")
    dynamodb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    return name


def _put(dynamodb: Any, table: str, count: int, start: int = 0) -> None:
    for first in range(start, start + count, 25):
        dynamodb.batch_write_item(
            RequestItems={
                table: [
                    {"PutRequest": {"Item": {"pk": {"S": f"p{n % 7}"}, "sk": {"S": f"s{n}"}}}}
                    for n in range(first, min(first + 25, start + count))
                ]
            }
        )


def _count(dynamodb: Any, table: str) -> int:
    return int(dynamodb.scan(TableName=table, Select="COUNT")["Count"])


def test_an_acknowledged_write_is_in_the_journal_before_the_answer_returns(local_aws: LocalAws) -> None:
    # Given a table
    dynamodb = local_aws.client("dynamodb")
    table = _table(dynamodb)
    # When one item is written and its answer has come back
    dynamodb.put_item(TableName=table, Item={"pk": {"S": "a"}, "sk": {"S": "b"}})
    # Then the journal on disk already holds it (flushed before moto's answer left)
    journal = "".join(path.read_text() for path in local_aws.state_dir.glob("journal-*.jsonl"))
    targets = [json.loads(line)["environ"].get("HTTP_X_AMZ_TARGET") for line in journal.splitlines()]
    assert targets == ["DynamoDB_20120810.CreateTable", "DynamoDB_20120810.PutItem"]


def test_reads_are_not_journaled(local_aws: LocalAws) -> None:
    dynamodb = local_aws.client("dynamodb")
    table = _table(dynamodb)
    for _ in range(3):
        dynamodb.scan(TableName=table)
        dynamodb.describe_table(TableName=table)
    lines = "".join(path.read_text() for path in local_aws.state_dir.glob("journal-*.jsonl")).splitlines()
    assert len(lines) == 1  # the CreateTable


def test_a_restart_replays_the_journal_to_the_same_items(local_aws: LocalAws) -> None:
    # Given 300 items written
    dynamodb = local_aws.client("dynamodb")
    table = _table(dynamodb)
    _put(dynamodb, table, 300)
    # When the process dies and a new one restores the state folder
    local_aws.crash()
    report = local_aws.start()
    # Then the 300 items are there, from the journal alone
    assert _count(local_aws.client("dynamodb"), table) == 300
    assert report.replayed_requests == 13  # CreateTable + 12 batches of 25
    assert not report.snapshot_loaded


def test_a_restart_loads_the_snapshot_and_replays_only_what_came_after(local_aws: LocalAws) -> None:
    # Given items written before a snapshot and others after it
    dynamodb = local_aws.client("dynamodb")
    table = _table(dynamodb)
    _put(dynamodb, table, 100)
    assert local_aws.durable is not None
    assert local_aws.durable.snapshot_in_background()
    _put(dynamodb, table, 50, start=100)
    # When the process dies and a new one restores
    local_aws.crash()
    report = local_aws.start()
    # Then all are there: the snapshot's and the two batches journaled after it
    assert _count(local_aws.client("dynamodb"), table) == 150
    assert report.snapshot_loaded
    assert report.replayed_requests == 2
    assert (local_aws.state_dir / SNAPSHOT_FILE).exists()


def test_sqs_messages_keep_their_ids_and_deleted_ones_stay_deleted(local_aws: LocalAws) -> None:
    # Given five messages sent, two received and deleted
    sqs = local_aws.client("sqs")
    queue_url = sqs.create_queue(QueueName=unique("queue"))["QueueUrl"]
    sent = {sqs.send_message(QueueUrl=queue_url, MessageBody=f"m{n}")["MessageId"] for n in range(5)}
    received = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=2)["Messages"]
    sqs.delete_message_batch(
        QueueUrl=queue_url,
        Entries=[{"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(received)],
    )
    # When the process dies and a new one restores
    local_aws.crash()
    local_aws.start()
    # Then the three others are there with the ids their sender was given, visible at once
    sqs = local_aws.client("sqs")
    left = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)["Messages"]
    assert {m["MessageId"] for m in left} == sent - {m["MessageId"] for m in received}


def test_a_message_in_flight_at_the_crash_is_visible_again_after_the_restart(local_aws: LocalAws) -> None:
    # Given a message received (in flight for 10 minutes) but not deleted, and a snapshot of that
    sqs = local_aws.client("sqs")
    queue_url = sqs.create_queue(QueueName=unique("queue"), Attributes={"VisibilityTimeout": "600"})[
        "QueueUrl"
    ]
    sqs.send_message(QueueUrl=queue_url, MessageBody="in flight")
    assert sqs.receive_message(QueueUrl=queue_url)["Messages"]
    assert local_aws.durable is not None
    assert local_aws.durable.snapshot_in_background()
    # When the process dies and a new one restores
    local_aws.crash()
    local_aws.start()
    # Then the new consumers get it at once
    messages = local_aws.client("sqs").receive_message(QueueUrl=queue_url)["Messages"]
    assert [m["Body"] for m in messages] == ["in flight"]


def test_a_torn_last_line_is_ignored(local_aws: LocalAws) -> None:
    # Given a journal whose last line was cut by the crash (that request was never answered)
    dynamodb = local_aws.client("dynamodb")
    table = _table(dynamodb)
    _put(dynamodb, table, 25)
    local_aws.crash()
    journal = max(local_aws.state_dir.glob("journal-*.jsonl"))
    with journal.open("a") as out:
        out.write('{"environ": {"REQUEST_METHOD": "PO')
    # When a new process restores
    local_aws.start()
    # Then what was whole is there
    assert _count(local_aws.client("dynamodb"), table) == 25


def test_s3_objects_and_ssm_parameters_come_back(local_aws: LocalAws) -> None:
    s3, ssm = local_aws.client("s3"), local_aws.client("ssm")
    bucket = unique("bucket").lower().replace("_", "-")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="a/summary.json", Body=b'{"x": 1}')
    ssm.put_parameter(Name="/engagement-tracker/local/ADMIN_TOKEN", Value="t0k", Type="SecureString")
    local_aws.crash()
    local_aws.start()
    s3, ssm = local_aws.client("s3"), local_aws.client("ssm")
    assert s3.get_object(Bucket=bucket, Key="a/summary.json")["Body"].read() == b'{"x": 1}'
    parameter = ssm.get_parameter(Name="/engagement-tracker/local/ADMIN_TOKEN", WithDecryption=True)
    assert parameter["Parameter"]["Value"] == "t0k"
