"""Deezer against a loopback fake API: fans per artist, errors that come as HTTP 200, its quota waited
out, and client-side pacing (Deezer allows about 50 requests per 5 s) (on a fake clock: no real waiting)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.platforms.deezer.api import QUOTA_PAUSE_SECONDS, WINDOW_REQUESTS, WINDOW_SECONDS, Deezer
from chalicelib.pulls.errors import MalformedResponse, RateLimited, Rejected, Unavailable
from tests.fakes.platform_server import PlatformServer, Recorded, Reply
from tests.unit.pulls.conftest import FakeTime, MakeHttp

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
QUOTA = {"error": {"type": "Exception", "message": "Quota limit exceeded", "code": 4}}
NO_DATA = {"error": {"type": "DataException", "message": "no data", "code": 800}}


def artist_ids(count: int) -> list[str]:
    return [str(27 + index) for index in range(count)]


def artist_reply(fans: int = 4_200_000) -> Reply:
    return Reply(200, {}, {"id": 27, "name": "Daft Punk", "nb_album": 40, "nb_fan": fans, "type": "artist"})


def client(server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime, **options: int) -> Deezer:
    return Deezer(make_http(), server.base_url, clock=fake_time.clock, sleep=fake_time.sleep, **options)


def test_fans_are_read_one_request_per_artist(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given two artists
    platform_server.reply("/artist/27", artist_reply(4_200_000))
    platform_server.reply("/artist/28", artist_reply(15))
    # when they are pulled
    result = client(platform_server, make_http, fake_time).artists(artist_ids(2), NOW)
    # then each took one request and has its fans as an account metric
    assert [r.path for r in platform_server.requests] == ["/artist/27", "/artist/28"]
    assert {(s.item_id, s.item_kind, s.metric, s.value) for s in result.snapshots} == {
        ("27", "account", "fans", 4_200_000.0),
        ("28", "account", "fans", 15.0),
    }
    assert result.complete


def test_no_data_in_a_200_is_a_missing_artist(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given Deezer answering code 800 "no data" for one artist
    platform_server.reply("/artist/27", Reply(200, {}, NO_DATA))
    platform_server.reply("/artist/28", artist_reply())
    # when both are pulled
    result = client(platform_server, make_http, fake_time).artists(artist_ids(2), NOW)
    # then it is missing and the other is read
    assert result.missing_ids == ("27",)
    assert {s.item_id for s in result.snapshots} == {"28"}
    assert result.complete


def test_a_quota_error_in_a_200_is_waited_out(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given Deezer's quota error once, then the artist
    platform_server.reply("/artist/27", Reply(200, {}, QUOTA), artist_reply())
    # when the artist is pulled
    result = client(platform_server, make_http, fake_time).artists(["27"], NOW)
    # then the client paused 5 s before trying again, and read it
    assert fake_time.sleeps == [QUOTA_PAUSE_SECONDS]
    assert len(platform_server.requests) == 2
    assert result.complete


def test_a_quota_that_persists_stops_the_pull_rate_limited(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given Deezer answering its quota error every time
    platform_server.handle("/artist/27", lambda request: Reply(200, {}, QUOTA))
    ids = artist_ids(2)
    # when the artists are pulled
    result = client(platform_server, make_http, fake_time, quota_retries=2).artists(ids, NOW)
    # then three attempts, then RateLimited to retry later, with both ids left
    assert len(platform_server.requests) == 3
    assert isinstance(result.error, RateLimited)
    assert result.error.retry_at >= fake_time.now + QUOTA_PAUSE_SECONDS
    assert result.remaining_ids == tuple(ids)


def test_another_error_in_a_200_is_a_failure(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given Deezer answering a parameter error with HTTP 200
    error = {"error": {"type": "ParameterException", "message": "Wrong parameter", "code": 500}}
    platform_server.reply("/artist/27", artist_reply())
    platform_server.reply("/artist/28", Reply(200, {}, error))
    ids = artist_ids(3)
    # when the artists are pulled
    result = client(platform_server, make_http, fake_time).artists(ids, NOW)
    # then the first is read and the pull stopped at the second with its code and type
    assert {s.item_id for s in result.snapshots} == {"27"}
    assert isinstance(result.error, Rejected)
    assert result.error.reason == "ParameterException"
    assert result.remaining_ids == ("28", "29")


def test_service_busy_is_unavailable(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given Deezer's code 700 (service busy)
    busy = {"error": {"type": "Exception", "message": "Service busy", "code": 700}}
    platform_server.reply("/artist/27", Reply(200, {}, busy))
    # when the artist is pulled
    result = client(platform_server, make_http, fake_time).artists(["27"], NOW)
    # then it is left, unavailable for now
    assert isinstance(result.error, Unavailable)
    assert result.remaining_ids == ("27",)


def test_the_default_pace_is_deezers_50_requests_per_5_seconds() -> None:
    # given Deezer's documented allowance, then the client's defaults are it
    assert (WINDOW_REQUESTS, WINDOW_SECONDS) == (50, 5.0)


def test_requests_are_paced_within_the_window(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given 12 artists, a window of 5 requests per 5 s (small, so the test stays fast), and a fake
    # Deezer that notes when each request came
    times: list[float] = []

    def answer(request: Recorded) -> Reply:
        times.append(fake_time.now)
        return artist_reply()

    ids = artist_ids(12)
    for artist_id in ids:
        platform_server.handle(f"/artist/{artist_id}", answer)
    # when they are pulled
    result = client(platform_server, make_http, fake_time, max_requests=5).artists(ids, NOW)
    # then no 5-second window held more than 5 requests, and the client waited (never the platform)
    assert result.complete
    assert all(sum(1 for t in times if start <= t < start + 5.0) <= 5 for start in times)
    assert times[5] >= times[0] + 5.0
    assert times[10] >= times[5] + 5.0


def test_a_5xx_then_success_is_retried(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given Deezer failing once with a 503
    platform_server.reply("/artist/27", Reply(503, {}, b""), artist_reply())
    # when the artist is pulled
    result = client(platform_server, make_http, fake_time).artists(["27"], NOW)
    # then the retry read it
    assert result.complete
    assert len(platform_server.requests) == 2


def test_a_body_that_is_not_json_is_malformed(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given Deezer answering a body that is not JSON
    platform_server.reply("/artist/27", Reply(200, {}, "NaN"))
    # when the artist is pulled
    result = client(platform_server, make_http, fake_time).artists(["27"], NOW)
    # then the pull stops malformed
    assert isinstance(result.error, MalformedResponse)
    assert result.remaining_ids == ("27",)


def test_an_id_that_is_not_a_deezer_id_is_never_sent(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given a name where an id belongs
    # when it is pulled
    result = client(platform_server, make_http, fake_time).artists(["../user/me"], NOW)
    # then nothing was requested and it is missing
    assert platform_server.requests == []
    assert result.missing_ids == ("../user/me",)


def test_pacing_settings_are_checked() -> None:
    # given a window of no requests, when a client is built, then it is refused
    with pytest.raises(ValueError, match="max_requests"):
        Deezer(None, "http://127.0.0.1", max_requests=0)  # type: ignore[arg-type]
