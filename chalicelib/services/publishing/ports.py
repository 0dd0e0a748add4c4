"""What publishing needs of the rest of the system: the stores it reads and writes, and the views of a
campaign it relies on. The adapters (chalicelib.adapters) and the campaign model fit them; tests and
benchmarks pass fakes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any, Protocol

from chalicelib.domain.campaign_views import ScheduledCampaign
from chalicelib.domain.consumption.rules import ReleaseType, Totals
from chalicelib.domain.counters import Reading
from chalicelib.domain.freshness import PullState
from chalicelib.domain.rollups import Rollup, StoredEventView
from chalicelib.domain.stored import Marker, PublishedRun
from chalicelib.domain.tracking import TrackedPlatforms
from chalicelib.models.summary import Summary


class CampaignView(ScheduledCampaign, Protocol):
    """What publishing reads of a campaign (chalicelib.models.campaign.Campaign)."""

    @property
    def language(self) -> str | None: ...

    @property
    def tracked(self) -> TrackedPlatforms: ...

    def is_active(self, now: datetime) -> bool: ...

    def public(self) -> dict[str, Any]: ...


class ArtistView(Protocol):
    """What publishing reads of a registered artist (chalicelib.models.artist.RegisteredArtist)."""

    @property
    def artist_id(self) -> str: ...

    @property
    def label(self) -> str: ...

    @property
    def language(self) -> str: ...


class Campaigns(Protocol):
    def list_all(self) -> list[Any]: ...


class Rollups(Protocol):
    def markers(self) -> list[Marker]: ...

    def clear(self, marker: Marker) -> None: ...

    def events_between(
        self, platform: str, content_id: str, start: datetime, end: datetime
    ) -> list[StoredEventView]: ...

    def rollups(
        self, platform: str, content_id: str, first_hour: datetime, last_hour: datetime
    ) -> list[Rollup]: ...

    def contents_of(self, platform: str, account_id: str) -> list[str]: ...

    def save(self, rollups: Sequence[Rollup]) -> list[Rollup]: ...


class Summaries(Protocol):
    def publish(
        self, label: str, campaign_id: str, generated_at: str, bodies: dict[str, bytes]
    ) -> PublishedRun: ...

    def latest(self, label: str, campaign_id: str) -> PublishedRun | None: ...

    def presign(self, key: str, expires_in_seconds: int) -> str: ...


class Snapshots(Protocol):
    def first_and_last(
        self, platform: str, item_kind: str, item_id: str, metric: str, *, start: datetime, end: datetime
    ) -> tuple[Reading, Reading] | None: ...

    def pull_state(self, platform: str) -> PullState: ...

    def snapshots_written_at(self, platform: str) -> datetime | None: ...

    def daily(
        self, platform: str, item_kind: str, item_id: str, metric: str, *, start: datetime, end: datetime
    ) -> list[Reading]: ...


Renderer = Callable[[Summary], bytes]
CollisionFinder = Callable[[Any, list[Any]], list[dict[str, Any]]]
# Writes the calendar pages of the labels (all labels with a campaign when None); returns them.
CalendarPages = Callable[[list[Any], datetime, "set[str] | None"], list[str]]


class ReleaseView(Protocol):
    """A release of the catalogue (contract section 12), as publishing reads it."""

    @property
    def upc(self) -> str: ...

    @property
    def label(self) -> str: ...

    @property
    def artist_id(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def type(self) -> ReleaseType: ...

    @property
    def release_date(self) -> date: ...

    @property
    def isrcs(self) -> list[str]: ...


class Ledgers(Protocol):
    """Consumption's day totals: one item per track or release and day, whatever the rows behind it."""

    def day_totals(self, kind: str, item: str, first: date, last: date) -> list[tuple[date, Totals]]: ...


# Writes the weekly consumption reports of the labels whose inputs changed, given the run's time and
# its read of the catalogue; returns the labels written.
ConsumptionReports = Callable[[datetime, Callable[[], Sequence[ReleaseView]]], list[str]]
