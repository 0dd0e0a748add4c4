"""Collisions (contract section 5). Pure.

Two campaigns of the same label collide when their windows overlap and they track the same
platform account or the same content. Archived campaigns collide with nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
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
