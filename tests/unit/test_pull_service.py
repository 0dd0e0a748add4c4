"""The pull job's own rules, with fakes: bounded time, resuming, one platform's failure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.pulls.errors import Unavailable
from chalicelib.pulls.snapshots import PullResult, Snapshot
from chalicelib.services.pulling import Items, PullService, resume_first

NOW = datetime(2026, 11, 26, 10, tzinfo=UTC)


class FakeIds:
    def __init__(self, content: list[str], accounts: list[str]) -> None:
        self.content, self.accounts = content, accounts


class FakeTracked:
    def __init__(self, **platforms: FakeIds) -> None:
        self._platforms = platforms

    def entries(self) -> list[tuple[str, FakeIds]]:
        return list(self._platforms.items())


class FakeCampaign:
    def __init__(self, active: bool = True, **platforms: FakeIds) -> None:
        self.tracked, self._active = FakeTracked(**platforms), active

    def is_active(self, now: datetime) -> bool:
        return self._active


class FakeStore:
    def __init__(self) -> None:
        self.saved: list[Snapshot] = []
        self.pulls: dict[str, str | None] = {}
        self.written_at: dict[str, datetime | None] = {}
        self.progress: dict[str, dict[str, Any]] = {}
        self.asked: dict[str, list[str]] = {}

    def save(self, snapshots: Any) -> None:
        self.saved.extend(snapshots)

    def record_pull(
        self, platform: str, at: datetime, error: str | None, *, written_at: datetime | None = None
    ) -> None:
        self.pulls[platform] = error
        self.written_at[platform] = written_at

    def load_progress(self, platform: str) -> dict[str, Any]:
        return dict(self.progress.get(platform, {}))

    def save_progress(self, platform: str, progress: dict[str, Any]) -> None:
        self.progress[platform] = progress

    def pull_soon(self, platform: str) -> list[str]:
        return list(self.asked.get(platform, []))

    def pulled_soon(self, platform: str, content_ids: Any) -> None:
        self.asked[platform] = [i for i in self.asked.get(platform, []) if i not in set(content_ids)]


class Campaigns:
    def __init__(self, *campaigns: FakeCampaign) -> None:
        self._campaigns = list(campaigns)

    def list_all(self) -> list[Any]:
        return self._campaigns


def snapshot(item: str) -> Snapshot:
    return Snapshot("x", "content", item, "likes", 1, NOW)


def service(
    store: FakeStore, pullers: dict[str, Any], seconds: list[float], *campaigns: FakeCampaign
) -> PullService:
    return PullService(
        campaigns=Campaigns(*campaigns),
        store=store,
        pullers=pullers,
        clock=lambda: NOW,
        seconds_left=lambda: seconds.pop(0) if len(seconds) > 1 else seconds[0],
    )


def test_ids_left_by_the_last_run_come_first() -> None:
    assert resume_first(["a", "b", "c", "d"], ["c", "gone"]) == ("c", "a", "b", "d")


def test_only_active_campaigns_are_pulled_each_id_once() -> None:
    calls: list[Items] = []
    store = FakeStore()
    pull = lambda items, now, progress: calls.append(items) or PullResult()  # noqa: E731
    service(
        store,
        {"x": lambda: pull},
        [60],
        FakeCampaign(x=FakeIds(["t1", "t2"], ["u1"])),
        FakeCampaign(x=FakeIds(["t2"], [])),
        FakeCampaign(False, x=FakeIds(["old"], [])),
    ).run()
    assert calls == [Items(("t1", "t2"), ("u1",), {"t1": ("u1",), "t2": ("u1",)})]


def test_a_platform_that_fails_is_recorded_and_the_next_one_still_runs() -> None:
    store = FakeStore()

    def broken(items: Items, now: datetime, progress: dict[str, Any]) -> PullResult:
        raise Unavailable("youtube answered 503 three times")

    def working(items: Items, now: datetime, progress: dict[str, Any]) -> PullResult:
        return PullResult(snapshots=(snapshot("t1"),))

    report = service(
        store,
        {"x": lambda: working, "youtube": lambda: broken},
        [60],
        FakeCampaign(x=FakeIds(["t1"], []), youtube=FakeIds(["v1"], [])),
    ).run()
    assert store.pulls == {"x": None, "youtube": "youtube answered 503 three times"}
    assert [s.item_id for s in store.saved] == ["t1"]
    assert report["platforms"]["youtube"]["error"]


def test_a_run_out_of_time_defers_the_remaining_platforms() -> None:
    store = FakeStore()
    ok = lambda items, now, progress: PullResult()  # noqa: E731
    report = service(
        store,
        {"x": lambda: ok, "youtube": lambda: ok},
        [60, 2],
        FakeCampaign(x=FakeIds(["t1"], []), youtube=FakeIds(["v1"], [])),
    ).run()
    deferred = [p for p, outcome in report["platforms"].items() if isinstance(outcome, str)]
    assert len(deferred) == 1
    assert deferred[0] not in store.pulls


def test_progress_is_kept_for_the_next_run() -> None:
    store = FakeStore()

    def partial(items: Items, now: datetime, progress: dict[str, Any]) -> PullResult:
        progress["remaining"] = {"content": ["t2"], "accounts": []}
        return PullResult(snapshots=(snapshot("t1"),), remaining_ids=("t2",))

    service(store, {"x": lambda: partial}, [60], FakeCampaign(x=FakeIds(["t1", "t2"], []))).run()
    assert store.progress["x"]["remaining"]["content"] == ["t2"]


def test_new_uploads_the_consumer_announced_are_pulled_then_cleared() -> None:
    # Given a new upload announced by WebSub, on a tracked channel
    store = FakeStore()
    store.asked["youtube"] = ["new-video"]
    calls: list[Items] = []
    pull = lambda items, now, progress: calls.append(items) or PullResult()  # noqa: E731
    # When the pull job runs
    service(
        store, {"youtube": lambda: pull}, [60], FakeCampaign(youtube=FakeIds(["old-video"], ["UCx"]))
    ).run()
    # Then the new video is read first, and no longer asked for
    assert calls[0].content == ("new-video", "old-video")
    assert store.asked["youtube"] == []


def test_the_time_after_writing_a_platform_s_snapshots_is_recorded_for_the_publish_job() -> None:
    # Given a clock that moves while X is read
    store = FakeStore()
    times = iter([NOW, NOW + timedelta(seconds=7)])
    read = lambda items, now, progress: PullResult(snapshots=(snapshot("t1"),))  # noqa: E731
    pulls = PullService(
        campaigns=Campaigns(FakeCampaign(x=FakeIds(["t1"], []))),
        store=store,
        pullers={"x": lambda: read},
        clock=lambda: next(times),
        seconds_left=lambda: 60,
    )
    # When the pull job runs
    pulls.run()
    # Then X's state says when its snapshots were written: after the write, not the pull's start
    assert store.written_at["x"] == NOW + timedelta(seconds=7)


def test_a_pull_that_stored_no_snapshot_records_no_write_time() -> None:
    store = FakeStore()
    empty = lambda items, now, progress: PullResult(missing_ids=("t1",))  # noqa: E731
    service(store, {"x": lambda: empty}, [60], FakeCampaign(x=FakeIds(["t1"], []))).run()
    assert store.written_at["x"] is None


def test_the_report_counts_the_readings_a_platform_refused() -> None:
    # Given Spotify answering one follower count and refusing the popularity (no extended quota)
    refused = Snapshot("spotify", "account", "a1", "popularity", None, NOW, unavailable="HTTP 403")
    read = lambda items, now, progress: PullResult(snapshots=(snapshot("t1"), refused))  # noqa: E731
    # When the pull job runs
    report = service(FakeStore(), {"x": lambda: read}, [60], FakeCampaign(x=FakeIds(["t1"], []))).run()
    # Then its report says how many of the stored readings are unavailable
    assert (report["platforms"]["x"]["snapshots"], report["platforms"]["x"]["unavailable"]) == (2, 1)
