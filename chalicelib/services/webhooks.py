"""Receiving platform webhooks: answer handshakes, verify, make the delivery durable, answer.

The checks run in the contract's order: 413 size, 415 content type, 404 unknown source or topic,
403 verify token, 401 signature or timestamp, 400 malformed. Nothing is stored before all pass.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from chalicelib.domain.events import Delivery
from chalicelib.domain.secrets import Secrets
from chalicelib.domain.webhooks import Challenge, WebhookRequest, check_media_type, check_size
from chalicelib.errors import DomainError, NotFound
from chalicelib.observability import annotate, outcome
from chalicelib.platforms.capabilities import WebhookContext, WebhookHandler
from chalicelib.platforms.registry import PLATFORMS

ROUTE_PLATFORMS = tuple(name for name, platform in PLATFORMS.items() if platform.webhook is not None)
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
        handler = _handler(platform)
        if handler is None or handler.handshake is None:
            raise NotFound("This platform has no handshake.")
        return handler.handshake(request, self._context(None))

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
        handler = _handler(platform)
        if handler is None:
            raise NotFound("Unknown webhook route.")
        check_media_type(request, handler.media_types)
        context = self._context(source)
        delivery_id = handler.accept(request, context)
        return Delivery(
            platform=platform,
            delivery_id=delivery_id,
            body=request.body,
            received_at=context.now,
            content_type=request.media_type,
            source=source,
            headers={name: value for name in _KEPT_HEADERS if (value := request.header(name)) is not None},
        )

    def _context(self, source: str | None) -> WebhookContext:
        return WebhookContext(
            secrets=self._secrets, now=self._clock(), hub=self._subscriptions, source=source
        )


_LOADED: dict[str, WebhookHandler] = {}


def _handler(platform: str) -> WebhookHandler | None:
    """The route family's webhook code, imported on its first delivery and kept for the container's
    next ones; None for any other name."""
    handler = _LOADED.get(platform)
    if handler is None:
        known = PLATFORMS.get(platform)
        if known is None or known.webhook is None:
            return None
        handler = _LOADED[platform] = known.webhook.load()
    return handler
