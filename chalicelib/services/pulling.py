"""The pull job: read the counters of everything active campaigns track, store snapshots.

One platform failing never stops the others; each platform's outcome is recorded as its freshness:
whether the pull reached it (got any answer), and the failure it met, in the sentence a summary shows
(`chalicelib.pulls.failures`) with its kind (what a summary's attention list is decided on), or none,
which clears the previous one. A platform without credentials
is not called and records `no credentials configured (<VARIABLE>)`: its puller factory raises
`NoCredentials` (or `Misconfigured`). A run stops starting platforms when the invocation's time runs low,
and a platform that stopped early (budget spent, an error) keeps the ids it did not read and starts
with them next run. Each pull's snapshots carry its time, so each pull is its own reading; the
platform's state also says when its latest snapshots were written, which is how the publish job knows
a campaign has new counters to show.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from chalicelib.domain.tracking import tracked_by_platform
from chalicelib.observability import count, logger
from chalicelib.pulls.errors import PullError
from chalicelib.pulls.failures import describe_pull, error_kind
from chalicelib.pulls.snapshots import PullResult, Snapshot

# Start a platform only with this much of the invocation left (its HTTP calls are bounded by their
# timeouts and retry budget; what it read is written at once).
MIN_SECONDS_PER_PLATFORM = 5.0


@dataclass(frozen=True, slots=True)
class Items:
    content: tuple[str, ...]
    accounts: tuple[str, ...]
    # content id -> the accounts tracked beside it (TikTok reads a video with its account's token)
    owners: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


# One platform's reader: the counters of these items now; it updates its progress between runs.
Puller = Callable[[Items, datetime, dict[str, Any]], PullResult]
# Makes a platform's reader, or raises `NoCredentials` / `Misconfigured` without calling anything.
PullerFactory = Callable[[], Puller]


class Store(Protocol):
    def save(self, snapshots: Sequence[Snapshot]) -> None: ...

    def record_pull(
        self,
        platform: str,
        at: datetime,
        error: str | None,
        *,
        reached: bool = True,
        written_at: datetime | None = None,
        kind: str | None = None,
    ) -> None: ...

    def load_progress(self, platform: str) -> dict[str, Any]: ...

    def save_progress(self, platform: str, progress: dict[str, Any]) -> None: ...

    def pull_soon(self, platform: str) -> list[str]: ...

    def pulled_soon(self, platform: str, content_ids: Sequence[str]) -> None: ...


class Campaigns(Protocol):
    def list_all(self) -> list[Any]: ...


def resume_first(ids: Sequence[str], remaining: Sequence[str]) -> tuple[str, ...]:
    """The ids a previous run did not reach come first; every tracked id once."""
    left = [i for i in remaining if i in set(ids)]
    return tuple(dict.fromkeys([*left, *ids]))


@dataclass(frozen=True, slots=True, kw_only=True)
class PullService:
    campaigns: Campaigns
    store: Store
    pullers: Mapping[str, PullerFactory]
    clock: Callable[[], datetime]
    seconds_left: Callable[[], float]

    def tracked(self, now: datetime) -> dict[str, Items]:
        content: dict[str, set[str]] = {}
        accounts: dict[str, set[str]] = {}
        owners: dict[str, dict[str, set[str]]] = {}
        for campaign in self.campaigns.list_all():
            if not campaign.is_active(now):
                continue
            for platform, ids in tracked_by_platform(campaign).items():
                content.setdefault(platform, set()).update(ids.content)
                accounts.setdefault(platform, set()).update(ids.accounts)
                for content_id in ids.content:
                    owners.setdefault(platform, {}).setdefault(content_id, set()).update(ids.accounts)
        return {
            platform: Items(
                tuple(sorted(content[platform])),
                tuple(sorted(accounts[platform])),
                {c: tuple(sorted(a)) for c, a in sorted(owners.get(platform, {}).items())},
            )
            for platform in sorted(content)
            if platform in self.pullers
        }

    def run(self) -> dict[str, Any]:
        now = self.clock()
        report: dict[str, Any] = {}
        for platform, items in self.tracked(now).items():
            if self.seconds_left() < MIN_SECONDS_PER_PLATFORM:
                report[platform] = "deferred: the run is out of time"
                continue
            report[platform] = self._pull(platform, items, now)
        return {"pulled_at": now.isoformat(), "platforms": report}

    def _pull(self, platform: str, items: Items, now: datetime) -> dict[str, Any]:
        try:
            puller = self.pullers[platform]()
        except PullError as error:  # nothing configured to call it with: it was not asked
            sentence = describe_pull(error, platform)
            self.store.record_pull(platform, now, sentence, reached=False, kind=error_kind(error))
            return {"error": sentence}
        progress = self.store.load_progress(platform)
        remaining = progress.get("remaining", {})
        asked = self.store.pull_soon(platform)  # new uploads announced since the last run
        ordered = Items(
            resume_first(tuple(dict.fromkeys([*asked, *items.content])), remaining.get("content", [])),
            resume_first(items.accounts, remaining.get("accounts", [])),
            items.owners,
        )
        try:
            result = puller(ordered, now, progress)
        except PullError as error:  # one platform's outage is its own
            sentence = describe_pull(error, platform)
            self.store.record_pull(platform, now, sentence, reached=error.answered, kind=error_kind(error))
            count("pulls_failed")
            logger.info("pull failed", extra={"platform": platform, "error": type(error).__name__})
            return {"error": sentence}
        self.store.save(result.snapshots)
        # Read after the write: a publish that started later saw these snapshots.
        written_at = self.clock() if result.snapshots else None
        self.store.save_progress(platform, progress)
        self.store.pulled_soon(platform, [i for i in asked if i not in set(result.remaining_ids)])
        met = result.error
        failure = describe_pull(met, platform) if met is not None else None
        self.store.record_pull(
            platform,
            now,
            failure,
            reached=reached(result),
            written_at=written_at,
            kind=error_kind(met) if met is not None else None,
        )
        if met is not None:
            count("pulls_failed")
            logger.info("pull failed", extra={"platform": platform, "error": type(met).__name__})
        count("snapshots_stored", len(result.snapshots))
        return {
            "snapshots": len(result.snapshots),
            # Readings the platform refused (Spotify without extended quota): stored with the reason.
            "unavailable": sum(1 for snapshot in result.snapshots if snapshot.value is None),
            "missing": len(result.missing_ids),
            "left_for_next_run": len(result.remaining_ids),
            "error": failure,
        }


def reached(result: PullResult) -> bool:
    """Whether a pull got any answer from its platform: no failure, a failure that came as an answer
    (not a timeout, a network failure, a spent budget or a missing token, whose readings are stored
    unavailable without asking), or a count read before the failure."""
    if result.error is None or result.error.answered:
        return True
    return any(snapshot.value is not None for snapshot in result.snapshots)
