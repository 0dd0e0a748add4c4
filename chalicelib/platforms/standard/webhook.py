"""Standard Webhooks senders (smart links, pre-save services, in-house tools). Pure.

Signature: `webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`; a sender may
list several signatures and a source may have several keys, so either side can rotate.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from chalicelib.domain.events import (
    KINDS,
    MAX_CONTENT_ID_BYTES,
    Delivery,
    EngagementEvent,
    Normalized,
    Pseudonymiser,
    event_id,
    parse_iso8601,
    storable_content_id,
)
from chalicelib.domain.webhooks import UNIX_SECONDS, WebhookRequest, require_fresh
from chalicelib.errors import ConfigurationError, InvalidSignature, NotFound, ValidationFailed
from chalicelib.platforms._json import load_object
from chalicelib.platforms.capabilities import WebhookContext, WebhookHandler

MEDIA_TYPES: frozenset[str] = frozenset({"application/json"})

_KEY_PREFIX = "whsec_"
_TYPE_PREFIX = "engagement."
_TEXT_KINDS = frozenset({"comment", "reply", "mention", "quote"})
_SOURCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_MESSAGE_ID = re.compile(r"[!-~]{1,256}")  # printable ASCII: it becomes a storage key and a log field


@dataclass(frozen=True, slots=True)
class _Engagement:
    kind: str
    occurred_at: datetime
    content_id: str
    account_id: str
    actor_id: str | None
    text: str | None


def parse_secrets(raw: str) -> dict[str, tuple[str, ...]]:
    """STANDARD_WEBHOOK_SECRETS: `source=whsec_...` pairs; a repeated source adds a key for rotation."""
    if not raw.strip():
        return {}
    keys: dict[str, list[str]] = {}
    for position, entry in enumerate(raw.split(","), start=1):
        source, separator, key = (part.strip() for part in entry.partition("="))
        if not separator or not _SOURCE.fullmatch(source) or _decode_key(key) is None:
            # Never echo the entry: it holds a secret.
            raise ConfigurationError(
                f"STANDARD_WEBHOOK_SECRETS entry {position} is not source=whsec_<base64>."
            )
        keys.setdefault(source, []).append(key)
    return {source: tuple(source_keys) for source, source_keys in keys.items()}


def delivery_id(request: WebhookRequest) -> str:
    """The sender's `webhook-id`, which stays the same across its retries."""
    message_id = request.header("webhook-id")
    if message_id is None or not _MESSAGE_ID.fullmatch(message_id):
        raise InvalidSignature("The webhook-id header is missing or not printable ASCII of at most 256.")
    return message_id


def verify(request: WebhookRequest, keys: Sequence[str], now: datetime) -> None:
    """Accept the request if any `v1` signature matches any key and its timestamp is fresh."""
    secrets = _secrets(keys)
    message_id = delivery_id(request)
    timestamp = request.header("webhook-timestamp") or ""
    if not UNIX_SECONDS.fullmatch(timestamp):
        raise InvalidSignature("The webhook-timestamp header is missing or not Unix seconds.")
    require_fresh(int(timestamp), now, "webhook-timestamp")
    signed = f"{message_id}.{timestamp}.".encode("ascii") + request.body
    expected = [base64.b64encode(hmac.new(secret, signed, hashlib.sha256).digest()) for secret in secrets]
    received = _v1_signatures(request.header("webhook-signature") or "")
    if not any(hmac.compare_digest(mine, theirs) for mine in expected for theirs in received):
        raise InvalidSignature("No webhook-signature matches a configured key.")


def validate(body: bytes) -> None:
    _parse(body)


def normalize(delivery: Delivery, pseudonymise: Pseudonymiser) -> Normalized:
    """One event per delivery, identified by the sender's webhook-id."""
    if not delivery.source:
        raise ValidationFailed("A Standard Webhooks delivery needs the source it was sent to.")
    platform = f"standard:{delivery.source}"
    engagement = _parse(delivery.body)
    message_id = delivery.headers.get("webhook-id") or delivery.delivery_id
    event = EngagementEvent(
        event_id=event_id(platform, delivery.source, message_id),
        platform=platform,
        kind=engagement.kind,
        content_id=engagement.content_id,
        account_id=engagement.account_id,
        occurred_at=engagement.occurred_at,
        received_at=delivery.received_at,
        actor=pseudonymise(engagement.actor_id) if engagement.actor_id else None,
        text=engagement.text if engagement.kind in _TEXT_KINDS else None,
    )
    return Normalized(events=(event,))


