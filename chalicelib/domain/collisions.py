"""Collisions (contract section 5). Pure.

Two campaigns of the same label collide when their windows overlap and they track the same
platform account or the same content. Archived campaigns collide with nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from chalicelib.models.campaign import Campaign, CampaignBody


def shared_ids(one: CampaignBody, other: CampaignBody) -> list[dict[str, str]]:
    """What both campaigns track: `{platform, type: "account"|"content", id}`, in a stable order."""
    shared: list[dict[str, str]] = []
    for platform, mine in one.tracked.entries():
        theirs = other.tracked.get(platform)
        if theirs is None:
            continue
        pairs: tuple[tuple[str, list[str]], ...] = (("account", mine.accounts), ("content", mine.content))
        for kind, ids in pairs:
            match = theirs.has_account if kind == "account" else theirs.has_content
            shared.extend(
                {"platform": platform, "type": kind, "id": value} for value in sorted(ids) if match(value)
            )
    return shared


def collisions(campaign: CampaignBody, others: Iterable[Campaign]) -> list[dict[str, Any]]:
    """The campaign's collisions with others (itself and archived ones excluded), by overlap start:
    `{campaign_id, name, from, to, shared}`, `from`/`to` being the overlap of the two windows."""
    if isinstance(campaign, Campaign) and campaign.archived:
        return []
    found: list[tuple[datetime, str, dict[str, Any]]] = []
    for other in others:
        if other.campaign_id == campaign.campaign_id or other.archived or other.label != campaign.label:
            continue
        start = max(campaign.starts_at, other.starts_at)
        end = min(campaign.ends_at, other.ends_at)
        if start >= end:  # windows are [starts_at, ends_at): touching windows do not overlap
            continue
        shared = shared_ids(campaign, other)
        if shared:
            found.append(
                (
                    start,
                    other.campaign_id,
                    {
                        "campaign_id": other.campaign_id,
                        "name": other.name,
                        "from": start.isoformat(),
                        "to": end.isoformat(),
                        "shared": shared,
                    },
                )
            )
    return [collision for _, _, collision in sorted(found, key=lambda f: (f[0], f[1]))]


def with_push_clashes(spacing: timedelta) -> Callable[[Campaign, list[Campaign]], list[dict[str, Any]]]:
    """What a summary lists in `collisions`: the campaign's collisions, then its pushes' clashes
    (section 9) with every other campaign's, of any label; the other push's campaign and title only
    when it is of the same label (a summary's readers are its label's)."""
    from chalicelib.domain.pushes import ClashFinder, entries_of

    def find(campaign: Campaign, others: list[Campaign]) -> list[dict[str, Any]]:
        found = collisions(campaign, others)
        mine = entries_of(campaign)
        if not mine:
            return found
        finder = ClashFinder([entry for other in others for entry in entries_of(other)], spacing)
        return found + finder.warnings(mine, campaign.label.__eq__)

    return find
