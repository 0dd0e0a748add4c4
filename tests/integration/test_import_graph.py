"""What a webhook delivery makes a fresh function load: never the publish path's Jinja2 or Babel.

A fresh interpreter (a cold container) imports `app` and answers one signed delivery through the
webhook function's handler (a Function URL's payload 2.0 event), against a moto server running in this
process (moto itself uses Jinja2, so it must not share the interpreter), then lists every module it
loaded.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer

from chalicelib.observability import tracing_on
from infra.local import senders as payloads
from infra.local.senders import Senders
from infra.local.stack import deploy, resolve_secrets, store_secrets

ROOT = Path(__file__).resolve().parents[2]
PUBLISH_ONLY = ("jinja2", "babel", "markupsafe")

CHILD = """
import json, sys
import app
request = json.loads(sys.stdin.read())
event = {
    "version": "2.0",
    "routeKey": "$default",
    "rawPath": request["path"],
    "rawQueryString": "",
    "headers": request["headers"],
    "requestContext": {"http": {"method": "POST", "path": request["path"], "sourceIp": "127.0.0.1"}},
    "body": request["body"],
    "isBase64Encoded": True,
}

class Context:
    function_name = "webhooks"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:eu-west-3:123456789012:function:webhooks"
    aws_request_id = "import-graph"
    def get_remaining_time_in_millis(self):
        return 10_000

answer = app.webhooks(event, Context())
print(json.dumps({"status": answer["statusCode"], "modules": sorted(sys.modules)}))
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def moto_stack() -> Iterator[dict[str, str]]:
    """A moto server with the infra/ stack and the local secrets; the environment a function sees."""
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    try:
        session = boto3.session.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
        )
        outputs = deploy(session.client("cloudformation", endpoint_url=endpoint), stage="local")
        secrets, _ = resolve_secrets({})
        store_secrets(session.client("ssm", endpoint_url=endpoint), "local", secrets)
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("AWS_", "POWERTOOLS_", "LAMBDA_", "_X_AMZN"))
        }
        env.update(
            AWS_ACCESS_KEY_ID="testing",
            AWS_SECRET_ACCESS_KEY="testing",
            AWS_DEFAULT_REGION="us-east-1",
            AWS_REGION="us-east-1",
            AWS_ENDPOINT_URL=endpoint,
            STAGE="local",
            TABLE_NAME=outputs["TableName"],
            SUMMARY_BUCKET=outputs["SummaryBucketName"],
            INGEST_QUEUE_URL=outputs["IngestQueueUrl"],
            PUBLIC_BASE_URL="http://127.0.0.1:8000",
            POWERTOOLS_TRACE_DISABLED="true",
            **{f"SECRET_{name}": value for name, value in secrets.items()},
        )
        yield env
    finally:
        server.stop()


def _deliver_in_a_fresh_function(env: dict[str, str]) -> dict[str, object]:
    secrets = {key.removeprefix("SECRET_"): value for key, value in env.items() if key.startswith("SECRET_")}
    signed = Senders(secrets).x(payloads.x_likes("1234", "1790000000000000001", datetime.now(UTC), count=2))
    request = {
        "path": signed.path,
        "headers": {name.lower(): value for name, value in signed.headers.items()},
        "body": base64.b64encode(signed.body).decode("ascii"),
    }
    child_env = {key: value for key, value in env.items() if not key.startswith("SECRET_")}
    result = subprocess.run(
        [sys.executable, "-c", CHILD],
        input=json.dumps(request),
        cwd=ROOT,
        env=child_env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    answer: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return answer


@pytest.fixture(scope="module")
def delivered(moto_stack: dict[str, str]) -> dict[str, object]:
    """What a fresh function answered to one signed X delivery, and the modules it had loaded."""
    return _deliver_in_a_fresh_function(moto_stack)


def test_a_webhook_delivery_loads_neither_jinja2_nor_babel(delivered: dict[str, object]) -> None:
    # Given a fresh function process with the stack's environment
    # When it imports app and answers one signed X delivery (fixture `delivered`)
    answer = delivered
    # Then the delivery was accepted, through the webhook route's own modules
    assert answer["status"] == 200
    modules = answer["modules"]
    assert isinstance(modules, list)
    assert "chalicelib.services.webhooks" in modules
    assert "chalicelib.platforms.x" in modules
    assert "chalicelib.function_url" in modules
    # And none of the publish path's template and locale libraries was loaded
    loaded = sorted(name for name in modules if name.split(".")[0] in PUBLISH_ONLY)
    assert loaded == []
    # Nor the summary renderers that use them
    assert not [name for name in modules if name.startswith("chalicelib.report")]


def test_without_tracing_no_x_ray_sdk_is_loaded(delivered: dict[str, object]) -> None:
    # Given tracing off (a local stack, the tests: POWERTOOLS_TRACE_DISABLED, or outside Lambda)
    # When a fresh function answers a delivery (fixture `delivered`)
    modules = delivered["modules"]
    # Then it never loaded the X-Ray SDK, whose recorder would build a client nothing uses
    assert isinstance(modules, list)
    assert not [name for name in modules if name.startswith("aws_xray_sdk")]


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"LAMBDA_TASK_ROOT": "/var/task"}, True),
        ({}, False),
        ({"LAMBDA_TASK_ROOT": "/var/task", "POWERTOOLS_TRACE_DISABLED": "true"}, False),
        ({"LAMBDA_TASK_ROOT": "/var/task", "POWERTOOLS_TRACE_DISABLED": "false"}, True),
        ({"LAMBDA_TASK_ROOT": "/var/task", "AWS_SAM_LOCAL": "true"}, False),
        ({"LAMBDA_TASK_ROOT": "/var/task", "AWS_CHALICE_CLI_MODE": "true"}, False),
    ],
)
def test_tracing_is_on_in_lambda_only_unless_disabled(env: dict[str, str], expected: bool) -> None:
    assert tracing_on(env) is expected
