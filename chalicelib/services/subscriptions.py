"""The renew-subscriptions job: keep a WebSub subscription for every YouTube channel an active
campaign tracks, renewed at 80 % of its lease, and unsubscribe channels no longer tracked.

The request is recorded before the hub is asked, because the hub verifies our intent (a GET to our
callback, answered only for topics we requested) before or after it answers us.

A request the hub did not accept is answered per topic in `failed`: `{topic, mode, status, reason,
error}`, `status` the hub's HTTP status (null when it never answered), `reason` its short reason or
the status's name (or the network failure's kind), `error` the sentence (`chalicelib.pulls.failures`).
Log lines name the call (`hub subscribe`, `hub unsubscribe`) and never hold the form: `hub.secret`
travels in it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from chalicelib.domain.stored import Subscription
from chalicelib.domain.tracking import tracked_by_platform
from chalicelib.observability import count, logger
from chalicelib.platforms.youtube import YOUTUBE
from chalicelib.platforms.youtube.webhook import LEASE_SECONDS, hub_secret_for, topic_for_channel
from chalicelib.pulls.errors import PullError
from chalicelib.pulls.failures import describe, reason_of

RENEW_AT = 0.8
# A request the hub never verified is asked again after this long.
UNVERIFIED_RETRY = timedelta(hours=1)


class Store(Protocol):
    def all(self) -> list[Subscription]: ...

    def request(self, topic: str, mode: str, requested_at: str) -> None: ...


class Hub(Protocol):
    def post_form(self, url: str, form: Any, headers: Any = None, *, call: str = ...) -> Any: ...


class Campaigns(Protocol):
    def list_all(self) -> list[Any]: ...


def due(subscription: Subscription | None, now: datetime) -> bool:
    """Whether to (re)subscribe a topic we want."""
    if subscription is None or subscription.requested_mode != "subscribe":
        return True
    if subscription.verified_mode != "subscribe" or subscription.verified_at is None:
        requested = subscription.requested_at
        return requested is None or now - requested >= UNVERIFIED_RETRY
    lease = timedelta(seconds=subscription.lease_seconds or LEASE_SECONDS)
    return now >= subscription.verified_at + lease * RENEW_AT


@dataclass(frozen=True, slots=True, kw_only=True)
class SubscriptionService:
    campaigns: Campaigns
    store: Store
    hub: Hub
    hub_url: str
    callback_url: str
    hub_secret_key: Callable[[], str]
    clock: Callable[[], datetime]

    def wanted(self, now: datetime) -> set[str]:
        """The topics of every YouTube channel an active campaign tracks."""
        topics: set[str] = set()
        for campaign in self.campaigns.list_all():
            youtube = tracked_by_platform(campaign).get(YOUTUBE.name) if campaign.is_active(now) else None
            if youtube is not None:
                topics.update(topic_for_channel(channel) for channel in youtube.accounts)
        return topics

    def run(self) -> dict[str, Any]:
        now = self.clock()
        wanted = self.wanted(now)
        known = {s.topic: s for s in self.store.all()}
        subscribed: list[str] = []
        unsubscribed: list[str] = []
        failed: list[dict[str, Any]] = []
        for topic in sorted(wanted):
            if due(known.get(topic), now):
                self._ask("subscribe", topic, now, done=subscribed, failed=failed)
        for topic, subscription in sorted(known.items()):
            if topic not in wanted and subscription.requested_mode == "subscribe":
                self._ask("unsubscribe", topic, now, done=unsubscribed, failed=failed)
        count("subscriptions_requested", len(subscribed) + len(unsubscribed))
        return {"subscribed": subscribed, "unsubscribed": unsubscribed, "failed": failed}

    def _ask(
        self, mode: str, topic: str, now: datetime, *, done: list[str], failed: list[dict[str, Any]]
    ) -> None:
        self.store.request(topic, mode, now.isoformat())
        form = {
            "hub.mode": mode,
            "hub.topic": topic,
            "hub.callback": self.callback_url,
            "hub.verify": "async",
        }
        if mode == "subscribe":
            form["hub.secret"] = hub_secret_for(topic, self.hub_secret_key())
            form["hub.lease_seconds"] = str(LEASE_SECONDS)
        call = f"hub {mode}"
        try:
            self.hub.post_form(self.hub_url, form, call=call)
        except PullError as error:
            why = {
                "topic": topic,
                "mode": mode,
                "status": error.status,
                "reason": reason_of(error),
                "error": describe(error, "The hub"),
            }
            failed.append(why)
            logger.warning(
                f"{call} failed",
                extra={"call": call, "topic": topic, "status": why["status"], "reason": why["reason"]},
            )
            return
        done.append(topic)
