"""ClientCredentials against a loopback token endpoint: Basic auth, caching until shortly before expiry,
one refresh and one retry on a 401, and a secret that never leaks."""

from __future__ import annotations

import base64
import logging
from urllib.parse import parse_qs

import pytest

from chalicelib.pulls.errors import MalformedResponse, Unauthorized
from chalicelib.pulls.tokens import MARGIN_SECONDS, CachedToken, ClientCredentials, MemoryTokenCache
from tests.fakes.platform_server import PlatformServer, Reply
from tests.unit.pulls.conftest import FakeTime, MakeHttp, assert_never_recorded

CLIENT_ID = "unit-client-id"
SECRET = "unit-client-secret-do-not-leak"
TOKEN_PATH = "/oauth/token"


def token_reply(token: str, expires_in: int | None = 3600) -> Reply:
    body: dict[str, object] = {"access_token": token, "token_type": "bearer"}
    if expires_in is not None:
        body["expires_in"] = expires_in
    return Reply(200, {}, body)


def credentials(
    server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime, cache: MemoryTokenCache | None = None
) -> ClientCredentials:
    return ClientCredentials(
        make_http(),
        f"{server.base_url}{TOKEN_PATH}",
        CLIENT_ID,
        SECRET,
        cache or MemoryTokenCache(),
        platform="unit",
        clock=fake_time.clock,
    )


def test_the_token_request_is_a_client_credentials_form_with_basic_auth(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given a token endpoint
    platform_server.reply(TOKEN_PATH, token_reply("tok-1"))
    # when a token is needed
    token = credentials(platform_server, make_http, fake_time).token()
    # then it was asked for with grant_type=client_credentials and the client's Basic credentials
    (request,) = platform_server.requests
    assert token == "tok-1"
    assert request.method == "POST"
    assert parse_qs(request.body.decode()) == {"grant_type": ["client_credentials"]}
    expected = base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()
    assert request.headers["authorization"] == f"Basic {expected}"


def test_a_second_token_comes_from_the_cache(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given a token already fetched
    platform_server.reply(TOKEN_PATH, token_reply("tok-1"))
    client = credentials(platform_server, make_http, fake_time)
    client.token()
    # when a token is needed again within its life
    fake_time.now += 3600 - MARGIN_SECONDS - 1
    token = client.token()
    # then no second token request was made
    assert token == "tok-1"
    assert len(platform_server.requests) == 1


def test_a_token_near_its_expiry_is_replaced(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given a token that expires in an hour
    platform_server.reply(TOKEN_PATH, token_reply("tok-1"), token_reply("tok-2"))
    client = credentials(platform_server, make_http, fake_time)
    client.token()
    # when a token is needed within the margin of its expiry
    fake_time.now += 3600 - MARGIN_SECONDS
    # then a new one is fetched
    assert client.token() == "tok-2"
    assert len(platform_server.requests) == 2


def test_the_cache_is_shared_by_clients_of_the_same_app(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given one cache (as a later job would keep in DynamoDB) and a token fetched by one client
    platform_server.reply(TOKEN_PATH, token_reply("tok-1"))
    cache = MemoryTokenCache()
    credentials(platform_server, make_http, fake_time, cache).token()
    # when another client of the same app needs a token
    token = credentials(platform_server, make_http, fake_time, cache).token()
    # then it uses the cached one
    assert token == "tok-1"
    assert len(platform_server.requests) == 1


def test_a_missing_expires_in_assumes_an_hour(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given a token endpoint that leaves out expires_in
    platform_server.reply(TOKEN_PATH, token_reply("tok-1", expires_in=None))
    cache = MemoryTokenCache()
    # when a token is fetched
    credentials(platform_server, make_http, fake_time, cache).token()
    # then it is cached for an hour
    cached = cache.get(f"unit:{CLIENT_ID}")
    assert cached is not None
    assert cached.expires_at == fake_time.now + 3600


def test_call_refreshes_once_and_retries_once_after_a_401(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given a cached token the platform now refuses
    platform_server.reply(TOKEN_PATH, token_reply("tok-1"), token_reply("tok-2"))
    client = credentials(platform_server, make_http, fake_time)
    used: list[str] = []

    def request(token: str) -> str:
        used.append(token)
        if token == "tok-1":
            raise Unauthorized("GET x answered 401", status=401)
        return "ok"

    # when a request is made through the credentials
    answer = client.call(request)
    # then one refresh happened and the retry used the new token
    assert answer == "ok"
    assert used == ["tok-1", "tok-2"]
    assert len(platform_server.requests) == 2


def test_a_second_401_is_raised_without_a_second_refresh(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given a platform that refuses every token
    platform_server.reply(TOKEN_PATH, token_reply("tok-1"), token_reply("tok-2"), token_reply("tok-3"))
    client = credentials(platform_server, make_http, fake_time)
    used: list[str] = []

    def request(token: str) -> str:
        used.append(token)
        raise Unauthorized("GET x answered 401", status=401)

    # when a request is made
    with pytest.raises(Unauthorized):
        client.call(request)
    # then there were exactly two attempts and two token requests
    assert used == ["tok-1", "tok-2"]
    assert len(platform_server.requests) == 2


def test_refresh_takes_a_token_another_run_already_replaced(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given a refused token, and a cache where another run has stored a newer one
    cache = MemoryTokenCache()
    cache.put(f"unit:{CLIENT_ID}", CachedToken("tok-new", fake_time.now + 3600))
    client = credentials(platform_server, make_http, fake_time, cache)
    # when the refused token is refreshed
    token = client.refresh("tok-old")
    # then the newer token is used without a token request
    assert token == "tok-new"
    assert platform_server.requests == []


def test_an_answer_without_access_token_is_malformed(
    platform_server: PlatformServer, make_http: MakeHttp, fake_time: FakeTime
) -> None:
    # given a token endpoint answering without a token
    platform_server.reply(TOKEN_PATH, Reply(200, {}, {"token_type": "bearer"}))
    # when a token is needed, then the answer is malformed
    with pytest.raises(MalformedResponse):
        credentials(platform_server, make_http, fake_time).token()


def test_a_refused_client_secret_is_reported_without_it(
    platform_server: PlatformServer,
    make_http: MakeHttp,
    fake_time: FakeTime,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # given a token endpoint that refuses the client
    platform_server.reply(TOKEN_PATH, Reply(401, {}, {"error": "invalid_client"}))
    # when a token is needed
    with caplog.at_level(logging.DEBUG), pytest.raises(Unauthorized) as caught:
        credentials(platform_server, make_http, fake_time).token()
    # then the error names the platform's reason, never the secret
    assert caught.value.reason == "invalid_client"
    encoded = base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()
    assert_never_recorded(caught.value, caplog.records, SECRET, encoded)


def test_a_cached_token_is_not_in_its_repr() -> None:
    # given a cached token, when it is printed, then the token is not shown
    assert "secret-token" not in repr(CachedToken("secret-token", 1.0))


def test_credentials_are_required() -> None:
    # given no client secret, when credentials are built, then they are refused
    with pytest.raises(ValueError, match="client secret"):
        ClientCredentials(None, "http://127.0.0.1/t", CLIENT_ID, "", MemoryTokenCache(), platform="unit")  # type: ignore[arg-type]
