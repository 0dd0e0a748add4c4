"""MetaGraph against a loopback fake Graph API: multiple-ids requests of 50, each object's counters, the
fallback to one id at a time when Graph refuses a batch, and a token that never leaks."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

import pytest

from chalicelib.platforms.meta.graph import (
    BATCH_SIZE,
    HIDDEN_LIKES,
    IG_ACCOUNT_FIELDS,
    MEDIA_FIELDS,
    NO_SHARES,
    PAGE_FIELDS,
    POST_FIELDS,
    MetaGraph,
)
from chalicelib.pulls.errors import MalformedResponse, Rejected, Unavailable
from tests.fakes.platform_server import PlatformServer, Recorded, Reply
from tests.unit.pulls.conftest import MakeHttp, values

TOKEN = "EAAGunit-test-page-token-do-not-leak"
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
ROOT = "/v22.0/"
POST = {
    "shares": {"count": 4},
    "reactions": {"data": [], "summary": {"total_count": 120}},
    "comments": {"data": [], "summary": {"order": "ranked", "total_count": 9, "can_comment": True}},
}
MISSING_ALIAS = {
    "error": {
        "message": "(#100) Some of the aliases you requested do not exist: 999",
        "type": "OAuthException",
        "code": 100,
        "fbtrace_id": "AbCdEf",
    }
}
NO_OBJECT = {
    "error": {
        "message": "Unsupported get request. Object with ID '999' does not exist",
        "type": "GraphMethodException",
        "code": 100,
        "error_subcode": 33,
        "fbtrace_id": "AbCdEf",
    }
}


def post_ids(count: int) -> list[str]:
    return [f"1234567890_{index + 1}" for index in range(count)]


def echo(fields: Callable[[str], Mapping[str, object]] = lambda item_id: POST) -> Callable[[Recorded], Reply]:
    """Graph's multiple-ids lookup answering every requested id."""

    def answer(request: Recorded) -> Reply:
        return Reply(200, {}, {i: {**fields(i), "id": i} for i in request.param("ids").split(",")})

    return answer


def graph_answering(server: PlatformServer, make_http: MakeHttp, fields: Mapping[str, object]) -> MetaGraph:
    """A client of Graph answering every requested id with the same fields."""
    server.handle(ROOT, echo(lambda item_id: fields))
    return client(server, make_http)


def client(server: PlatformServer, make_http: MakeHttp) -> MetaGraph:
    return MetaGraph(make_http(), f"{server.base_url}/v22.0", TOKEN)


@pytest.mark.parametrize("count", [1, 49, 50, 51, 120])
def test_a_clean_run_makes_exactly_the_floor_of_requests(
    platform_server: PlatformServer, make_http: MakeHttp, count: int
) -> None:
    # given n posts that Graph answers in full
    platform_server.handle(ROOT, echo())
    # when they are pulled
    result = client(platform_server, make_http).facebook_posts(post_ids(count), NOW)
    # then the requests are the floor ceil(n / 50), each a multiple-ids lookup
    assert len(platform_server.requests) == math.ceil(count / BATCH_SIZE)
    assert len({s.item_id for s in result.snapshots}) == count
    assert result.complete


def test_120_posts_take_batches_of_50_50_and_20(platform_server: PlatformServer, make_http: MakeHttp) -> None:
    # given 120 posts
    platform_server.handle(ROOT, echo())
    # when they are pulled
    client(platform_server, make_http).facebook_posts(post_ids(120), NOW)
    # then the ids went 50, 50 and 20 at a time
    assert [len(r.param("ids").split(",")) for r in platform_server.requests] == [50, 50, 20]


