"""Contract section 2 through Chalice's test client: answers, their order, and nothing stored
for a rejected delivery."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import quote

import boto3
import pytest
from chalice.test import Client

from app import app
from chalicelib.adapters.subscriptions import DynamoSubscriptions
from infra.local import senders as payloads
from infra.local.senders import Senders, SignedRequest
from tests.conftest import unique
from tests.integration.conftest import Stack
from tests.integration.function_url_client import front_doors
from tests.integration.webhook_client import body_of, bucket_keys, queue_depth, send, table_items

NOW = datetime.now(UTC)
ONE_MIB = 1024 * 1024


@pytest.fixture
def client(stack: Stack) -> Iterator[Client]:
    with front_doors(app) as test_client:
        yield test_client


@pytest.fixture
def senders(stack: Stack) -> Senders:
    return Senders(stack.secrets)


def assert_nothing_stored(stack: Stack) -> None:
    assert queue_depth(stack.queue_url) == 0
    assert table_items(stack.table_name) == []
    assert bucket_keys(stack.bucket) == []


def tampered(request: SignedRequest) -> SignedRequest:
    return SignedRequest(request.method, request.path, request.body + b" ", request.headers)


# Accepted deliveries --------------------------------------------------------------------------------


def _signed_delivery(senders: Senders, platform: str) -> SignedRequest:
    if platform == "meta":
        return senders.meta(payloads.facebook_feed("104", [payloads.facebook_comment("104_1", NOW)]))
    if platform == "x":
        return senders.x(payloads.x_likes("1234", "1790", NOW))
    if platform == "youtube":
        return senders.youtube(payloads.youtube_entry("UCabc", "vid1", NOW, NOW), "UCabc")
    if platform == "tiktok":
        return senders.tiktok(payloads.tiktok_publish("open-1", "v1", NOW))
    return senders.standard("demo", payloads.standard_engagement("click", "link-1", NOW))


@pytest.mark.parametrize("platform", ["meta", "x", "youtube", "tiktok", "standard"])
def test_a_signed_delivery_is_queued_before_the_200(
    client: Client, senders: Senders, stack: Stack, platform: str
) -> None:
    response = send(client, _signed_delivery(senders, platform))
    assert response.status_code == 200, response.body
    assert body_of(response)["status"] == "accepted"
    assert queue_depth(stack.queue_url) == 1


def test_a_duplicate_delivery_is_also_a_200(client: Client, senders: Senders, stack: Stack) -> None:
    request = _signed_delivery(senders, "meta")
    assert send(client, request).status_code == 200
    assert send(client, request).status_code == 200


# Rejections, each storing nothing ----------------------------------------------------------------------


@pytest.mark.parametrize("platform", ["meta", "x", "youtube", "tiktok", "standard"])
def test_a_wrong_signature_is_401_and_stores_nothing(
    client: Client, senders: Senders, stack: Stack, platform: str
) -> None:
    response = send(client, tampered(_signed_delivery(senders, platform)))
    assert response.status_code == 401
    assert body_of(response)["error"]["code"] == "invalid_signature"
    assert_nothing_stored(stack)


@pytest.mark.parametrize("platform", ["meta", "x", "youtube", "tiktok", "standard"])
def test_a_missing_signature_is_401(client: Client, senders: Senders, stack: Stack, platform: str) -> None:
    request = _signed_delivery(senders, platform)
    headers = {"Content-Type": request.headers["Content-Type"]}
    response = client.http.post(request.path, headers=headers, body=request.body)
    assert response.status_code == 401
    assert_nothing_stored(stack)


def test_a_body_over_one_mib_is_413_even_when_signed(client: Client, senders: Senders, stack: Stack) -> None:
    request = senders.meta(b"{" + b" " * ONE_MIB + b"}")
    response = send(client, request)
    assert response.status_code == 413
    assert_nothing_stored(stack)


def test_exactly_one_mib_is_accepted_and_claim_checked_to_s3(
    client: Client, senders: Senders, stack: Stack
) -> None:
    # Given a valid Standard Webhooks body padded to exactly 1 MiB
    body = payloads.standard_engagement("click", "link-big", NOW)
    body = body[:-1] + b" " * (ONE_MIB - len(body)) + b"}"
    assert len(body) == ONE_MIB
    response = send(client, senders.standard("demo", body))
    # Then it is accepted, and the queue message points at the body stored under deliveries/
    assert response.status_code == 200, response.body
    assert [k for k in bucket_keys(stack.bucket) if k.startswith("deliveries/standard/")]
    assert queue_depth(stack.queue_url) == 1


def test_a_content_type_the_route_does_not_take_is_415(
    client: Client, senders: Senders, stack: Stack
) -> None:
    request = senders.meta(payloads.facebook_feed("104", [payloads.facebook_comment("104_1", NOW)]))
    headers = {**request.headers, "Content-Type": "text/plain"}
    response = client.http.post(request.path, headers=headers, body=request.body)
    assert response.status_code == 415
    assert body_of(response)["error"]["code"] == "unsupported_media_type"
    assert_nothing_stored(stack)


def test_size_is_checked_before_content_type(client: Client, stack: Stack) -> None:
    response = client.http.post(
        "/webhooks/x", headers={"Content-Type": "text/plain"}, body=b"x" * (ONE_MIB + 1)
    )
    assert response.status_code == 413


def test_an_unknown_standard_source_is_404(client: Client, stack: Stack) -> None:
    response = client.http.post(
        "/webhooks/standard/nobody", headers={"Content-Type": "application/json"}, body=b"{}"
    )
    assert response.status_code == 404
    assert_nothing_stored(stack)


def test_an_unknown_webhook_platform_is_404(client: Client, stack: Stack) -> None:
    response = client.http.post("/webhooks/myspace", headers={"Content-Type": "application/json"}, body=b"{}")
    assert response.status_code == 404


def test_a_timestamp_outside_five_minutes_is_401(client: Client, senders: Senders, stack: Stack) -> None:
    stale = int(time.time()) - 301
    response = send(client, senders.tiktok(payloads.tiktok_publish("open-1", "v1", NOW), at=stale))
    assert response.status_code == 401
    response = send(
        client, senders.standard("demo", payloads.standard_engagement("click", "l", NOW), at=stale)
    )
    assert response.status_code == 401
    assert_nothing_stored(stack)


def test_a_malformed_body_after_a_valid_signature_is_400(
    client: Client, senders: Senders, stack: Stack
) -> None:
    response = send(client, senders.standard("demo", payloads.standard_engagement("teleport", "link-1", NOW)))
    assert response.status_code == 400
    assert body_of(response)["error"]["code"] == "validation_failed"
    assert_nothing_stored(stack)


def test_invalid_json_after_a_valid_signature_is_400(client: Client, senders: Senders, stack: Stack) -> None:
    assert send(client, senders.meta(b'{"object": "page", "entry": [')).status_code == 400
    assert_nothing_stored(stack)


NOT_ENVELOPES = [
    ("meta", b"[]"),
    ("meta", b"{}"),
    ("meta", b'{"object": "page"}'),
    ("meta", b"[1, 2]"),
    ("meta", b'[{"object": "instagram"}]'),
    ("x", b"{}"),
    ("x", b"[]"),
    ("x", b'{"favorite_events": []}'),
]


@pytest.mark.parametrize(("platform", "body"), NOT_ENVELOPES)
def test_a_signed_body_that_is_not_the_platforms_envelope_is_400(
    client: Client, senders: Senders, stack: Stack, platform: str, body: bytes
) -> None:
    # Given a validly signed body that is not a delivery of the platform's at all
    request = senders.meta(body) if platform == "meta" else senders.x(body)
    # When it is delivered
    response = send(client, request)
    # Then it is malformed, and nothing is stored
    assert response.status_code == 400
    assert body_of(response)["error"]["code"] == "validation_failed"
    assert_nothing_stored(stack)


# Handshakes ---------------------------------------------------------------------------------------------


def test_meta_handshake_echoes_the_challenge_as_text(client: Client, stack: Stack) -> None:
    token = stack.secrets["META_VERIFY_TOKEN"]
    response = client.http.get(
        f"/webhooks/meta?hub.mode=subscribe&hub.verify_token={token}&hub.challenge=1158201444"
    )
    assert response.status_code == 200
    assert response.body == b"1158201444"
    assert response.headers["Content-Type"] == "text/plain"


def test_meta_handshake_with_a_wrong_token_is_403(client: Client, stack: Stack) -> None:
    response = client.http.get("/webhooks/meta?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1")
    assert response.status_code == 403
    assert body_of(response)["error"]["code"] == "forbidden"


def test_x_crc_answers_the_base64_hmac_of_the_token(client: Client, stack: Stack) -> None:
    response = client.http.get("/webhooks/x?crc_token=abc123")
    expected = hmac.new(stack.secrets["X_CONSUMER_SECRET"].encode(), b"abc123", hashlib.sha256).digest()
    assert response.status_code == 200
    assert body_of(response) == {"response_token": "sha256=" + base64.b64encode(expected).decode()}


def test_a_crc_answer_cannot_be_used_to_forge_a_delivery(client: Client, stack: Stack) -> None:
    # Given an attacker's X body, which a CRC answer for it would sign exactly as X does
    body = payloads.x_likes("1234", "1790", NOW)
    # When the attacker asks the CRC handshake to sign it
    response = client.http.get(f"/webhooks/x?crc_token={quote(body.decode(), safe='')}")
    # Then it is refused in the contract's shape, with no response token to forge a signature from
    assert response.status_code == 400
    assert body_of(response)["error"]["code"] == "validation_failed"
    assert "response_token" not in body_of(response)
    # and the body cannot be delivered without X's signature
    forged = client.http.post(
        "/webhooks/x",
        headers={"Content-Type": "application/json", "x-twitter-webhooks-signature": "sha256="},
        body=body,
    )
    assert forged.status_code == 401
    assert_nothing_stored(stack)


def test_websub_verification_for_a_requested_topic_echoes_the_challenge(client: Client, stack: Stack) -> None:
    # Given a subscription the renew job asked for
    topic = f"https://www.youtube.com/xml/feeds/videos.xml?channel_id={unique('UC')}"
    DynamoSubscriptions(boto3.client("dynamodb"), stack.table_name).request(
        topic, "subscribe", NOW.isoformat()
    )
    # When the hub verifies our intent
    response = client.http.get(
        f"/webhooks/youtube?hub.mode=subscribe&hub.topic={topic}&hub.challenge=xyz&hub.lease_seconds=432000"
    )
    # Then we echo its challenge and record the lease
    assert response.status_code == 200
    assert response.body == b"xyz"
    items = {i["sk"]["S"]: i for i in table_items(stack.table_name) if i["pk"]["S"] == "SUB#youtube"}
    assert items[topic]["lease_seconds"]["N"] == "432000"


def test_websub_verification_for_a_topic_we_did_not_request_is_404(client: Client, stack: Stack) -> None:
    topic = "https://www.youtube.com/xml/feeds/videos.xml?channel_id=UCnotours"
    response = client.http.get(f"/webhooks/youtube?hub.mode=subscribe&hub.topic={topic}&hub.challenge=xyz")
    assert response.status_code == 404


def test_websub_unsubscribe_is_confirmed_only_when_we_asked_to_unsubscribe(
    client: Client, stack: Stack
) -> None:
    topic = f"https://www.youtube.com/xml/feeds/videos.xml?channel_id={unique('UC')}"
    DynamoSubscriptions(boto3.client("dynamodb"), stack.table_name).request(
        topic, "subscribe", NOW.isoformat()
    )
    response = client.http.get(f"/webhooks/youtube?hub.mode=unsubscribe&hub.topic={topic}&hub.challenge=c")
    assert response.status_code == 404
