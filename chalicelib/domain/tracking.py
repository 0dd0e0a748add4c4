"""What a campaign tracks, platform by platform, as the jobs read it. Pure.

Publishing (attribution, counters), pulling (what to read) and subscribing (which channels) all start
from the same question, so it is answered once, here, over a narrow view of a campaign
(chalicelib.models.campaign.Campaign fits it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from chalicelib.domain.rollups import Tracked


class TrackedIds(Protocol):
    @property
    def accounts(self) -> Sequence[str]: ...

    @property
    def content(self) -> Sequence[str]: ...


class TrackedPlatforms(Protocol):
    def entries(self) -> Sequence[tuple[str, TrackedIds]]: ...


class TracksPlatforms(Protocol):
    @property
    def tracked(self) -> TrackedPlatforms: ...


# platform -> accounts registered to other labels' artists (contract section 8)
Excluded = Mapping[str, frozenset[str]]


def tracked_by_platform(campaign: TracksPlatforms, excluded: Excluded | None = None) -> dict[str, Tracked]:
    """Per platform, the accounts and content the campaign tracks, and the accounts it never counts."""
    return {
        platform: Tracked(
            frozenset(ids.accounts or ()),
            frozenset(ids.content or ()),
            (excluded or {}).get(platform, frozenset()),
        )
        for platform, ids in campaign.tracked.entries()
    }
