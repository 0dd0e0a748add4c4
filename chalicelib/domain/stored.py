"""Values the stores give the services and take back: plain data, whatever table or bucket holds
them. Pure.

A `Marker` carries its item's key (`pk`, `sk`) as an opaque handle: the service hands it back to the
store to delete it, and never reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chalicelib.models.artist import RegisteredArtist


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


@dataclass(frozen=True, slots=True)
class StoredFeed:
    feed_id: str
    name: str
    labels: frozenset[str]
    secret_sha256: str
    created_at: str
    created_by: str
    version: int = 0

    def __repr__(self) -> str:
        return f"StoredFeed(feed_id={self.feed_id!r}, version={self.version})"


@dataclass(frozen=True, slots=True)
class StoredArtist:
    artist: RegisteredArtist
    version: int  # bumped by every change; a change is conditioned on the version it read


@dataclass(frozen=True, slots=True)
class Alert:
    type: str
    label: str
    key: str  # identity within the type, e.g. `<radar_id>#<entry day>`
    payload: dict[str, Any]
    created_at: datetime
    published_at: str | None = None
    publish_error: str | None = None

    def public(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "label": self.label,
            "payload": self.payload,
            "created_at": self.created_at.isoformat(timespec="microseconds"),
            "published_at": self.published_at,
        }

    def message(self) -> dict[str, Any]:
        """The SNS message: `{type, label, ...payload}` (the contract's JSON message shapes)."""
        return {"type": self.type, "label": self.label, **self.payload}


@dataclass(frozen=True, slots=True)
class StoredReading:
    label: str
    radar_id: str
    platform: str
    at: datetime  # aware, UTC
    audience: int

    @property
    def day(self) -> str:
        return self.at.date().isoformat()
