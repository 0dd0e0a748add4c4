"""TikTok developer webhooks: `TikTok-Signature` with a timestamp, and lifecycle envelopes. Pure.

TikTok sends only post and authorization lifecycle events (no likes or comments); its envelope's
`content` is a JSON string to parse a second time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from datetime import datetime
from functools import partial
from typing import NamedTuple

from chalicelib.domain.events import (
    Delivery,
    EngagementEvent,
    Normalized,
    Pseudonymiser,
    event_id,
    utc_from_unix,
)
from chalicelib.domain.webhooks import UNIX_SECONDS, WebhookRequest, require_fresh
from chalicelib.errors import InvalidSignature, ValidationFailed
from chalicelib.platforms._json import as_id, load_object
from chalicelib.platforms.capabilities import WebhookContext, WebhookHandler

PLATFORM = "tiktok"
MEDIA_TYPES: frozenset[str] = frozenset({"application/json"})

# TikTok spells the removal event "publicaly"; the correct spelling is accepted in case it is fixed.
_KINDS = {
    "post.publish.publicly_available": "content_published",
    "post.publish.no_longer_publicaly_available": "content_removed",
    "post.publish.no_longer_publicly_available": "content_removed",
}
_HEX = re.compile(r"[0-9a-fA-F]+")
_LATEST_UNIX_SECONDS = 253_402_300_799  # 9999-12-31T23:59:59Z, the last time datetime holds


class _Envelope(NamedTuple):
    event: str
    create_time: int
    user_openid: str
    content: dict[str, object]


def delivery_id(body: bytes) -> str:
    """TikTok sends no delivery id: the body's hash makes a redelivery a duplicate."""
    return hashlib.sha256(body).hexdigest()


def verify(request: WebhookRequest, secret: str, now: datetime) -> None:
    """Check `TikTok-Signature: t=<unix>,s=<hex HMAC-SHA256(secret, "<t>.<body>")>` and its age."""
    timestamp, received = _signature_fields(request.header("tiktok-signature"))
    require_fresh(int(timestamp), now, "TikTok-Signature time")
    signed = timestamp.encode("ascii") + b"." + request.body
    expected = hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, received.lower()):
        raise InvalidSignature("The TikTok-Signature does not match the body.")


def validate(body: bytes) -> None:
    _parse(body)


def normalize(delivery: Delivery, pseudonymise: Pseudonymiser) -> Normalized:
    """One event per delivery; lifecycle events name no actor, so `pseudonymise` goes unused."""
    envelope = _parse(delivery.body)
    kind = _KINDS.get(envelope.event, "other")
    post_id = _post_id(envelope.content)
    if kind != "other" and post_id is None:
        return Normalized(events=(), ignored=1)
    # Everything TikTok sends but the signature header: a redelivery keeps the same id.
    identity = (
        envelope.event,
        envelope.user_openid,
        str(envelope.create_time),
        json.dumps(envelope.content, sort_keys=True, separators=(",", ":")),
    )
    event = EngagementEvent(
        event_id=event_id(PLATFORM, *identity),
        platform=PLATFORM,
        kind=kind,
        content_id=post_id or envelope.user_openid,
        account_id=envelope.user_openid,
        occurred_at=utc_from_unix(envelope.create_time),
        received_at=delivery.received_at,
    )
    return Normalized(events=(event,))


def _signature_fields(header: str | None) -> tuple[str, str]:
    """The `t` and `s` of the header; any other shape is an invalid signature."""
    if header is None:
        raise InvalidSignature("The TikTok-Signature header is missing.")
    fields: dict[str, str] = {}
    for part in header.split(","):
        name, separator, value = part.strip().partition("=")
        if not separator or name in fields:
            raise InvalidSignature("The TikTok-Signature header is malformed.")
        fields[name] = value
    timestamp, signature = fields.get("t", ""), fields.get("s", "")
    if not UNIX_SECONDS.fullmatch(timestamp) or not _HEX.fullmatch(signature):
        raise InvalidSignature("The TikTok-Signature header needs t=<unix seconds>,s=<hex>.")
    return timestamp, signature


def _parse(body: bytes) -> _Envelope:
    envelope = load_object(body, partial(_invalid, "body"))
    event = envelope.get("event")
    create_time = envelope.get("create_time")
    user_openid = envelope.get("user_openid")
    content = envelope.get("content")
    if not isinstance(event, str) or not event:
        raise _invalid("event", "must be a non-empty string")
    if isinstance(create_time, bool) or not isinstance(create_time, int):
        raise _invalid("create_time", "must be Unix seconds")
    if not 0 <= create_time <= _LATEST_UNIX_SECONDS:
        raise _invalid("create_time", "must be Unix seconds")
    if not isinstance(user_openid, str) or not user_openid:
        raise _invalid("user_openid", "must be a non-empty string")
    if not isinstance(content, str):
        raise _invalid("content", "must be a string holding a JSON object")
    inner = load_object(content.encode("utf-8"), partial(_invalid, "content"))
    return _Envelope(event, create_time, user_openid, inner)


def _post_id(content: dict[str, object]) -> str | None:
    return as_id(content.get("post_id")) or as_id(content.get("video_id"))


def _invalid(path: str, problem: str) -> ValidationFailed:
    return ValidationFailed(f"The TikTok {path} {problem}.", fields={path: problem})


# --- the registry's view -----------------------------------------------------------------------------


def _accept(request: WebhookRequest, context: WebhookContext) -> str:
    verify(request, context.secrets().tiktok_client_secret, context.now)
    validate(request.body)
    return delivery_id(request.body)


HANDLER = WebhookHandler(media_types=MEDIA_TYPES, accept=_accept, normalize=normalize)
