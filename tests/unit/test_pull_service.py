"""The pull job's own rules, with fakes: bounded time, resuming, one platform's failure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.pulls.errors import Forbidden, Misconfigured, NoCredentials, Unavailable
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
        self.reached: dict[str, bool] = {}
        self.written_at: dict[str, datetime | None] = {}
        self.kinds: dict[str, str | None] = {}
        self.progress: dict[str, dict[str, Any]] = {}
        self.asked: dict[str, list[str]] = {}

    def save(self, snapshots: Any) -> None:
        self.saved.extend(snapshots)

    def record_pull(self, platform: str, at: datetime, error: str | None, **outcome: Any) -> None:
        self.pulls[platform] = error
        self.reached[platform] = outcome.get("reached", True)  # the store's defaults
        self.written_at[platform] = outcome.get("written_at")
        self.kinds[platform] = outcome.get("kind")

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
        raise Unavailable("youtube answered 503 three times", status=503, attempts=3)

    def working(items: Items, now: datetime, progress: dict[str, Any]) -> PullResult:
        return PullResult(snapshots=(snapshot("t1"),))

    report = service(
        store,
        {"x": lambda: working, "youtube": lambda: broken},
        [60],
        FakeCampaign(x=FakeIds(["t1"], []), youtube=FakeIds(["v1"], [])),
    ).run()
    assert store.pulls == {
        "x": None,
        "youtube": "YouTube answered HTTP 503 (Service Unavailable) after 3 attempts.",
    }
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


def test_a_platform_without_credentials_is_not_called_and_names_the_missing_variable() -> None:
    # Given no X bearer token: X's puller factory says which variable is missing
    store = FakeStore()

    def no_token() -> Any:
        raise NoCredentials("X_BEARER_TOKEN")

    # When the pull job runs
    report = service(store, {"x": no_token}, [60], FakeCampaign(x=FakeIds(["t1"], []))).run()
    # Then X's failure is exactly the contract's sentence, and no pull reached X
    assert store.pulls["x"] == "no credentials configured (X_BEARER_TOKEN)"
    assert store.reached["x"] is False
    assert report["platforms"]["x"] == {"error": "no credentials configured (X_BEARER_TOKEN)"}


def test_a_malformed_credential_is_that_platform_s_failure_not_the_run_s() -> None:
    # Given TikTok's tokens unusable as configured, and X fine
    store = FakeStore()

    def bad_tokens() -> Any:
        raise Misconfigured("TIKTOK_ACCESS_TOKENS entry 2 is not open_id=token")

    ok = lambda items, now, progress: PullResult(snapshots=(snapshot("t1"),))  # noqa: E731
    # When the pull job runs
    service(
        store,
        {"tiktok": bad_tokens, "x": lambda: ok},
        [60],
        FakeCampaign(tiktok=FakeIds(["v1"], []), x=FakeIds(["t1"], [])),
    ).run()
    # Then TikTok says what is wrong (never a token) and X is still pulled
    assert store.pulls["tiktok"] == (
        "TikTok is misconfigured: TIKTOK_ACCESS_TOKENS entry 2 is not open_id=token."
    )
    assert store.pulls["x"] is None


def test_a_failure_met_on_the_way_is_recorded_with_what_was_read() -> None:
    # Given Spotify answering 403 (a refusal) with every reading stored unavailable
    store = FakeStore()
    refusal = Forbidden(
        "GET spotify artists answered 403", status=403, endpoint="GET /v1/artists", detail="No quota"
    )
    refused = Snapshot("spotify", "account", "a1", "followers", None, NOW, unavailable="refused")
    read = lambda items, now, progress: PullResult(snapshots=(refused,), error=refusal)  # noqa: E731
    # When the pull job runs
    report = service(store, {"spotify": lambda: read}, [60], FakeCampaign(spotify=FakeIds([], ["a1"]))).run()
    # Then the refusal is the platform's failure, and the pull did reach Spotify
    expected = "Spotify refused the request: it answered HTTP 403 (Forbidden) to GET /v1/artists. No quota."
    assert store.pulls["spotify"] == expected
    assert store.reached["spotify"] is True
    assert report["platforms"]["spotify"]["error"] == expected


def test_a_pull_that_never_got_an_answer_did_not_reach_the_platform() -> None:
    # Given YouTube timing out on its first request
    store = FakeStore()
    timeout = Unavailable("GET youtube failed", timeout_seconds=10, attempts=4, problem="ReadTimeoutError")
    read = lambda items, now, progress: PullResult(remaining_ids=("v1",), error=timeout)  # noqa: E731
    # When the pull job runs
    service(store, {"youtube": lambda: read}, [60], FakeCampaign(youtube=FakeIds(["v1"], []))).run()
    # Then the timeout is recorded, as a pull that did not reach YouTube
    assert store.pulls["youtube"] == "YouTube timed out: no answer within 10 s after 4 attempts."
    assert store.reached["youtube"] is False


def test_a_clean_pull_clears_the_previous_failure() -> None:
    # Given X failed last run
    store = FakeStore()
    store.pulls["x"] = "X answered HTTP 503 (Service Unavailable) to GET /2/tweets."
    read = lambda items, now, progress: PullResult(snapshots=(snapshot("t1"),))  # noqa: E731
    # When a pull reads everything
    service(store, {"x": lambda: read}, [60], FakeCampaign(x=FakeIds(["t1"], []))).run()
    # Then X's failure is cleared
    assert store.pulls["x"] is None
    assert store.reached["x"] is True


def test_readings_stored_unavailable_without_asking_did_not_reach_the_platform() -> None:
    # Given TikTok tokens that hold none of the tracked accounts: its readings are stored unavailable
    store = FakeStore()
    no_token = Snapshot("tiktok", "account", "open-1", "followers", None, NOW, unavailable="no token")
    read = lambda items, now, progress: PullResult(  # noqa: E731
        snapshots=(no_token,), error=NoCredentials("TIKTOK_ACCESS_TOKENS")
    )
    # When the pull job runs
    service(store, {"tiktok": lambda: read}, [60], FakeCampaign(tiktok=FakeIds([], ["open-1"]))).run()
    # Then TikTok's failure names the variable, and no pull reached TikTok
    assert store.pulls["tiktok"] == "no credentials configured (TIKTOK_ACCESS_TOKENS)"
    assert store.reached["tiktok"] is False


def test_each_failure_is_recorded_with_its_kind_and_a_clean_pull_with_none() -> None:
    # Given X without credentials, Spotify refusing, YouTube timing out and Deezer read cleanly
    store = FakeStore()

    def no_token() -> Any:
        raise NoCredentials("X_BEARER_TOKEN")

    refusal = Forbidden("GET spotify artists answered 403", status=403, endpoint="GET /v1/artists")
    timeout = Unavailable("GET youtube failed", timeout_seconds=10, attempts=4, problem="ReadTimeoutError")
    pullers = {
        "x": no_token,
        "spotify": lambda: lambda items, now, progress: PullResult(error=refusal),
        "youtube": lambda: lambda items, now, progress: PullResult(remaining_ids=("v1",), error=timeout),
        "deezer": lambda: lambda items, now, progress: PullResult(snapshots=(snapshot("27"),)),
    }
    campaign = FakeCampaign(
        x=FakeIds(["t1"], []),
        spotify=FakeIds([], ["a1"]),
        youtube=FakeIds(["v1"], []),
        deezer=FakeIds([], ["27"]),
    )
    # When the pull job runs
    service(store, pullers, [60], campaign).run()
    # Then each platform's kind of failure is recorded beside its sentence (what attention is decided on)
    assert store.kinds == {"x": "no_credentials", "spotify": "refused", "youtube": "timeout", "deezer": None}
