"""Publishing summaries: roll up what changed, build each campaign's summary, store it, link it.

Cost grows with new work, not history (invariant 5): a run reads the dirty-bucket markers, recomputes
only those buckets' rollups from their events (`refresh`), then sums rollups (one item per content and
hour) for each campaign, reading events one by one only in the quarters the window's edges cut
(`tally`). New counter snapshots are noticed from one item per pulled platform (when its latest
snapshots were written); counters themselves come from `counters`. This module decides what to
publish and when, and puts the pieces together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from chalicelib.domain.consumption.figures import DayTotals
from chalicelib.domain.counters import ACCOUNT_METRICS, CONTENT_METRICS
from chalicelib.domain.rollups import Tally
from chalicelib.domain.roster import Owner, OwnerIndex
from chalicelib.domain.stored import Marker, PublishedRun
from chalicelib.domain.summary import (
    ConsumptionInput,
    ReleaseDays,
    SummaryInput,
    build_summary,
    language_of,
    newest_titles,
    previous_window,
    window_days,
    window_end,
)
from chalicelib.domain.times import iso
from chalicelib.domain.tracking import Excluded
from chalicelib.domain.weights import WeightTable
from chalicelib.errors import NotFound
from chalicelib.models.summary import Summary
from chalicelib.observability import count, logger
from chalicelib.services.publishing.counters import CounterFigures, CounterReader
from chalicelib.services.publishing.links import DEFAULT_LINK_SECONDS, parse_expires_in, run_links
from chalicelib.services.publishing.ports import (
    ArtistView,
    CalendarPages,
    Campaigns,
    CampaignView,
    CollisionFinder,
    ConsumptionReports,
    Ledgers,
    ReleaseView,
    Renderer,
    Rollups,
    Snapshots,
    Summaries,
)
from chalicelib.services.publishing.reads import READ_CONCURRENCY, Reader
from chalicelib.services.publishing.refresh import Refresh, RollupRefresher, concerning, touched_by
from chalicelib.services.publishing.tally import Tallier

RUN_TIME_STEP = timedelta(seconds=1)
_Value = TypeVar("_Value")

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


def render_json(summary: Summary) -> bytes:
    """summary.json: the model's JSON, two-space indents, UTF-8 (non-ASCII kept as it is), written by
    pydantic's serializer (a third of the time of `json.dumps(model_dump(), indent=2)`)."""
    return summary.model_dump_json(indent=2).encode("utf-8")


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
        artists: Callable[[], Iterable[ArtistView]] | None = None,
        releases: Callable[[], Iterable[ReleaseView]] | None = None,
        ledgers: Ledgers | None = None,
        waves: Callable[[str], Iterable[Any]] | None = None,
        moderation_reports: Callable[[Refresh, datetime], list[str]] | None = None,
        consumption_reports: ConsumptionReports | None = None,
    ) -> None:
        reader = Reader(read_concurrency)
        self._campaigns = campaigns
        self._summaries = summaries
        self._renderers = renderers
        self._collisions = collisions
        self._weights = weights
        self._clock = clock
        self._snapshots = snapshots
        self._owners = owners
        self._calendar_pages = calendar_pages
        self._artists = artists
        self._releases = releases
        self._ledgers = ledgers
        self._waves = waves  # a label's abuse waves (chalicelib.adapters.wave_store.WaveRecord)
        self._moderation_reports = moderation_reports
        self._consumption_reports = consumption_reports
        self._refresher = RollupRefresher(rollups, reader)
        self._tallier = Tallier(rollups, reader)
        self._counters = CounterReader(snapshots, reader) if snapshots is not None else None

    def owner_index(self) -> OwnerIndex:
        """Every registered account of the deployment: one read, shared by a run's campaigns."""
        return OwnerIndex.of(self._owners()) if self._owners is not None else OwnerIndex()

    def artist_languages(self) -> dict[tuple[str, str], str]:
        """(label, artist_id) -> language of every registered artist: one read (the roster's artist
        partition), shared by a run's campaigns, made only for a campaign without a language."""
        if self._artists is None:
            return {}
        return {(artist.label, artist.artist_id): artist.language for artist in self._artists()}

    def catalogue(self) -> list[ReleaseView]:
        """Every release of the deployment: one read (the catalogue's partition), shared by a run."""
        return list(self._releases()) if self._releases is not None else []

    def consumption(
        self, campaign: CampaignView, first: date, last: date, releases: Iterable[ReleaseView]
    ) -> ConsumptionInput:
        """The day totals of the campaign artist's releases (its label's, by artist id), from the
        earlier of the release date and the window's first day up to its last: one Query per track and
        release, reading one item per day that has any row, never the rows (contract section 12)."""
        if self._ledgers is None:
            return ConsumptionInput()
        read = self._ledgers.day_totals
        mine = sorted(
            (r for r in releases if r.label == campaign.label and r.artist_id == campaign.artist),
            key=lambda r: (r.release_date, r.upc),
            reverse=True,
        )
        found = []
        for release in mine:
            since = min(release.release_date, first)
            days: list[DayTotals] = [
                (day, isrc, t) for isrc in release.isrcs for day, t in read("track", isrc, since, last)
            ]
            days += [(day, None, t) for day, t in read("release", release.upc, since, last)]
            found.append(
                ReleaseDays(release.upc, release.title, release.type, release.release_date, tuple(days))
            )
        return ConsumptionInput(tuple(found))

    def refresh(self, wanted: Callable[[Marker], bool] | None = None) -> Refresh:
        return self._refresher.refresh(wanted)

    def tracked_contents(
        self, campaign: CampaignView, excluded: Excluded | None = None
    ) -> dict[str, list[str]]:
        return self._tallier.tracked_contents(campaign, excluded)

    def tally(
        self,
        campaign: CampaignView,
        start: datetime,
        end: datetime,
        contents: Mapping[str, list[str]] | None = None,
        excluded: Excluded | None = None,
    ) -> Tally:
        return self._tallier.tally(campaign, start, end, contents, excluded)

    def counters(
        self,
        campaign: CampaignView,
        start: datetime,
        end: datetime,
        contents: Mapping[str, list[str]] | None = None,
        *,
        excluded: Excluded | None = None,
        withheld: frozenset[tuple[str, str]] = frozenset(),
    ) -> CounterFigures:
        if self._counters is None:
            return CounterFigures()
        contents = contents if contents is not None else self.tracked_contents(campaign, excluded)
        return self._counters.counters(campaign, start, end, contents, excluded=excluded, withheld=withheld)

    def build(
        self,
        campaign: CampaignView,
        others: list[Any],
        now: datetime,
        owners: OwnerIndex | None = None,
        artists: Callable[[], Mapping[tuple[str, str], str]] | None = None,
        *,
        releases: Callable[[], Iterable[ReleaseView]] | None = None,
    ) -> Summary:
        """The campaign's summary. Accounts registered to artists of other labels (`owners`, read
        here when not given) count for nothing: neither their events, nor their content's, nor the
        counters of those accounts and of content their events are about (contract section 8).
        `artists` gives the registered artists' languages (read here when needed and not given).

        The comparison's window (as long as this one, just before it) is tallied from the same read
        of each content's rollups: one Query per content covers both windows, and its only extra
        event reads are the quarter its own start cuts."""
        start = campaign.starts_at.astimezone(UTC)
        end = window_end(campaign.starts_at, campaign.ends_at, now).astimezone(UTC)
        public = campaign.public()
        excluded = (owners if owners is not None else self.owner_index()).foreign_to(campaign.label)
        contents = self.tracked_contents(campaign, excluded)
        previous, tally = self._tallier.tally_windows(
            campaign, [previous_window(start, end), (start, end)], contents, excluded
        )
        figures = self.counters(
            campaign, start, end, contents, excluded=excluded, withheld=frozenset(tally.withheld)
        )
        # The roster is read only for a campaign without a language of its own.
        languages: Mapping[tuple[str, str], str] = {}
        if campaign.language is None:
            languages = artists() if artists is not None else self.artist_languages()
        first, last = window_days(start, end, ZoneInfo(campaign.timezone))
        catalogue = releases() if releases is not None else self.catalogue()
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
                counters=figures.counters,
                freshness=figures.freshness,
                counter_series=figures.series,
                last_good_at=figures.last_good_at,
                language=language_of(campaign.language, campaign.artist, campaign.label, languages),
                previous=previous,
                titles=newest_titles(previous.titles, tally.titles, figures.titles),
                consumption=self.consumption(campaign, first, last, catalogue),
                waves=self._campaign_waves(campaign, start, end),
            )
        )

    def _campaign_waves(self, campaign: CampaignView, start: datetime, end: datetime) -> list[dict[str, Any]]:
        """The label's waves against the campaign's artist, or an account it tracks, that overlap the
        window (one Query of the label's waves)."""
        if self._waves is None:
            return []
        tracked = {
            (platform, account) for platform, ids in campaign.tracked.entries() for account in ids.accounts
        }
        found = []
        for wave in self._waves(campaign.label):
            kind, _, subject = wave.subject.partition(":")
            mine = (kind == "artist" and subject == campaign.artist) or (
                kind == "account" and (wave.platform, subject) in tracked
            )
            if mine and wave.started_at < end and (wave.ended_at is None or wave.ended_at > start):
                found.append(
                    {
                        "wave_id": wave.wave_id,
                        "platform": wave.platform,
                        "subject": wave.subject,
                        "started_at": wave.started_at,
                        "ended_at": wave.ended_at,
                        "abusive": wave.abusive,
                        "by_category": wave.by_category,
                    }
                )
        return found

    def _publish(
        self,
        campaign: CampaignView,
        others: list[Any],
        now: datetime,
        owners: OwnerIndex,
        artists: Callable[[], Mapping[tuple[str, str], str]],
        *,
        releases: Callable[[], Iterable[ReleaseView]] | None = None,
    ) -> PublishedRun:
        summary = self.build(campaign, others, now, owners, artists, releases=releases)
        bodies = {name: render(summary) for name, render in self._renderers.items()}
        run = self._summaries.publish(campaign.label, campaign.campaign_id, iso(summary.generated_at), bodies)
        count("summaries_published")
        logger.info(
            "summary published", extra={"campaign_id": campaign.campaign_id, "generated_at": run.generated_at}
        )
        return run

    def publish_now(self, campaign: CampaignView) -> dict[str, Any]:
        """POST /campaigns/{id}/publish: roll up what changed for this campaign, then publish it.

        Only its own buckets are recomputed, so that the answer does not wait for every other
        campaign's traffic; all markers stay for the scheduled run, which republishes the others.
        The moderation reports of the days those buckets recounted are rewritten here: the scheduled
        run will find these rollups unchanged, so it would not."""
        refresh = self.refresh(wanted=concerning(campaign))
        now = _run_time(self._clock())
        if self._moderation_reports is not None:
            self._moderation_reports(refresh, now)
        campaigns = self._campaigns.list_all()
        others = [c for c in campaigns if c.campaign_id != campaign.campaign_id]
        run = self._publish(campaign, others, now, self.owner_index(), self.artist_languages)
        if self._calendar_pages is not None:
            self._calendar_pages(campaigns, now, {campaign.label})
        return {
            "generated_at": run.generated_at,
            "links": run_links(self._summaries, run, DEFAULT_LINK_SECONDS, now),
        }

    def publish_due(self) -> dict[str, Any]:
        """The scheduled job: republish active campaigns whose buckets changed, whose platforms got
        new snapshots since their latest run, that were never published, or when the roster changed
        since (an account registered elsewhere stops counting). The owners are read once per run."""
        refresh = self.refresh()
        now = _run_time(self._clock())
        campaigns = self._campaigns.list_all()
        written: dict[str, datetime | None] = {}  # platform -> its snapshots' write time, read once
        owners: OwnerIndex | None = None  # read once, at the first active campaign
        artists = _once(self.artist_languages)  # read once, at the first campaign without a language
        releases = _once(self.catalogue)  # read once, at the first campaign published
        published = []
        for campaign in campaigns:
            if not campaign.is_active(now):
                continue
            owners = owners if owners is not None else self.owner_index()
            if touched_by(campaign, refresh.rollups) or self._has_new_snapshots(
                campaign, written, owners.changed_at
            ):
                others = [c for c in campaigns if c.campaign_id != campaign.campaign_id]
                self._publish(campaign, others, now, owners, artists, releases=releases)
                published.append(campaign.campaign_id)
        cleared = self._refresher.clear_settled(refresh.markers, now)
        # Moderation reports of the days whose abusive texts changed (contract section 11).
        reports = self._moderation_reports(refresh, now) if self._moderation_reports is not None else []
        # Calendar pages show pushes and windows of every label, and "today": rewritten each run.
        calendars = self._calendar_pages(campaigns, now, None) if self._calendar_pages is not None else []
        # The labels' weekly consumption reports, from the run's one read of the catalogue.
        consumption = self._consumption_reports(now, releases) if self._consumption_reports else []
        return {
            "rollups_changed": len(refresh.rollups),
            "published": published,
            "markers_cleared": cleared,
            "calendars": calendars,
            "moderation_reports": reports,
            "consumption_reports": consumption,
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

    def links(self, campaign: CampaignView, expires_in: str | None) -> dict[str, Any]:
        seconds = parse_expires_in(expires_in)
        run = self._summaries.latest(campaign.label, campaign.campaign_id)
        if run is None:
            raise NotFound("This campaign has no published summary yet.")
        return run_links(self._summaries, run, seconds, self._clock())


def _once(read: Callable[[], _Value]) -> Callable[[], _Value]:
    """`read`, called at most once: later calls return its first answer."""
    answers: list[_Value] = []

    def first() -> _Value:
        if not answers:
            answers.append(read())
        return answers[0]

    return first


def _run_time(moment: datetime) -> datetime:
    """A run's `generated_at`: the whole second at or after the moment it starts reading, so that
    its window (which ends at generated_at, exclusive) holds everything stored before the run, such
    as the readings of a pull that finished a moment earlier in the same second."""
    whole = moment.replace(microsecond=0)
    return whole if whole == moment else whole + RUN_TIME_STEP
