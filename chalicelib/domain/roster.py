"""The roster's rules (contract section 8): who owns which account, and what that means for campaigns
and their figures. Pure.

An account (platform + id) belongs to at most one artist of the deployment. Its owner is an item of
its own, claimed and released with conditional writes, so that two labels never both win; archiving
an artist releases its accounts (another label may then sign them). A released owner item stays, as
a tombstone with the time of the release, so that the publish job sees when the roster last changed
in the same read that gives it the owners.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from chalicelib.domain.campaign_views import CampaignOf

AccountKey = tuple[str, str]  # (platform, account_id)


@dataclass(frozen=True, slots=True)
class Owner:
    """The owner item of one account: the artist (and its label) holding it, or, released, the last
    one that did."""

    platform: str
    account_id: str
    artist_id: str
    label: str
    changed_at: datetime
    released: bool = False

    @property
    def key(self) -> AccountKey:
        return self.platform, self.account_id


@dataclass(frozen=True, slots=True)
class RosterView:
    """What one lookup found: the label of each artist asked for that exists, and the current owner
    of each account asked for that is held (released accounts are absent)."""

    artists: Mapping[str, str] = field(default_factory=dict)  # artist_id -> label
    owners: Mapping[AccountKey, Owner] = field(default_factory=dict)

    def taken_from(self, artist_id: str, accounts: Iterable[AccountKey]) -> dict[AccountKey, str]:
        """The accounts another artist holds, with the label holding each."""
        return {
            key: owner.label
            for key in accounts
            if (owner := self.owners.get(key)) is not None and owner.artist_id != artist_id
        }

    def held_by(self, artist_id: str, accounts: Iterable[AccountKey]) -> frozenset[AccountKey]:
        """The accounts this artist holds now."""
        return frozenset(
            key
            for key in accounts
            if (owner := self.owners.get(key)) is not None and owner.artist_id == artist_id
        )


@dataclass(frozen=True, slots=True)
class OwnerIndex:
    """Every owner item of the deployment, read once per publish run and shared by its campaigns."""

    held: Mapping[AccountKey, str] = field(default_factory=dict)  # account -> label of its artist
    changed_at: datetime | None = None  # the latest claim or release

    @classmethod
    def of(cls, owners: Iterable[Owner]) -> OwnerIndex:
        held: dict[AccountKey, str] = {}
        changed_at: datetime | None = None
        for owner in owners:
            if not owner.released:
                held[owner.key] = owner.label
            if changed_at is None or owner.changed_at > changed_at:
                changed_at = owner.changed_at
        return cls(held, changed_at)

    def foreign_to(self, label: str) -> dict[str, frozenset[str]]:
        """Per platform, the accounts registered to artists of other labels: their events are never
        counted in this label's campaigns (contract section 8), whatever the campaigns track."""
        foreign: dict[str, set[str]] = defaultdict(set)
        for (platform, account_id), holder in self.held.items():
            if holder != label:
                foreign[platform].add(account_id)
        return {platform: frozenset(accounts) for platform, accounts in foreign.items()}


class TrackedAccounts(Protocol):
    """What the checks read of a campaign's `tracked` (chalicelib.models.campaign.TrackedMap)."""

    def entries(self) -> Sequence[tuple[str, Any]]: ...


def tracked_accounts(tracked: TrackedAccounts) -> list[tuple[str, int, str]]:
    """(platform, index, account_id) of every account a campaign tracks."""
    return [
        (platform, index, account_id)
        for platform, ids in tracked.entries()
        for index, account_id in enumerate(ids.accounts)
    ]


def campaign_conflicts(label: str, artist: str, tracked: TrackedAccounts, view: RosterView) -> dict[str, str]:
    """What a campaign of `label` may not say, by field path: an `artist` that is the artist_id of
    another label's artist, and tracked accounts registered to artists of other labels."""
    fields: dict[str, str] = {}
    holder = view.artists.get(artist)
    if holder is not None and holder != label:
        fields["artist"] = "Is the artist_id of an artist of another label."
    for platform, index, account_id in tracked_accounts(tracked):
        owner = view.owners.get((platform, account_id))
        if owner is not None and owner.label != label:
            fields[f"tracked.{platform}.accounts.{index}"] = (
                f"Registered to an artist of label {owner.label}: its events never count in this "
                "label's campaigns."
            )
    return fields


class CampaignOfLabel(CampaignOf, Protocol):
    @property
    def name(self) -> str: ...

    @property
    def archived(self) -> bool: ...

    @property
    def tracked(self) -> TrackedAccounts: ...


def unlinked_campaigns(
    artist_id: str, label: str, accounts: Iterable[AccountKey], campaigns: Iterable[CampaignOfLabel]
) -> list[dict[str, Any]]:
    """Warnings for the campaigns of the artist's label (archived ones aside) that track one of its
    accounts but name another artist: `{type: "campaign_artist", campaign_id, name, artist, shared}`.
    Only the label's own campaigns: a registration says nothing about other labels'."""
    held = set(accounts)
    warnings = []
    for campaign in sorted(campaigns, key=lambda c: c.campaign_id):
        if campaign.label != label or campaign.archived or campaign.artist == artist_id:
            continue
        shared = [
            {"platform": platform, "type": "account", "id": account_id}
            for platform, _, account_id in tracked_accounts(campaign.tracked)
            if (platform, account_id) in held
        ]
        if shared:
            warnings.append(
                {
                    "type": "campaign_artist",
                    "campaign_id": campaign.campaign_id,
                    "name": campaign.name,
                    "artist": campaign.artist,
                    "shared": shared,
                }
            )
    return warnings
