"""Integration fixtures: moto in-process, with the resources of infra/template.json deployed
through moto's CloudFormation (the same template as production and the local stack)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import boto3
import pytest
from moto import mock_aws

from infra.local.stack import deploy, resolve_secrets, store_secrets


@dataclass(frozen=True)
class Stack:
    table_name: str
    bucket: str
    queue_url: str
    dead_letter_queue_url: str
    secrets: dict[str, str]


@pytest.fixture
def stack(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stack]:
    with mock_aws():
        outputs = deploy(boto3.client("cloudformation"), stage="local")
        values, _ = resolve_secrets({})
        store_secrets(boto3.client("ssm"), "local", values)
        for name, value in {
            "STAGE": "local",
            "TABLE_NAME": outputs["TableName"],
            "SUMMARY_BUCKET": outputs["SummaryBucketName"],
            "INGEST_QUEUE_URL": outputs["IngestQueueUrl"],
            "PUBLIC_BASE_URL": "http://127.0.0.1:8000",
            "POWERTOOLS_TRACE_DISABLED": "true",
        }.items():
            monkeypatch.setenv(name, value)
        yield Stack(
            table_name=outputs["TableName"],
            bucket=outputs["SummaryBucketName"],
            queue_url=outputs["IngestQueueUrl"],
            dead_letter_queue_url=outputs["IngestDeadLetterQueueUrl"],
            secrets=values,
        )
