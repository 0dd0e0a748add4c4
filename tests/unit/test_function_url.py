"""The webhook function's Function URL router (chalicelib.function_url): payload 2.0 events in,
payload 2.0 responses out, the receiver behind a fake. Pure: no AWS, no Chalice."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest

from chalicelib import function_url
from chalicelib.domain.webhooks import WebhookRequest
from chalicelib.errors import DependencyFailed, InvalidSignature, PayloadTooLarge
from infra.local.function_url import event as local_event


@dataclass(frozen=True)
class Accepted:
    delivery_id: str


@dataclass(frozen=True)
class Challenge:
    body: str | Mapping[str, str]
    content_type: str


@dataclass
class FakeReceiver:
    calls: list[tuple[str, str, WebhookRequest, str | None]] = field(default_factory=list)
    error: Exception | None = None
    delivery_id: str = "d-1"

    def handshake(self, platform: str, request: WebhookRequest) -> Challenge:
        self.calls.append(("handshake", platform, request, None))
        if self.error:
            raise self.error
        return Challenge({"response_token": "sha256=x"} if platform == "x" else "42", "text/plain")

    def receive(self, platform: str, request: WebhookRequest, source: str | None = None) -> Accepted:
        self.calls.append(("receive", platform, request, source))
        if self.error:
            raise self.error
        return Accepted(self.delivery_id)


def _event(method: str, path: str, **extra: Any) -> dict[str, Any]:
    raw_path, _, query = path.partition("?")
    return {
        "version": "2.0",
        "rawPath": raw_path,
        "rawQueryString": query,
        "headers": {},
        "requestContext": {"http": {"method": method}},
        "isBase64Encoded": False,
        **extra,
    }


def _handle(event: dict[str, Any], receiver: FakeReceiver) -> dict[str, Any]:
    return function_url.handle(event, lambda: receiver)


def _error(response: dict[str, Any]) -> dict[str, Any]:
    assert response["headers"]["Content-Type"] == "application/json"
    error: dict[str, Any] = json.loads(response["body"])["error"]
    return error


@pytest.mark.parametrize("platform", ["meta", "x", "youtube", "tiktok", "standard"])
def test_a_post_to_a_platform_route_is_a_delivery(platform: str) -> None:
    receiver = FakeReceiver()
    response = _handle(_event("POST", f"/webhooks/{platform}", body="{}"), receiver)
    assert response["statusCode"] == 200
    assert json.loads(response["body"]) == {"status": "accepted", "delivery_id": "d-1"}
    assert [(kind, name, source) for kind, name, _, source in receiver.calls] == [("receive", platform, None)]


def test_an_accepted_answer_is_compact_json_whatever_its_delivery_id_holds() -> None:
    # Given a delivery id that JSON must escape (a Standard Webhooks id is whatever its sender sent)
    delivery_id = f'id "{uuid.uuid4().hex}" \\ été \u2028 🔥'
    receiver = FakeReceiver(delivery_id=delivery_id)
    # When the delivery is accepted
    response = _handle(_event("POST", "/webhooks/standard/demo", body="{}"), receiver)
    # Then the answer is the contract's JSON, as every other JSON answer is written
    assert response["headers"]["Content-Type"] == "application/json"
    expected = {"status": "accepted", "delivery_id": delivery_id}
    assert response["body"] == json.dumps(expected, separators=(",", ":"))


def test_a_delivery_without_a_query_string_has_an_empty_query() -> None:
    receiver = FakeReceiver()
    event = _event("POST", "/webhooks/meta", body="{}")
    del event["rawQueryString"]
    _handle(event, receiver)
    assert receiver.calls[0][2].query == {}


def test_a_post_to_a_standard_source_names_the_source() -> None:
    receiver = FakeReceiver()
    response = _handle(_event("POST", "/webhooks/standard/link%66ire", body="{}"), receiver)
    assert response["statusCode"] == 200
    assert [(kind, name, source) for kind, name, _, source in receiver.calls] == [
        ("receive", "standard", "linkfire")
    ]


def test_a_get_is_a_handshake_answered_with_the_receivers_body_and_type() -> None:
    receiver = FakeReceiver()
    response = _handle(_event("GET", "/webhooks/meta?hub.challenge=42&hub.mode=subscribe"), receiver)
    assert response["statusCode"] == 200
    assert response["body"] == "42"
    assert response["headers"]["Content-Type"] == "text/plain"
    assert receiver.calls[0][2].query == {"hub.challenge": "42", "hub.mode": "subscribe"}


def test_a_json_handshake_answer_is_serialised() -> None:
    response = _handle(_event("GET", "/webhooks/x?crc_token=a"), FakeReceiver())
    assert json.loads(response["body"]) == {"response_token": "sha256=x"}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/webhooks/standard/demo"),
        ("PUT", "/webhooks/meta"),
        ("DELETE", "/webhooks/meta"),
        ("HEAD", "/webhooks/meta"),
        ("OPTIONS", "/webhooks/meta"),
        ("POST", "/webhooks"),
        ("POST", "/webhooks/"),
        ("POST", "/webhooks/meta/"),
        ("POST", "/webhooks/standard/"),
        ("POST", "/webhooks/x/extra"),
        ("POST", "/webhooks/standard/a/b"),
        ("GET", "/campaigns"),
        ("GET", "/"),
        ("GET", "//"),
    ],
)
def test_any_other_method_or_path_is_a_404_in_the_contract_shape(method: str, path: str) -> None:
    receiver = FakeReceiver()
    response = _handle(_event(method, path), receiver)
    assert response["statusCode"] == 404
    assert _error(response) == {"code": "not_found", "message": function_url.NO_ROUTE_MESSAGE}
    assert receiver.calls == []


def test_an_event_without_request_context_is_a_404_not_a_crash() -> None:
    response = _handle({"rawPath": "/webhooks/meta"}, FakeReceiver())
    assert response["statusCode"] == 404


def test_a_base64_body_reaches_the_receiver_as_its_exact_bytes() -> None:
    receiver = FakeReceiver()
    raw = b"\xff\xfe<feed>\x00</feed>"
    event = _event("POST", "/webhooks/youtube", body=base64.b64encode(raw).decode(), isBase64Encoded=True)
    _handle(event, receiver)
    assert receiver.calls[0][2].body == raw


def test_a_text_body_reaches_the_receiver_as_its_utf8_bytes() -> None:
    receiver = FakeReceiver()
    _handle(_event("POST", "/webhooks/meta", body='{"m": "été 🔥"}'), receiver)
    assert receiver.calls[0][2].body == '{"m": "été 🔥"}'.encode()


def test_a_body_that_claims_base64_but_is_not_is_a_400() -> None:
    receiver = FakeReceiver()
    response = _handle(_event("POST", "/webhooks/meta", body="not base64!", isBase64Encoded=True), receiver)
    assert response["statusCode"] == 400
    assert receiver.calls == []


def test_header_names_are_lower_case_and_cookies_come_back_as_one_header() -> None:
    receiver = FakeReceiver()
    event = _event(
        "POST",
        "/webhooks/meta",
        headers={"X-Hub-Signature-256": "sha256=ab", "Content-Type": "application/json"},
        cookies=["a=1", "b=2"],
    )
    _handle(event, receiver)
    request = receiver.calls[0][2]
    assert request.header("x-hub-signature-256") == "sha256=ab"
    assert request.media_type == "application/json"
    assert request.headers["cookie"] == "a=1; b=2"


def test_the_last_value_of_a_repeated_query_parameter_wins_as_on_the_rest_api() -> None:
    receiver = FakeReceiver()
    _handle(_event("GET", "/webhooks/x?crc_token=first&crc_token=last"), receiver)
    assert receiver.calls[0][2].query == {"crc_token": "last"}


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (PayloadTooLarge("big"), 413, "payload_too_large"),
        (InvalidSignature("no"), 401, "invalid_signature"),
        (DependencyFailed("sqs"), 503, "dependency_failed"),
    ],
)
def test_a_domain_error_is_answered_as_the_rest_api_answers_it(
    error: Exception, status: int, code: str
) -> None:
    response = _handle(_event("POST", "/webhooks/meta", body="{}"), FakeReceiver(error=error))
    assert response["statusCode"] == status
    assert _error(response)["code"] == code


def test_an_unexpected_exception_is_a_500_in_the_contract_shape_not_a_crash() -> None:
    response = _handle(_event("POST", "/webhooks/meta", body="{}"), FakeReceiver(error=KeyError("boom")))
    assert response["statusCode"] == 500
    assert _error(response) == {"code": "internal_error", "message": "An internal error occurred."}


# What the local Function URL builds (infra.local.function_url), as Lambda does ----------------------


def test_the_local_event_lower_cases_joins_repeated_headers_and_moves_cookies() -> None:
    event = local_event(
        "post",
        "/webhooks/meta?a=1&a=2",
        [("X-Thing", "1"), ("x-thing", "2"), ("Cookie", "a=1; b=2"), ("Content-Type", "application/json")],
        b"{}",
    )
    assert event["version"] == "2.0"
    assert event["requestContext"]["http"]["method"] == "POST"
    assert event["rawPath"] == "/webhooks/meta"
    assert event["rawQueryString"] == "a=1&a=2"
    assert event["queryStringParameters"] == {"a": "1,2"}
    assert event["headers"]["x-thing"] == "1,2"
    assert "cookie" not in event["headers"]
    assert event["cookies"] == ["a=1", "b=2"]
    assert (event["body"], event["isBase64Encoded"]) == ("{}", False)


@pytest.mark.parametrize(
    ("content_type", "body"),
    [("application/octet-stream", b"{}"), ("application/json", b"\xff{}"), ("", b"abc")],
)
def test_the_local_event_base64_encodes_what_is_not_utf8_text(content_type: str, body: bytes) -> None:
    event = local_event("POST", "/webhooks/meta", [("Content-Type", content_type)], body)
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == body
