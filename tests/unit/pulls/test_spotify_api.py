"""Spotify against a loopback fake Web API and token endpoint: batches of 50 artists, a cached token,
one refresh on a 401, and development-mode apps (403 or missing fields) reported, never crashing."""

from __future__ import annotations

import logging
import math
from datetime import UTC, datetime

import pytest

from chalicelib.platforms.spotify.api import (
    BATCH_SIZE,
    NO_QUOTA_FORBIDDEN,
    NO_QUOTA_MISSING,
    REFUSAL,
    Spotify,
)
from chalicelib.pulls.errors import Forbidden, MalformedResponse, Unauthorized
from chalicelib.pulls.snapshots import PullResult
from chalicelib.pulls.tokens import MemoryTokenCache
from tests.fakes.platform_server import PlatformServer, Recorded, Reply
from tests.unit.pulls.conftest import (
    FakeTime,
    MakeHttp,
    assert_never_recorded,
    client_credentials_api,
    values,
)

CLIENT_ID = "unit-spotify-client"
SECRET = "unit-spotify-secret-do-not-leak"
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
TOKEN_PATH = "/api/token"
ARTISTS = "/v1/artists"


def artist_ids(count: int) -> list[str]:
    return [f"0TnOYISbd1XYRBk9myaseg{index:03d}"[-22:] for index in range(count)]


def token_reply(token: str = "sp-token-1") -> Reply:
    return Reply(200, {}, {"access_token": token, "token_type": "Bearer", "expires_in": 3600})


def echo_artists(request: Recorded) -> Reply:
    artists = [
        {"id": i, "type": "artist", "followers": {"href": None, "total": 51000}, "popularity": 63}
        for i in request.param("ids").split(",")
    ]
    return Reply(200, {}, {"artists": artists})


def serve_artists(server: PlatformServer) -> None:
    """A token endpoint and an artists endpoint that answers every id in full."""
    server.reply(TOKEN_PATH, token_reply())
    server.handle(ARTISTS, echo_artists)


def client(
    server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime, cache: MemoryTokenCache | None = None
) -> Spotify:
    return client_credentials_api(
        Spotify, server, make_http, fake_time, (CLIENT_ID, SECRET), api_path="/v1", cache=cache
    )


@pytest.mark.parametrize("count", [1, 50, 51, 120])
def test_a_clean_run_makes_the_floor_of_requests_plus_one_token(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime, count: int
) -> None:
    # given n artists Spotify answers in full
    serve_artists(platform_server)
    # when they are pulled
    result = client(platform_server, make_http, fake_time).artists(artist_ids(count), NOW)
    # then the requests are ceil(n / 50) plus one token request
    assert len(platform_server.requests) == math.ceil(count / BATCH_SIZE) + 1
    assert len(platform_server.requests_to(TOKEN_PATH)) == 1
    assert result.complete


