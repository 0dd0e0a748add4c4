"""The ingest queue: a verified delivery becomes one SQS message, durable before the 200.

A delivery too large for one message (the body is base64 in the message) is stored in S3 under
`deliveries/` first and the message carries its key (claim check); the bucket's lifecycle expires
those objects after the queue's retention.
"""

from __future__ import annotations

import base64
import json
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.domain.events import Delivery
from chalicelib.errors import DependencyFailed, ValidationFailed

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sqs import SQSClient

MESSAGE_VERSION = 1
# SQS's classic 256 KiB limit, with room for the envelope: anything larger is claim-checked.
MAX_INLINE_BODY_BYTES = 180 * 1024
CLAIM_CHECK_PREFIX = "deliveries/"
# Built once: json.dumps with separators would build a new encoder for every message.
_COMPACT = json.JSONEncoder(separators=(",", ":"))


def encode(delivery: Delivery, body_key: str | None = None) -> str:
    message: dict[str, Any] = {
        "v": MESSAGE_VERSION,
        "platform": delivery.platform,
        "delivery_id": delivery.delivery_id,
        "received_at": delivery.received_at.isoformat(),
        "content_type": delivery.content_type,
        "source": delivery.source,
        "headers": delivery.headers,
    }
    if body_key is not None:
        message["body_key"] = body_key
        return _COMPACT.encode(message)
    # Base64's alphabet needs no JSON escaping: appended as is, it is not scanned character by character
    encoded = base64.b64encode(delivery.body).decode("ascii")
    return f'{_COMPACT.encode(message)[:-1]},"body_b64":"{encoded}"}}'


def decode(message_body: str, read_body: Any) -> Delivery:
    """Rebuild a queued delivery; `read_body(key)` fetches a claim-checked body. A message that is
    not ours raises ValidationFailed: it is poison and belongs in the dead-letter queue."""
    try:
        message = json.loads(message_body)
        _check_version(message)
        body = (
            read_body(message["body_key"])
            if "body_key" in message
            else base64.b64decode(message["body_b64"], validate=True)
        )
        return Delivery(
            platform=str(message["platform"]),
            delivery_id=str(message["delivery_id"]),
            body=body,
            received_at=datetime.fromisoformat(message["received_at"]),
            content_type=str(message.get("content_type") or ""),
            source=message.get("source"),
            headers={str(k): str(v) for k, v in (message.get("headers") or {}).items()},
        )
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise ValidationFailed(f"Not an ingest message: {type(error).__name__}.") from error


def _check_version(message: Any) -> None:
    if message.get("v") != MESSAGE_VERSION:
        raise ValueError("unknown message version")


class SqsDeliveryQueue:
    def __init__(self, sqs: SQSClient, s3: S3Client, queue_url: str, bucket: str) -> None:
        self._sqs = sqs
        self._s3 = s3
        self._queue_url = queue_url
        self._bucket = bucket

    def enqueue(self, delivery: Delivery) -> None:
        try:
            body_key = None
            if len(delivery.body) > MAX_INLINE_BODY_BYTES:
                body_key = self._claim_check(delivery)
            self._sqs.send_message(QueueUrl=self._queue_url, MessageBody=encode(delivery, body_key))
        except (BotoCoreError, ClientError) as error:
            raise DependencyFailed("The ingest queue is unavailable; retry later.") from error

    def _claim_check(self, delivery: Delivery) -> str:
        day = delivery.received_at.strftime("%Y-%m-%d")
        key = f"{CLAIM_CHECK_PREFIX}{delivery.platform}/{day}/{uuid.uuid4().hex}"
        self._s3.put_object(Bucket=self._bucket, Key=key, Body=delivery.body)
        return key

    def read_body(self, key: str) -> bytes:
        if not key.startswith(CLAIM_CHECK_PREFIX):
            raise ValidationFailed("A claim check must point under deliveries/.")
        try:
            return self._s3.get_object(Bucket=self._bucket, Key=key)["Body"].read()
        except (BotoCoreError, ClientError) as error:
            raise DependencyFailed("The claim-checked body could not be read.") from error
