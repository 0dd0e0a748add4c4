"""Contract section 8's attribution rule in a summary, with fakes: an account registered to another
label's artist counts for nothing in this label's campaigns: not its events, not its content's, not
its counters, nor the counters of content its events are about."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.domain.counters import Reading
from chalicelib.domain.freshness import PullState
from chalicelib.domain.rollups import Rollup, StoredEventView
from chalicelib.domain.roster import OwnerIndex
from chalicelib.models.campaign import Campaign
from tests.unit.publishing_doubles import building_service, stored_campaign

START = datetime(2026, 11, 20, 10, tzinfo=UTC)
NOW = datetime(2026, 11, 20, 14, tzinfo=UTC)
HOUR = datetime(2026, 11, 20, 12, tzinfo=UTC)
OURS, THEIRS = "1234", "9999"  # X accounts: the campaign's label's, and one registered to another label
OUR_TWEET, THEIR_TWEET, THEIR_OTHER_TWEET = (
    "1790000000000000001",
    "1790000000000000002",
    "1790000000000000003",
)


class Rollups:
    """One hour of likes on each tweet, by the account that owns it; the account index; the reads."""

    def __init__(self) -> None:
        self.contents_asked: list[str] = []
        self._of = {OUR_TWEET: OURS, THEIR_TWEET: THEIRS, THEIR_OTHER_TWEET: THEIRS}

    def rollups(
        self, platform: str, content_id: str, first_hour: datetime, last_hour: datetime
    ) -> list[Rollup]:
        account = self._of[content_id]
        return [Rollup("x", content_id, HOUR, {account: {"like": [1, 1, 1, 0]}}, {account: HOUR})]

    def events_between(
        self, platform: str, content_id: str, start: datetime, end: datetime
    ) -> list[StoredEventView]:
        return []

    def contents_of(self, platform: str, account_id: str) -> list[str]:
        self.contents_asked.append(account_id)
        return [content for content, account in self._of.items() if account == account_id]


class Snapshots:
    """A reading for every item asked for; which items were asked for."""

    def __init__(self) -> None:
        self.items_asked: set[tuple[str, str]] = set()

    def first_and_last(
        self, platform: str, item_kind: str, item_id: str, metric: str, **_: datetime
    ) -> tuple[Reading, Reading]:
        self.items_asked.add((item_kind, item_id))
        return Reading(START, 100), Reading(NOW - timedelta(hours=1), 150)

    def pull_state(self, platform: str) -> PullState:
        return PullState()

    def snapshots_written_at(self, platform: str) -> datetime | None:
        return None

    def daily(self, platform: str, item_kind: str, item_id: str, metric: str, **_: datetime) -> list[Reading]:
        return []


def campaign(tracked: dict[str, Any]) -> Campaign:
    return stored_campaign(START, START + timedelta(days=10), tracked)


def summarise(subject: Campaign, owners: OwnerIndex) -> tuple[dict[str, Any], Rollups, Snapshots]:
    rollups, snapshots = Rollups(), Snapshots()
    service = building_service(rollups, NOW, snapshots=snapshots)
    return service.build(subject, [], NOW, owners).model_dump(mode="json"), rollups, snapshots


THEIRS_REGISTERED = OwnerIndex({("x", THEIRS): "sony-fr", ("x", OURS): "columbia-fr"})


def test_another_labels_content_tracked_by_id_shows_neither_events_nor_counters() -> None:
    # Given a campaign tracking its own tweet and another label's tweet by id
    subject = campaign({"x": {"content": [OUR_TWEET, THEIR_TWEET]}})
    # When its summary is built
    summary, _, snapshots = summarise(subject, THEIRS_REGISTERED)
    # Then only its own tweet's likes and counters count
    assert summary["platforms"]["x"]["events"] == {"like": 3}
    assert [item["content_id"] for item in summary["top_content"]] == [OUR_TWEET]
    assert snapshots.items_asked == {("content", OUR_TWEET)}


def test_an_account_tracked_before_another_label_registered_it_counts_for_nothing() -> None:
    # Given a campaign that tracked both accounts before the second was registered to another label
    subject = campaign({"x": {"accounts": [OURS, THEIRS]}})
    # When its summary is built
    summary, rollups, snapshots = summarise(subject, THEIRS_REGISTERED)
    # Then the other label's account is neither expanded to its content nor read, nor counted
    assert summary["platforms"]["x"]["events"] == {"like": 3}
    assert rollups.contents_asked == [OURS]
    assert snapshots.items_asked == {("content", OUR_TWEET), ("account", OURS)}


def test_without_the_registration_the_same_campaign_counts_both() -> None:
    subject = campaign({"x": {"accounts": [OURS, THEIRS]}})
    summary, _, _ = summarise(subject, OwnerIndex())
    assert summary["platforms"]["x"]["events"] == {"like": 9}
