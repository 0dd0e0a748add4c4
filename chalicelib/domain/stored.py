"""Values the stores give the services and take back: plain data, whatever table or bucket holds
them. Pure.

A `Marker` carries its item's key (`pk`, `sk`) as an opaque handle: the service hands it back to the
store to delete it, and never reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Marker:
    pk: str  # the store's handle
    sk: str
    platform: str
    content_id: str
    hour: datetime
    written_at: str


@dataclass(frozen=True, slots=True)
class Subscription:
    topic: str
    requested_mode: str | None
    requested_at: datetime | None
    verified_mode: str | None
    verified_at: datetime | None
    lease_seconds: int | None


@dataclass(frozen=True, slots=True)
class PublishedRun:
    generated_at: str
    keys: dict[str, str]  # artefact (json, csv, html) -> object key
