"""Campaigns (contract sections 4 and 5): create, list, read, replace and archive, each for the
caller's token, with collisions returned as warnings (or a 409 when strict).

The checks run in this order: 401 token; 404 a campaign missing or outside the token's labels (the
same answer for both); 403 a role that may not act; 400 the body; 409 strict collisions or an
existing campaign_id.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from chalicelib.domain.access import Action, Principal, require
from chalicelib.domain.collisions import collisions
from chalicelib.domain.pushes import PushEntry, Range, clashes, entries_of, ranges_around, shared_platforms
from chalicelib.domain.roster import RosterView, campaign_conflicts, tracked_accounts
from chalicelib.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.models import json_object, validated
from chalicelib.models.campaign import READ_ONLY_FIELDS, SLUG, Campaign, CampaignBody, stamp_pushes
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


class PushIndex(Protocol):
    def near(self, ranges: Sequence[Range]) -> list[PushEntry]: ...

    def replace(self, stale: Sequence[PushEntry], current: Sequence[PushEntry]) -> None: ...


class NoPushIndex:
    """For a service built without the index (tests of other concerns): nothing near, nothing kept."""

    def near(self, ranges: Sequence[Range]) -> list[PushEntry]:
        return []

    def replace(self, stale: Sequence[PushEntry], current: Sequence[PushEntry]) -> None:
        return None


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


def _clash_sentence(warnings: list[dict[str, Any]]) -> str:
    parts = [
        f"push {w['push_id']} with a push of {w['label']} at {w['at']} on {', '.join(w['platforms'])} "
        f"({w['hours_apart']} h apart)"
        for w in warnings
    ]
    return "Its pushes clash: " + "; ".join(parts) + "."


class CampaignService:
    def __init__(
        self,
        store: Campaigns,
        authenticate: Callable[[str | None], Principal],
        clock: Callable[[], datetime],
        roster: RosterLookup | None = None,
        *,
        pushes: PushIndex | None = None,
        push_spacing: timedelta = timedelta(hours=24),
        calendar_changed: Callable[[set[str]], None] | None = None,
    ) -> None:
        self._store = store
        self._authenticate = authenticate
        self._clock = clock
        self._roster = roster
        self._pushes: PushIndex = pushes or NoPushIndex()
        self._spacing = push_spacing
        # Told the labels whose calendars may show something new (their feeds' ETags change).
        self._calendar_changed = calendar_changed or (lambda _labels: None)

    def create(self, bearer: str | None, body: bytes, *, strict: bool = False) -> Saved:
        principal = self._authenticate(bearer)
        require(principal, Action.WRITE)  # a viewer learns nothing about its body
        submitted = self._body(json_object(body))
        if not principal.covers(submitted.label):
            raise Forbidden(f"This token may not create campaigns of label {submitted.label}.")
        self._check_roster(submitted)
        now = self._clock()
        pushes = stamp_pushes(submitted.pushes, [], now)
        campaign = Campaign(
            **{**dict(submitted), "pushes": pushes}, archived=False, created_at=now, updated_at=now
        )
        others = self._store.list_all()
        if any(other.campaign_id == campaign.campaign_id for other in others):
            raise Conflict(f"Campaign {campaign.campaign_id} exists.")
        clashing, affected = self._clashes(principal, None, campaign)
        warnings = self._collisions(campaign, others, strict=strict, clashes=clashing)
        # The index first: a failure leaves no campaign whose pushes are missing from it.
        self._pushes.replace([], entries_of(campaign))
        try:
            self._store.create(campaign)
        except Conflict:
            # Created meanwhile by another request: its index entries are the ones to keep.
            existing = self._store.get(campaign.campaign_id)
            self._pushes.replace(entries_of(campaign), entries_of(existing) if existing else [])
            raise
        self._calendar_changed(affected)
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
        now = self._clock()
        campaign = Campaign(
            **{**dict(submitted), "pushes": stamp_pushes(submitted.pushes, current.pushes, now)},
            archived=current.archived,
            created_at=current.created_at,
            updated_at=now,
        )
        clashing, affected = self._clashes(principal, current, campaign)
        warnings = self._collisions(campaign, self._store.list_all(), strict=strict, clashes=clashing)
        # Stale entries go and current ones are put before the campaign is written, so a retry (which
        # reads the campaign as it still is) deletes and puts the same keys again, and converges.
        self._pushes.replace(entries_of(current), entries_of(campaign))
        self._store.replace(campaign)
        self._calendar_changed(affected)
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
        current = self._visible(principal, campaign_id, Action.WRITE)
        _, affected = self._clashes(principal, current, None)
        self._store.archive(campaign_id, self._clock())
        # Even when it was archived already: an earlier archive may have failed before this step.
        self._pushes.replace(entries_of(current.model_copy(update={"archived": False})), [])
        self._calendar_changed(affected)
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
    def _collisions(
        campaign: Campaign, others: list[Campaign], *, strict: bool, clashes: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        found = collisions(campaign, others)
        warnings = found + clashes
        if warnings and strict:
            sentences = ([_collision_sentence(found)] if found else []) + (
                [_clash_sentence(clashes)] if clashes else []
            )
            raise Conflict(" ".join(sentences), details={"warnings": warnings})
        return warnings

    def _clashes(
        self, principal: Principal, before: Campaign | None, after: Campaign | None
    ) -> tuple[list[dict[str, Any]], set[str]]:
        """The clashes of `after`'s pushes (what the caller may see of them), and the labels whose
        calendars the change touches: the campaign's own, and those of every push that clashed with
        its pushes before or clashes with them now. Reads only the index around those pushes."""
        old = entries_of(before.model_copy(update={"archived": False})) if before else []
        new = entries_of(after) if after else []
        labels = {campaign.label for campaign in (before, after) if campaign is not None}
        if not old and not new:
            return [], labels
        near = self._pushes.near(ranges_around([*old, *new], self._spacing))
        labels |= {
            other.label
            for other in near
            if any(shared_platforms(mine, other, self._spacing) for mine in (*old, *new))
        }
        return clashes(new, near, self._spacing, principal.covers), labels
