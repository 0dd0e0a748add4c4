"""The publish job's choice of campaigns, with fakes: new counter snapshots since a campaign's latest
run make it due (contract section 6: "when something changed (new events or new snapshots)"), and so
does a change of the roster (section 8), read once per run."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar

from chalicelib.domain.freshness import PullState
from chalicelib.domain.roster import Owner
from chalicelib.domain.stored import PublishedRun
from chalicelib.domain.weights import DEFAULT_WEIGHTS
from chalicelib.models.campaign import Campaign
from chalicelib.services.publishing import PublishingService, render_json

NOW = datetime(2026, 11, 26, 10, 15, tzinfo=UTC)
LAST_RUN = NOW - timedelta(minutes=15)


def campaign(campaign_id: str, tracked: dict[str, Any]) -> Campaign:
    return Campaign.model_validate(
        {
            "campaign_id": campaign_id,
            "name": campaign_id.title(),
            "label": "columbia-fr",
            "artist": "Indochine",
            "starts_at": "2026-11-20T00:00:00Z",
            "ends_at": "2026-12-20T00:00:00Z",
            "timezone": "Europe/Paris",
            "tracked": tracked,
            "created_at": "2026-11-01T00:00:00Z",
            "updated_at": "2026-11-01T00:00:00Z",
        }
    )


X_ACCOUNT = {"x": {"accounts": ["1234"]}}


class Campaigns:
    def __init__(self, *campaigns: Campaign) -> None:
        self._campaigns = list(campaigns)

    def list_all(self) -> list[Any]:
        return self._campaigns


class NoEvents:
    """Rollups with no dirty markers: no campaign has new events."""

    def markers(self) -> list[Any]:
        return []

    def clear(self, marker: Any) -> None:
        raise AssertionError("there is no marker to clear")

    def events_between(self, platform: str, content_id: str, start: datetime, end: datetime) -> list[Any]:
        return []

    def rollups(self, platform: str, content_id: str, first_hour: datetime, last_hour: datetime) -> list[Any]:
        return []

    def contents_of(self, platform: str, account_id: str) -> list[str]:
        return []

    def save(self, rollups: Any) -> list[Any]:
        return []


class Summaries:
    """Every campaign already published at LAST_RUN."""

    def __init__(self) -> None:
        self.published: list[str] = []

    def publish(
        self, label: str, campaign_id: str, generated_at: str, bodies: dict[str, bytes]
    ) -> PublishedRun:
        self.published.append(campaign_id)
        return PublishedRun(generated_at, {})

    def latest(self, label: str, campaign_id: str) -> PublishedRun | None:
        return PublishedRun(LAST_RUN.isoformat().replace("+00:00", "Z"), {})

    def presign(self, key: str, expires_in_seconds: int) -> str:
        return ""


class Snapshots:
    """No stored reading; each platform's latest snapshot write time, and who asked for it."""

    def __init__(self, **written_at: datetime) -> None:
        self._written_at = written_at
        self.asked: list[str] = []

    def first_and_last(self, platform: str, item_kind: str, item_id: str, metric: str, **_: datetime) -> None:
        return None

    def pull_state(self, platform: str) -> PullState:
        return PullState()

    def snapshots_written_at(self, platform: str) -> datetime | None:
        self.asked.append(platform)
        return self._written_at.get(platform)

    def daily(self, platform: str, item_kind: str, item_id: str, metric: str, **_: datetime) -> list[Any]:
        return []


T = TypeVar("T")


class CountedReads(Generic[T]):
    """A read of the roster (its owner items, or its artists) that counts how many times it was made."""

    def __init__(self, *items: T) -> None:
        self._items = list(items)
        self.reads = 0

    def __call__(self) -> list[T]:
        self.reads += 1
        return self._items


def publish_due(
    snapshots: Snapshots, *campaigns: Campaign, owners: CountedReads[Owner] | None = None
) -> list[str]:
    summaries = Summaries()
    PublishingService(
        campaigns=Campaigns(*campaigns),
        rollups=NoEvents(),
        summaries=summaries,
        renderers={"json": render_json},
        collisions=lambda c, o: [],
        weights=DEFAULT_WEIGHTS,
        clock=lambda: NOW,
        snapshots=snapshots,
        owners=owners,
    ).publish_due()
    return summaries.published


def test_snapshots_written_since_the_latest_run_republish_a_campaign_tracking_the_platform() -> None:
    # Given a campaign tracking an X account, published at LAST_RUN, and X pulled since
    snapshots = Snapshots(x=LAST_RUN + timedelta(minutes=5))
    # When the publish job runs, with no new events
    published = publish_due(snapshots, campaign("tour", X_ACCOUNT))
    # Then the campaign is republished
    assert published == ["tour"]


def test_snapshots_written_before_the_latest_run_do_not_republish() -> None:
    snapshots = Snapshots(x=LAST_RUN - timedelta(seconds=1))
    assert publish_due(snapshots, campaign("tour", X_ACCOUNT)) == []


def test_snapshots_written_in_the_second_before_the_latest_runs_stamp_republish() -> None:
    # Given a run stamped LAST_RUN (the whole second after it started reading), and a write in the
    # second before that stamp, which may have landed after the run read
    snapshots = Snapshots(x=LAST_RUN - timedelta(microseconds=300_000))
    # Then the next run republishes, so the snapshots cannot be missed
    assert publish_due(snapshots, campaign("tour", X_ACCOUNT)) == ["tour"]


