"""What the unit tests of the publishing service build it from: a rollup store double that records
what is read, a stored campaign, and a service that only builds summaries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.domain.rollups import Rollup, StoredEventView
from chalicelib.domain.weights import DEFAULT_WEIGHTS
from chalicelib.models import validated
from chalicelib.models.campaign import Campaign
from chalicelib.services.publishing import PublishingService
from tests.campaigns import campaign_dict


class RecordingRollups:
    """Stored rollups and events of one content; records the ranges read."""

    def __init__(self, rollups: list[Rollup], events: list[StoredEventView] | None = None) -> None:
        self._rollups = rollups
        self._events = events or []
        self.rollup_reads: list[tuple[datetime, datetime]] = []
        self.event_reads: list[tuple[datetime, datetime]] = []

    def rollups(
        self, platform: str, content_id: str, first_hour: datetime, last_hour: datetime
    ) -> list[Rollup]:
        self.rollup_reads.append((first_hour, last_hour))
        return [r for r in self._rollups if first_hour <= r.hour <= last_hour]

    def events_between(
        self, platform: str, content_id: str, start: datetime, end: datetime
    ) -> list[StoredEventView]:
        self.event_reads.append((start, end))
        return [e for e in self._events if start <= e.occurred_at < end]

    def contents_of(self, platform: str, account_id: str) -> list[str]:
        return []


def stored_campaign(
    starts_at: datetime, ends_at: datetime, tracked: dict[str, Any], **changes: Any
) -> Campaign:
    """Columbia's campaign "tour" over the window, tracking `tracked`, stored when it started."""
    window = {"starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()}
    stamps = {"created_at": starts_at.isoformat(), "updated_at": starts_at.isoformat()}
    body = campaign_dict(
        **{"campaign_id": "tour", "name": "Tour", "tracked": tracked, **window, **stamps, **changes}
    )
    return validated(Campaign, body, "campaign")


def building_service(rollups: Any, now: datetime, **ports: Any) -> PublishingService:
    """A service that only builds summaries (no campaigns, summaries or renderers of its own), reading
    one item at a time, at `now`; `ports` add or replace any of its ports."""
    unused: Any = None
    return PublishingService(
        **{
            "campaigns": unused,
            "rollups": rollups,
            "summaries": unused,
            "renderers": {},
            "collisions": lambda c, o: [],
            "weights": DEFAULT_WEIGHTS,
            "clock": lambda: now,
            "read_concurrency": 1,
            **ports,
        }
    )
