"""What the domain and the services read of every campaign (chalicelib.models.campaign.Campaign),
as read-only protocols that each reader extends with the rest it needs. Pure."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class CampaignOf(Protocol):
    """A campaign's identity: whose it is."""

    @property
    def campaign_id(self) -> str: ...

    @property
    def label(self) -> str: ...

    @property
    def artist(self) -> str: ...


class ScheduledCampaign(CampaignOf, Protocol):
    """A campaign and its window, in its own time zone."""

    @property
    def starts_at(self) -> datetime: ...

    @property
    def ends_at(self) -> datetime: ...

    @property
    def timezone(self) -> str: ...
