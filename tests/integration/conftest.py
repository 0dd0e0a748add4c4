"""Integration fixtures: moto in-process, with the resources of infra/template.json deployed
through moto's CloudFormation (the same template as production and the local stack)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from moto import mock_aws

from infra.local.stack import in_process


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
        outputs, values, environment = in_process()
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        yield Stack(
            table_name=outputs["TableName"],
            bucket=outputs["SummaryBucketName"],
            queue_url=outputs["IngestQueueUrl"],
            dead_letter_queue_url=outputs["IngestDeadLetterQueueUrl"],
            secrets=values,
        )
