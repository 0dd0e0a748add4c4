"""TikTokDisplay against a loopback fake Display API: batches of 20, the `error` envelope, one refresh
and one retry on a refused token, per-account tokens, and tokens that never leak."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from chalicelib.platforms.tiktok.api import (
    BATCH_SIZE,
    CREDENTIAL_REFUSED,
    NO_CREDENTIAL,
    USER_FIELDS,
    VIDEO_FIELDS,
    TikTokDisplay,
    parse_tokens,
)
from chalicelib.pulls.errors import MalformedResponse, NoCredentials, RateLimited, Rejected, Unauthorized
from tests.fakes.platform_server import PlatformServer, Recorded, Reply
from tests.unit.pulls.conftest import FakeTime, MakeHttp, values

OPEN_ID = "723f24d7-e717-40f8-a2b6-cb8464cd23b4"
OTHER_ID = "-000OXY2ZzWeMZxm6NJdbKZ3vG9kFz"
TOKEN = "act.unit-test-tiktok-token-do-not-leak!1234.va"
OTHER_TOKEN = "act.other-unit-test-token-do-not-leak!5678.va"
NEW_TOKEN = "act.refreshed-unit-test-token!9999.va"
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
QUERY = "/v2/video/query/"
USER = "/v2/user/info/"
OK = {"code": "ok", "message": "", "log_id": "20261121120000ABCDEF"}
VIDEO = {"like_count": 120, "comment_count": 8, "share_count": 3, "view_count": 4500}


def video_ids(count: int, start: int = 7_080_213_458_555_737_000) -> list[str]:
    return [str(start + index) for index in range(count)]


def echo_videos(request: Recorded) -> Reply:
    """TikTok answering every requested video."""
    ids = request.json()["filters"]["video_ids"]
    videos = [{"id": i, **VIDEO} for i in ids]
    return Reply(200, {}, {"data": {"videos": videos, "cursor": 0, "has_more": False}, "error": OK})


def user_reply(followers: int) -> Reply:
    user = {"follower_count": followers, "likes_count": 10, "video_count": 4}
    return Reply(200, {}, {"data": {"user": user}, "error": OK})


def refused(code: str = "access_token_invalid", status: int = 401) -> Reply:
    error = {
        "code": code,
        "message": "The access token is invalid or not found in the request.",
        "log_id": "x",
    }
    return Reply(status, {}, {"data": {}, "error": error})


class Refresher:
    """A `refresh` callable that records the accounts it was asked for."""

    def __init__(self, token: str = NEW_TOKEN) -> None:
        self.token = token
        self.calls: list[str] = []

    def __call__(self, open_id: str) -> str:
        self.calls.append(open_id)
        return self.token


def client(
    server: PlatformServer,
    make_http: MakeHttp,
    refresh: Callable[[str], str] | None = None,
    tokens: dict[str, str] | None = None,
) -> TikTokDisplay:
    return TikTokDisplay(
        make_http(), f"{server.base_url}/v2", tokens or {OPEN_ID: TOKEN, OTHER_ID: OTHER_TOKEN}, refresh
    )


def no_leak(text: str) -> bool:
    return all(token not in text for token in (TOKEN, OTHER_TOKEN, NEW_TOKEN))


@pytest.mark.parametrize("count", [1, 19, 20, 21, 45])
def test_a_clean_run_makes_exactly_the_floor_of_requests(
    platform_server: PlatformServer, make_http: MakeHttp, count: int
) -> None:
    # given n videos TikTok answers in full
    platform_server.handle(QUERY, echo_videos)
    # when they are pulled
    result = client(platform_server, make_http).videos(OPEN_ID, video_ids(count), NOW)
    # then the requests are the floor ceil(n / 20)
    assert len(platform_server.requests) == math.ceil(count / BATCH_SIZE)
    assert result.complete


def test_45_videos_are_posted_20_20_and_5_at_a_time(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    # given 45 videos
    platform_server.handle(QUERY, echo_videos)
    # when they are pulled
    client(platform_server, make_http).videos(OPEN_ID, video_ids(45), NOW)
    # then each request is a POST of at most 20 ids in filters.video_ids, with the documented fields
    assert [len(r.json()["filters"]["video_ids"]) for r in platform_server.requests] == [20, 20, 5]
    assert {r.method for r in platform_server.requests} == {"POST"}
    assert {r.param("fields") for r in platform_server.requests} == {VIDEO_FIELDS}


def test_video_counters_map_to_the_contracts_names(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    # given a video
    platform_server.handle(QUERY, echo_videos)
    (video,) = video_ids(1)
    # when it is pulled
    result = client(platform_server, make_http).videos(OPEN_ID, [video], NOW)
    # then each counter has its contract name
    assert values(result.snapshots, video) == {
        "views": 4500.0,
        "likes": 120.0,
        "comments": 8.0,
        "shares": 3.0,
    }
    assert {(s.platform, s.item_kind) for s in result.snapshots} == {("tiktok", "content")}


def test_videos_are_read_with_their_accounts_token(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    # given two accounts with their own tokens
    platform_server.handle(QUERY, echo_videos)
    # when a video of the second account is pulled
    client(platform_server, make_http).videos(OTHER_ID, video_ids(1), NOW)
    # then the second account's token authorised it
    assert platform_server.requests[0].headers["authorization"] == f"Bearer {OTHER_TOKEN}"


def test_a_video_tiktok_does_not_return_is_missing(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    # given TikTok answering one of two videos
    alive, gone = video_ids(2)
    body = {"data": {"videos": [{"id": alive, **VIDEO}], "cursor": 0, "has_more": False}, "error": OK}
    platform_server.reply(QUERY, Reply(200, {}, body))
    # when both are pulled
    result = client(platform_server, make_http).videos(OPEN_ID, [alive, gone], NOW)
    # then one is read and the other is missing
    assert {s.item_id for s in result.snapshots} == {alive}
    assert result.missing_ids == (gone,)
    assert result.complete


def test_an_error_code_in_a_200_is_a_failure(platform_server: PlatformServer, make_http: MakeHttp) -> None:
    # given TikTok answering HTTP 200 with error code invalid_params
    platform_server.reply(QUERY, refused("invalid_params", status=200))
    ids = video_ids(2)
    # when the videos are pulled
    result = client(platform_server, make_http).videos(OPEN_ID, ids, NOW)
    # then the pull stops with the code as its reason and every id left
    assert isinstance(result.error, Rejected)
    assert result.error.reason == "invalid_params"
    assert result.remaining_ids == tuple(ids)


def test_a_401_refreshes_once_and_retries_once(platform_server: PlatformServer, make_http: MakeHttp) -> None:
    # given a token TikTok refuses, and a refresh that gives a new one
    platform_server.reply(QUERY, refused())
    platform_server.handle(QUERY, echo_videos)
    refresh = Refresher()
    # when videos are pulled
    result = client(platform_server, make_http, refresh).videos(OPEN_ID, video_ids(2), NOW)
    # then one refresh for that account, and the one retry used the new token
    assert refresh.calls == [OPEN_ID]
    assert [r.headers["authorization"] for r in platform_server.requests] == [
        f"Bearer {TOKEN}",
        f"Bearer {NEW_TOKEN}",
    ]
    assert result.complete


def test_access_token_invalid_in_a_200_also_refreshes(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    # given TikTok saying access_token_invalid inside a 200
    platform_server.reply(QUERY, refused(status=200))
    platform_server.handle(QUERY, echo_videos)
    refresh = Refresher()
    # when a video is pulled
    result = client(platform_server, make_http, refresh).videos(OPEN_ID, video_ids(1), NOW)
    # then the token was refreshed once and the retry succeeded
    assert refresh.calls == [OPEN_ID]
    assert result.complete


def test_the_refreshed_token_serves_the_next_batches(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    # given a refused token refreshed on the first batch
    platform_server.reply(QUERY, refused())
    platform_server.handle(QUERY, echo_videos)
    refresh = Refresher()
    # when 30 videos (two batches) are pulled
    client(platform_server, make_http, refresh).videos(OPEN_ID, video_ids(30), NOW)
    # then the second batch used the new token without another refresh
    assert refresh.calls == [OPEN_ID]
    assert platform_server.requests[-1].headers["authorization"] == f"Bearer {NEW_TOKEN}"
    assert len(platform_server.requests) == 3


def test_a_token_refused_after_its_refresh_stops_the_pull_without_leaking(
    platform_server: PlatformServer, make_http: MakeHttp, caplog: pytest.LogCaptureFixture
) -> None:
    # given TikTok refusing the token and its replacement
    platform_server.handle(QUERY, lambda request: refused())
    refresh = Refresher()
    ids = video_ids(3)
    # when videos are pulled
    with caplog.at_level(logging.DEBUG):
        result = client(platform_server, make_http, refresh).videos(OPEN_ID, ids, NOW)
    # then exactly one refresh and one retry, the ids left, and no token anywhere
    assert refresh.calls == [OPEN_ID]
    assert len(platform_server.requests) == 2
    assert isinstance(result.error, Unauthorized)
    assert result.remaining_ids == tuple(ids)
    assert no_leak(str(result.error))
    assert all(no_leak(f"{r.getMessage()} {r.__dict__}") for r in caplog.records)


def test_without_a_refresh_a_401_is_the_error(platform_server: PlatformServer, make_http: MakeHttp) -> None:
    # given no way to refresh tokens
    platform_server.reply(QUERY, refused())
    # when a video is pulled
    result = client(platform_server, make_http).videos(OPEN_ID, video_ids(1), NOW)
    # then the pull stops unauthorized after one request
    assert isinstance(result.error, Unauthorized)
    assert len(platform_server.requests) == 1


def test_a_429_waits_at_least_its_retry_after(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given TikTok's rate limit with Retry-After: 7
    platform_server.reply(QUERY, Reply(429, {"Retry-After": "7"}, refused("rate_limit_exceeded", 429).body))
    platform_server.handle(QUERY, echo_videos)
    # when a video is pulled
    result = client(platform_server, make_http).videos(OPEN_ID, video_ids(1), NOW)
    # then the retry came no sooner than 7 s, and succeeded
    assert fake_time.sleeps
    assert fake_time.sleeps[0] >= 7
    assert result.complete


def test_rate_limit_exceeded_inside_a_200_is_rate_limited(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    # given rate_limit_exceeded without a 429
    platform_server.reply(QUERY, refused("rate_limit_exceeded", status=200))
    # when a video is pulled
    result = client(platform_server, make_http).videos(OPEN_ID, video_ids(1), NOW)
    # then the pull stops rate limited, to come back later
    assert isinstance(result.error, RateLimited)
    assert result.error.retry_at > NOW.timestamp()


def test_a_5xx_then_success_is_retried(platform_server: PlatformServer, make_http: MakeHttp) -> None:
    # given TikTok failing once with a 502
    platform_server.reply(QUERY, Reply(502, {}, b"bad gateway"))
    platform_server.handle(QUERY, echo_videos)
    # when a video is pulled
    result = client(platform_server, make_http).videos(OPEN_ID, video_ids(1), NOW)
    # then the retry read it
    assert result.complete
    assert len(platform_server.requests) == 2


def test_a_body_that_is_not_json_is_malformed(platform_server: PlatformServer, make_http: MakeHttp) -> None:
    # given TikTok answering a truncated body
    platform_server.reply(QUERY, Reply(200, {}, b'{"data": {"videos": ['))
    # when a video is pulled
    result = client(platform_server, make_http).videos(OPEN_ID, video_ids(1), NOW)
    # then the pull stops malformed
    assert isinstance(result.error, MalformedResponse)


def test_an_envelope_without_data_is_malformed(platform_server: PlatformServer, make_http: MakeHttp) -> None:
    # given an "ok" envelope without data
    platform_server.reply(QUERY, Reply(200, {}, {"error": OK}))
    # when a video is pulled
    result = client(platform_server, make_http).videos(OPEN_ID, video_ids(1), NOW)
    # then the pull stops malformed
    assert isinstance(result.error, MalformedResponse)


def test_videos_of_an_account_without_a_token_are_unavailable(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    # given an account the tracker has no token for
    (video,) = video_ids(1)
    # when its video is pulled
    result = client(platform_server, make_http).videos("unknown-open-id", [video], NOW)
    # then nothing was requested and every counter says why
    assert platform_server.requests == []
    assert {s.unavailable for s in result.snapshots} == {NO_CREDENTIAL}
    assert len(result.snapshots) == 4


def test_users_are_read_each_with_its_own_token(platform_server: PlatformServer, make_http: MakeHttp) -> None:
    # given two accounts
    platform_server.reply(USER, user_reply(1500), user_reply(98000))
    # when their followers are pulled
    result = client(platform_server, make_http).users([OPEN_ID, OTHER_ID], NOW)
    # then each was read with its token and has its followers
    assert [r.headers["authorization"] for r in platform_server.requests] == [
        f"Bearer {TOKEN}",
        f"Bearer {OTHER_TOKEN}",
    ]
    assert values(result.snapshots, OPEN_ID) == {"followers": 1500.0}
    assert values(result.snapshots, OTHER_ID) == {"followers": 98000.0}
    assert platform_server.requests[0].param("fields") == USER_FIELDS


def test_an_account_refused_after_refresh_is_unavailable_and_the_others_are_read(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    # given the first account's authorization revoked, and the second fine
    platform_server.reply(USER, refused(), refused(), user_reply(98000))
    refresh = Refresher()
    # when both are pulled
    result = client(platform_server, make_http, refresh).users([OPEN_ID, OTHER_ID], NOW)
    # then the first says why it has no followers, and the second is read
    by_id = {s.item_id: s for s in result.snapshots}
    assert by_id[OPEN_ID].unavailable == CREDENTIAL_REFUSED
    assert by_id[OTHER_ID].value == 98000.0
    assert refresh.calls == [OPEN_ID]
    assert result.remaining_ids == ()


def test_an_account_refused_after_refresh_is_the_results_error(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    # given the first account's authorization revoked, and the second fine
    platform_server.reply(USER, refused(), refused(), user_reply(98000))
    # when both are pulled
    result = client(platform_server, make_http, Refresher()).users([OPEN_ID, OTHER_ID], NOW)
    # then the refusal is the result's error, though nothing is left to read
    assert isinstance(result.error, Unauthorized)
    assert result.error.endpoint == "GET /v2/user/info/"
    assert result.remaining_ids == ()


def test_an_account_without_a_token_names_the_variable_that_lacks_it(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    # given an account the tracker has no token for
    # when its followers are pulled
    result = client(platform_server, make_http).users(["unknown-open-id"], NOW)
    # then the result's error says which variable holds no token for it
    assert isinstance(result.error, NoCredentials)
    assert result.error.variables == ("TIKTOK_ACCESS_TOKENS",)


def test_parse_tokens_reads_pairs() -> None:
    # given TIKTOK_ACCESS_TOKENS with two pairs, spaces and a trailing comma
    raw = f" {OPEN_ID}={TOKEN} , {OTHER_ID}={OTHER_TOKEN},"
    # when parsed, then each open_id has its token
    assert parse_tokens(raw) == {OPEN_ID: TOKEN, OTHER_ID: OTHER_TOKEN}


def test_parse_tokens_of_nothing_is_empty() -> None:
    # given an empty setting, when parsed, then there are no tokens
    assert parse_tokens("") == {}


@pytest.mark.parametrize("raw", [f"{OPEN_ID}={TOKEN},{TOKEN}", f"{OPEN_ID}=,x={TOKEN}", f"={TOKEN}"])
def test_parse_tokens_errors_never_hold_a_token(raw: str) -> None:
    # given a malformed setting
    # when parsed, then the error names the entry but not the token
    with pytest.raises(ValueError, match="entry") as caught:
        parse_tokens(raw)
    assert TOKEN not in str(caught.value)


def test_parse_tokens_refuses_a_repeated_open_id() -> None:
    # given the same account twice
    # when parsed, then it is refused without echoing either token
    with pytest.raises(ValueError, match="repeats") as caught:
        parse_tokens(f"{OPEN_ID}={TOKEN},{OPEN_ID}={OTHER_TOKEN}")
    assert no_leak(str(caught.value))
