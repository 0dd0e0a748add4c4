"""YouTubeStats against a loopback fake Data API: batches of 50, counts, missing and hidden values,
the daily quota, and a key that never leaks."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

import pytest

from chalicelib.platforms.youtube.api import BATCH_SIZE, YouTubeStats
from chalicelib.pulls.budget import UnitBudget
from chalicelib.pulls.errors import BudgetExhausted, Forbidden, Unavailable
from tests.fakes.platform_server import PlatformServer, Recorded, Reply
from tests.unit.pulls.conftest import MakeHttp, values

API_KEY = "AIzaSy-unit-test-key-do-not-leak"
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
TOMORROW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
STATS = {"viewCount": "1200", "likeCount": "34", "commentCount": "5", "favoriteCount": "0"}


def video_ids(count: int) -> list[str]:
    return [f"vid{index:08d}" for index in range(count)]


def echo(stats: Callable[[str], Mapping[str, object]] = lambda item_id: STATS) -> Callable[[Recorded], Reply]:
    """A Data API that returns every requested id with `stats(id)`."""

    def answer(request: Recorded) -> Reply:
        # videos come with their snippet's title; channels with their statistics only
        assert request.param("part") == (
            "statistics" if request.path.endswith("/channels") else "snippet,statistics"
        )
        items = [
            {"kind": "youtube#video", "id": i, "statistics": stats(i), "snippet": {"title": f"Clip {i}"}}
            for i in request.param("id").split(",")
        ]
        return Reply(200, {}, {"kind": "youtube#videoListResponse", "items": items})

    return answer


def client(server: PlatformServer, make_http: MakeHttp, budget: UnitBudget | None = None) -> YouTubeStats:
    return YouTubeStats(
        make_http(), f"{server.base_url}/youtube/v3", API_KEY, budget or UnitBudget.youtube(reserve=0)
    )


def test_120_videos_take_three_requests_of_50_50_and_20(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    # given 120 videos
    platform_server.handle("/youtube/v3/videos", echo())
    # when their counters are pulled
    result = client(platform_server, make_http).videos(video_ids(120), NOW)
    # then three requests carried 50, 50 and 20 ids
    sizes = [len(r.param("id").split(",")) for r in platform_server.requests]
    assert sizes == [50, 50, 20]
    assert len({s.item_id for s in result.snapshots}) == 120
    assert result.complete


@pytest.mark.parametrize("count", [1, 49, 50, 51, 100, 120, 250])
def test_a_clean_run_makes_exactly_the_floor_of_requests(
    platform_server: PlatformServer, make_http: MakeHttp, count: int
) -> None:
    # given n videos and a platform that answers all of them (issue 5's benchmark: requests per item)
    platform_server.handle("/youtube/v3/videos", echo())
    # when they are pulled
    client(platform_server, make_http).videos(video_ids(count), NOW)
    # then the requests are the floor ceil(n / 50), no more
    assert len(platform_server.requests) == math.ceil(count / BATCH_SIZE)


def test_json_string_counts_become_numbers_under_the_contracts_metric_names(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    # given a video whose counts come as JSON strings
    platform_server.handle("/youtube/v3/videos", echo())
    # when it is pulled
    result = client(platform_server, make_http).videos(["dQw4w9WgXcQ"], NOW)
    # then each is a number under its contract name, at the pull's time
    assert values(result.snapshots, "dQw4w9WgXcQ") == {"views": 1200.0, "likes": 34.0, "comments": 5.0}
    assert {(s.platform, s.item_kind, s.at) for s in result.snapshots} == {("youtube", "content", NOW)}


def test_an_id_missing_from_the_answer_gives_no_snapshot(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    # given a platform that does not return a deleted video
    platform_server.handle("/youtube/v3/videos", echo())
    platform_server.reply(
        "/youtube/v3/videos", Reply(200, {}, {"items": [{"id": "alive", "statistics": STATS}]})
    )
    # when both are pulled
    result = client(platform_server, make_http).videos(["alive", "deleted"], NOW)
    # then only the returned one has snapshots; the other is reported missing, not remaining
    assert {s.item_id for s in result.snapshots} == {"alive"}
    assert result.missing_ids == ("deleted",)
    assert result.remaining_ids == ()


def test_hidden_likes_are_unavailable_not_zero(platform_server: PlatformServer, make_http: MakeHttp) -> None:
    # given a video whose owner hid its likes (YouTube omits likeCount)
    platform_server.handle("/youtube/v3/videos", echo(lambda _: {"viewCount": "10", "commentCount": "1"}))
    # when it is pulled
    result = client(platform_server, make_http).videos(["v1"], NOW)
    # then likes has no value and says why
    (likes,) = [s for s in result.snapshots if s.metric == "likes"]
    assert likes.value is None
    assert likes.unavailable == "hidden by the owner"


def test_a_hidden_subscriber_count_makes_followers_unavailable(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    # given a channel that hides its subscribers
    stats = {"viewCount": "98765", "subscriberCount": "0", "hiddenSubscriberCount": True, "videoCount": "3"}
    platform_server.handle("/youtube/v3/channels", echo(lambda _: stats))
    # when it is pulled
    result = client(platform_server, make_http).channels(["UCabcdefghijklmnopqrstuv"], NOW)
    # then followers is unavailable (not 0) and account_views is read
    by_metric = {s.metric: s for s in result.snapshots}
    assert by_metric["followers"].value is None
    assert by_metric["followers"].unavailable == "hidden by the owner"
    assert by_metric["account_views"].value == 98765.0
    assert {s.item_kind for s in result.snapshots} == {"account"}


def test_channel_subscribers_are_followers(platform_server: PlatformServer, make_http: MakeHttp) -> None:
    # given a channel with public subscribers
    stats = {"viewCount": "500", "subscriberCount": "1230", "hiddenSubscriberCount": False}
    platform_server.handle("/youtube/v3/channels", echo(lambda _: stats))
    # when it is pulled
    result = client(platform_server, make_http).channels(["UC1"], NOW)
    # then
    assert values(result.snapshots, "UC1") == {"followers": 1230.0, "account_views": 500.0}


def test_a_next_page_token_is_followed(platform_server: PlatformServer, make_http: MakeHttp) -> None:
    # given an answer split over two pages
    platform_server.reply(
        "/youtube/v3/videos",
        Reply(200, {}, {"items": [{"id": "a", "statistics": STATS}], "nextPageToken": "P2"}),
        Reply(200, {}, {"items": [{"id": "b", "statistics": STATS}]}),
    )
    # when both ids are pulled
    result = client(platform_server, make_http).videos(["a", "b"], NOW)
    # then the second page was asked for with the token, and both videos were read
    assert [r.query.get("pageToken") for r in platform_server.requests] == [None, ["P2"]]
    assert {s.item_id for s in result.snapshots} == {"a", "b"}


def test_the_pull_stops_before_the_budget_is_spent_and_returns_the_ids_left(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    # given a budget with 2 units left above its reserve and 120 videos (3 requests' worth)
    platform_server.handle("/youtube/v3/videos", echo())
    budget = UnitBudget.youtube(reserve=10, daily_limit=12)
    ids = video_ids(120)
    # when they are pulled
    result = client(platform_server, make_http, budget).videos(ids, NOW)
    # then two requests were made, the last 20 ids are left for later, and the stop is explained
    assert len(platform_server.requests) == 2
    assert result.remaining_ids == tuple(ids[100:])
    assert isinstance(result.error, BudgetExhausted)
    assert budget.used(NOW) == 2


def test_a_later_run_resumes_with_the_ids_left(platform_server: PlatformServer, make_http: MakeHttp) -> None:
    # given a run that stopped on its budget, whose state was stored
    platform_server.handle("/youtube/v3/videos", echo())
    budget = UnitBudget.youtube(reserve=10, daily_limit=12)
    first = client(platform_server, make_http, budget).videos(video_ids(120), NOW)
    state = budget.to_state()
    # when the next Pacific day's run pulls what was left
    resumed = UnitBudget.youtube(reserve=10, daily_limit=12, state=state)
    second = client(platform_server, make_http, resumed).videos(first.remaining_ids, TOMORROW)
    # then every video has been read once over the two runs
    read = [s.item_id for s in (*first.snapshots, *second.snapshots) if s.metric == "views"]
    assert sorted(read) == video_ids(120)
    assert second.complete


def test_quota_exceeded_marks_the_day_spent(platform_server: PlatformServer, make_http: MakeHttp) -> None:
    # given YouTube saying the project's quota is gone although our count disagrees
    body = {"error": {"code": 403, "errors": [{"reason": "quotaExceeded"}]}}
    platform_server.reply("/youtube/v3/videos", Reply(403, {}, body))
    budget = UnitBudget.youtube(reserve=0)
    # when a pull tries
    result = client(platform_server, make_http, budget).videos(["a", "b"], NOW)
    # then the pull reports it, keeps the ids, and the budget allows nothing more today
    assert isinstance(result.error, Forbidden)
    assert result.remaining_ids == ("a", "b")
    assert budget.available(NOW) == 0


def test_a_failing_batch_keeps_earlier_snapshots_and_leaves_the_rest(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    # given a platform that answers the first batch, then fails for good
    ids = video_ids(120)
    platform_server.reply("/youtube/v3/videos", Reply(200, {}, echo()(_request(ids[:50])).body))
    platform_server.handle("/youtube/v3/videos", lambda request: Reply(503, {}, {}))
    # when the 120 are pulled
    result = client(platform_server, make_http).videos(ids, NOW)
    # then the first 50 are read and the other 70 wait for a later run, with the error recorded
    assert len({s.item_id for s in result.snapshots}) == 50
    assert result.remaining_ids == tuple(ids[50:])
    assert isinstance(result.error, Unavailable)


def test_an_id_that_cannot_be_a_youtube_id_is_never_sent(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    # given an id with a comma, which would smuggle another id into the list
    platform_server.handle("/youtube/v3/videos", echo())
    # when it is pulled with a good one
    result = client(platform_server, make_http).videos(["good", "a,b"], NOW)
    # then only the good id was sent, and the other is missing
    assert platform_server.requests[0].param("id") == "good"
    assert result.missing_ids == ("a,b",)


def test_the_key_is_sent_as_the_key_parameter(platform_server: PlatformServer, make_http: MakeHttp) -> None:
    # given a Data API
    platform_server.handle("/youtube/v3/videos", echo())
    # when a video is pulled
    client(platform_server, make_http).videos(["v"], NOW)
    # then the key went where YouTube expects it
    assert platform_server.requests[0].param("key") == API_KEY


def test_the_key_never_appears_in_the_error_or_the_logs(
    platform_server: PlatformServer, make_http: MakeHttp, caplog: pytest.LogCaptureFixture
) -> None:
    # given a platform that keeps failing
    platform_server.handle("/youtube/v3/videos", lambda request: Reply(500, {}, {}))
    # when a pull gives up, with every log line captured
    with caplog.at_level(logging.DEBUG):
        result = client(platform_server, make_http).videos(["v"], NOW)
    # then neither the recorded error nor any log line holds the key
    assert result.error is not None
    assert API_KEY not in str(result.error)
    assert caplog.records
    assert all(API_KEY not in f"{r.getMessage()} {r.__dict__}" for r in caplog.records)


def _request(ids: list[str]) -> Recorded:
    return Recorded("GET", "/videos", {"part": ["snippet,statistics"], "id": [",".join(ids)]}, {}, b"", "/")


def test_a_video_s_title_comes_with_its_counters_in_the_same_request(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    # Given a video whose snippet gives its title
    platform_server.handle("/youtube/v3/videos", echo())
    # When its counters are pulled
    result = client(platform_server, make_http).videos(["vid00000001"], NOW)
    # Then one request asked for the snippet's title beside the statistics, and every reading keeps it
    [request] = platform_server.requests
    assert request.param("fields") == "items(id,statistics,snippet/title),nextPageToken"
    assert {snapshot.title for snapshot in result.snapshots} == {"Clip vid00000001"}