def test_followers_total_and_popularity_map_to_the_contracts_names(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given an artist
    serve_artists(platform_server)
    (artist,) = artist_ids(1)
    # when it is pulled
    result = client(platform_server, make_http, fake_time).artists([artist], NOW)
    # then followers and popularity are account metrics, read with the bearer token
    assert values(result.snapshots, artist) == {"followers": 51000.0, "popularity": 63.0}
    assert {(s.platform, s.item_kind) for s in result.snapshots} == {("spotify", "account")}
    assert platform_server.requests_to(ARTISTS)[0].headers["authorization"] == "Bearer sp-token-1"


def test_a_403_makes_every_artist_unavailable_with_the_reason(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given a development-mode app Spotify answers 403
    platform_server.reply(TOKEN_PATH, token_reply())
    platform_server.handle(ARTISTS, lambda request: Reply(403, {}, {"error": {"status": 403}}))
    ids = artist_ids(60)
    # when 60 artists are pulled
    result = client(platform_server, make_http, fake_time).artists(ids, NOW)
    # then every artist has both metrics without value, with the reason, and nothing crashed or repeated
    assert len(result.snapshots) == 2 * 60
    assert {(s.value, s.unavailable) for s in result.snapshots} == {(None, NO_QUOTA_FORBIDDEN)}
    assert {s.item_id for s in result.snapshots} == set(ids)
    assert len(platform_server.requests_to(ARTISTS)) == 1
    assert result.remaining_ids == ()


def test_a_403_is_reported_as_the_refusal_it_is(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given a development-mode app Spotify answers 403
    platform_server.reply(TOKEN_PATH, token_reply())
    platform_server.handle(ARTISTS, lambda request: Reply(403, {}, {"error": {"status": 403}}))
    # when artists are pulled
    result = client(platform_server, make_http, fake_time).artists(artist_ids(2), NOW)
    # then the result's error is the refusal, with what it means for the counters, and nothing is left
    assert isinstance(result.error, Forbidden)
    assert result.error.endpoint == "GET /v1/artists"
    assert result.error.detail == REFUSAL
    assert result.remaining_ids == ()


def pull_without_counters(server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime) -> PullResult:
    """One artist pulled from a development-mode answer without followers and popularity."""
    (artist,) = artist_ids(1)
    server.reply(TOKEN_PATH, token_reply())
    server.reply(ARTISTS, Reply(200, {}, {"artists": [{"id": artist, "name": "Band"}]}))
    return client(server, make_http, fake_time).artists([artist], NOW)


def test_missing_fields_are_unavailable_with_the_reason(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given a development-mode answer without followers and popularity, when it is pulled
    result = pull_without_counters(platform_server, make_http, fake_time)
    # then both metrics say why they have no value
    assert {(s.metric, s.value, s.unavailable) for s in result.snapshots} == {
        ("followers", None, NO_QUOTA_MISSING),
        ("popularity", None, NO_QUOTA_MISSING),
    }


def test_counters_left_out_are_reported_as_a_refusal(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given a development-mode answer without followers and popularity, when it is pulled
    result = pull_without_counters(platform_server, make_http, fake_time)
    # then the result's error is that quiet refusal
    assert isinstance(result.error, Forbidden)
    assert (result.error.status, result.error.endpoint) == (200, "GET /v1/artists")
    assert result.remaining_ids == ()


def test_an_artist_answered_null_is_missing(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given Spotify answering null for an unknown id
    alive, unknown = artist_ids(2)
    body = {"artists": [{"id": alive, "followers": {"total": 5}, "popularity": 1}, None]}
    platform_server.reply(TOKEN_PATH, token_reply())
    platform_server.reply(ARTISTS, Reply(200, {}, body))
    # when both are pulled
    result = client(platform_server, make_http, fake_time).artists([alive, unknown], NOW)
    # then the unknown one is missing
    assert {s.item_id for s in result.snapshots} == {alive}
    assert result.missing_ids == (unknown,)


def test_a_second_pull_uses_the_cached_token(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given a pull that fetched a token
    serve_artists(platform_server)
    cache = MemoryTokenCache()
    client(platform_server, make_http, fake_time, cache).artists(artist_ids(1), NOW)
    # when a second pull runs 10 minutes later
    fake_time.now += 600
    client(platform_server, make_http, fake_time, cache).artists(artist_ids(2), NOW)
    # then no second token request was made
    assert len(platform_server.requests_to(TOKEN_PATH)) == 1


def test_a_401_refreshes_once_and_retries_once(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given a token Spotify stops accepting
    platform_server.reply(TOKEN_PATH, token_reply("sp-token-1"), token_reply("sp-token-2"))
    platform_server.reply(ARTISTS, Reply(401, {}, {"error": {"status": 401, "message": "expired"}}))
    platform_server.handle(ARTISTS, echo_artists)
    # when artists are pulled
    result = client(platform_server, make_http, fake_time).artists(artist_ids(2), NOW)
    # then one refresh and one retry with the new token
    assert len(platform_server.requests_to(TOKEN_PATH)) == 2
    assert [r.headers["authorization"] for r in platform_server.requests_to(ARTISTS)] == [
        "Bearer sp-token-1",
        "Bearer sp-token-2",
    ]
    assert result.complete


def test_a_second_401_stops_the_pull_without_leaking(
    platform_server: PlatformServer,
    make_http: MakeHttp,
    fake_time: FakeTime,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # given Spotify refusing every token
    platform_server.handle(TOKEN_PATH, lambda request: token_reply("sp-token-x"))
    platform_server.handle(ARTISTS, lambda request: Reply(401, {}, {"error": {"status": 401}}))
    ids = artist_ids(3)
    # when artists are pulled
    with caplog.at_level(logging.DEBUG):
        result = client(platform_server, make_http, fake_time).artists(ids, NOW)
    # then exactly two attempts, every id left, and no credential recorded
    assert len(platform_server.requests_to(ARTISTS)) == 2
    assert isinstance(result.error, Unauthorized)
    assert result.remaining_ids == tuple(ids)
    assert_never_recorded(result.error, caplog.records, SECRET, "sp-token-x")


def test_a_429_waits_at_least_its_retry_after(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given Spotify rate limiting with Retry-After: 30
    platform_server.reply(TOKEN_PATH, token_reply())
    platform_server.reply(ARTISTS, Reply(429, {"Retry-After": "30"}, {"error": {"status": 429}}))
    platform_server.handle(ARTISTS, echo_artists)
    # when artists are pulled
    result = client(platform_server, make_http, fake_time).artists(artist_ids(1), NOW)
    # then the retry came no sooner than 30 s
    assert fake_time.sleeps[0] >= 30
    assert result.complete


def test_a_5xx_then_success_is_retried(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given Spotify failing once with a 502
    platform_server.reply(TOKEN_PATH, token_reply())
    platform_server.reply(ARTISTS, Reply(502, {}, b""))
    platform_server.handle(ARTISTS, echo_artists)
    # when artists are pulled
    result = client(platform_server, make_http, fake_time).artists(artist_ids(1), NOW)
    # then the retry read them
    assert result.complete
    assert len(platform_server.requests_to(ARTISTS)) == 2


def test_a_body_that_is_not_json_is_malformed(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given an answer that is not JSON
    platform_server.reply(TOKEN_PATH, token_reply())
    platform_server.reply(ARTISTS, Reply(200, {}, b"\xff\xfe not json"))
    ids = artist_ids(2)
    # when artists are pulled
    result = client(platform_server, make_http, fake_time).artists(ids, NOW)
    # then the pull stops malformed with the ids left
    assert isinstance(result.error, MalformedResponse)
    assert result.remaining_ids == tuple(ids)


def test_an_id_that_is_not_a_spotify_id_is_never_sent(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given a Spotify URI where an id belongs
    serve_artists(platform_server)
    (good,) = artist_ids(1)
    # when it is pulled with a good id
    result = client(platform_server, make_http, fake_time).artists([good, "spotify:artist:x"], NOW)
    # then only the good id was sent
    assert platform_server.requests_to(ARTISTS)[0].param("ids") == good
    assert result.missing_ids == ("spotify:artist:x",)
