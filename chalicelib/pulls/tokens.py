"""OAuth 2.0 client-credentials tokens for the pull clients (SoundCloud, Spotify): fetched, cached, refreshed.

`ClientCredentials.token()` answers the cached token while it has more than `margin_seconds` to live,
else asks the token endpoint (form `grant_type=client_credentials`, the client id and secret in HTTP
Basic auth) and caches the answer until `expires_in`. `ClientCredentials.call(request)` runs a request
with the token and, on a 401, refreshes once and retries once.

SoundCloud allows about 50 tokens per 12 h per app, so the cache outlives one pull: `TokenCache` is a
small get/put interface a job can back with DynamoDB; `MemoryTokenCache` keeps tokens in the process.
A token never appears in a message, a log line or a repr.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Protocol, Self, TypeVar

from chalicelib.pulls.errors import MalformedResponse, Unauthorized
from chalicelib.pulls.http import PlatformHttp
from chalicelib.pulls.pullers import PullFunction, Read, content_and_accounts
from chalicelib.pulls.reading import as_count, object_body
from chalicelib.pulls.snapshots import PullResult

T = TypeVar("T")

DEFAULT_LIFETIME_SECONDS = 3600.0
"""Assumed when the token endpoint leaves out `expires_in` (both platforms' tokens last an hour)."""
MARGIN_SECONDS = 60.0
"""A token this close to its expiry is not used: a pull started with it could outlive it."""


@dataclass(frozen=True)
class CachedToken:
    """An access token and when it expires (unix seconds). The token is left out of the repr."""

    access_token: str = field(repr=False)
    expires_at: float

    def fresh(self, now: float, margin_seconds: float) -> bool:
        return now < self.expires_at - margin_seconds


class TokenCache(Protocol):
    """Where tokens live between requests and runs, by key (one per platform and client id)."""

    def get(self, key: str) -> CachedToken | None: ...

    def put(self, key: str, token: CachedToken) -> None: ...


class MemoryTokenCache:
    """A `TokenCache` in the process: enough for one Lambda container or a test."""

    def __init__(self) -> None:
        self._tokens: dict[str, CachedToken] = {}

    def get(self, key: str) -> CachedToken | None:
        return self._tokens.get(key)

    def put(self, key: str, token: CachedToken) -> None:
        self._tokens[key] = token


def basic_auth(client_id: str, client_secret: str) -> str:
    """The `Authorization` value of HTTP Basic auth (RFC 7617, UTF-8)."""
    raw = f"{client_id}:{client_secret}".encode()
    return "Basic " + base64.b64encode(raw).decode("ascii")


class ClientCredentials:
    """One app's client-credentials token at `token_url`, cached in `cache` under `platform:client_id`."""

    def __init__(
        self,
        http: PlatformHttp,
        token_url: str,
        client_id: str,
        client_secret: str,
        cache: TokenCache,
        *,
        platform: str,
        clock: Callable[[], float] = time.time,
        margin_seconds: float = MARGIN_SECONDS,
    ) -> None:
        if not client_id or not client_secret:
            raise ValueError(f"{platform} needs a client id and a client secret")
        self._http = http
        self._url = token_url
        self._authorization = basic_auth(client_id, client_secret)
        self._cache = cache
        self._key = f"{platform}:{client_id}"
        self._platform = platform
        self._clock = clock
        self._margin = margin_seconds

    def token(self) -> str:
        """A token with more than the margin to live: the cached one, else a new one."""
        cached = self._cache.get(self._key)
        if cached is not None and cached.fresh(self._clock(), self._margin):
            return cached.access_token
        return self._fetch()

    def refresh(self, rejected: str) -> str:
        """A token other than `rejected` (which got a 401): the cached one if another run already
        replaced it, else a new one from the token endpoint."""
        cached = self._cache.get(self._key)
        if (
            cached is not None
            and cached.access_token != rejected
            and cached.fresh(self._clock(), self._margin)
        ):
            return cached.access_token
        return self._fetch()

    def call(self, request: Callable[[str], T]) -> T:
        """`request(token)`; on `Unauthorized`, one refresh and one retry (a second 401 is raised)."""
        token = self.token()
        try:
            return request(token)
        except Unauthorized:
            return request(self.refresh(token))

    def _fetch(self) -> str:
        asked_at = self._clock()
        body = object_body(
            self._http.post_form(
                self._url,
                {"grant_type": "client_credentials"},
                {"Authorization": self._authorization},
            ),
            f"{self._platform} token endpoint",
        )
        access_token = body.get("access_token")
        if not isinstance(access_token, str) or not access_token.strip():
            raise MalformedResponse(f"{self._platform} token endpoint answered without an access_token")
        lifetime = as_count(body.get("expires_in"))
        if lifetime is None:
            lifetime = DEFAULT_LIFETIME_SECONDS
        self._cache.put(self._key, CachedToken(access_token, asked_at + lifetime))
        return access_token


class ConnectionContext(Protocol):
    """What a client-credentials puller is given (the registry's `PullContext` is one)."""

    @property
    def http(self) -> PlatformHttp: ...

    @property
    def credentials(self) -> Callable[..., list[str]]: ...

    @property
    def token_cache(self) -> Callable[[], TokenCache]: ...


class ClientCredentialsApi:
    """Base of a pull client whose API takes a client-credentials token: `_http`, `_api` (the API's
    base) and `_credentials` (the token at the auth base's `grant_path`, cached under `platform`)."""

    platform: ClassVar[str]
    grant_path: ClassVar[str]
    secrets: ClassVar[tuple[str, str]]  # the names of its client id's and client secret's secrets

    def __init__(  # noqa: PLR0917 (the contract's six settings, in the order they are documented)
        self,
        http: PlatformHttp,
        api_base: str,
        auth_base: str,
        client_id: str,
        client_secret: str,
        token_cache: TokenCache,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._http = http
        self._api = api_base.rstrip("/")
        self._credentials = ClientCredentials(
            http,
            f"{auth_base.rstrip('/')}{self.grant_path}",
            client_id,
            client_secret,
            token_cache,
            platform=self.platform,
            clock=clock,
        )

    @classmethod
    def puller(
        cls,
        context: ConnectionContext,
        api_base: str,
        auth_base: str,
        reads: Callable[[Self], tuple[Read, Read]],
    ) -> PullFunction:
        """The job's pull of such a platform: the credentials are read (or NoCredentials raised) now;
        each pull makes a client on the job's shared HTTP client and token cache and reads its content,
        then its accounts, with the two `reads` of that client."""
        client_id, client_secret = context.credentials(*cls.secrets)
        cache = context.token_cache()

        def pull(items: Any, now: datetime, progress: dict[str, Any]) -> PullResult:
            client = cls(context.http, api_base, auth_base, client_id, client_secret, cache)
            return content_and_accounts(items, now, progress, *reads(client))

        return pull
