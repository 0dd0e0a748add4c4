"""Summary routes and jobs: who may publish, get links, run jobs; publishing does the work."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from chalicelib.domain.access import Action, Principal, require
from chalicelib.errors import NotFound
from chalicelib.models.campaign import Campaign
from chalicelib.services.publishing import PublishingService
from chalicelib.services.subscriptions import SubscriptionService


class Job(Protocol):
    def run(self) -> dict[str, Any]: ...


class SummaryService:
    def __init__(
        self,
        authorised: Callable[[str | None, str, Action], Campaign],
        authenticate: Callable[[str | None], Principal],
        publishing: Callable[[], PublishingService],
        pulling: Callable[[Callable[[], float]], Job],  # the pull job of one invocation
        subscribing: Callable[[], SubscriptionService],
        *,
        radar: Callable[[], Any] | None = None,
        moderation: Callable[[], Any] | None = None,
    ) -> None:
        self._radar = radar
        self._moderation = moderation
        self._authorised = authorised
        self._authenticate = authenticate
        self._publishing = publishing
        self._pulling = pulling
        self._subscribing = subscribing

    def publish(self, bearer: str | None, campaign_id: str) -> dict[str, Any]:
        campaign = self._authorised(bearer, campaign_id, Action.PUBLISH)
        return self._publishing().publish_now(campaign)

    def links(self, bearer: str | None, campaign_id: str, expires_in: str | None) -> dict[str, Any]:
        campaign = self._authorised(bearer, campaign_id, Action.LINKS)
        return self._publishing().links(campaign, expires_in)

    def run_job(self, bearer: str | None, job: str, seconds_left: Callable[[], float]) -> dict[str, Any]:
        require(self._authenticate(bearer), Action.RUN_JOBS)
        if job == "publish":
            return {"job": job, **self._publishing().publish_due()}
        if job == "pull":
            return {"job": job, **self._pulling(seconds_left).run()}
        if job == "renew-subscriptions":
            return {"job": job, **self._subscribing().run()}
        if job == "radar" and self._radar is not None:
            return {"job": job, **self._radar().run(report=True)}
        if job == "moderation" and self._moderation is not None:
            return {"job": job, **self._moderation().run()}
        raise NotFound(
            f"No job named {job!r} here; jobs: publish, pull, renew-subscriptions, radar, moderation."
        )
