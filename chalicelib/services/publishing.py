"""Publishing summaries: roll up what changed, build each campaign's summary, store it, link it.

Cost grows with new work, not history (invariant 5): a run reads the dirty-bucket markers, recomputes
only those buckets' rollups from their events, then sums rollups (one item per content and hour) for
each campaign, reading events one by one only in the quarters the window's edges cut. New counter
snapshots are noticed from one item per pulled platform (when its latest snapshots were written).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, Protocol, TypeVar

from chalicelib.adapters.rollup_store import Marker
from chalicelib.adapters.summary_store import PublishedRun
from chalicelib.domain.counters import (
    ACCOUNT_METRICS,
    AVERAGED,
    CONTENT_METRICS,
    ItemCounter,
    Reading,
    aggregate,
)
from chalicelib.domain.freshness import ItemKey, PullState, campaign_freshness
from chalicelib.domain.rollups import (
    HOUR,
    Rollup,
    StoredEventView,
    Tally,
    Tracked,
    add_events,
    add_rollup,
    compute_rollup,
    hour_start,
    partial_quarters,
)
from chalicelib.domain.roster import Owner, OwnerIndex
from chalicelib.domain.summary import Freshness, SummaryInput, build_summary, iso, window_end
from chalicelib.domain.weights import WeightTable
from chalicelib.errors import NotFound, ValidationFailed
from chalicelib.observability import count, logger

# Markers younger than the consumer's timeout may belong to a batch still writing its events: their
# buckets are rolled up now and again next run; only older markers are cleared.
MARKER_MIN_AGE = timedelta(seconds=60)
MIN_LINK_SECONDS, MAX_LINK_SECONDS, DEFAULT_LINK_SECONDS = 60, 604_800, 86_400
# Reads a publish makes at once (below botocore's pool of 10 connections per client).
READ_CONCURRENCY = 8
Events = list[StoredEventView]
_Job = TypeVar("_Job")
_Read = TypeVar("_Read")
RUN_TIME_STEP = timedelta(seconds=1)


class TrackedIds(Protocol):
    @property
    def accounts(self) -> Sequence[str]: ...

    @property
    def content(self) -> Sequence[str]: ...


class TrackedPlatforms(Protocol):
    def entries(self) -> Sequence[tuple[str, TrackedIds]]: ...


class CampaignView(Protocol):
    """What publishing reads of a campaign (chalicelib.models.campaign.Campaign)."""

    @property
    def campaign_id(self) -> str: ...

    @property
    def label(self) -> str: ...

    @property
    def starts_at(self) -> datetime: ...

    @property
    def ends_at(self) -> datetime: ...

    @property
    def timezone(self) -> str: ...

    @property
    def tracked(self) -> TrackedPlatforms: ...

    def is_active(self, now: datetime) -> bool: ...

    def public(self) -> dict[str, Any]: ...


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


Renderer = Callable[[dict[str, Any]], bytes]
CollisionFinder = Callable[[Any, list[Any]], list[dict[str, Any]]]
# Writes the calendar pages of the labels (all labels with a campaign when None); returns them.
CalendarPages = Callable[[list[Any], datetime, "set[str] | None"], list[str]]


@dataclass(frozen=True, slots=True)
class Refresh:
    markers: list[Marker]
    rollups: list[Rollup]  # those whose recomputation changed them


# The campaign's fields a summary shows (not its bookkeeping: created_at, updated_at).
SUMMARY_CAMPAIGN_FIELDS = (
    "campaign_id",
    "name",
    "label",
    "artist",
    "starts_at",
    "ends_at",
    "timezone",
    "tracked",
    "archived",
)


Excluded = Mapping[str, frozenset[str]]  # platform -> accounts registered to other labels' artists


def tracked_by_platform(campaign: CampaignView, excluded: Excluded | None = None) -> dict[str, Tracked]:
    return {
        platform: Tracked(
            frozenset(ids.accounts or ()),
            frozenset(ids.content or ()),
            (excluded or {}).get(platform, frozenset()),
        )
        for platform, ids in campaign.tracked.entries()
    }


def render_json(summary: dict[str, Any]) -> bytes:
    return json.dumps(summary, indent=2, ensure_ascii=False).encode("utf-8")


class PublishingService:
    def __init__(
        self,
        *,
        campaigns: Campaigns,
        rollups: Rollups,
        summaries: Summaries,
        renderers: Mapping[str, Renderer],
        collisions: CollisionFinder,
        weights: WeightTable,
        clock: Callable[[], datetime],
        snapshots: Snapshots | None = None,
        read_concurrency: int = READ_CONCURRENCY,
        owners: Callable[[], Iterable[Owner]] | None = None,
        calendar_pages: CalendarPages | None = None,
    ) -> None:
        self._campaigns = campaigns
        self._rollups = rollups
        self._summaries = summaries
        self._renderers = renderers
        self._collisions = collisions
        self._weights = weights
        self._clock = clock
        self._snapshots = snapshots
        self._read_concurrency = read_concurrency
        self._owners = owners
        self._calendar_pages = calendar_pages

    def owner_index(self) -> OwnerIndex:
        """Every registered account of the deployment: one read, shared by a run's campaigns."""
        return OwnerIndex.of(self._owners()) if self._owners is not None else OwnerIndex()

    def _read_all(self, read: Callable[[_Job], _Read], jobs: Sequence[_Job]) -> list[_Read]:
        """`read` of every job, in the jobs' order. The reads are independent DynamoDB round trips:
        made concurrently, a campaign of many items publishes in a fraction of the time."""
        if self._read_concurrency <= 1 or len(jobs) <= 1:
            return [read(job) for job in jobs]
        with ThreadPoolExecutor(max_workers=min(self._read_concurrency, len(jobs))) as pool:
            return list(pool.map(read, jobs))

    # Rollups --------------------------------------------------------------------------------------

    def refresh(self, wanted: Callable[[Marker], bool] | None = None) -> Refresh:
        """Recompute the rollup of every bucket a marker names (or only those `wanted`), from the
        bucket's events."""
        markers = [m for m in self._rollups.markers() if wanted is None or wanted(m)]
        buckets = sorted({(m.platform, m.content_id, m.hour) for m in markers})

        def recompute(bucket: tuple[str, str, datetime]) -> Rollup:
            platform, content_id, hour = bucket
            events = self._rollups.events_between(platform, content_id, hour, hour + HOUR)
            return compute_rollup(platform, content_id, hour, events)

        changed = self._rollups.save(self._read_all(recompute, buckets))
        count("rollups_changed", len(changed))
        return Refresh(markers, changed)

    # Summaries ------------------------------------------------------------------------------------

    def tally(
        self,
        campaign: CampaignView,
        start: datetime,
        end: datetime,
        contents: Mapping[str, list[str]] | None = None,
        excluded: Excluded | None = None,
    ) -> Tally:
        """The campaign's event counts in [start, end); `contents` (per platform, from
        `tracked_contents`) saves reading the account index again. Events of `excluded` accounts are
        never counted; the content they are about is `withheld`."""
        tally = Tally()
        if end <= start:
            return tally
        edges = partial_quarters(start, end)
        first_hour, last_hour = hour_start(start), hour_start(end - timedelta(microseconds=1))

        def read(job: tuple[str, str]) -> tuple[list[Rollup], list[tuple[datetime, datetime, Events]]]:
            platform, content_id = job
            rollups = self._rollups.rollups(platform, content_id, first_hour, last_hour)
            # An hour without a rollup had no events: its cut quarter needs no event reads.
            hours = {rollup.hour for rollup in rollups}
            cut = [
                (
                    edge_start,
                    edge_end,
                    self._rollups.events_between(platform, content_id, edge_start, edge_end),
                )
                for edge_start, edge_end in edges
                if hour_start(edge_start) in hours
            ]
            return rollups, cut

        tracked = tracked_by_platform(campaign, excluded)
        contents = contents if contents is not None else self.tracked_contents(campaign, excluded)
        jobs = [(platform, content_id) for platform in tracked for content_id in contents[platform]]
        for (platform, _), (rollups, cut) in zip(jobs, self._read_all(read, jobs), strict=True):
            for rollup in rollups:
                add_rollup(tally, rollup, tracked[platform], start, end)
            for edge_start, edge_end, events in cut:
                add_events(tally, events, tracked[platform], edge_start, edge_end)
        return tally

    def tracked_contents(
        self, campaign: CampaignView, excluded: Excluded | None = None
    ) -> dict[str, list[str]]:
        """Per platform, the content the campaign tracks and the content of the accounts it tracks
        (a new upload of a tracked channel counts too), but never the content of an `excluded`
        account (one the campaign tracked before another label registered it)."""
        contents: dict[str, list[str]] = {}
        for platform, tracked in tracked_by_platform(campaign, excluded).items():
            found = set(tracked.content)
            for of_account in self._read_all(
                partial(self._rollups.contents_of, platform), sorted(tracked.accounts - tracked.excluded)
            ):
                found.update(of_account)
            contents[platform] = sorted(found)
        return contents

    def build(
        self, campaign: CampaignView, others: list[Any], now: datetime, owners: OwnerIndex | None = None
    ) -> dict[str, Any]:
        """The campaign's summary. Accounts registered to artists of other labels (`owners`, read
        here when not given) count for nothing: neither their events, nor their content's, nor the
        counters of those accounts and of content their events are about (contract section 8)."""
        start = campaign.starts_at.astimezone(UTC)
        end = window_end(campaign.starts_at, campaign.ends_at, now).astimezone(UTC)
        public = campaign.public()
        excluded = (owners if owners is not None else self.owner_index()).foreign_to(campaign.label)
        contents = self.tracked_contents(campaign, excluded)
        tally = self.tally(campaign, start, end, contents, excluded)
        counters, freshness, counter_series = self.counters(
            campaign, start, end, contents, excluded=excluded, withheld=frozenset(tally.withheld)
        )
        return build_summary(
            SummaryInput(
                campaign={name: public[name] for name in SUMMARY_CAMPAIGN_FIELDS if name in public},
                platforms=tuple(platform for platform, _ in campaign.tracked.entries()),
                starts_at=campaign.starts_at,
                ends_at=campaign.ends_at,
                timezone=campaign.timezone,
                generated_at=now,
                tally=tally,
                weights=self._weights,
                collisions=self._collisions(campaign, others),
                counters=counters,
                freshness=freshness,
                counter_series=counter_series,
            )
        )

    def counters(
        self,
        campaign: CampaignView,
        start: datetime,
        end: datetime,
        contents: Mapping[str, list[str]] | None = None,
        *,
        excluded: Excluded | None = None,
        withheld: frozenset[tuple[str, str]] = frozenset(),
    ) -> tuple[dict[str, dict[str, dict[str, Any]]], dict[str, Freshness], list[dict[str, Any]]]:
        """Each tracked item's first and last snapshot in the window, per platform; the platforms'
        pull freshness for this campaign (`campaign_freshness`: a failure shows unless every item the
        campaign tracks there was read well since); and each counter's daily points (the day's
        latest, summed over items). Neither `excluded` accounts nor `withheld` content count."""
        counters: dict[str, dict[str, dict[str, Any]]] = {}
        freshness: dict[str, Freshness] = {}
        series: list[dict[str, Any]] = []
        if self._snapshots is None or end <= start:
            return counters, freshness, series
        snapshots = self._snapshots
        contents = contents if contents is not None else self.tracked_contents(campaign, excluded)
        for platform, tracked in tracked_by_platform(campaign, excluded).items():
            own_content = [i for i in contents[platform] if (platform, i) not in withheld]
            own_accounts = sorted(tracked.accounts - tracked.excluded)
            items = [("content", i, CONTENT_METRICS.get(platform, ())) for i in own_content]
            items += [("account", i, ACCOUNT_METRICS.get(platform, ())) for i in own_accounts]
            if not any(metrics for _, _, metrics in items):
                continue  # a Standard Webhooks source has nothing to pull
            wanted = [(kind, item_id, metric) for kind, item_id, metrics in items for metric in metrics]

            def edges_of(
                job: tuple[str, str, str], platform: str = platform
            ) -> tuple[Reading, Reading] | None:
                kind, item_id, metric = job
                return snapshots.first_and_last(platform, kind, item_id, metric, start=start, end=end)

            found: list[ItemCounter] = []
            good_since: dict[ItemKey, datetime] = {}
            for (kind, item_id, metric), edges in zip(wanted, self._read_all(edges_of, wanted), strict=True):
                if edges is None:
                    continue
                found.append(ItemCounter(metric, *edges))
                latest = edges[1]
                if latest.value is not None:
                    key = (kind, item_id)
                    good_since[key] = max(good_since.get(key, latest.at), latest.at)
            if found:
                counters[platform] = aggregate(found)
                series += self._daily_points(platform, items, {c.metric for c in found}, start, end)
            # The items the pull job reads for this campaign (an account's other content is not).
            own_tracked = {i for i in tracked.content if (platform, i) not in withheld}
            pulled = [
                (kind, item_id)
                for kind, ids, metrics in (
                    ("content", own_tracked, CONTENT_METRICS),
                    ("account", set(own_accounts), ACCOUNT_METRICS),
                )
                if metrics.get(platform)
                for item_id in sorted(ids)
            ]
            state = self._snapshots.pull_state(platform)
            freshness[platform] = campaign_freshness(state, pulled, good_since, end)
        return counters, freshness, series

    def _daily_points(
        self,
        platform: str,
        items: list[tuple[str, str, tuple[str, ...]]],
        metrics: set[str],
        start: datetime,
        end: datetime,
    ) -> list[dict[str, Any]]:
        assert self._snapshots is not None
        snapshots = self._snapshots
        series = []
        for metric in sorted(metrics):
            wanted = [(kind, item_id) for kind, item_id, item_metrics in items if metric in item_metrics]

            def daily(job: tuple[str, str], metric: str = metric) -> list[Reading]:
                return snapshots.daily(platform, job[0], job[1], metric, start=start, end=end)

            by_day: dict[str, list[Reading]] = {}
            for readings in self._read_all(daily, wanted):
                for reading in readings:
                    by_day.setdefault(reading.at.date().isoformat(), []).append(reading)
            points = [
                {"at": iso(max(r.at for r in readings)), "value": _combined(metric, readings)}
                for _, readings in sorted(by_day.items())
            ]
            if points:
                series.append({"platform": platform, "metric": metric, "points": points})
        return series

    def _publish(
        self, campaign: CampaignView, others: list[Any], now: datetime, owners: OwnerIndex
    ) -> PublishedRun:
        summary = self.build(campaign, others, now, owners)
        bodies = {name: render(summary) for name, render in self._renderers.items()}
        run = self._summaries.publish(
            campaign.label, campaign.campaign_id, str(summary["generated_at"]), bodies
        )
        count("summaries_published")
        logger.info(
            "summary published", extra={"campaign_id": campaign.campaign_id, "generated_at": run.generated_at}
        )
        return run

    def publish_now(self, campaign: CampaignView) -> dict[str, Any]:
        """POST /campaigns/{id}/publish: roll up what changed for this campaign, then publish it.

        Only its own buckets are recomputed, so that the answer does not wait for every other
        campaign's traffic; all markers stay for the scheduled run, which republishes the others."""
        self.refresh(wanted=_concerning(campaign))
        now = _run_time(self._clock())
        campaigns = self._campaigns.list_all()
        others = [c for c in campaigns if c.campaign_id != campaign.campaign_id]
        run = self._publish(campaign, others, now, self.owner_index())
        if self._calendar_pages is not None:
            self._calendar_pages(campaigns, now, {campaign.label})
        return {"generated_at": run.generated_at, "links": self._links(run, DEFAULT_LINK_SECONDS, now)}

    def publish_due(self) -> dict[str, Any]:
        """The scheduled job: republish active campaigns whose buckets changed, whose platforms got
        new snapshots since their latest run, that were never published, or when the roster changed
        since (an account registered elsewhere stops counting). The owners are read once per run."""
        refresh = self.refresh()
        now = _run_time(self._clock())
        campaigns = self._campaigns.list_all()
        written: dict[str, datetime | None] = {}  # platform -> its snapshots' write time, read once
        owners: OwnerIndex | None = None  # read once, at the first active campaign
        published = []
        for campaign in campaigns:
            if not campaign.is_active(now):
                continue
            owners = owners if owners is not None else self.owner_index()
            if _touched_by(campaign, refresh.rollups) or self._has_new_snapshots(
                campaign, written, owners.changed_at
            ):
                others = [c for c in campaigns if c.campaign_id != campaign.campaign_id]
                self._publish(campaign, others, now, owners)
                published.append(campaign.campaign_id)
        cleared = 0
        for marker in refresh.markers:
            if datetime.fromisoformat(marker.written_at) <= now - MARKER_MIN_AGE:
                self._rollups.clear(marker)
                cleared += 1
        # Calendar pages show pushes and windows of every label, and "today": rewritten each run.
        calendars = self._calendar_pages(campaigns, now, None) if self._calendar_pages is not None else []
        return {
            "rollups_changed": len(refresh.rollups),
            "published": published,
            "markers_cleared": cleared,
            "calendars": calendars,
        }

    def _has_new_snapshots(
        self,
        campaign: CampaignView,
        written: dict[str, datetime | None],
        roster_changed_at: datetime | None = None,
    ) -> bool:
        """Never published, the roster changed, or a platform it tracks wrote snapshots after its
        latest run read them. A run stamped G read at some moment of the second before G
        (`_run_time`): a write in that second may have come after the read, so it counts as new (at
        worst, one extra run)."""
        latest = self._summaries.latest(campaign.label, campaign.campaign_id)
        if latest is None:
            return True
        published_at = datetime.fromisoformat(latest.generated_at)
        if roster_changed_at is not None and roster_changed_at > published_at - RUN_TIME_STEP:
            return True
        if self._snapshots is None:
            return False
        for platform, _ in campaign.tracked.entries():
            if platform not in CONTENT_METRICS and platform not in ACCOUNT_METRICS:
                continue  # never pulled (a Standard Webhooks source)
            if platform not in written:
                written[platform] = self._snapshots.snapshots_written_at(platform)
            at = written[platform]
            if at is not None and at > published_at - RUN_TIME_STEP:
                return True
        return False

    # Links ----------------------------------------------------------------------------------------

    def links(self, campaign: CampaignView, expires_in: str | None) -> dict[str, Any]:
        seconds = parse_expires_in(expires_in)
        run = self._summaries.latest(campaign.label, campaign.campaign_id)
        if run is None:
            raise NotFound("This campaign has no published summary yet.")
        return self._links(run, seconds, self._clock())

    def _links(self, run: PublishedRun, seconds: int, now: datetime) -> dict[str, Any]:
        links: dict[str, Any] = {
            name: self._summaries.presign(key, seconds) for name, key in run.keys.items()
        }
        links["generated_at"] = run.generated_at
        links["expires_at"] = iso((now + timedelta(seconds=seconds)).astimezone(UTC).replace(microsecond=0))
        return links