def test_snapshots_of_a_platform_the_campaign_does_not_track_do_not_republish_it() -> None:
    snapshots = Snapshots(youtube=LAST_RUN + timedelta(minutes=5))
    assert publish_due(snapshots, campaign("tour", X_ACCOUNT)) == []


def test_each_platform_s_write_time_is_read_once_per_run() -> None:
    # Given three campaigns, two tracking X, one of them also a Standard Webhooks source (never pulled)
    snapshots = Snapshots()
    campaigns = (
        campaign("tour", {**X_ACCOUNT, "standard:linkfire": {"content": ["indochine-13"]}}),
        campaign("single", X_ACCOUNT),
        campaign("video", {"youtube": {"content": ["dQw4w9WgXcQ"]}}),
    )
    # When the publish job runs
    publish_due(snapshots, *campaigns)
    # Then X's and YouTube's write times are each read once, the Standard source's never
    assert sorted(snapshots.asked) == ["x", "youtube"]


# The roster (contract section 8) -----------------------------------------------------------------------


def owner(changed_at: datetime, *, released: bool = False) -> Owner:
    return Owner("x", "9999", "other-artist", "sony-fr", changed_at, released=released)


def test_a_roster_change_since_the_latest_run_republishes_active_campaigns() -> None:
    # Given a campaign published at LAST_RUN, and an account registered elsewhere since
    owners = CountedReads(owner(LAST_RUN + timedelta(minutes=1)))
    # When the publish job runs, with no new events or snapshots
    published = publish_due(Snapshots(), campaign("tour", X_ACCOUNT), owners=owners)
    # Then the campaign is republished, so that it stops counting that account at once
    assert published == ["tour"]


def test_a_release_since_the_latest_run_republishes_too() -> None:
    owners = CountedReads(owner(LAST_RUN + timedelta(minutes=1), released=True))
    assert publish_due(Snapshots(), campaign("tour", X_ACCOUNT), owners=owners) == ["tour"]


def test_a_roster_change_before_the_latest_run_does_not_republish() -> None:
    owners = CountedReads(owner(LAST_RUN - timedelta(seconds=1)))
    assert publish_due(Snapshots(), campaign("tour", X_ACCOUNT), owners=owners) == []


def test_the_owners_are_read_once_per_run_whatever_the_number_of_campaigns() -> None:
    # Given three active campaigns, all due (the roster changed since their latest run)
    owners = CountedReads(owner(LAST_RUN + timedelta(minutes=1)))
    campaigns = [campaign(name, X_ACCOUNT) for name in ("tour", "single", "video")]
    # When the publish job runs and publishes them all
    assert publish_due(Snapshots(), *campaigns, owners=owners) == ["tour", "single", "video"]
    # Then the owners were read once, for the run
    assert owners.reads == 1


# The summary's language (contract section 10) ---------------------------------------------------------


class Artist:
    def __init__(self, artist_id: str, language: str) -> None:
        self.artist_id, self.label, self.language = artist_id, "columbia-fr", language


def published_languages(roster: CountedReads[Artist], *campaigns: Campaign) -> list[str]:
    languages: list[str] = []

    class Kept(Summaries):
        def publish(
            self, label: str, campaign_id: str, generated_at: str, bodies: dict[str, bytes]
        ) -> PublishedRun:
            languages.append(json.loads(bodies["json"])["language"])
            return super().publish(label, campaign_id, generated_at, bodies)

        def latest(self, label: str, campaign_id: str) -> PublishedRun | None:
            return None  # never published: every campaign is due

    PublishingService(
        campaigns=Campaigns(*campaigns),
        rollups=NoEvents(),
        summaries=Kept(),
        renderers={"json": render_json},
        collisions=lambda c, o: [],
        weights=DEFAULT_WEIGHTS,
        clock=lambda: NOW,
        snapshots=Snapshots(),
        artists=roster,
    ).publish_due()
    return languages


def with_artist(campaign_id: str, artist: str, language: str | None = None) -> Campaign:
    changes: dict[str, Any] = {"artist": artist} | ({"language": language} if language else {})
    return campaign(campaign_id, X_ACCOUNT).model_copy(update=changes)


def test_the_roster_is_read_once_per_run_for_the_campaigns_without_a_language() -> None:
    # Given an English-speaking registered artist, and three campaigns: two of it, one in French
    roster = CountedReads(Artist("indochine", "en"))
    campaigns = (
        with_artist("tour", "indochine"),
        with_artist("single", "indochine"),
        with_artist("video", "indochine", language="fr"),
    )
    # When the publish job runs
    languages = published_languages(roster, *campaigns)
    # Then the artist's language for the first two, the campaign's own for the third, one roster read
    assert languages == ["en", "en", "fr"]
    assert roster.reads == 1


def test_campaigns_with_their_own_language_never_read_the_roster() -> None:
    roster = CountedReads(Artist("indochine", "en"))
    assert published_languages(roster, with_artist("tour", "indochine", language="fr")) == ["fr"]
    assert roster.reads == 0


def test_an_artist_named_in_free_text_gives_english() -> None:
    assert published_languages(CountedReads(Artist("indochine", "fr")), with_artist("tour", "Indochine")) == [
        "en"
    ]
