"""Deezer API counters: artists' fans, one public request per artist, paced under Deezer's quota.

`GET {base}/artist/{id}` needs no credential; `nb_fan` -> `fans`. Deezer reports errors as HTTP 200
with `{"error": {"type", "message", "code"}}`:

- code 4 (`Quota limit exceeded`) is its rate limit: the client waits `QUOTA_PAUSE_SECONDS` and tries
  again, up to `quota_retries` times, then stops with `RateLimited` and the ids left;
- code 800 (`no data`) is an artist that does not exist: missing;
- any other code stops the pull (`Unavailable` for 700 "service busy", else `Rejected`).

Each of these failures carries Deezer's own error (`own_error`: its code, type and message, the
message only when it is a plain phrase), which a summary's `last_error` names.

Deezer allows about 50 requests per 5 s: the client keeps a sliding window of its own requests and
sleeps (injected `sleep` and `clock`) before one that would exceed it. The pacing is per client, so one
client should serve a whole pull. An id that is not a decimal Deezer id is never sent and is missing.
"""

from __future__ import annotations

import re
import time
from collections import deque
from collections.abc import Callable, Iterable
from datetime import datetime

from chalicelib.pulls.errors import MalformedResponse, PullError, RateLimited, Rejected, Unavailable, plain
from chalicelib.pulls.http import PlatformHttp, endpoint_of
from chalicelib.pulls.reading import Item, mapping, object_body, well_formed
from chalicelib.pulls.snapshots import PullResult, Snapshot

PLATFORM = "deezer"
QUOTA_CODE = 4
NO_DATA_CODE = 800
BUSY_CODE = 700
QUOTA_PAUSE_SECONDS = 5.0
WINDOW_REQUESTS = 50
WINDOW_SECONDS = 5.0

_ID = re.compile(r"[0-9]{1,20}")
_TYPE = re.compile(r"[A-Za-z0-9_.\-]{1,64}")


class _NoData(Exception):
    """Deezer's code 800: the artist does not exist."""


class Deezer:
    """Fans of Deezer artists through one `PlatformHttp`, at most `max_requests` per `per_seconds`."""

    def __init__(
        self,
        http: PlatformHttp,
        base_url: str,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        max_requests: int = WINDOW_REQUESTS,
        per_seconds: float = WINDOW_SECONDS,
        quota_retries: int = 2,
    ) -> None:
        if max_requests < 1 or per_seconds <= 0 or quota_retries < 0:
            raise ValueError("max_requests >= 1, per_seconds > 0 and quota_retries >= 0")
        self._http = http
        self._base = base_url.rstrip("/")
        self._clock = clock
        self._sleep = sleep
        self._max_requests = max_requests
        self._per_seconds = per_seconds
        self._quota_retries = quota_retries
        self._sent: deque[float] = deque()

    def artists(self, ids: Iterable[str], now: datetime) -> PullResult:
        """fans of each artist."""
        valid, missing = well_formed(ids, _ID)
        snapshots: list[Snapshot] = []
        for position, artist_id in enumerate(valid):
            try:
                fields = self._artist(artist_id)
            except _NoData:
                missing.append(artist_id)
                continue
            except PullError as error:
                return PullResult(tuple(snapshots), tuple(valid[position:]), tuple(missing), error)
            snapshots.append(Item(PLATFORM, "account", artist_id, now).count("fans", fields, "nb_fan"))
        return PullResult(tuple(snapshots), (), tuple(missing), None)

    def _artist(self, artist_id: str) -> dict[str, object]:
        """The artist's fields; waits out Deezer's quota errors up to `quota_retries` times."""
        attempt = 0
        while True:
            attempt += 1
            self._pace()
            url = f"{self._base}/artist/{artist_id}"
            body = object_body(self._http.get_json(url), f"{PLATFORM} artist")
            if body.get("error") is None:
                return body
            error = mapping(body.get("error"))
            code = error.get("code")
            if code == NO_DATA_CODE:
                raise _NoData
            if code != QUOTA_CODE:
                raise _failure(error, endpoint_of("GET", url))
            if attempt > self._quota_retries:
                raise RateLimited(
                    f"GET {PLATFORM} artist answered quota exceeded after {attempt} attempts",
                    retry_at=self._clock() + QUOTA_PAUSE_SECONDS,
                    status=200,
                    reason="QuotaLimitExceeded",
                    endpoint=endpoint_of("GET", url),
                    attempts=attempt,
                    own_error=own_error(error),
                )
            self._sleep(QUOTA_PAUSE_SECONDS)

    def _pace(self) -> None:
        """Sleep until one more request fits in the sliding window, then count it."""
        now = self._clock()
        while self._sent and self._sent[0] <= now - self._per_seconds:
            self._sent.popleft()
        if len(self._sent) >= self._max_requests:
            delay = self._sent[0] + self._per_seconds - now
            if delay > 0:
                self._sleep(delay)
            now = self._clock()
            while self._sent and self._sent[0] <= now - self._per_seconds:
                self._sent.popleft()
        self._sent.append(now)


def own_error(error: dict[str, object]) -> str:
    """Deezer's error object in words: `4 (Exception: Quota limit exceeded)`; a part that is not a
    plain code or phrase is left out."""
    code, kind, message = error.get("code"), _type(error.get("type")), plain(error.get("message"))
    named = str(code) if isinstance(code, int) and not isinstance(code, bool) else "without a code"
    words = ": ".join(part for part in (kind, message) if part)
    return f"{named} ({words})" if words else named


def _type(kind: object) -> str | None:
    return kind if isinstance(kind, str) and _TYPE.fullmatch(kind) else None


def _failure(error: dict[str, object], endpoint: str) -> PullError:
    code, reason = error.get("code"), _type(error.get("type"))
    readable = code if isinstance(code, int) and not isinstance(code, bool) else None
    if readable is None:
        return MalformedResponse(
            f"GET {PLATFORM} artist answered an error without a readable code",
            status=200,
            endpoint=endpoint,
            own_error=own_error(error),
        )
    message = f"GET {PLATFORM} artist answered error {readable}"
    words = own_error(error)
    if readable == BUSY_CODE:
        return Unavailable(message, status=200, reason=reason, endpoint=endpoint, own_error=words)
    return Rejected(message, status=200, reason=reason, endpoint=endpoint, own_error=words)
