"""The glue between a platform's pure webhook functions and the registry's `WebhookHandler`, for the
platforms whose signature needs one configured secret and whose handshake answers the query, and the
event builder of the platforms whose bodies carry several activities of one account."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from chalicelib.domain.events import EngagementEvent, Pseudonymiser, event_id
from chalicelib.domain.webhooks import Challenge, WebhookRequest

if TYPE_CHECKING:
    from chalicelib.domain.secrets import Secrets
    from chalicelib.platforms.capabilities import WebhookContext

SecretOf = Callable[["Secrets"], str]


@dataclass(frozen=True, slots=True)
class EventContext:
    """What every activity of one body shares: the platform, the subscribed account and the delivery."""

    platform: str
    account_id: str
    received_at: datetime
    pseudonymise: Pseudonymiser

    def event(
        self,
        kind: str,
        content_id: str,
        identity: tuple[str, ...],
        *,
        actor_id: str | None,
        occurred_at: datetime | None,
        text: str | None = None,
        undo: bool = False,
        title: str | None = None,
        comment_id: str | None = None,
    ) -> EngagementEvent:
        return EngagementEvent(
            event_id=event_id(self.platform, *identity),
            platform=self.platform,
            kind=kind,
            content_id=content_id,
            account_id=self.account_id,
            occurred_at=occurred_at,
            received_at=self.received_at,
            undo=undo,
            actor=self.pseudonymise(actor_id) if actor_id else None,
            text=text,
            title=title,
            comment_id=comment_id,
        )


def signed_delivery(
    verify: Callable[[WebhookRequest, str], None],
    secret: SecretOf,
    validate: Callable[[bytes], object],
    delivery_id: Callable[[bytes], str],
) -> Callable[[WebhookRequest, WebhookContext], str]:
    """`accept`: check the signature with the secret, validate the envelope, return the delivery id."""

    def accept(request: WebhookRequest, context: WebhookContext) -> str:
        verify(request, secret(context.secrets()))
        validate(request.body)
        return delivery_id(request.body)

    return accept


def query_handshake(
    answer: Callable[[Mapping[str, str], str], str | Mapping[str, str]], secret: SecretOf, media_type: str
) -> Callable[[WebhookRequest, WebhookContext], Challenge]:
    """`handshake`: the answer to a GET's query, computed with the secret, as `media_type`."""

    def handshake(request: WebhookRequest, context: WebhookContext) -> Challenge:
        return Challenge(answer(request.query, secret(context.secrets())), media_type)

    return handshake
