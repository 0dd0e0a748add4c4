"""PlatformHttp against a loopback fake: retries, rate-limit headers, strict JSON, safe errors."""

from __future__ import annotations

import email.utils
import logging
import socket
import time
from typing import Any

import pytest
import urllib3

from chalicelib.pulls.errors import (
    Forbidden,
    MalformedResponse,
    RateLimited,
    Rejected,
    Unauthorized,
    Unavailable,
)
from chalicelib.pulls.http import safe_target
from chalicelib.pulls.retry import CLOCK_SKEW_SECONDS, CallPacing, Pace, PlatformRetry
from tests.fakes.platform_server import PlatformServer, Recorded, Reply
from tests.unit.pulls.conftest import FakeTime, MakeHttp

SECRET_KEY = "AIzaSy-very-secret-key-123"
OK = Reply(200, {}, {"ok": True})


def test_a_get_sends_its_params_in_the_query_and_returns_the_decoded_json(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    # given a platform answering JSON
    platform_server.reply("/v3/videos", Reply(200, {}, {"items": [{"id": "a"}]}))
    # when we GET with params
    body = make_http().get_json(f"{platform_server.base_url}/v3/videos", {"id": "a,b", "part": "statistics"})
    # then the params travel in the query and the body comes back decoded
    assert body == {"items": [{"id": "a"}]}
    (request,) = platform_server.requests
    assert request.method == "GET"
    assert request.param("id") == "a,b"
    assert request.param("part") == "statistics"
    assert request.headers["accept"] == "application/json"


def test_a_429_is_retried_no_sooner_than_its_retry_after_seconds(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given a platform that asks for 7 s, far more than the back-off alone would wait
    platform_server.reply("/x", Reply(429, {"Retry-After": "7"}, {}), OK)
    # when we call it
    body = make_http(jitter=lambda: 0.0).get_json(f"{platform_server.base_url}/x")
    # then we waited at least the 7 s before the second, successful request
    assert body == {"ok": True}
    assert len(platform_server.requests) == 2
    assert fake_time.sleeps[0] >= 7


def test_a_retry_after_http_date_is_honoured(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given a 503 whose Retry-After is a date 30 s ahead of our clock
    when = email.utils.formatdate(fake_time.now + 30, usegmt=True)
    platform_server.reply("/x", Reply(503, {"Retry-After": when}, {}), OK)
    # when we call it
    make_http().get_json(f"{platform_server.base_url}/x")
    # then the wait reached that date
    assert fake_time.sleeps == [pytest.approx(fake_time.sleeps[0])]
    assert fake_time.sleeps[0] >= 30


def test_x_rate_limit_reset_is_honoured_on_a_429(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given X's 429 with the window resetting 40 s from now (unix seconds)
    reset = int(fake_time.now) + 40
    platform_server.reply(
        "/2/tweets",
        Reply(429, {"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)}, {"title": "Too Many"}),
        OK,
    )
    # when we call it
    make_http().get_json(f"{platform_server.base_url}/2/tweets")
    # then the retry came no sooner than the reset
    assert fake_time.now >= reset
    assert len(platform_server.requests) == 2


def test_a_spent_window_makes_the_next_call_wait_for_its_reset_before_asking(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given a success that says the endpoint's window is spent until 60 s from now
    reset = int(fake_time.now) + 60
    platform_server.reply(
        "/2/users", Reply(200, {"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)}, {}), OK
    )
    http = make_http()
    http.get_json(f"{platform_server.base_url}/2/users")
    # when we call the endpoint again
    http.get_json(f"{platform_server.base_url}/2/users")
    # then we slept until the reset instead of earning a 429
    assert fake_time.sleeps
    assert fake_time.now >= reset
    assert len(platform_server.requests) == 2


def test_a_5xx_then_a_success_returns_the_success(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given one 502 then a good answer
    platform_server.reply("/x", Reply(502, {}, b"bad gateway"), OK)
    # when we call it
    body = make_http().get_json(f"{platform_server.base_url}/x")
    # then the retry's answer is returned after one back-off
    assert body == {"ok": True}
    assert len(fake_time.sleeps) == 1


def test_back_off_grows_exponentially(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given a platform that fails three times, and jitter at its maximum
    platform_server.reply("/x", *[Reply(500, {}, {})] * 3, OK)
    # when we call it with four attempts and a 1 s base delay
    make_http(max_attempts=4, base_delay_seconds=1.0, jitter=lambda: 1.0).get_json(
        f"{platform_server.base_url}/x"
    )
    # then each wait doubled the previous one
    assert fake_time.sleeps == [1.0, 2.0, 4.0]


def test_5xx_until_the_attempts_run_out_is_unavailable(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given a platform that always answers 503
    platform_server.handle("/x", lambda request: Reply(503, {}, {}))
    # when we call it with 3 attempts
    with pytest.raises(Unavailable) as raised:
        make_http(max_attempts=3).get_json(f"{platform_server.base_url}/x")
    # then it was tried exactly 3 times, with a back-off between each
    assert len(platform_server.requests) == 3
    assert len(fake_time.sleeps) == 2
    assert raised.value.status == 503


def test_a_wait_longer_than_the_call_may_wait_raises_rate_limited_without_sleeping(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given a 429 asking for an hour, and a call that may wait 2 minutes
    platform_server.reply("/x", Reply(429, {"Retry-After": "3600"}, {}), OK)
    # when we call it
    with pytest.raises(RateLimited) as raised:
        make_http(max_wait_seconds=120).get_json(f"{platform_server.base_url}/x")
    # then nothing slept, nothing was retried, and the error says when to come back
    assert fake_time.sleeps == []
    assert len(platform_server.requests) == 1
    assert raised.value.retry_at >= fake_time.now + 3600


def test_a_429_on_the_last_attempt_is_rate_limited_with_its_retry_time(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given a platform that keeps answering 429 with Retry-After: 5
    platform_server.handle("/x", lambda request: Reply(429, {"Retry-After": "5"}, {}))
    # when the attempts run out
    with pytest.raises(RateLimited) as raised:
        make_http(max_attempts=2).get_json(f"{platform_server.base_url}/x")
    # then the error carries the platform's time
    assert raised.value.retry_at >= fake_time.now + 5


def test_malformed_json_is_a_malformed_response(platform_server: PlatformServer, make_http: MakeHttp) -> None:
    # given a 200 whose body is not JSON
    platform_server.reply("/x", Reply(200, {}, b'{"items": [1, 2'))
    # when / then
    with pytest.raises(MalformedResponse):
        make_http().get_json(f"{platform_server.base_url}/x")


def test_nan_is_not_json(platform_server: PlatformServer, make_http: MakeHttp) -> None:
    # given a body Python's lenient parser would accept
    platform_server.reply("/x", Reply(200, {}, b'{"viewCount": NaN}'))
    # when / then strict decoding refuses it
    with pytest.raises(MalformedResponse):
        make_http().get_json(f"{platform_server.base_url}/x")


def test_a_body_over_the_size_limit_is_malformed(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    # given a body larger than the client accepts
    platform_server.reply("/x", Reply(200, {}, b'"' + b"a" * 2000 + b'"'))
    # when / then
    with pytest.raises(MalformedResponse):
        make_http(max_body_bytes=1000).get_json(f"{platform_server.base_url}/x")


def test_401_is_unauthorized_and_not_retried(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given an expired token
    platform_server.reply("/x", Reply(401, {}, {"error": "invalid_token"}))
    # when we call
    with pytest.raises(Unauthorized) as raised:
        make_http().get_json(f"{platform_server.base_url}/x", headers={"Authorization": "Bearer t"})
    # then once only, so that the token's owner can refresh and retry
    assert len(platform_server.requests) == 1
    assert fake_time.sleeps == []
    assert raised.value.reason == "invalid_token"


def test_403_is_forbidden_with_the_platforms_reason(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    # given YouTube's quota answer
    body = {"error": {"code": 403, "errors": [{"reason": "quotaExceeded", "message": "over"}]}}
    platform_server.reply("/x", Reply(403, {}, body))
    # when / then the short reason is kept
    with pytest.raises(Forbidden) as raised:
        make_http().get_json(f"{platform_server.base_url}/x")
    assert raised.value.reason == "quotaExceeded"


def test_another_4xx_is_rejected_without_retry(platform_server: PlatformServer, make_http: MakeHttp) -> None:
    # given a bad request
    platform_server.reply("/x", Reply(400, {}, {"title": "Invalid Request"}))
    # when / then
    with pytest.raises(Rejected):
        make_http().get_json(f"{platform_server.base_url}/x")
    assert len(platform_server.requests) == 1


def test_a_refused_connection_is_retried_then_unavailable(make_http: MakeHttp, fake_time: FakeTime) -> None:
    # given a loopback port nobody listens on
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # when we call it
    with pytest.raises(Unavailable):
        make_http(max_attempts=3).get_json(f"http://127.0.0.1:{port}/x")
    # then every attempt was made, with back-offs between
    assert len(fake_time.sleeps) == 2


def test_a_read_timeout_is_unavailable(platform_server: PlatformServer, make_http: MakeHttp) -> None:
    # given a platform slower than our read timeout
    def slow(request: Recorded) -> Reply:
        time.sleep(0.4)
        return OK

    platform_server.handle("/x", slow)
    # when / then
    with pytest.raises(Unavailable):
        make_http(timeout_seconds=0.1, max_attempts=1).get_json(f"{platform_server.base_url}/x")


def test_post_json_sends_a_json_body(platform_server: PlatformServer, make_http: MakeHttp) -> None:
    # given TikTok's query endpoint
    platform_server.reply("/v2/video/query/", OK)
    # when we post filters with fields in the query
    make_http().post_json(
        f"{platform_server.base_url}/v2/video/query/",
        {"filters": {"video_ids": ["1", "2"]}},
        params={"fields": "id,like_count"},
    )
    # then the body is JSON and the params are in the query
    (request,) = platform_server.requests
    assert request.method == "POST"
    assert request.headers["content-type"] == "application/json"
    assert request.json() == {"filters": {"video_ids": ["1", "2"]}}
    assert request.param("fields") == "id,like_count"


def test_post_form_sends_a_form_and_an_empty_202_is_none(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    # given a WebSub hub, which accepts with an empty 202
    platform_server.reply("/subscribe", Reply(202, {}, b""))
    # when we post a form
    body = make_http().post_form(f"{platform_server.base_url}/subscribe", {"hub.mode": "subscribe"})
    # then the form is encoded and there is no body to decode
    assert body is None
    (request,) = platform_server.requests
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.body == b"hub.mode=subscribe"


def test_a_202_with_a_text_body_is_accepted_not_malformed(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    # given a hub that accepts with a line of text (flask-websub: "Request received: subscribe")
    platform_server.reply(
        "/subscribe", Reply(202, {"Content-Type": "text/html"}, b"Request received: subscribe\n")
    )
    # when we post a form, then it is accepted with no result to decode
    assert make_http().post_form(f"{platform_server.base_url}/subscribe", {"hub.mode": "subscribe"}) is None


def test_the_api_key_is_never_in_an_error_or_a_log_line(
    platform_server: PlatformServer, make_http: MakeHttp, caplog: pytest.LogCaptureFixture
) -> None:
    # given a platform failing every way, called with the key in the query
    platform_server.reply("/v3/videos", Reply(500, {}, {}), Reply(500, {}, {}))
    platform_server.reply("/v3/channels", Reply(401, {}, {}))
    platform_server.reply("/v3/search", Reply(200, {}, b"not json " + SECRET_KEY.encode()))
    http = make_http(max_attempts=2)
    messages: list[str] = []
    # when each call fails
    with caplog.at_level(logging.DEBUG):
        for path in ("/v3/videos", "/v3/channels", "/v3/search"):
            with pytest.raises((Unavailable, Unauthorized, MalformedResponse)) as raised:
                http.get_json(f"{platform_server.base_url}{path}", {"key": SECRET_KEY, "id": "a"})
            messages.append(str(raised.value))
            assert raised.value.__cause__ is None
    # then neither the errors nor the log lines hold the key (nor the query it travelled in)
    logged = " ".join(f"{record.getMessage()} {record.__dict__}" for record in caplog.records)
    assert caplog.records
    for text in [*messages, logged]:
        assert SECRET_KEY not in text
        assert "key=" not in text


def test_a_safe_target_drops_credentials_query_and_fragment() -> None:
    # given a URL carrying secrets in every place a URL can
    url = f"https://user:pw@api.example.com:8443/v3/videos?key={SECRET_KEY}#frag"
    # when / then only scheme, host, port and path remain
    assert safe_target(url) == "https://api.example.com:8443/v3/videos"


def test_the_call_after_an_oversized_body_reads_its_own_answer(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    # given an oversized body, then a normal one, on one client (one pooled connection)
    platform_server.reply("/x", Reply(200, {}, b'"' + b"a" * 5000 + b'"'), Reply(200, {}, {"ok": True}))
    http = make_http(max_body_bytes=1000)
    with pytest.raises(MalformedResponse):
        http.get_json(f"{platform_server.base_url}/x")
    # when the next call is made
    body = http.get_json(f"{platform_server.base_url}/x")
    # then it gets its own answer, not the rest of the first
    assert body == {"ok": True}


def test_every_request_goes_out_with_urllib3s_retry_honouring_retry_after(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    # given a pool that records the retry policy each request is given
    policies: list[object] = []

    class RecordingPool(urllib3.PoolManager):
        def request(self, *args: Any, **kwargs: Any) -> urllib3.BaseHTTPResponse:
            policies.append(kwargs.get("retries"))
            return super().request(*args, **kwargs)

    platform_server.reply("/x", OK)
    # when a call is made with four attempts
    make_http(max_attempts=4, pool=RecordingPool()).get_json(f"{platform_server.base_url}/x")
    # then urllib3 retried it: three retries of 429 and 5xx, waiting as the platform says
    (policy,) = policies
    assert isinstance(policy, PlatformRetry)
    assert policy.total == 3
    assert policy.respect_retry_after_header
    assert {429, 500, 503, 599} <= set(policy.status_forcelist)
    assert not {400, 401, 403, 404, 413} & set(policy.status_forcelist)


def test_x_rate_limit_reset_is_the_retry_after_of_an_x_answer(fake_time: FakeTime) -> None:
    # given a PlatformRetry on the fake clock, and X's 429 resetting 40 s from now
    pace = Pace(2.0, 120.0, fake_time.sleep, fake_time.clock, lambda: 0.0)
    pacing = CallPacing("pull", "GET /2/tweets", pace, on_answer=lambda headers: None)
    answer = urllib3.HTTPResponse(status=429, headers={"x-rate-limit-reset": str(int(fake_time.now) + 40)})
    # when / then urllib3's question "how long did the platform ask for" is answered from that header
    assert PlatformRetry(pacing=pacing).get_retry_after(answer) == 40 + CLOCK_SKEW_SECONDS
