"""The radar's daily reading of watched accounts (contract section 13), run by the pull job.

Each account is read once a day whatever the number of labels watching it (two labels may watch the
same artist), platform by platform in one batch, through an `AudienceReader`. `PulledAudiences` is
the reader the pull job uses: the registry's pullers (the clients campaign pulls use, batched as
they batch) read only each watched platform's `public_audience` metric, spending the same daily
budgets (YouTube units, X reads) that the campaign pulls spend. Readings are never campaign figures:
they go to the radar's own items, never to snapshots.

The reading runs once per UTC day, after the campaign pulls, guarded by a day marker: the first run
of the day reads every account; the accounts it could not read (a spent budget, a timeout, a 5xx, the
run out of time) are the marker's `pending`, and the next hourly runs of the same day read those only,
until none is left; then a run reads nothing. What is still unread at the end of the UTC day has no
reading that day (the score carries the platform's last reading forward).

A 404 or an id the platform does not return (`gone`) keeps the artist watched and marks the platform
gone (when every account of the artist on it is gone) so that it is not read again; its last reading
stays in the score (carried forward).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from chalicelib.domain.radar import RADAR_PLATFORMS
from chalicelib.domain.stored import StoredReading
from chalicelib.models.radar import WatchedArtist
from chalicelib.observability import logger
from chalicelib.pulls.errors import PullError
from chalicelib.pulls.snapshots import PullResult
from chalicelib.services.pulling import MIN_SECONDS_PER_PLATFORM, Items, PullerFactory


@dataclass(frozen=True, slots=True)
class Audiences:
    """What one batch read of a platform returned."""

    counts: Mapping[str, int] = field(default_factory=dict)  # account id -> followers/subscribers/fans
    gone: frozenset[str] = frozenset()  # account ids the platform answered 404 for (or did not return)
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
    def day_pending(self, day: str) -> dict[str, list[str]] | None: ...
    def save_day_pending(self, day: str, pending: Mapping[str, Sequence[str]]) -> None: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class RadarPullService:
    store: RadarPullStore
    reader: AudienceReader
    clock: Callable[[], datetime]
    seconds_left: Callable[[], float]

    def run(self) -> dict[str, object]:
        """Read the day's audiences once: every watched account at the day's first run, then only
        those a previous run of the day left unread; nothing once the day is complete."""
        now = self.clock().astimezone(UTC)
        today = now.date().isoformat()
        pending = self.store.day_pending(today)  # None: no run read anything today
        if pending is not None and not any(pending.values()):
            return {"day": today, "skipped": "every watched account was read today"}
        artists = [a for label in self.store.labels() for a in self.store.list_label(label)]
        due = _due(artists, pending)
        wanted: dict[str, set[str]] = defaultdict(set)  # platform -> accounts, each once
        for _, platform, ids in due:
            wanted[platform].update(ids)
        results = {
            platform: self.reader.read(platform, sorted(wanted[platform]), self.seconds_left)
            for platform in RADAR_PLATFORMS
            if wanted.get(platform)
        }
        readings: list[StoredReading] = []
        gone: dict[tuple[str, str], dict[str, str]] = {}
        left: dict[str, set[str]] = defaultdict(set)
        for artist, platform, ids in due:
            result = results[platform]
            if all(a in result.gone for a in ids):
                gone.setdefault((artist.label, artist.radar_id), dict(artist.gone))[platform] = today
            elif all(a in result.counts or a in result.gone for a in ids):
                # Every live account read: the platform's audience is their sum. A partial sum
                # would look like a fall, so a platform with an unread account waits for a later run.
                audience = sum(result.counts.get(a, 0) for a in ids)
                readings.append(StoredReading(artist.label, artist.radar_id, platform, now, audience))
            else:  # read again, all of the artist's live accounts there, at the next run today
                left[platform].update(a for a in ids if a not in result.gone)
        for (label, radar_id), platforms in gone.items():
            self.store.mark_gone(label, radar_id, platforms)
        stored = self.store.put_readings(readings)
        if due or pending is not None:
            self.store.save_day_pending(today, {p: sorted(ids) for p, ids in sorted(left.items())})
        unread = {p: len(r.unread) for p, r in results.items() if r.unread}
        logger.info("radar pull", extra={"readings": len(readings), "gone": len(gone), "unread": unread})
        return {
            "day": today,
            "accounts": {p: len(ids) for p, ids in sorted(wanted.items())},
            "readings": len(readings),
            "stored": stored,
            "marked_gone": len(gone),
            "unread": unread,
            "left_for_next_run": {p: len(ids) for p, ids in sorted(left.items())},
        }


def _due(
    artists: Sequence[WatchedArtist], pending: Mapping[str, Sequence[str]] | None
) -> list[tuple[WatchedArtist, str, list[str]]]:
    """(artist, platform, its live accounts there) to read in this run: every platform not gone at
    the day's first run (`pending` None), else those with an account a previous run left unread."""
    due: list[tuple[WatchedArtist, str, list[str]]] = []
    for artist in artists:
        by_platform: dict[str, list[str]] = defaultdict(list)
        for platform, account_id in artist.accounts.pairs():
            if platform not in artist.gone:
                by_platform[platform].append(account_id)
        for platform, ids in by_platform.items():
            if pending is None or not set(ids).isdisjoint(pending.get(platform, ())):
                due.append((artist, platform, ids))
    return due


