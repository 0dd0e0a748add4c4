"""The glue between a platform's pure webhook functions and the registry's `WebhookHandler`, for the
platforms whose signature needs one configured secret and whose handshake answers the query."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from chalicelib.domain.webhooks import Challenge, WebhookRequest

if TYPE_CHECKING:
    from chalicelib.domain.secrets import Secrets
    from chalicelib.platforms.capabilities import WebhookContext

SecretOf = Callable[["Secrets"], str]


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
