"""The local stack's moto patch (infra/local/moto_fidelity.py) changes how long a query takes,
never what it answers: the same queries give the same pages with and without it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = r"""
import json, boto3
from moto import mock_aws
from infra.local.moto_fidelity import scope_queries_to_their_partition
from infra.local.stack import deploy

QUERIES = [
    {"KeyConditionExpression": "pk = :pk", "ExpressionAttributeValues": {":pk": {"S": "EV#x#1#0"}}},
    {"KeyConditionExpression": "pk = :pk AND sk BETWEEN :a AND :b",
     "ExpressionAttributeValues": {":pk": {"S": "EV#x#1#0"}, ":a": {"S": "e03"}, ":b": {"S": "e07"}}},
    {"KeyConditionExpression": "pk = :pk AND begins_with(sk, :p)",
     "ExpressionAttributeValues": {":pk": {"S": "EV#x#2#1"}, ":p": {"S": "e1"}}},
    {"IndexName": "by_time", "KeyConditionExpression": "pk = :pk AND t BETWEEN :a AND :b",
     "ExpressionAttributeValues": {":pk": {"S": "EV#x#1#0"}, ":a": {"S": "2026-11-26T10:02"},
                                   ":b": {"S": "2026-11-26T10:09"}}, "ScanIndexForward": False},
    {"KeyConditionExpression": "pk = :pk", "ExpressionAttributeValues": {":pk": {"S": "nothing"}}},
]

def pages(dynamodb, table, query):
    found, start = [], None
    while True:
        request = {"TableName": table, "Limit": 3, **query, **({"ExclusiveStartKey": start} if start else {})}
        response = dynamodb.query(**request)
        found.append(response["Items"])
        start = response.get("LastEvaluatedKey")
        if not start:
            return found

with mock_aws():
    outputs = deploy(boto3.client("cloudformation", region_name="us-east-1"))
    table = outputs["TableName"]
    dynamodb = boto3.client("dynamodb", region_name="us-east-1")
    for pk in ("EV#x#1#0", "EV#x#2#1", "EV#x#3#0"):
        for n in range(12):
            at = f"2026-11-26T10:{(n * 7) % 12:02d}#{n}"
            item = {"pk": {"S": pk}, "sk": {"S": f"e{n:02d}"}, "t": {"S": at}}
            dynamodb.put_item(TableName=table, Item=item)
    before = [pages(dynamodb, table, q) for q in QUERIES]
    scope_queries_to_their_partition()
    after = [pages(dynamodb, table, q) for q in QUERIES]
    print(json.dumps({"same": before == after, "items": sum(len(p) for q in after for p in q)}))
"""


def test_scoped_queries_answer_exactly_what_moto_answers_unscoped() -> None:
    # Given items in three partitions, and table and index queries with ranges, order and pages
    env = {"AWS_ACCESS_KEY_ID": "t", "AWS_SECRET_ACCESS_KEY": "t", "AWS_DEFAULT_REGION": "us-east-1"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    # Then every page is the same with the partition-scoped queries
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["same"] is True
    assert outcome["items"] > 12


def test_the_sqs_patches_answer_exactly_what_moto_answers() -> None:
    # Given the same scenario (sends, attributes, receives, a redrive, a FIFO queue deduplicating)
    env = {"AWS_ACCESS_KEY_ID": "t", "AWS_SECRET_ACCESS_KEY": "t", "AWS_DEFAULT_REGION": "us-east-1"}

    def outcome(mode: str) -> dict[str, object]:
        result = subprocess.run(
            [sys.executable, "-m", "tests.integration.sqs_fidelity_probe", mode],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        answer: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
        return answer

    # When it runs on moto as it is and on the local stack's patched moto
    plain, patched = outcome("plain"), outcome("patched")
    # Then every answer is the same
    assert patched == plain
    assert plain["fifo_bodies"] == [["f1", None], ["f2", None]]