# The reader over the pull clients -------------------------------------------------------------------


class PullProgress(Protocol):
    """The pull job's progress per platform (snapshot store): its budget state and the ids to resume."""

    def load_progress(self, platform: str) -> dict[str, Any]: ...

    def save_progress(self, platform: str, progress: dict[str, Any]) -> None: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class PulledAudiences:
    """`AudienceReader` over the registry's pullers: the accounts go through the platform's pull as
    campaign accounts do (same client, same batches), with the platform's budget state loaded from
    the pull job's progress and saved back after the read, the campaign pull's ids to resume left
    as they were. Only the platform's public audience metric is kept; nothing is stored as a snapshot."""

    pullers: Mapping[str, PullerFactory]
    metrics: Mapping[str, str]  # platform -> its public audience metric (registry.watched())
    progress: PullProgress
    clock: Callable[[], datetime]

    def read(self, platform: str, account_ids: Sequence[str], seconds_left: Callable[[], float]) -> Audiences:
        ids = list(dict.fromkeys(account_ids))
        factory, metric = self.pullers.get(platform), self.metrics.get(platform)
        if not ids:
            return Audiences()
        if factory is None or metric is None:
            return _unread(ids, "the platform is not pulled")
        if seconds_left() < MIN_SECONDS_PER_PLATFORM:
            return _unread(ids, "the run is out of time")
        try:
            puller = factory()
        except PullError as error:  # no credentials: nothing was asked
            return _unread(ids, error.message)
        saved = self.progress.load_progress(platform)
        # The puller records its budget and its ids to resume here, not in the campaign pull's progress.
        scratch: dict[str, Any] = {"budget": saved["budget"]} if "budget" in saved else {}
        try:
            result = puller(Items((), tuple(ids)), self.clock(), scratch)
        except PullError as error:
            result = PullResult(remaining_ids=tuple(ids), error=error)
        finally:
            if "budget" in scratch and scratch["budget"] != saved.get("budget"):
                self.progress.save_progress(platform, {**saved, "budget": scratch["budget"]})
        return audiences(result, ids, metric)


def audiences(result: PullResult, ids: Sequence[str], metric: str) -> Audiences:
    """The audience of each account from a pull's result: its `metric` when read, `gone` when the
    platform answered without it (404, absent), else unread with the reason (a spent budget, a
    timeout, a 5xx, a count the platform would not give)."""
    counts: dict[str, int] = {}
    withheld: dict[str, str] = {}
    for snapshot in result.snapshots:
        if snapshot.item_kind != "account" or snapshot.metric != metric:
            continue
        if snapshot.value is None:
            withheld[snapshot.item_id] = snapshot.unavailable or "unavailable"
        else:
            counts[snapshot.item_id] = int(snapshot.value)
    missing = set(result.missing_ids)
    gone = frozenset(a for a in ids if a in missing and a not in counts)
    why = result.error.message if result.error is not None else "not read"
    unread = {a: withheld.get(a, why) for a in ids if a not in counts and a not in gone}
    return Audiences(counts=counts, gone=gone, unread=unread)


def _unread(ids: Sequence[str], why: str) -> Audiences:
    return Audiences(unread=dict.fromkeys(ids, why))


# The pull job ----------------------------------------------------------------------------------------


class Job(Protocol):
    def run(self) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class PullJob:
    """The hourly pull job: the campaigns' pulls first (they have the budgets' first call), then the
    day's reading of the watched accounts with what is left of them."""

    pulls: Job
    radar: RadarPullService

    def run(self) -> dict[str, Any]:
        return {**self.pulls.run(), "radar": self.radar.run()}
