"""What a platform can do, as small typed objects: the registry (`platforms/registry.py`) holds one
`Platform` per name, and every caller asks it instead of naming platforms.

A capability is optional: a platform without webhooks has no `webhook`, one that is not pulled has no
`pull`. The parts that weigh (a webhook parser, a pull client) are behind a `load` function that
imports them the first time they are asked for, so reading the registry (the order of platforms,
their names, their id shapes) costs a few small modules. This module imports only the standard
library at run time; the domain's types are named for the type checker alone, so the domain can read
the registry without a cycle.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from chalicelib.domain.events import Delivery, EngagementEvent, Normalized, Pseudonymiser
    from chalicelib.domain.secrets import Secrets
    from chalicelib.domain.webhooks import Challenge, WebhookRequest
    from chalicelib.pulls.http import PlatformHttp
    from chalicelib.pulls.snapshots import PullResult
    from chalicelib.pulls.tokens import TokenCache
    from chalicelib.settings import Settings


# Tracking: what a campaign may name on the platform, and how summaries show it ----------------------


@dataclass(frozen=True, slots=True)
class IdShape:
    """The shape every real id of one kind has (a regular expression) and how an error names it."""

    pattern: str
    description: str


@dataclass(frozen=True, slots=True)
class Tracking:
    display_name: str  # "YouTube"
    colour: str  # its line in summary.html's charts
    accounts: IdShape | None = None  # None: any id the contract accepts
    content: IdShape | None = None
    content_url: str | None = None  # a link to one content, `{}` standing for its id
    account_url: str | None = None
    # a link to one comment (moderation reports), `{content}` and `{comment}` standing for the ids
    comment_url: str | None = None


# Webhooks: verify, validate, delivery id (the receiver), normalise (the consumer) ---------------------


class Hub(Protocol):
    """The subscriptions a handshake may consult (WebSub asks whether we requested a topic)."""

    def requested_mode(self, topic: str) -> str | None: ...

    def verified(self, topic: str, mode: str, lease_seconds: int | None, verified_at: str) -> None: ...


@dataclass(frozen=True, slots=True)
class WebhookContext:
    """What a platform's webhook code may use: the secrets (read only when asked), the time, the
    route's source (Standard Webhooks) and the hub's subscriptions (handshakes)."""

    secrets: Callable[[], Secrets]
    now: datetime
    hub: Hub
    source: str | None = None


@dataclass(frozen=True, slots=True)
class WebhookHandler:
    media_types: frozenset[str]
    # Verify the signature, validate the envelope and return the delivery id; raises domain errors.
    accept: Callable[[WebhookRequest, WebhookContext], str]
    normalize: Callable[[Delivery, Pseudonymiser], Normalized]
    handshake: Callable[[WebhookRequest, WebhookContext], Challenge] | None = None
    # A delivery counts only while the subscription to its topic was live when it was received.
    topic: Callable[[Delivery], str | None] | None = None
    # A publication seen with a later revision is also a content_updated (the event this returns).
    revision: Callable[[EngagementEvent], EngagementEvent] | None = None
    # A new publication's counters are pulled at the next run, tracked or not yet.
    pull_on_publish: bool = False


@dataclass(frozen=True, slots=True)
class Webhook:
    load: Callable[[], WebhookHandler]


# Pulls: counters read on a schedule -----------------------------------------------------------------

PullFunction = Callable[[Any, datetime, dict[str, Any]], "PullResult"]


@dataclass(frozen=True, slots=True)
class PullContext:
    """What a platform's puller is built from: the stage's settings (endpoints, budgets), the shared
    HTTP client, the named pull credentials (raising NoCredentials for missing ones) and the token
    cache of client-credential platforms."""

    settings: Settings
    http: PlatformHttp
    credentials: Callable[..., list[str]]
    token_cache: Callable[[], TokenCache]


Puller = Callable[[PullContext], PullFunction]  # raises NoCredentials (a pull error) for missing ones


@dataclass(frozen=True, slots=True)
class Pull:
    content_metrics: tuple[str, ...]  # contract section 7's names, in the order summaries list them
    account_metrics: tuple[str, ...]
    load: Callable[[], Puller]  # imports the platform's pull module when the job first asks
    # The account metric its public API gives for any account, not only the label's own (followers,
    # subscribers, fans): what the talent radar reads of watched, unsigned artists. None: not watched.
    public_audience: str | None = None


# Moderation: hiding and unhiding a comment on the platform (contract section 11) ---------------------


@dataclass(frozen=True, slots=True)
class ModerationContext:
    """What a platform's moderation client is built from: the stage's settings (endpoints), the shared
    HTTP client (with the actions' own small retry bounds) and the named credentials (raising
    NoCredentials, a pull error, for missing ones)."""

    settings: Settings
    http: PlatformHttp
    credentials: Callable[..., list[str]]


# (the platform's comment id, hidden) -> the platform's confirmation, a short plain phrase. A refusal,
# a rate limit or an outage raises the pull errors of `chalicelib.pulls.errors`.
SetHidden = Callable[[str, bool], str]
ModerationClient = Callable[[ModerationContext], SetHidden]


@dataclass(frozen=True, slots=True)
class Moderation:
    credentials: tuple[str, ...]  # the secrets it calls with, checked before anything is recorded
    load: Callable[[], ModerationClient]  # imports the platform's moderation module when first asked


# The platform ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Platform:
    """One name's capabilities."""

    name: str
    tracking: Tracking | None = None  # None: not a name campaigns track (a webhook route family)
    webhook: Webhook | None = None
    pull: Pull | None = None
    moderation: Moderation | None = None  # None: the tracker cannot hide its comments


Registry = Mapping[str, Platform]


def loaded(module: str, name: str) -> Callable[[], Any]:
    """A `load` function: imports `module` the first time it is called and returns its `name`, so a
    platform's package names its webhook code or puller without importing it."""

    def load() -> Any:
        return getattr(importlib.import_module(module), name)

    return load


# A platform's package declares its capabilities through these, naming itself (`__name__`): each part
# lives in a module of that package by convention (`webhook.HANDLER`, `pull.puller`,
# `moderation.client`), loaded when first asked for.


def webhook_of(package: str) -> Webhook:
    return Webhook(load=loaded(f"{package}.webhook", "HANDLER"))


def pull_of(
    package: str,
    content_metrics: tuple[str, ...],
    account_metrics: tuple[str, ...],
    *,
    puller: str = "puller",
    public_audience: str | None = None,
) -> Pull:
    return Pull(
        content_metrics,
        account_metrics,
        load=loaded(f"{package}.pull", puller),
        public_audience=public_audience,
    )


def moderation_of(package: str, credentials: tuple[str, ...], *, client: str = "client") -> Moderation:
    return Moderation(credentials, load=loaded(f"{package}.moderation", client))
