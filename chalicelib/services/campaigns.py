"""Campaigns (contract sections 4 and 5): create, list, read, replace and archive, each for the
caller's token, with collisions returned as warnings (or a 409 when strict).

The checks run in this order: 401 token; 404 a campaign missing or outside the token's labels (the
same answer for both); 403 a role that may not act; 400 the body; 409 strict collisions or an
existing campaign_id.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from chalicelib.domain.access import Action, Principal, require
from chalicelib.domain.collisions import collisions
from chalicelib.domain.roster import RosterView, campaign_conflicts, tracked_accounts
from chalicelib.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.models import json_object, validated
from chalicelib.models.campaign import READ_ONLY_FIELDS, SLUG, Campaign, CampaignBody
from chalicelib.observability import logger

NOT_FOUND = "No such campaign."


class Campaigns(Protocol):
    def get(self, campaign_id: str) -> Campaign | None: ...

    def list_all(self) -> list[Campaign]: ...

    def create(self, campaign: Campaign) -> None: ...

    def replace(self, campaign: Campaign) -> None: ...

    def archive(self, campaign_id: str, now: datetime) -> Campaign: ...


class RosterLookup(Protocol):
    def lookup(self, artist_ids: Iterable[str], accounts: Iterable[tuple[str, str]]) -> RosterView: ...


@dataclass(frozen=True, slots=True)
class Saved:
    campaign: Campaign
    warnings: list[dict[str, Any]] = field(default_factory=list)


def _collision_sentence(warnings: list[dict[str, Any]]) -> str:
    parts = [
        f"{w['campaign_id']} from {w['from']} to {w['to']} ("
        + ", ".join(f"{s['platform']} {s['type']} {s['id']}" for s in w["shared"])
        + ")"
        for w in warnings
    ]
    return "The campaign collides with " + "; ".join(parts) + "."


class CampaignService:
    def __init__(
        self,
        store: Campaigns,
        authenticate: Callable[[str | None], Principal],
        clock: Callable[[], datetime],
        roster: RosterLookup | None = None,
    ) -> None:
        self._store = store
        self._authenticate = authenticate
        self._clock = clock
        self._roster = roster

    def create(self, bearer: str | None, body: bytes, *, strict: bool = False) -> Saved:
        principal = self._authenticate(bearer)
        require(principal, Action.WRITE)  # a viewer learns nothing about its body
        submitted = self._body(json_object(body))
        if not principal.covers(submitted.label):
            raise Forbidden(f"This token may not create campaigns of label {submitted.label}.")
        self._check_roster(submitted)
        now = self._clock()
        campaign = Campaign(**dict(submitted), archived=False, created_at=now, updated_at=now)
        others = self._store.list_all()
        if any(other.campaign_id == campaign.campaign_id for other in others):
            raise Conflict(f"Campaign {campaign.campaign_id} exists.")
        warnings = self._collisions(campaign, others, strict=strict)
        self._store.create(campaign)
        logger.info(
            "campaign created",
            extra={"campaign_id": campaign.campaign_id, "label": campaign.label, "by": principal.token_id},
        )
        return Saved(campaign, warnings)

    def replace(self, bearer: str | None, campaign_id: str, body: bytes, *, strict: bool = False) -> Saved:
        principal = self._authenticate(bearer)
        current = self._visible(principal, campaign_id, Action.WRITE)
        data = json_object(body)
        changed = {
            name: "Cannot be changed."
            for name, value in (("campaign_id", campaign_id), ("label", current.label))
            if name in data and data[name] != value
        }
        try:
            submitted = self._body({**data, "campaign_id": campaign_id, "label": current.label})
        except ValidationFailed as error:
            if not changed:
                raise
            # One 400 lists every problem: the ids that cannot change and whatever else is wrong.
            raise ValidationFailed(error.message, fields={**changed, **(error.fields or {})}) from error
        if changed:
            raise ValidationFailed("A campaign's campaign_id and label cannot be changed.", fields=changed)
        self._check_roster(submitted)
        campaign = Campaign(
            **dict(submitted),
            archived=current.archived,
            created_at=current.created_at,
            updated_at=self._clock(),
        )
        warnings = self._collisions(campaign, self._store.list_all(), strict=strict)
        self._store.replace(campaign)
        logger.info("campaign replaced", extra={"campaign_id": campaign_id, "by": principal.token_id})
        return Saved(campaign, warnings)

    def get(self, bearer: str | None, campaign_id: str) -> Campaign:
        principal = self._authenticate(bearer)
        return self._visible(principal, campaign_id, Action.READ)

    def list_campaigns(
        self,
        bearer: str | None,
        *,
        label: str | None = None,
        active: bool | None = None,
        archived: bool = False,
    ) -> list[Campaign]:
        """The caller's campaigns (of its labels), optionally of one label; archived ones only when
        asked; `active` keeps those whose window contains now and are not archived (or the others)."""
        principal = self._authenticate(bearer)
        require(principal, Action.READ)
        now = self._clock()
        return [
            campaign
            for campaign in self._store.list_all()
            if principal.covers(campaign.label)
            and (label is None or campaign.label == label)
            and (archived or not campaign.archived)
            and (active is None or campaign.is_active(now) == active)
        ]

    def archive(self, bearer: str | None, campaign_id: str) -> None:
        principal = self._authenticate(bearer)
        self._visible(principal, campaign_id, Action.WRITE)
        self._store.archive(campaign_id, self._clock())
        logger.info("campaign archived", extra={"campaign_id": campaign_id, "by": principal.token_id})

    # ---------------------------------------------------------------------------------------------

    def authorised(self, bearer: str | None, campaign_id: str, action: Action) -> Campaign:
        """The campaign, for a caller allowed to do `action` on it (401, 404 or 403 otherwise)."""
        return self._visible(self._authenticate(bearer), campaign_id, action)

    def _visible(self, principal: Principal, campaign_id: str, action: Action) -> Campaign:
        """The campaign if the token's labels cover it (else 404, as if missing) and its role may act."""
        campaign = self._store.get(campaign_id) if SLUG.fullmatch(campaign_id) else None
        if campaign is None:
            raise NotFound(NOT_FOUND)
        require(principal, action, campaign.label, not_found=NOT_FOUND)
        return campaign

    def _check_roster(self, campaign: CampaignBody) -> None:
        """Contract section 8, on a valid body: its `artist` may not be another label's artist_id, and
        it may not track accounts registered to artists of other labels. One read of the roster (a
        BatchGetItem of the artist and the accounts)."""
        artists = [campaign.artist] if SLUG.fullmatch(campaign.artist) else []
        accounts = [(platform, account_id) for platform, _, account_id in tracked_accounts(campaign.tracked)]
        if self._roster is None or not (artists or accounts):
            return
        fields = campaign_conflicts(
            campaign.label, campaign.artist, campaign.tracked, self._roster.lookup(artists, accounts)
        )
        if fields:
            raise ValidationFailed("The campaign names what another label's roster holds.", fields=fields)

    @staticmethod
    def _body(data: dict[str, Any]) -> CampaignBody:
        writable = {name: value for name, value in data.items() if name not in READ_ONLY_FIELDS}
        return validated(CampaignBody, writable, "campaign")

    @staticmethod
    def _collisions(campaign: Campaign, others: list[Campaign], *, strict: bool) -> list[dict[str, Any]]:
        warnings = collisions(campaign, others)
        if warnings and strict:
            raise Conflict(_collision_sentence(warnings), details={"warnings": warnings})
        return warnings
