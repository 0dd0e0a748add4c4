"""The local stack over real HTTP: signed deliveries from every push platform become stored
events through the real queue and consumer; a forged one stores nothing."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from infra.local import senders as payloads
from infra.local.harness import LocalStack
from infra.local.senders import Senders, SignedRequest
from tests.e2e.conftest import secrets_of

pytestmark = pytest.mark.e2e
AT = datetime.now(UTC) - timedelta(hours=2)


def _post(stack: LocalStack, request: SignedRequest) -> tuple[int, Any]:
    http = urllib.request.Request(
        stack.base_url + request.path, data=request.body, headers=request.headers, method="POST"
    )
    try:
        with urllib.request.urlopen(http, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def _events(stack: LocalStack) -> list[dict[str, Any]]:
    dynamodb = boto3.client(
        "dynamodb",
        endpoint_url=stack.aws_endpoint,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    items = dynamodb.scan(TableName="engagement-tracker-local")["Items"]
    return [i for i in items if i["pk"]["S"].startswith("EV#") and not i["sk"]["S"].startswith("TXT#")]


def _wait_for(stack: LocalStack, count: int, timeout_seconds: float = 30) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        events = _events(stack)
        if len(events) >= count:
            return events
        time.sleep(0.3)
    return _events(stack)


def test_signed_deliveries_from_every_platform_are_stored_once(local_stack: LocalStack) -> None:
    # Given one signed delivery per push platform, each sent twice
    senders = Senders(secrets_of(local_stack))
    requests = [
        senders.meta(payloads.facebook_feed("104", [payloads.facebook_comment("104_1", AT)])),
        senders.x(payloads.x_likes("1234", "1790", AT, count=2)),
        senders.youtube(payloads.youtube_entry("UCabc", "vid-e2e", AT, AT), "UCabc"),
        senders.tiktok(payloads.tiktok_publish("open-1", "tt-e2e", AT)),
        senders.standard("demo", payloads.standard_engagement("presave", "album-e2e", AT)),
    ]
    for request in requests * 2:
        status, body = _post(local_stack, request)
        assert status == 200, body
    # When the consumer has run
    events = _wait_for(local_stack, 6)
    time.sleep(1)  # a late duplicate would show up now
    # Then each distinct event is stored exactly once
    kinds = sorted((e["platform"]["S"], e["kind"]["S"]) for e in _events(local_stack))
    assert len(events) == 6
    assert kinds == [
        ("facebook", "comment"),
        ("standard:demo", "presave"),
        ("tiktok", "content_published"),
        ("x", "like"),
        ("x", "like"),
        ("youtube", "content_published"),
    ]


def test_a_forged_delivery_is_refused_with_a_json_error(local_stack: LocalStack) -> None:
    body = payloads.x_likes("1234", "forged", AT)
    forged = SignedRequest(
        "POST",
        "/webhooks/x",
        body,
        {"Content-Type": "application/json", "x-twitter-webhooks-signature": "sha256=AAAA"},
    )
    status, answer = _post(local_stack, forged)
    assert status == 401
    assert answer["error"]["code"] == "invalid_signature"
    assert all(e["content_id"]["S"] != "forged" for e in _events(local_stack))
