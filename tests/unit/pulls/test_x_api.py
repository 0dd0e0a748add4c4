"""XMetrics against a loopback fake X API v2: batches of 100, public metrics, partial errors, the read
budget, rate-limit windows, and a bearer token that never leaks."""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from datetime import UTC, datetime

import pytest

from chalicelib.platforms.x.api import BATCH_SIZE, XMetrics
from chalicelib.pulls.budget import UnitBudget
from chalicelib.pulls.errors import BudgetExhausted, Unauthorized
from chalicelib.pulls.snapshots import Snapshot
from tests.fakes.platform_server import PlatformServer, Recorded, Reply
from tests.unit.pulls.conftest import FakeTime, MakeHttp

TOKEN = "AAAAAAAAAAAAAAAAAAAAAunit-test-bearer-do-not-leak"
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
TOMORROW = datetime(2026, 11, 22, 0, 0, 1, tzinfo=UTC)
PUBLIC_METRICS = {
    "retweet_count": 7,
    "reply_count": 3,
    "like_count": 120,
    "quote_count": 2,
    "bookmark_count": 9,
    "impression_count": 4567,
}


def post_ids(count: int, start: int = 1_790_000_000_000_000_000) -> list[str]:
    return [str(start + index) for index in range(count)]


def echo_tweets(request: Recorded) -> Reply:
    """X answering every requested post."""
    assert request.param("tweet.fields") == "public_metrics"
    data = [
        {"id": i, "text": "hi", "public_metrics": PUBLIC_METRICS} for i in request.param("ids").split(",")
    ]
    return Reply(200, {}, {"data": data})


def client(server: PlatformServer, make_http: MakeHttp, budget: UnitBudget | None = None) -> XMetrics:
    return XMetrics(make_http(), f"{server.base_url}/2", TOKEN, budget or UnitBudget.x_reads(1_000_000))


def by_metric(snapshots: tuple[Snapshot, ...], item_id: str) -> Mapping[str, float | None]:
    return {s.metric: s.value for s in snapshots if s.item_id == item_id}


