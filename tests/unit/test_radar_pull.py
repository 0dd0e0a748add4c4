"""The radar's daily reading through the AudienceReader port, with a fake reader and store: each
account read once whatever the labels watching it, one batch per platform, a 404 marks the platform
gone (the artist stays), and a platform with an unread account stores nothing that day."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.domain.stored import StoredReading
from chalicelib.models.radar import WatchedArtist
from chalicelib.pulls.errors import BudgetExhausted, NoCredentials
from chalicelib.pulls.snapshots import PullResult, Snapshot
from chalicelib.services.radar_pull import Audiences, PulledAudiences, RadarPullService

NOW = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
CHANNEL = "UC" + "b" * 22


def artist(
    label: str, radar_id: str, gone: dict[str, str] | None = None, **accounts: list[str]
) -> WatchedArtist:
    return WatchedArtist(
        radar_id=radar_id, label=label, name="n", accounts=accounts, created_at=NOW, gone=gone or {}
    )


class FakeStore:
    def __init__(self, *artists: WatchedArtist) -> None:
        self.artists = list(artists)
        self.readings: list[StoredReading] = []
        self.gone: dict[str, dict[str, str]] = {}
        self.days: dict[str, dict[str, list[str]]] = {}

    def labels(self) -> list[str]:
        return sorted({a.label for a in self.artists})

    def list_label(self, label: str) -> list[WatchedArtist]:
        return [a for a in self.artists if a.label == label]

    def put_readings(self, readings: Sequence[StoredReading]) -> int:
        self.readings += readings
        return len(readings)

    def mark_gone(self, label: str, radar_id: str, gone: dict[str, str]) -> None:
        self.gone[radar_id] = gone

    def day_pending(self, day: str) -> dict[str, list[str]] | None:
        return self.days.get(day)

    def save_day_pending(self, day: str, pending: Mapping[str, Sequence[str]]) -> None:
        self.days[day] = {p: list(ids) for p, ids in pending.items()}


class FakeReader:
    def __init__(
        self, counts: dict[str, int], gone: frozenset[str] = frozenset(), unread: frozenset[str] = frozenset()
    ) -> None:
        self.counts, self.gone_ids, self.unread = counts, gone, unread
        self.calls: list[tuple[str, list[str]]] = []

    def read(self, platform: str, account_ids: Sequence[str], seconds_left: Callable[[], float]) -> Audiences:
        self.calls.append((platform, list(account_ids)))
        return Audiences(
            counts={a: self.counts[a] for a in account_ids if a in self.counts},
            gone=frozenset(a for a in account_ids if a in self.gone_ids),
            unread={a: "budget spent" for a in account_ids if a in self.unread},
        )


def run(store: FakeStore, reader: FakeReader, now: datetime = NOW) -> dict[str, object]:
    return RadarPullService(store=store, reader=reader, clock=lambda: now, seconds_left=lambda: 300.0).run()


def test_an_account_watched_by_two_labels_is_read_once_in_one_batch_per_platform() -> None:
    store = FakeStore(
        artist("a", "one", deezer=["27"], youtube=[CHANNEL]),
        artist("b", "two", deezer=["27"]),
        artist("b", "three", deezer=["28"]),
    )
    reader = FakeReader({"27": 100, "28": 5, CHANNEL: 900})
    run(store, reader)
    assert reader.calls == [("youtube", [CHANNEL]), ("deezer", ["27", "28"])]
    assert sorted((r.label, r.radar_id, r.platform, r.audience) for r in store.readings) == [
        ("a", "one", "deezer", 100),
        ("a", "one", "youtube", 900),
        ("b", "three", "deezer", 5),
        ("b", "two", "deezer", 100),
    ]


def test_a_404_marks_the_platform_gone_and_keeps_the_artist() -> None:
    store = FakeStore(artist("a", "one", deezer=["27"], x=["5"]))
    report = run(store, FakeReader({"5": 40}, gone=frozenset({"27"})))
    assert store.gone == {"one": {"deezer": "2026-12-01"}}
    assert [(r.platform, r.audience) for r in store.readings] == [("x", 40)]
    assert report["marked_gone"] == 1


def test_a_platform_marked_gone_is_not_read_again() -> None:
    store = FakeStore(artist("a", "one", gone={"deezer": "2026-11-01"}, deezer=["27"], x=["5"]))
    reader = FakeReader({"5": 40, "27": 1})
    run(store, reader)
    assert reader.calls == [("x", ["5"])]


def test_a_platform_with_an_unread_account_stores_nothing_that_day() -> None:
    store = FakeStore(artist("a", "one", x=["5", "6"]))
    report = run(store, FakeReader({"5": 40}, unread=frozenset({"6"})))
    assert store.readings == []
    assert report["unread"] == {"x": 1}


# The day marker: once a day, unread accounts retried the same day -----------------------------------


def test_a_second_run_the_same_day_reads_nothing() -> None:
    # Given a day whose first run read every watched account
    store = FakeStore(artist("a", "one", deezer=["27"]))
    run(store, FakeReader({"27": 100}))
    reader = FakeReader({"27": 120})
    # When the pull job runs again that day
    report = run(store, reader, NOW + timedelta(hours=1))
    # Then nothing is read or stored again
    assert reader.calls == []
    assert [r.audience for r in store.readings] == [100]
    assert report["skipped"]


def test_the_next_day_reads_every_account_again() -> None:
    store = FakeStore(artist("a", "one", deezer=["27"]))
    run(store, FakeReader({"27": 100}))
    reader = FakeReader({"27": 120})
    run(store, reader, NOW + timedelta(days=1))
    assert reader.calls == [("deezer", ["27"])]


def test_accounts_left_unread_are_read_at_a_later_run_that_day_and_only_they() -> None:
    # Given a first run whose X budget ran out before one artist's account, Deezer read
    store = FakeStore(artist("a", "one", x=["5"], deezer=["27"]), artist("a", "two", x=["6"]))
    first = run(store, FakeReader({"5": 40, "27": 100}, unread=frozenset({"6"})))
    assert first["left_for_next_run"] == {"x": 1}
    # When the next hourly run comes, budget available again
    reader = FakeReader({"5": 41, "6": 70, "27": 101})
    run(store, reader, NOW + timedelta(hours=1))
    # Then it reads the unread account only, and the day is then complete
    assert reader.calls == [("x", ["6"])]
    assert sorted((r.radar_id, r.platform, r.audience) for r in store.readings) == [
        ("one", "deezer", 100),
        ("one", "x", 40),
        ("two", "x", 70),
    ]
    assert store.days[NOW.date().isoformat()] == {}


def test_an_artist_with_one_account_unread_reads_all_its_accounts_there_again() -> None:
    # Given an artist with two X accounts, one of them left unread by the first run
    store = FakeStore(artist("a", "one", x=["5", "6"]))
    run(store, FakeReader({"5": 40}, unread=frozenset({"6"})))
    # When the next run reads
    reader = FakeReader({"5": 41, "6": 70})
    run(store, reader, NOW + timedelta(hours=1))
    # Then both are read again, so that the day's audience is a whole sum
    assert reader.calls == [("x", ["5", "6"])]
    assert [(r.platform, r.audience) for r in store.readings] == [("x", 111)]


def test_a_run_with_nothing_watched_leaves_the_day_open() -> None:
    store = FakeStore()
    run(store, FakeReader({}))
    assert store.days == {}


# The reader over the pull clients -------------------------------------------------------------------


class FakeProgress:
    def __init__(self, progress: dict[str, dict[str, Any]]) -> None:
        self.progress = progress
        self.saved: list[tuple[str, dict[str, Any]]] = []

    def load_progress(self, platform: str) -> dict[str, Any]:
        return dict(self.progress.get(platform, {}))

    def save_progress(self, platform: str, progress: dict[str, Any]) -> None:
        self.saved.append((platform, progress))
        self.progress[platform] = progress


CAMPAIGN_PROGRESS = {
    "budget": {"day": "2026-12-01", "used": 7},
    "remaining": {"content": ["v"], "accounts": []},
}


def spending_puller(result: PullResult, seen: list[Any]) -> Callable[[], Any]:
    def factory() -> Any:
        def pull(items: Any, now: datetime, progress: dict[str, Any]) -> PullResult:
            seen.append((items, dict(progress)))
            used = progress.get("budget", {}).get("used", 0)
            progress["budget"] = {"day": "2026-12-01", "used": used + 1}
            progress["remaining"] = {"content": [], "accounts": list(result.remaining_ids)}
            return result

        return pull

    return factory


def reader_of(result: PullResult, progress: FakeProgress, seen: list[Any]) -> PulledAudiences:
    return PulledAudiences(
        pullers={"youtube": spending_puller(result, seen)},
        metrics={"youtube": "followers"},
        progress=progress,
        clock=lambda: NOW,
    )


def test_the_reader_spends_the_pull_jobs_budget_and_leaves_its_ids_to_resume() -> None:
    # Given the campaign pull's progress: units used today and a video to resume with
    progress, seen = FakeProgress({"youtube": dict(CAMPAIGN_PROGRESS)}), []
    result = PullResult(snapshots=(Snapshot("youtube", "account", CHANNEL, "followers", 900, NOW),))
    # When the radar reads a channel through the platform's puller
    read = reader_of(result, progress, seen).read("youtube", [CHANNEL], lambda: 300.0)
    # Then the puller was given accounts only and the budget state, and the budget is saved back
    # with the campaign pull's ids to resume untouched
    ((items, given),) = seen
    assert (items.content, items.accounts) == ((), (CHANNEL,))
    assert given == {"budget": CAMPAIGN_PROGRESS["budget"]}
    assert progress.progress["youtube"] == {**CAMPAIGN_PROGRESS, "budget": {"day": "2026-12-01", "used": 8}}
    assert read.counts == {CHANNEL: 900}


def test_absent_ids_are_gone_and_a_spent_budget_leaves_the_rest_unread() -> None:
    other, third = "UC" + "c" * 22, "UC" + "d" * 22
    result = PullResult(
        snapshots=(Snapshot("youtube", "account", CHANNEL, "followers", 900, NOW),),
        missing_ids=(other,),
        remaining_ids=(third,),
        error=BudgetExhausted("the quota is used"),
    )
    read = reader_of(result, FakeProgress({}), []).read("youtube", [CHANNEL, other, third], lambda: 300.0)
    assert (read.counts, read.gone, read.unread) == (
        {CHANNEL: 900},
        frozenset({other}),
        {third: "the quota is used"},
    )


def test_a_count_the_platform_withholds_is_unread_not_gone() -> None:
    result = PullResult(
        snapshots=(Snapshot("youtube", "account", CHANNEL, "followers", None, NOW, "hidden by the owner"),)
    )
    read = reader_of(result, FakeProgress({}), []).read("youtube", [CHANNEL], lambda: 300.0)
    assert read.unread == {CHANNEL: "hidden by the owner"}
    assert read.counts == {}


def test_a_platform_without_credentials_is_not_asked_and_its_accounts_stay_unread() -> None:
    def no_credentials() -> Any:
        raise NoCredentials("X_BEARER_TOKEN")

    progress = FakeProgress({})
    reader = PulledAudiences(
        pullers={"x": no_credentials}, metrics={"x": "followers"}, progress=progress, clock=lambda: NOW
    )
    read = reader.read("x", ["5"], lambda: 300.0)
    assert read.unread == {"5": "no credentials configured (X_BEARER_TOKEN)"}
    assert progress.saved == []


def test_a_run_out_of_time_asks_nothing() -> None:
    seen: list[Any] = []
    read = reader_of(PullResult(), FakeProgress({}), seen).read("youtube", [CHANNEL], lambda: 1.0)
    assert seen == []
    assert read.unread == {CHANNEL: "the run is out of time"}