def _run_time(moment: datetime) -> datetime:
    """A run's `generated_at`: the whole second at or after the moment it starts reading, so that
    its window (which ends at generated_at, exclusive) holds everything stored before the run, such
    as the readings of a pull that finished a moment earlier in the same second."""
    whole = moment.replace(microsecond=0)
    return whole if whole == moment else whole + RUN_TIME_STEP


def _combined(metric: str, readings: list[Reading]) -> float | int:
    values = [float(r.value) for r in readings if r.value is not None]
    total = float(sum(values) / len(values) if metric in AVERAGED and values else sum(values))
    return int(total) if total.is_integer() else round(total, 4)


def parse_expires_in(raw: str | None) -> int:
    if raw is None or raw == "":
        return DEFAULT_LINK_SECONDS
    message = (
        f"expires_in must be an integer number of seconds from {MIN_LINK_SECONDS} to {MAX_LINK_SECONDS}."
    )
    if not raw.isascii() or not raw.isdigit() or not MIN_LINK_SECONDS <= int(raw) <= MAX_LINK_SECONDS:
        raise ValidationFailed(message, fields={"expires_in": message})
    return int(raw)


def _concerning(campaign: CampaignView) -> Callable[[Marker], bool]:
    """Whether a dirty bucket can change this campaign's summary: an hour of its window, on a
    platform it tracks, of content it tracks; any content when it tracks accounts there, since the
    account a content belongs to is known only once its rollup is computed."""
    tracked = tracked_by_platform(campaign)
    start, end = hour_start(campaign.starts_at), campaign.ends_at.astimezone(UTC)

    def concerns(marker: Marker) -> bool:
        ids = tracked.get(marker.platform)
        if ids is None or not start <= marker.hour < end:
            return False
        return bool(ids.accounts) or marker.content_id in ids.content

    return concerns


def _touched_by(campaign: CampaignView, rollups: Iterable[Rollup]) -> bool:
    tracked = tracked_by_platform(campaign)
    start, end = hour_start(campaign.starts_at), campaign.ends_at.astimezone(UTC)
    for rollup in rollups:
        ids = tracked.get(rollup.platform)
        if ids is None or not start <= rollup.hour < end:
            continue
        if rollup.content_id in ids.content or rollup.accounts & ids.accounts:
            return True
    return False
