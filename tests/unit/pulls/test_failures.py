"""The sentence each kind of pull failure leaves as a platform's `last_error`, from the errors the real
HTTP client and platform clients raise against a loopback fake (contract section 6)."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from chalicelib.platforms.deezer.api import Deezer
from chalicelib.platforms.spotify.api import Spotify
from chalicelib.platforms.x.api import XMetrics
from chalicelib.platforms.youtube.api import YouTubeStats
from chalicelib.pulls import errors
from chalicelib.pulls.budget import UnitBudget
from chalicelib.pulls.failures import describe, describe_pull, error_kind
from chalicelib.pulls.snapshots import PullResult
from tests.fakes.platform_server import PlatformServer, Recorded, Reply
from tests.unit.pulls.conftest import FakeTime, MakeHttp, client_credentials_api

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
API_KEY = "AIzaSy-failure-sentence-key"
ITEMS_LEFT = "The items left are read first next run."


def failure_of(call: Callable[[], object]) -> errors.PullError:
    """The PullError a call raised."""
    with pytest.raises(errors.PullError) as raised:
        call()
    return raised.value


def sentence_of(result: PullResult, platform: str) -> str:
    """The sentence a pull that stopped on an error leaves."""
    assert result.error is not None
    return describe_pull(result.error, platform)


def youtube_error(status: int, reason: str) -> Reply:
    """An error as the YouTube Data API answers it, with its own reason."""
    return Reply(status, {}, {"error": {"code": status, "errors": [{"reason": reason}]}})


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_missing_credentials_are_exactly_the_contracts_sentence() -> None:
    assert describe_pull(errors.NoCredentials("YOUTUBE_API_KEY"), "youtube") == (
        "no credentials configured (YOUTUBE_API_KEY)"
    )


def test_missing_client_credentials_name_every_variable_missing() -> None:
    error = errors.NoCredentials("SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_SECRET")
    assert describe_pull(error, "spotify") == (
        "no credentials configured (SPOTIFY_CLIENT_ID, SPOTIFY_CLIENT_SECRET)"
    )


def test_a_misconfigured_credential_says_what_is_wrong() -> None:
    error = errors.Misconfigured("TIKTOK_ACCESS_TOKENS entry 2 is not open_id=token")
    assert describe_pull(error, "tiktok") == (
        "TikTok is misconfigured: TIKTOK_ACCESS_TOKENS entry 2 is not open_id=token."
    )


def test_an_http_status_names_the_status_its_reason_and_the_request(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    # given YouTube refusing a request as malformed, with its own reason
    platform_server.reply("/youtube/v3/videos", youtube_error(400, "badRequest"))
    # when the call fails
    error = failure_of(
        lambda: make_http().get_json(f"{platform_server.base_url}/youtube/v3/videos", {"key": API_KEY})
    )
    # then the sentence names the status, the reason and the request, never the key in the query
    sentence = describe_pull(error, "youtube")
    assert sentence == "YouTube answered HTTP 400 (badRequest) to GET /youtube/v3/videos."
    assert API_KEY not in sentence


def test_a_5xx_that_outlasted_the_retries_names_the_status_and_the_attempts(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    platform_server.handle("/2/tweets", lambda request: Reply(503, {}, b""))
    error = failure_of(lambda: make_http().get_json(f"{platform_server.base_url}/2/tweets"))
    assert describe_pull(error, "x") == (
        "X answered HTTP 503 (Service Unavailable) to GET /2/tweets after 3 attempts."
    )


def test_a_refused_credential_says_so(platform_server: PlatformServer, make_http: MakeHttp) -> None:
    platform_server.reply("/2/tweets", Reply(401, {}, {"title": "Unauthorized"}))
    error = failure_of(lambda: make_http().get_json(f"{platform_server.base_url}/2/tweets"))
    assert describe_pull(error, "x") == (
        "X refused the credential: it answered HTTP 401 (Unauthorized) to GET /2/tweets."
    )


def test_deezers_own_error_in_a_200_names_its_code_type_and_message(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given Deezer answering a parameter error with HTTP 200
    error = {"error": {"type": "ParameterException", "message": "Wrong parameter", "code": 500}}
    platform_server.reply("/artist/28", Reply(200, {}, error))
    # when the artist is pulled
    client = Deezer(make_http(), platform_server.base_url, clock=fake_time.clock, sleep=fake_time.sleep)
    # then its own error is named, not lost behind the 200
    assert sentence_of(client.artists(["28"], NOW), "deezer") == (
        "Deezer answered HTTP 200 with its own error 500 (ParameterException: Wrong parameter)"
        " to GET /artist/28."
    )


def test_deezers_quota_error_is_a_rate_limit_with_the_next_try(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    quota = {"error": {"type": "Exception", "message": "Quota limit exceeded", "code": 4}}
    platform_server.handle("/artist/27", lambda request: Reply(200, {}, quota))
    client = Deezer(
        make_http(), platform_server.base_url, clock=fake_time.clock, sleep=fake_time.sleep, quota_retries=0
    )
    result = client.artists(["27"], NOW)
    next_try = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(fake_time.now + 5))
    assert sentence_of(result, "deezer") == (
        "Deezer rate-limited the tracker: it answered HTTP 200 with its own error 4 (Exception: Quota limit"
        f" exceeded) to GET /artist/27. Next try after {next_try}."
    )


def test_a_refusal_says_what_it_means_for_the_counters(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given a Spotify app without extended quota
    platform_server.reply("/api/token", Reply(200, {}, {"access_token": "t", "expires_in": 3600}))
    platform_server.handle("/v1/artists", lambda request: Reply(403, {}, {"error": {"status": 403}}))
    client = client_credentials_api(
        Spotify, platform_server, make_http, fake_time, ("app", "secret"), api_path="/v1"
    )
    # when an artist is pulled, then the sentence is a refusal, with its consequence
    assert sentence_of(client.artists(["0TnOYISbd1XYRBk9myaseg"], NOW), "spotify") == (
        "Spotify refused the request: it answered HTTP 403 (Forbidden) to GET /v1/artists."
        " Apps without extended quota get no follower counts or popularity from Spotify."
    )


def test_a_budget_spent_on_our_side_names_the_budget(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    budget = UnitBudget.youtube(reserve=10, daily_limit=10)
    client = YouTubeStats(make_http(), f"{platform_server.base_url}/youtube/v3", API_KEY, budget)
    assert sentence_of(client.videos(["dQw4w9WgXcQ"], NOW), "youtube") == (
        "YouTube's daily budget is spent: the Data API quota of 10 units a day (Pacific time) is used"
        f" down to the tracker's reserve of 10. {ITEMS_LEFT}"
    )


def test_youtubes_quota_exceeded_is_a_spent_budget(
    platform_server: PlatformServer, make_http: MakeHttp
) -> None:
    platform_server.reply("/youtube/v3/videos", youtube_error(403, "quotaExceeded"))
    client = YouTubeStats(
        make_http(), f"{platform_server.base_url}/youtube/v3", API_KEY, UnitBudget.youtube(reserve=0)
    )
    assert sentence_of(client.videos(["dQw4w9WgXcQ"], NOW), "youtube") == (
        f"YouTube's daily budget is spent: it answered HTTP 403 (quotaExceeded) to GET /youtube/v3/videos."
        f" {ITEMS_LEFT}"
    )


def test_xs_read_cap_names_its_variable(platform_server: PlatformServer, make_http: MakeHttp) -> None:
    client = XMetrics(make_http(), f"{platform_server.base_url}/2", "token", UnitBudget.x_reads(0))
    assert sentence_of(client.tweets(["1790000000000000001"], NOW), "x") == (
        "X's daily budget is spent: the label's cap of 0 X reads a day (X_READS_PER_DAY) is reached."
        f" {ITEMS_LEFT}"
    )


def test_a_429_names_the_status_and_the_next_try(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    platform_server.handle("/2/tweets", lambda request: Reply(429, {"Retry-After": "30"}, {}))
    error = failure_of(lambda: make_http(max_attempts=1).get_json(f"{platform_server.base_url}/2/tweets"))
    next_try = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(fake_time.now + 30))
    assert describe_pull(error, "x") == (
        f"X rate-limited the tracker: it answered HTTP 429 (Too Many Requests) to GET /2/tweets."
        f" Next try after {next_try}."
    )


def test_a_timeout_names_the_time_waited(platform_server: PlatformServer, make_http: MakeHttp) -> None:
    # given a platform slower than the read timeout
    def slow(request: Recorded) -> Reply:
        time.sleep(0.4)
        return Reply(200, {}, {})

    platform_server.handle("/youtube/v3/videos", slow)
    # when the call gives up
    http = make_http(timeout_seconds=0.1, max_attempts=1)
    error = failure_of(lambda: http.get_json(f"{platform_server.base_url}/youtube/v3/videos"))
    # then the sentence says it timed out, and after how long
    assert describe_pull(error, "youtube") == (
        "YouTube timed out: no answer within 0.1 s to GET /youtube/v3/videos."
    )
    assert error.answered is False


def test_an_unreachable_platform_names_the_network_failure(make_http: MakeHttp) -> None:
    port = closed_port()
    error = failure_of(lambda: make_http(max_attempts=2).get_json(f"http://127.0.0.1:{port}/artist/27"))
    assert describe_pull(error, "deezer") == (
        "Deezer could not be reached (NewConnectionError) at GET /artist/27 after 2 attempts."
    )
    assert error.answered is False


def test_a_network_failure_whose_next_try_is_too_far_still_names_it(make_http: MakeHttp) -> None:
    # given a refused connection, and a call that may not wait for a second attempt
    port = closed_port()
    http = make_http(max_attempts=3, max_wait_seconds=0.0)
    # when it gives up before its attempts run out
    error = failure_of(lambda: http.get_json(f"http://127.0.0.1:{port}/artist/27"))
    # then the sentence still says what kept the answer away
    assert (
        describe_pull(error, "deezer")
        == "Deezer could not be reached (NewConnectionError) at GET /artist/27."
    )


def test_an_unreadable_answer_says_so(platform_server: PlatformServer, make_http: MakeHttp) -> None:
    platform_server.reply("/artist/27", Reply(200, {}, "NaN"))
    error = failure_of(lambda: make_http().get_json(f"{platform_server.base_url}/artist/27"))
    assert describe_pull(error, "deezer") == (
        "Deezer gave an answer the tracker cannot read to GET /artist/27 (HTTP 200)."
    )
    assert error.answered is True


def test_the_hub_is_named_as_the_subject(platform_server: PlatformServer, make_http: MakeHttp) -> None:
    platform_server.reply("/subscribe", Reply(400, {}, b"Invalid value for hub.callback"))
    error = failure_of(lambda: make_http().post_form(f"{platform_server.base_url}/subscribe", {"a": "b"}))
    assert describe(error, "The hub") == "The hub answered HTTP 400 (Bad Request) to POST /subscribe."


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (errors.NoCredentials("YOUTUBE_API_KEY"), "no_credentials"),
        (errors.Misconfigured("TIKTOK_ACCESS_TOKENS entry 2 is not open_id=token"), "misconfigured"),
        (errors.BudgetExhausted("the cap is reached"), "budget_spent"),
        (errors.Forbidden("quota", status=403, reason="quotaExceeded"), "budget_spent"),
        (errors.Forbidden("refused", status=403), "refused"),
        (errors.Unauthorized("bad token", status=401), "refused"),
        (errors.RateLimited("429", retry_at=0), "rate_limited"),
        (errors.Unavailable("slow", timeout_seconds=10), "timeout"),
        (errors.Unavailable("down", problem="NewConnectionError"), "unreachable"),
        (errors.Unavailable("503", status=503), "failed"),
        (errors.MalformedResponse("not JSON", status=200), "unreadable"),
        (errors.Rejected("400", status=400), "failed"),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, errors.PullError) else str(value),
)
def test_each_failure_has_the_kind_its_sentence_tells(error: errors.PullError, kind: str) -> None:
    # The kind is decided on the error itself, in the order its sentence is, never on the sentence
    assert error_kind(error) == kind