def test_250_posts_take_three_requests_of_100_100_and_50(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    # given 250 posts
    platform_server.handle("/2/tweets", echo_tweets)
    # when they are pulled
    result = client(platform_server, make_http).tweets(post_ids(250), NOW)
    # then three requests carried 100, 100 and 50 ids
    assert [len(r.param("ids").split(",")) for r in platform_server.requests] == [100, 100, 50]
    assert result.complete


@pytest.mark.parametrize("count", [1, 99, 100, 101, 250])
def test_a_clean_run_makes_exactly_the_floor_of_requests(
    platform_server: PlatformServer, make_http: MakeHttp, count: int
) -> None:
    # given n posts that X answers in full (issue 5's benchmark: requests per item)
    platform_server.handle("/2/tweets", echo_tweets)
    # when they are pulled
    client(platform_server, make_http).tweets(post_ids(count), NOW)
    # then the requests are the floor ceil(n / 100)
    assert len(platform_server.requests) == math.ceil(count / BATCH_SIZE)


def test_public_metrics_map_to_the_contracts_names(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    # given one post
    platform_server.handle("/2/tweets", echo_tweets)
    (post,) = post_ids(1)
    # when it is pulled
    result = client(platform_server, make_http).tweets([post], NOW)
    # then each counter has its contract name
    assert by_metric(result.snapshots, post) == {
        "likes": 120.0,
        "reposts": 7.0,
        "comments": 3.0,
        "quotes": 2.0,
        "views": 4567.0,
        "saves": 9.0,
    }
    assert {(s.platform, s.item_kind) for s in result.snapshots} == {("x", "content")}


def test_errors_for_missing_posts_are_a_partial_result(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    # given X returning one post and an error entry for a deleted one
    alive, deleted = post_ids(2)
    body = {
        "data": [{"id": alive, "public_metrics": PUBLIC_METRICS}],
        "errors": [
            {
                "value": deleted,
                "detail": f"Could not find tweet with ids: [{deleted}].",
                "title": "Not Found Error",
                "resource_type": "tweet",
                "parameter": "ids",
                "resource_id": deleted,
                "type": "https://api.twitter.com/2/problems/resource-not-found",
            }
        ],
    }
    platform_server.reply("/2/tweets", Reply(200, {}, body))
    # when both are pulled
    result = client(platform_server, make_http).tweets([alive, deleted], NOW)
    # then the live post is read, the deleted one is missing, and the pull did not fail
    assert {s.item_id for s in result.snapshots} == {alive}
    assert result.missing_ids == (deleted,)
    assert result.error is None


def test_a_metric_x_leaves_out_is_unavailable(platform_server: PlatformServer, make_http: MakeHttp) -> None:
    # given a post without impression_count
    (post,) = post_ids(1)
    metrics = {k: v for k, v in PUBLIC_METRICS.items() if k != "impression_count"}
    platform_server.reply("/2/tweets", Reply(200, {}, {"data": [{"id": post, "public_metrics": metrics}]}))
    # when it is pulled
    result = client(platform_server, make_http).tweets([post], NOW)
    # then views has no value and a reason
    (views,) = [s for s in result.snapshots if s.metric == "views"]
    assert views.value is None
    assert views.unavailable


def test_users_followers(platform_server: PlatformServer, make_http: MakeHttp) -> None:
    # given an account
    platform_server.reply(
        "/2/users",
        Reply(200, {}, {"data": [{"id": "2244994945", "public_metrics": {"followers_count": 6_500_000}}]}),
    )
    # when it is pulled
    result = client(platform_server, make_http).users(["2244994945"], NOW)
    # then its followers are read as an account metric, asked for with user.fields
    (followers,) = result.snapshots
    assert (followers.item_kind, followers.metric, followers.value) == ("account", "followers", 6_500_000.0)
    assert platform_server.requests[0].param("user.fields") == "public_metrics"


def test_the_bearer_token_is_sent_in_the_authorization_header(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    # given X
    platform_server.handle("/2/tweets", echo_tweets)
    # when a post is pulled
    client(platform_server, make_http).tweets(post_ids(1), NOW)
    # then the app's bearer token authenticated it
    assert platform_server.requests[0].headers["authorization"] == f"Bearer {TOKEN}"


def test_posts_read_are_spent_and_the_pull_stops_with_the_budget(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    # given a read budget of 150 posts a day and 250 posts to read
    platform_server.handle("/2/tweets", echo_tweets)
    budget = UnitBudget.x_reads(150)
    ids = post_ids(250)
    # when they are pulled
    result = client(platform_server, make_http, budget).tweets(ids, NOW)
    # then 150 were read (100 then 50), the last 100 are left, and the stop is explained
    assert [len(r.param("ids").split(",")) for r in platform_server.requests] == [100, 50]
    assert result.remaining_ids == tuple(ids[150:])
    assert isinstance(result.error, BudgetExhausted)
    assert budget.used(NOW) == 150


def test_only_posts_returned_are_spent(platform_server: PlatformServer, make_http: MakeHttp) -> None:
    # given X returning one of two requested posts
    alive, deleted = post_ids(2)
    platform_server.reply("/2/tweets", Reply(200, {}, {"data": [{"id": alive, "public_metrics": {}}]}))
    budget = UnitBudget.x_reads(10)
    # when both are pulled
    client(platform_server, make_http, budget).tweets([alive, deleted], NOW)
    # then one read was spent
    assert budget.used(NOW) == 1


def test_the_next_utc_day_resumes_with_the_ids_left(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    # given a pull stopped by its budget, whose state was stored
    platform_server.handle("/2/tweets", echo_tweets)
    budget = UnitBudget.x_reads(150)
    first = client(platform_server, make_http, budget).tweets(post_ids(250), NOW)
    # when the next UTC day's run reads what was left
    resumed = UnitBudget.x_reads(150, state=budget.to_state())
    second = client(platform_server, make_http, resumed).tweets(first.remaining_ids, TOMORROW)
    # then all 250 have been read once
    read = [s.item_id for s in (*first.snapshots, *second.snapshots) if s.metric == "likes"]
    assert sorted(read) == post_ids(250)
    assert second.complete


def test_a_429_waits_for_x_rate_limit_reset_then_succeeds(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given X's 15-minute window spent, resetting in 90 s
    reset = int(fake_time.now) + 90
    headers = {"x-rate-limit-limit": "300", "x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)}
    platform_server.reply("/2/tweets", Reply(429, headers, {"title": "Too Many Requests"}))
    platform_server.handle("/2/tweets", echo_tweets)
    # when a post is pulled
    result = client(platform_server, make_http).tweets(post_ids(1), NOW)
    # then the retry came after the reset and succeeded
    assert fake_time.now >= reset
    assert result.complete


def test_an_id_that_is_not_an_x_id_is_never_sent(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    # given a handle where an id belongs (X would refuse the whole request)
    platform_server.handle("/2/tweets", echo_tweets)
    (good,) = post_ids(1)
    # when it is pulled with a good id
    result = client(platform_server, make_http).tweets([good, "@label"], NOW)
    # then only the good id was sent
    assert platform_server.requests[0].param("ids") == good
    assert result.missing_ids == ("@label",)


def test_a_401_is_recorded_without_the_token(
    platform_server: PlatformServer, make_http: MakeHttp, caplog: pytest.LogCaptureFixture
) -> None:
    # given a revoked bearer token
    platform_server.reply("/2/tweets", Reply(401, {}, {"title": "Unauthorized", "type": "about:blank"}))
    ids = post_ids(3)
    # when a pull tries
    with caplog.at_level(logging.DEBUG):
        result = client(platform_server, make_http).tweets(ids, NOW)
    # then the error is Unauthorized, every id is left, and the token is nowhere in what was recorded
    assert isinstance(result.error, Unauthorized)
    assert result.remaining_ids == tuple(ids)
    assert TOKEN not in str(result.error)
    assert all(TOKEN not in f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