def test_post_reactions_comments_and_shares_map_to_the_contracts_names(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    # given a post
    platform_server.handle(ROOT, echo())
    (post,) = post_ids(1)
    # when it is pulled
    result = client(platform_server, make_http).facebook_posts([post], NOW)
    # then reactions are likes, with comments and shares, asked for with the documented fields
    assert values(result.snapshots, post) == {"likes": 120.0, "comments": 9.0, "shares": 4.0}
    assert {(s.platform, s.item_kind) for s in result.snapshots} == {("facebook", "content")}
    assert platform_server.requests[0].param("fields") == POST_FIELDS


def test_the_token_travels_in_the_authorization_header_not_the_url(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    # given Graph
    platform_server.handle(ROOT, echo())
    # when a post is pulled
    client(platform_server, make_http).facebook_posts(post_ids(1), NOW)
    # then the token is a bearer header and not in the query
    (request,) = platform_server.requests
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert TOKEN not in request.raw_target


def test_a_post_without_shares_reports_them_unavailable(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    # given a post Graph answers without `shares` (nobody shared it)
    platform_server.handle(ROOT, echo(lambda item_id: {k: v for k, v in POST.items() if k != "shares"}))
    (post,) = post_ids(1)
    # when it is pulled
    result = client(platform_server, make_http).facebook_posts([post], NOW)
    # then shares have no value and say why
    (shares,) = [s for s in result.snapshots if s.metric == "shares"]
    assert (shares.value, shares.unavailable) == (None, NO_SHARES)


@pytest.mark.parametrize(
    ("pull", "answer", "platform", "fields"),
    [
        ("facebook_pages", {"followers_count": 5400, "fan_count": 5100}, "facebook", PAGE_FIELDS),
        ("instagram_accounts", {"followers_count": 5400}, "instagram", IG_ACCOUNT_FIELDS),
    ],
)
def test_an_accounts_followers_count_is_its_followers(
    platform_server: PlatformServer,
    make_http: MakeHttp,
    pull: str,
    answer: dict[str, int],
    platform: str,
    fields: str,
) -> None:
    # given a Page or an Instagram professional account, when it is pulled
    result = getattr(graph_answering(platform_server, make_http, answer), pull)(["17841400000000000"], NOW)
    # then followers_count is its followers, an account metric, asked for with the account's fields
    (followers,) = result.snapshots
    assert (followers.platform, followers.item_kind, followers.metric, followers.value) == (
        platform,
        "account",
        "followers",
        5400.0,
    )
    assert platform_server.requests[0].param("fields") == fields


def test_a_page_without_followers_count_falls_back_to_fan_count(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    # given a Page Graph answers with fan_count only, when it is pulled
    result = graph_answering(platform_server, make_http, {"fan_count": 5100}).facebook_pages(["105"], NOW)
    # then its fans are its followers
    assert values(result.snapshots, "105") == {"followers": 5100.0}


def test_instagram_media_likes_and_comments(platform_server: PlatformServer, make_http: MakeHttp) -> None:
    # given an Instagram media, when it is pulled
    graph = graph_answering(platform_server, make_http, {"like_count": 88, "comments_count": 6})
    result = graph.instagram_media(["17895695668004550"], NOW)
    # then likes and comments are read as Instagram content
    assert values(result.snapshots, "17895695668004550") == {"likes": 88.0, "comments": 6.0}
    assert {(s.platform, s.item_kind) for s in result.snapshots} == {("instagram", "content")}
    assert platform_server.requests[0].param("fields") == MEDIA_FIELDS


def test_hidden_instagram_likes_are_unavailable_not_zero(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    # given a media whose owner hides like counts (Graph leaves like_count out), when it is pulled
    graph = graph_answering(platform_server, make_http, {"comments_count": 6})
    result = graph.instagram_media(["17895695668004550"], NOW)
    # then likes have no value and say they are hidden
    (likes,) = [s for s in result.snapshots if s.metric == "likes"]
    assert (likes.value, likes.unavailable) == (None, HIDDEN_LIKES)


def test_an_id_left_out_of_the_answer_is_missing(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    # given Graph answering one of two ids
    alive, gone = post_ids(2)
    platform_server.reply(ROOT, Reply(200, {}, {alive: {**POST, "id": alive}}))
    # when both are pulled
    result = client(platform_server, make_http).facebook_posts([alive, gone], NOW)
    # then one is read and the other missing
    assert {s.item_id for s in result.snapshots} == {alive}
    assert result.missing_ids == (gone,)
    assert result.complete


def test_a_batch_graph_refuses_is_read_one_id_at_a_time(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    # given a batch Graph refuses because one id does not exist
    alive, gone = "1234567890_1", "999"
    platform_server.reply(ROOT, Reply(400, {}, MISSING_ALIAS))
    platform_server.reply(f"/v22.0/{alive}", Reply(200, {}, {**POST, "id": alive}))
    platform_server.reply(f"/v22.0/{gone}", Reply(400, {}, NO_OBJECT))
    # when both are pulled
    result = client(platform_server, make_http).facebook_posts([alive, gone], NOW)
    # then the live post is read, the other is missing, and nothing failed
    assert values(result.snapshots, alive) == {"likes": 120.0, "comments": 9.0, "shares": 4.0}
    assert result.missing_ids == (gone,)
    assert result.complete
    assert [r.path for r in platform_server.requests] == [ROOT, f"/v22.0/{alive}", f"/v22.0/{gone}"]


def test_an_expired_token_stops_the_pull_without_leaking(
    platform_server: PlatformServer, make_http: MakeHttp, caplog: pytest.LogCaptureFixture
) -> None:
    # given an expired token (Graph answers 400 OAuthException to every request)
    expired = {"error": {"message": "Session has expired", "type": "OAuthException", "code": 190}}
    ids = post_ids(3)
    platform_server.handle(ROOT, lambda request: Reply(400, {}, expired))
    platform_server.handle(f"/v22.0/{ids[0]}", lambda request: Reply(400, {}, expired))
    # when a pull tries
    with caplog.at_level(logging.DEBUG):
        result = client(platform_server, make_http).facebook_posts(ids, NOW)
    # then it stops on the first id with every id left, and the token is nowhere in what was recorded
    assert isinstance(result.error, Rejected)
    assert result.remaining_ids == tuple(ids)
    assert len(platform_server.requests) == 2
    assert TOKEN not in str(result.error)
    assert all(TOKEN not in f"{r.getMessage()} {r.__dict__}" for r in caplog.records)


def test_a_failing_second_batch_keeps_the_first_and_leaves_the_rest(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    # given Graph answering the first batch and then failing for good
    ids = post_ids(60)
    platform_server.reply(ROOT, echo()(_recorded(ids[:50])))
    platform_server.handle(ROOT, lambda request: Reply(503, {}, {"error": {"type": "OAuthException"}}))
    # when all are pulled
    result = client(platform_server, make_http).facebook_posts(ids, NOW)
    # then the first 50 are read and the last 10 are left with the error
    assert len({s.item_id for s in result.snapshots}) == 50
    assert result.remaining_ids == tuple(ids[50:])
    assert isinstance(result.error, Unavailable)


def test_a_5xx_then_success_is_retried(platform_server: PlatformServer, make_http: MakeHttp) -> None:
    # given Graph failing once with a 500
    platform_server.reply(ROOT, Reply(500, {}, {"error": {"type": "OAuthException"}}))
    platform_server.handle(ROOT, echo())
    # when a post is pulled
    result = client(platform_server, make_http).facebook_posts(post_ids(1), NOW)
    # then the retry read it
    assert result.complete
    assert len(result.snapshots) == 3
    assert len(platform_server.requests) == 2


def test_a_body_that_is_not_json_is_malformed(platform_server: PlatformServer, make_http: MakeHttp) -> None:
    # given Graph answering HTML with a 200
    platform_server.reply(ROOT, Reply(200, {"Content-Type": "text/html"}, "<html>oops</html>"))
    ids = post_ids(2)
    # when the posts are pulled
    result = client(platform_server, make_http).facebook_posts(ids, NOW)
    # then the pull stops with both ids left
    assert isinstance(result.error, MalformedResponse)
    assert result.remaining_ids == tuple(ids)


def test_an_id_that_is_not_a_graph_id_is_never_sent(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    # given a URL where an id belongs
    platform_server.handle(ROOT, echo())
    (good,) = post_ids(1)
    # when it is pulled with a good id
    result = client(platform_server, make_http).facebook_posts([good, "me/feed,123"], NOW)
    # then only the good id was sent
    assert platform_server.requests[0].param("ids") == good
    assert result.missing_ids == ("me/feed,123",)


def _recorded(ids: list[str]) -> Recorded:
    return Recorded("GET", ROOT, {"ids": [",".join(ids)]}, {}, b"", ROOT)
