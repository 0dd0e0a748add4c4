"""The ingest queue's message of an accepted delivery: the exact bytes and what the receiver saw,
read back as they were sent."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from chalicelib.adapters.delivery_queue import MESSAGE_VERSION, decode, encode
from chalicelib.domain.events import Delivery


def _delivery(body: bytes) -> Delivery:
    return Delivery(
        platform="standard",
        delivery_id=f'msg_"{uuid.uuid4().hex}"',
        body=body,
        received_at=datetime(2026, 11, 26, 10, 30, 0, 123456, tzinfo=UTC),
        content_type="application/json",
        source="demo",
        headers={"webhook-id": f"msg_{uuid.uuid4().hex}", "link": '<https://hub>; rel="hub"'},
    )


def _no_claim_check(key: str) -> bytes:
    raise AssertionError(f"an inline message read a claim check: {key}")


def test_an_inline_message_is_one_json_object_carrying_the_body_in_base64() -> None:
    message = json.loads(encode(_delivery(b'{"a": 1}')))
    assert message["v"] == MESSAGE_VERSION
    assert message["body_b64"] == "eyJhIjogMX0="
    assert "body_key" not in message


def test_every_byte_value_and_every_field_reads_back_as_sent() -> None:
    # Given a body of every byte value (its base64 holds "+", "/" and "=") and fields JSON must escape
    delivery = _delivery(bytes(range(256)) * 3 + b"\xff")
    # When its message is read back
    # Then it is the same delivery
    assert decode(encode(delivery), _no_claim_check) == delivery


def test_a_claim_checked_message_carries_the_key_and_no_body() -> None:
    delivery = _delivery(b"{}")
    key = f"deliveries/standard/2026-11-26/{uuid.uuid4().hex}"
    message = json.loads(encode(delivery, body_key=key))
    assert message["body_key"] == key
    assert "body_b64" not in message
    assert decode(encode(delivery, body_key=key), {key: b"{}"}.__getitem__) == delivery
