"""The local stack over real HTTP: signed deliveries from every push platform become stored
events through the real queue and consumer; a forged one stores nothing."""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from infra.local import senders as payloads
from infra.local.harness import LocalStack, aws_client
from infra.local.senders import Senders, SignedRequest
from tests.e2e.conftest import secrets_of, subscribe_live

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
    dynamodb = aws_client(stack, "dynamodb")
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
    # Given one signed delivery per push platform, each sent twice (YouTube's of a subscribed channel)
    subscribe_live(local_stack, "UCabc")
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


def _raw_post(stack: LocalStack, path: str, content_length: str) -> tuple[int, Any]:
    """A POST whose Content-Length header says what the test wants, whatever the body is."""
    connection = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=10)
    try:
        connection.putrequest("POST", path)
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Content-Length", content_length)
        connection.endheaders(b"{}")
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


@pytest.mark.parametrize(
    ("content_length", "status", "code"),
    [("99999999999", 413, "payload_too_large"), ("abc", 400, "bad_request"), ("-1", 400, "bad_request")],
)
def test_a_lying_content_length_is_answered_in_the_contract_shape_and_the_server_lives_on(
    local_stack: LocalStack, content_length: str, status: int, code: str
) -> None:
    # When a request announces a body it does not send, or one no gateway would take
    answer = _raw_post(local_stack, "/webhooks/meta", content_length)
    # Then it is refused as API Gateway would, without reading gigabytes, and the server still answers
    assert answer == (status, {"error": {"code": code, "message": answer[1]["error"]["message"]}})
    with urllib.request.urlopen(local_stack.base_url + "/health", timeout=10) as health:
        assert health.status == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/nope"), ("POST", "/webhooks/standard/demo/extra"), ("GET", "/campaigns/x/y/z")],
)
def test_a_path_no_route_matches_is_a_404_in_the_contract_shape(
    local_stack: LocalStack, method: str, path: str
) -> None:
    # When a request names no route (with or without a bearer token)
    headers = {"Content-Type": "application/json", "Authorization": "Bearer whatever"}
    request = urllib.request.Request(
        local_stack.base_url + path, data=b"{}" if method == "POST" else None, headers=headers, method=method
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    # Then it is a 404 with the contract's error body, not API Gateway's 403
    assert refused.value.code == 404
    assert json.load(refused.value)["error"]["code"] == "not_found"


def test_the_local_servers_access_log_never_shows_the_meta_verify_token(local_stack: LocalStack) -> None:
    # Given Meta's subscription handshake, which carries the verify token in its query string
    token = secrets_of(local_stack)["META_VERIFY_TOKEN"]
    handshake = {"hub.mode": "subscribe", "hub.verify_token": token, "hub.challenge": "42"}
    query = urllib.parse.urlencode(handshake)
    with urllib.request.urlopen(f"{local_stack.base_url}/webhooks/meta?{query}", timeout=10) as answer:
        assert answer.read() == b"42"
    # Then the stack's output logs the request without the token
    time.sleep(0.2)
    output = local_stack.output()
    assert '"GET /webhooks/meta?... HTTP/1.1" 200' in output
    assert token not in output
