"""Summary routes and jobs: who may publish, get links, run jobs; publishing does the work."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass
from typing import Any, Protocol

from chalicelib.domain.access import Action, Principal, require
from chalicelib.errors import NotFound
from chalicelib.models.campaign import Campaign
from chalicelib.services.publishing import PublishingService
from chalicelib.services.subscriptions import SubscriptionService


class Job(Protocol):
    def run(self) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class SummaryService:
    authorised: Callable[[str | None, str, Action], Campaign]
    authenticate: Callable[[str | None], Principal]
    publishing: Callable[[], PublishingService]
    pulling: Callable[[Callable[[], float]], Job]  # the pull job of one invocation
    subscribing: Callable[[], SubscriptionService]
    _: KW_ONLY
    radar: Callable[[], Any] | None = None
    moderation: Callable[[], Any] | None = None

    def publish(self, bearer: str | None, campaign_id: str) -> dict[str, Any]:
        campaign = self.authorised(bearer, campaign_id, Action.PUBLISH)
        return self.publishing().publish_now(campaign)

    def links(self, bearer: str | None, campaign_id: str, expires_in: str | None) -> dict[str, Any]:
        campaign = self.authorised(bearer, campaign_id, Action.LINKS)
        return self.publishing().links(campaign, expires_in)

    def run_job(self, bearer: str | None, job: str, seconds_left: Callable[[], float]) -> dict[str, Any]:
        require(self.authenticate(bearer), Action.RUN_JOBS)
        if job == "publish":
            return {"job": job, **self.publishing().publish_due()}
        if job == "pull":
            return {"job": job, **self.pulling(seconds_left).run()}
        if job == "renew-subscriptions":
            return {"job": job, **self.subscribing().run()}
        if job == "radar" and self.radar is not None:
            return {"job": job, **self.radar().run(report=True)}
        if job == "moderation" and self.moderation is not None:
            return {"job": job, **self.moderation().run()}
        raise NotFound(
            f"No job named {job!r} here; jobs: publish, pull, renew-subscriptions, radar, moderation."
        )