def _secrets(keys: Sequence[str]) -> list[bytes]:
    """A source's decoded keys; a missing or malformed one is an operator's mistake, not the sender's."""
    secrets: list[bytes] = []
    for key in keys:
        secret = _decode_key(key)
        if secret is None:
            raise ConfigurationError("A configured Standard Webhooks key is not whsec_<base64>.")
        secrets.append(secret)
    if not secrets:
        raise ConfigurationError("No Standard Webhooks key is configured for this source.")
    return secrets


def _decode_key(key: str) -> bytes | None:
    """The HMAC key inside `whsec_<base64>`, or None when the key is malformed."""
    if not key.startswith(_KEY_PREFIX):
        return None
    try:
        secret = base64.b64decode(key.removeprefix(_KEY_PREFIX), validate=True)
    except ValueError:  # binascii.Error, or non-ASCII text
        return None
    return secret or None


def _v1_signatures(header: str) -> list[bytes]:
    """The `v1,<base64>` entries of the header; other versions are for other verifiers."""
    entries = (entry.partition(",") for entry in header.split())
    return [
        signature.encode("ascii")
        for version, _, signature in entries
        if version == "v1" and signature.isascii()
    ]


def _parse(body: bytes) -> _Engagement:
    message = load_object(body, partial(_invalid, "body"))
    kind = _kind(message.get("type"))
    timestamp = _time(message.get("timestamp"), "timestamp")
    data = message.get("data")
    if not isinstance(data, dict):
        raise _invalid("data", "must be an object")
    content_id = data.get("content_id")
    if not isinstance(content_id, str) or not content_id:
        raise _invalid("data.content_id", "must be a non-empty string")
    if not storable_content_id(content_id):
        raise _invalid("data.content_id", f"must be at most {MAX_CONTENT_ID_BYTES} bytes")
    occurred_at = _optional_text(data, "occurred_at")
    return _Engagement(
        kind=kind,
        occurred_at=timestamp if occurred_at is None else _time(occurred_at, "data.occurred_at"),
        content_id=content_id,
        account_id=_optional_text(data, "account_id") or "",
        actor_id=_optional_text(data, "actor_id"),
        text=_optional_text(data, "text"),
    )


def _kind(value: object) -> str:
    kind = (
        value.removeprefix(_TYPE_PREFIX) if isinstance(value, str) and value.startswith(_TYPE_PREFIX) else ""
    )
    if kind not in KINDS:
        raise _invalid("type", f"must be engagement.<kind> with a kind among {', '.join(sorted(KINDS))}")
    return kind


def _time(value: object, path: str) -> datetime:
    if isinstance(value, str):
        # OverflowError: a year-1 time with a positive offset has no UTC equivalent.
        with contextlib.suppress(ValueError, OverflowError):
            return parse_iso8601(value)
    raise _invalid(path, "must be an ISO 8601 time with a UTC offset")


def _optional_text(data: dict[str, object], name: str) -> str | None:
    """An optional string field; JSON null reads as absent."""
    value = data.get(name)
    if value is not None and not isinstance(value, str):
        raise _invalid(f"data.{name}", "must be a string")
    return value


def _invalid(path: str, problem: str) -> ValidationFailed:
    return ValidationFailed(f"The Standard Webhooks {path} {problem}.", fields={path: problem})


# --- the registry's view -----------------------------------------------------------------------------


def _accept(request: WebhookRequest, context: WebhookContext) -> str:
    keys = parse_secrets(context.secrets().standard_webhook_secrets).get(context.source or "")
    if not keys:
        raise NotFound("No Standard Webhooks source is registered under this name.")
    verify(request, keys, context.now)
    validate(request.body)
    return delivery_id(request)


HANDLER = WebhookHandler(media_types=MEDIA_TYPES, accept=_accept, normalize=normalize)
