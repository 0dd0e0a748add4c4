"""Integration fixtures: moto in-process, with the resources of infra/template.json deployed
through moto's CloudFormation (the same template as production and the local stack)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from moto import mock_aws

from infra.local.stack import in_process
from tests.fakes.platform_server import PlatformServer
from tests.integration.management_client import Api, Callers, callers


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


@pytest.fixture
def api(stack: Stack) -> Iterator[Api]:
    """The REST API through Chalice's test client, webhook routes through the webhook Function URL."""
    import app as app_module  # late: collecting the tests that make no request imports no app
    from tests.integration.function_url_client import front_doors

    with front_doors(app_module.app) as client:
        yield Api(client)


@pytest.fixture
def who(api: Api, stack: Stack) -> Callers:
    return callers(api, stack.secrets["ADMIN_TOKEN"])


@pytest.fixture
def fakes(monkeypatch: pytest.MonkeyPatch) -> Iterator[PlatformServer]:
    """Loopback fakes of the platforms' APIs, where the pullers and the moderation actions reach them."""
    server = PlatformServer().start()
    monkeypatch.setenv("META_GRAPH_BASE", f"{server.base_url}/graph")
    monkeypatch.setenv("YOUTUBE_API_BASE", f"{server.base_url}/youtube/v3")
    monkeypatch.setenv("X_API_BASE", f"{server.base_url}/2")
    yield server
    server.stop()


def put_secrets(**values: str) -> None:
    """Platform credentials in the local stage's parameters, as an operator stores them."""
    import boto3

    ssm = boto3.client("ssm")
    for name, value in values.items():
        ssm.put_parameter(
            Name=f"/engagement-tracker/local/{name}", Value=value, Type="SecureString", Overwrite=True
        )
