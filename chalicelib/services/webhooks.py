"""Receiving platform webhooks: answer handshakes, verify, make the delivery durable, answer.

The checks run in the contract's order: 413 size, 415 content type, 404 unknown source or topic,
403 verify token, 401 signature or timestamp, 400 malformed. Nothing is stored before all pass.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from chalicelib.adapters.secrets import Secrets
from chalicelib.domain.events import Delivery
from chalicelib.domain.webhooks import WebhookRequest, check_media_type, check_size
from chalicelib.errors import DomainError, InvalidSignature, NotFound
from chalicelib.observability import annotate, outcome
from chalicelib.platforms import meta, standard, tiktok, x, youtube

ROUTE_PLATFORMS = ("meta", "x", "youtube", "tiktok", "standard")
# Headers a parser needs after verification; everything else (signatures included) is dropped.
_KEPT_HEADERS = ("webhook-id", "link")


def _dimension(platform: str) -> str:
    """The route's platform as a metric or log value: ours, never whatever the path said."""
    return platform if platform in ROUTE_PLATFORMS else "unknown"


class DeliveryQueue(Protocol):
    def enqueue(self, delivery: Delivery) -> None: ...


class Subscriptions(Protocol):
    def requested_mode(self, topic: str) -> str | None: ...

    def verified(self, topic: str, mode: str, lease_seconds: int | None, verified_at: str) -> None: ...


@dataclass(frozen=True, slots=True)
class Accepted:
    delivery_id: str


@dataclass(frozen=True, slots=True)
class Challenge:
    """A handshake answer: the body the platform expects, as text or JSON."""

    body: str | Mapping[str, str]
    content_type: str


class WebhookReceiver:
    def __init__(
        self,
        secrets: Callable[[], Secrets],
        queue: DeliveryQueue,
        subscriptions: Subscriptions,
        clock: Callable[[], datetime],
    ) -> None:
        self._secrets = secrets
        self._queue = queue
        self._subscriptions = subscriptions
        self._clock = clock

    # Handshakes (GET) ----------------------------------------------------------------------------

    def handshake(self, platform: str, request: WebhookRequest) -> Challenge:
        try:
            challenge = self._handshake(platform, request)
        except DomainError as error:
            outcome("handshake_rejected", platform=_dimension(platform), reason=error.code)
            raise
        outcome("handshake_answered", platform=_dimension(platform))
        return challenge

    def _handshake(self, platform: str, request: WebhookRequest) -> Challenge:
        if platform == "meta":
            token = self._secrets().meta_verify_token
            return Challenge(meta.answer_handshake(request.query, token), "text/plain")
        if platform == "x":
            return Challenge(
                x.crc_response(request.query, self._secrets().x_consumer_secret), "application/json"
            )
        if platform == "youtube":
            intent = youtube.parse_intent(request.query)
            if self._subscriptions.requested_mode(intent.topic) != intent.mode:
                raise NotFound("We did not ask the hub for this topic.")
            self._subscriptions.verified(
                intent.topic, intent.mode, intent.lease_seconds, self._clock().isoformat()
            )
            return Challenge(intent.challenge, "text/plain")
        raise NotFound("This platform has no handshake.")

    # Deliveries (POST) ---------------------------------------------------------------------------

    def receive(self, platform: str, request: WebhookRequest, source: str | None = None) -> Accepted:
        try:
            delivery = self._verified_delivery(platform, request, source)
        except DomainError as error:
            # The EMF line says which platform and why; the HTTP edge logs the answer it gives.
            outcome("delivery_rejected", platform=_dimension(platform), reason=error.code)
            raise
        self._queue.enqueue(delivery)
        # The invocation's one EMF line is this delivery's log line: its outcome, platform and id.
        outcome("delivery_accepted", platform=platform)
        annotate(delivery_id=delivery.delivery_id, bytes=len(request.body))
        return Accepted(delivery.delivery_id)

    def _verified_delivery(self, platform: str, request: WebhookRequest, source: str | None) -> Delivery:
        check_size(request)
        now = self._clock()
        if platform == "meta":
            check_media_type(request, meta.MEDIA_TYPES)
            meta.verify(request, self._secrets().meta_app_secret)
            meta.validate(request.body)
            delivery_id = meta.delivery_id(request.body)
        elif platform == "x":
            check_media_type(request, x.MEDIA_TYPES)
            x.verify(request, self._secrets().x_consumer_secret)
            x.validate(request.body)
            delivery_id = x.delivery_id(request.body)
        elif platform == "youtube":
            check_media_type(request, youtube.MEDIA_TYPES)
            self._verify_youtube(request)
            youtube.validate(request.body)
            delivery_id = youtube.delivery_id(request.body)
        elif platform == "tiktok":
            check_media_type(request, tiktok.MEDIA_TYPES)
            tiktok.verify(request, self._secrets().tiktok_client_secret, now)
            tiktok.validate(request.body)
            delivery_id = tiktok.delivery_id(request.body)
        elif platform == "standard":
            check_media_type(request, standard.MEDIA_TYPES)
            keys = standard.parse_secrets(self._secrets().standard_webhook_secrets).get(source or "")
            if not keys:
                raise NotFound("No Standard Webhooks source is registered under this name.")
            standard.verify(request, keys, now)
            standard.validate(request.body)
            delivery_id = standard.delivery_id(request)
        else:
            raise NotFound("Unknown webhook route.")
        return Delivery(
            platform=platform,
            delivery_id=delivery_id,
            body=request.body,
            received_at=now,
            content_type=request.media_type,
            source=source,
            headers={name: value for name in _KEPT_HEADERS if (value := request.header(name)) is not None},
        )

    def _verify_youtube(self, request: WebhookRequest) -> None:
        topic = youtube.topic_of(request)
        if topic is None:
            raise InvalidSignature("The delivery names no topic (Link rel=self), so it cannot be verified.")
        youtube.verify(request, youtube.hub_secret_for(topic, self._secrets().youtube_hub_secret))
