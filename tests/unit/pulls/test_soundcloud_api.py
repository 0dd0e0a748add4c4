"""SoundCloud against a loopback fake API and token endpoint: URNs in the path, one token for many
requests, one refresh and one retry on a 401, missing tracks, and credentials that never leak."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from chalicelib.platforms.soundcloud.api import SoundCloud
from chalicelib.pulls.errors import MalformedResponse, Unauthorized, Unavailable
from chalicelib.pulls.tokens import MemoryTokenCache
from tests.fakes.platform_server import PlatformServer, Recorded, Reply
from tests.unit.pulls.conftest import (
    FakeTime,
    MakeHttp,
    assert_never_recorded,
    client_credentials_api,
    values,
)

CLIENT_ID = "unit-soundcloud-client"
SECRET = "unit-soundcloud-secret-do-not-leak"
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
TOKEN_PATH = "/oauth/token"
TRACK = {
    "kind": "track",
    "urn": "soundcloud:tracks:456",
    "playback_count": 15000,
    "favoritings_count": 320,
    "reposts_count": 41,
    "comment_count": 12,
}


def token_reply(token: str) -> Reply:
    return Reply(200, {}, {"access_token": token, "expires_in": 3599, "token_type": "bearer"})


def track_urns(count: int) -> list[str]:
    return [f"soundcloud:tracks:{456 + index}" for index in range(count)]


def track_path(urn: str) -> str:
    return "/tracks/" + urn.replace(":", "%3A")


def echo_track(request: Recorded) -> Reply:
    return Reply(200, {}, TRACK)


def serve_tracks(server: PlatformServer, urns: list[str], tokens: tuple[str, ...] = ("sc-token-1",)) -> None:
    """A token endpoint handing out `tokens` in turn, and each track answered in full."""
    server.reply(TOKEN_PATH, *(token_reply(token) for token in tokens))
    for urn in urns:
        server.handle(track_path(urn), echo_track)


def client(
    server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime, cache: MemoryTokenCache | None = None
) -> SoundCloud:
    return client_credentials_api(SoundCloud, server, make_http, fake_time, (CLIENT_ID, SECRET), cache=cache)


def test_a_clean_run_makes_one_token_request_and_one_request_per_track(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given three tracks and a token endpoint
    urns = track_urns(3)
    serve_tracks(platform_server, urns)
    # when they are pulled
    result = client(platform_server, make_http, fake_time).tracks(urns, NOW)
    # then 1 token request + 3 track requests were made (single-object endpoint: batch of 1)
    assert len(platform_server.requests_to(TOKEN_PATH)) == 1
    assert len(platform_server.requests) == 1 + 3
    assert result.complete


def test_the_urn_is_url_encoded_and_the_token_sent_as_oauth(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given one track
    serve_tracks(platform_server, ["soundcloud:tracks:456"])
    # when it is pulled
    client(platform_server, make_http, fake_time).tracks(["soundcloud:tracks:456"], NOW)
    # then its path holds the encoded URN and the token is in `Authorization: OAuth`
    request = platform_server.requests[-1]
    assert request.path == "/tracks/soundcloud%3Atracks%3A456"
    assert request.headers["authorization"] == "OAuth sc-token-1"


def test_track_counters_map_to_the_contracts_names(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given a track
    serve_tracks(platform_server, ["soundcloud:tracks:456"])
    # when it is pulled
    result = client(platform_server, make_http, fake_time).tracks(["soundcloud:tracks:456"], NOW)
    # then each counter has its contract name
    assert values(result.snapshots, "soundcloud:tracks:456") == {
        "plays": 15000.0,
        "likes": 320.0,
        "reposts": 41.0,
        "comments": 12.0,
    }
    assert {(s.platform, s.item_kind) for s in result.snapshots} == {("soundcloud", "content")}


def test_likes_count_serves_when_favoritings_count_is_absent(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given a track answered with likes_count and a hidden play count
    body = {"likes_count": 77, "reposts_count": 1, "comment_count": 0, "playback_count": None}
    platform_server.reply(TOKEN_PATH, token_reply("sc-token-1"))
    platform_server.reply(track_path("soundcloud:tracks:456"), Reply(200, {}, body))
    # when it is pulled
    result = client(platform_server, make_http, fake_time).tracks(["soundcloud:tracks:456"], NOW)
    # then likes come from likes_count and plays are unavailable, not 0
    by_metric = {s.metric: s for s in result.snapshots}
    assert by_metric["likes"].value == 77.0
    assert by_metric["plays"].value is None
    assert by_metric["plays"].unavailable


def test_user_followers(platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime) -> None:
    # given a user
    platform_server.reply(TOKEN_PATH, token_reply("sc-token-1"))
    platform_server.reply("/users/soundcloud%3Ausers%3A123", Reply(200, {}, {"followers_count": 2048}))
    # when it is pulled
    result = client(platform_server, make_http, fake_time).users(["soundcloud:users:123"], NOW)
    # then its followers are an account metric
    (followers,) = result.snapshots
    assert (followers.item_kind, followers.metric, followers.value) == ("account", "followers", 2048.0)


def test_a_second_pull_uses_the_cached_token(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given a pull that fetched a token
    urns = track_urns(2)
    serve_tracks(platform_server, urns)
    cache = MemoryTokenCache()
    client(platform_server, make_http, fake_time, cache).tracks(urns[:1], NOW)
    # when a later pull (a new client, same cache) reads another track within the token's life
    fake_time.now += 1800
    client(platform_server, make_http, fake_time, cache).tracks(urns[1:], NOW)
    # then no second token was asked for
    assert len(platform_server.requests_to(TOKEN_PATH)) == 1
    assert platform_server.requests[-1].headers["authorization"] == "OAuth sc-token-1"


def test_a_401_refreshes_once_and_retries_once(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given a token SoundCloud stops accepting
    urn = "soundcloud:tracks:456"
    platform_server.reply(track_path(urn), Reply(401, {}, {"error": "invalid_token"}))
    serve_tracks(platform_server, [urn], tokens=("sc-token-1", "sc-token-2"))
    # when the track is pulled
    result = client(platform_server, make_http, fake_time).tracks([urn], NOW)
    # then exactly one new token was fetched and the one retry used it
    assert len(platform_server.requests_to(TOKEN_PATH)) == 2
    assert [r.headers["authorization"] for r in platform_server.requests_to(track_path(urn))] == [
        "OAuth sc-token-1",
        "OAuth sc-token-2",
    ]
    assert result.complete


def test_a_second_401_stops_the_pull_without_leaking(
    platform_server: PlatformServer,
    make_http: MakeHttp,
    fake_time: FakeTime,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # given SoundCloud refusing every token
    urns = track_urns(2)
    platform_server.handle(TOKEN_PATH, lambda request: token_reply("sc-token-x"))
    platform_server.handle(track_path(urns[0]), lambda request: Reply(401, {}, {"error": "invalid_token"}))
    # when the tracks are pulled
    with caplog.at_level(logging.DEBUG):
        result = client(platform_server, make_http, fake_time).tracks(urns, NOW)
    # then one refresh, one retry, both tracks left, and no credential in what was recorded
    assert len(platform_server.requests_to(TOKEN_PATH)) == 2
    assert len(platform_server.requests_to(track_path(urns[0]))) == 2
    assert isinstance(result.error, Unauthorized)
    assert result.remaining_ids == tuple(urns)
    assert_never_recorded(result.error, caplog.records, SECRET, "sc-token-x")


def test_a_404_track_is_missing_and_the_others_are_read(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given a deleted track between two live ones
    first, gone, last = track_urns(3)
    serve_tracks(platform_server, [first, last])
    platform_server.reply(track_path(gone), Reply(404, {}, {"code": 404, "message": "404 - Not Found"}))
    # when all three are pulled
    result = client(platform_server, make_http, fake_time).tracks([first, gone, last], NOW)
    # then the deleted one is missing and the pull completed
    assert {s.item_id for s in result.snapshots} == {first, last}
    assert result.missing_ids == (gone,)
    assert result.complete


def test_a_failing_track_keeps_what_was_read_and_leaves_the_rest(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given the second track failing with 503 on every attempt
    urns = track_urns(3)
    serve_tracks(platform_server, [urns[0], urns[2]])
    platform_server.handle(track_path(urns[1]), lambda request: Reply(503, {}, b""))
    # when they are pulled
    result = client(platform_server, make_http, fake_time).tracks(urns, NOW)
    # then the first is read and the last two are left with the error
    assert {s.item_id for s in result.snapshots} == {urns[0]}
    assert result.remaining_ids == tuple(urns[1:])
    assert isinstance(result.error, Unavailable)


def test_a_5xx_then_success_is_retried(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given SoundCloud failing once with a 500
    urn = "soundcloud:tracks:456"
    platform_server.reply(track_path(urn), Reply(500, {}, b""))
    serve_tracks(platform_server, [urn])
    # when the track is pulled
    result = client(platform_server, make_http, fake_time).tracks([urn], NOW)
    # then the retry read it
    assert result.complete
    assert len(platform_server.requests_to(track_path(urn))) == 2


def test_a_429_waits_at_least_its_retry_after(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given SoundCloud rate limiting with Retry-After: 12
    urn = "soundcloud:tracks:456"
    platform_server.reply(track_path(urn), Reply(429, {"Retry-After": "12"}, {"error": "rate_limited"}))
    serve_tracks(platform_server, [urn])
    # when the track is pulled
    result = client(platform_server, make_http, fake_time).tracks([urn], NOW)
    # then the retry came no sooner than 12 s
    assert fake_time.sleeps[0] >= 12
    assert result.complete


def test_a_body_that_is_not_json_is_malformed(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given a track answered with HTML
    urn = "soundcloud:tracks:456"
    platform_server.reply(TOKEN_PATH, token_reply("sc-token-1"))
    platform_server.reply(track_path(urn), Reply(200, {}, "<html></html>"))
    # when it is pulled
    result = client(platform_server, make_http, fake_time).tracks([urn], NOW)
    # then the pull stops malformed, with the track left
    assert isinstance(result.error, MalformedResponse)
    assert result.remaining_ids == (urn,)


def test_a_urn_of_the_wrong_kind_is_never_sent(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given a user URN and a path among track URNs
    # when they are pulled as tracks
    result = client(platform_server, make_http, fake_time).tracks(
        ["soundcloud:users:123", "soundcloud:tracks:1/../../me"], NOW
    )
    # then nothing was requested (not even a token) and both are missing
    assert platform_server.requests == []
    assert result.missing_ids == ("soundcloud:users:123", "soundcloud:tracks:1/../../me")
