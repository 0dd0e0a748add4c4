"""The radar's daily reading of watched accounts (contract section 13), through an injected port.

The pull clients (chalicelib/platforms, chalicelib/pulls) are being reorganised into a per-platform
registry; until that lands, this service depends only on `AudienceReader`, a port the registry's
clients will implement (see README, "Talent radar", for exactly what remains to connect). Each account
is read once a day whatever the number of labels watching it (two labels may watch the same artist),
platform by platform in one batch, inside the budget the reader enforces (YouTube units, X reads).
Readings are never campaign figures: they go to the radar's own items, never to snapshots.

A 404 (`gone`) keeps the artist watched and marks the platform gone (when every account of the artist
on it is gone) so that it is not read again; its last reading stays in the score (carried forward).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from chalicelib.domain.radar import RADAR_PLATFORMS
from chalicelib.domain.stored import StoredReading
from chalicelib.models.radar import WatchedArtist
from chalicelib.observability import logger


@dataclass(frozen=True, slots=True)
class Audiences:
    """What one batch read of a platform returned."""

    counts: Mapping[str, int] = field(default_factory=dict)  # account id -> followers/subscribers/fans
    gone: frozenset[str] = frozenset()  # account ids the platform answered 404 for
    unread: Mapping[str, str] = field(default_factory=dict)  # account id -> why (budget spent, error)


class AudienceReader(Protocol):
    """The port: read the public audience counters of these accounts of one platform, batched as the
    platform allows (YouTube 50 channels a request, X 100 users, Spotify 50 artists; Deezer and
    SoundCloud one each), inside the job's budgets and remaining time."""

    def read(
        self, platform: str, account_ids: Sequence[str], seconds_left: Callable[[], float]
    ) -> Audiences: ...


class RadarPullStore(Protocol):
    def labels(self) -> list[str]: ...
    def list_label(self, label: str) -> list[WatchedArtist]: ...
    def put_readings(self, readings: Sequence[StoredReading]) -> int: ...
    def mark_gone(self, label: str, radar_id: str, gone: dict[str, str]) -> None: ...


class RadarPullService:
    def __init__(
        self,
        *,
        store: RadarPullStore,
        reader: AudienceReader,
        clock: Callable[[], datetime],
        seconds_left: Callable[[], float],
    ) -> None:
        self._store = store
        self._reader = reader
        self._clock = clock
        self._seconds_left = seconds_left

    def run(self) -> dict[str, object]:
        now = self._clock().astimezone(UTC)
        today = now.date().isoformat()
        artists = [a for label in self._store.labels() for a in self._store.list_label(label)]
        wanted: dict[str, set[str]] = defaultdict(set)  # platform -> accounts, each once
        for artist in artists:
            for platform, account_id in artist.accounts.pairs():
                if platform not in artist.gone:
                    wanted[platform].add(account_id)
        results = {
            platform: self._reader.read(platform, sorted(wanted[platform]), self._seconds_left)
            for platform in RADAR_PLATFORMS
            if wanted.get(platform)
        }
        readings: list[StoredReading] = []
        marked = 0
        for artist in artists:
            gone = dict(artist.gone)
            for platform, result in results.items():
                ids = [a for p, a in artist.accounts.pairs() if p == platform]
                if not ids or platform in artist.gone:
                    continue
                if all(a in result.gone for a in ids):
                    gone[platform] = today
                elif all(a in result.counts or a in result.gone for a in ids):
                    # Every live account read: the platform's audience is their sum. A partial sum
                    # would look like a fall, so a platform with an unread account waits for tomorrow.
                    audience = sum(result.counts.get(a, 0) for a in ids)
                    readings.append(StoredReading(artist.label, artist.radar_id, platform, now, audience))
            if gone != artist.gone:
                self._store.mark_gone(artist.label, artist.radar_id, gone)
                marked += 1
        stored = self._store.put_readings(readings)
        unread = {p: len(r.unread) for p, r in results.items() if r.unread}
        logger.info("radar pull", extra={"readings": len(readings), "gone": marked, "unread": unread})
        return {
            "accounts": {p: len(ids) for p, ids in sorted(wanted.items())},
            "readings": len(readings),
            "stored": stored,
            "marked_gone": marked,
            "unread": unread,
        }
