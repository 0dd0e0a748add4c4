"""One HTTP client for every platform's pull: timeouts, retries, rate-limit headers, strict JSON.

Built on urllib3 (already shipped with botocore). Its `Retry` (`chalicelib.pulls.retry.PlatformRetry`)
decides what is retried and how long to wait; urllib3 follows no redirect.

- Connect and read timeouts on every request; a body larger than `max_body_bytes` is malformed.
- 429, 5xx and network failures (refused, reset, timed out) are retried up to `max_attempts` in all,
  with exponential back-off and jitter (half fixed, half random), never sooner than the platform said:
  `Retry-After` (delta-seconds or an HTTP-date) and X's `x-rate-limit-reset` (unix seconds). A body
  that breaks off after its headers came is not retried: the call is `Unavailable`.
- A successful answer with `x-rate-limit-remaining: 0` closes that endpoint (method, host, path) until
  its `x-rate-limit-reset`; the next call to it waits for the reset rather than earning a 429.
- The waits of one call may add up to `max_wait_seconds`; a wait that would go beyond raises instead of
  sleeping (`RateLimited` with `retry_at` for a 429 or a closed window, `Unavailable` for a 5xx).
- 401 is `Unauthorized`, 403 `Forbidden`, any other non-2xx `Rejected`; none of them is retried.
- A 2xx body is strict JSON (UTF-8, no NaN/Infinity) or `MalformedResponse`; 202/204 with an empty
  body (a WebSub hub's answer) is None.

Secrets never leave: errors and log lines name the method, host and path only (no query string, where
YouTube's key and Meta's token travel), never a header, a form field or a response body. Each error
also carries its `endpoint` (method and path), its `attempts` and, for a timeout, the timeout, from
which `chalicelib.pulls.failures` writes the sentence a summary shows.

Log lines name the call they belong to (`call`, "pull" unless the caller says otherwise, e.g. "hub
subscribe"): `<call> request failed` for an attempt that will be retried or given up.
"""

from __future__ import annotations

import json
import logging
import random
import re
import time
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any, NoReturn
from urllib.parse import urlencode, urlsplit, urlunsplit

import urllib3
from urllib3.exceptions import HTTPError as TransportError

from chalicelib.platforms._json import strict_loads
from chalicelib.pulls.errors import (
    Forbidden,
    MalformedResponse,
    PullError,
    RateLimited,
    Rejected,
    Unauthorized,
    Unavailable,
)
from chalicelib.pulls.retry import (
    CLOCK_SKEW_SECONDS,
    RETRIED_METHODS,
    RETRIED_STATUSES,
    CallPacing,
    Pace,
    PlatformRetry,
    int_header,
    iso,
    not_before,
    reason_of,
    timed_out,
)

logger = logging.getLogger("engagement-tracker.pulls")

Params = Mapping[str, str | int]
USER_AGENT = "engagement-tracker/0.1 (+scheduled counters)"
_URLLIB3_LOGGERS = ("urllib3.connectionpool", "urllib3.poolmanager", "urllib3.util.retry")


class RedactQueries(logging.Filter):
    """Cuts the query string out of urllib3's own log lines: at DEBUG, urllib3 logs every request's
    target, which holds YouTube's key and Meta's token. Installed once on urllib3's loggers."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_redact_query(arg) for arg in record.args)
        return True


def _redact_query(value: object) -> object:
    if isinstance(value, str) and "?" in value:
        return re.sub(r"\?[^\s\"']*", "?<redacted>", value)
    return value


def install_log_redaction() -> None:
    """Idempotent: every urllib3 logger gets one `RedactQueries` filter."""
    for name in _URLLIB3_LOGGERS:
        target = logging.getLogger(name)
        if not any(isinstance(existing, RedactQueries) for existing in target.filters):
            target.addFilter(RedactQueries())


class PlatformHttp:
    """Blocking JSON over HTTPS for the pull clients. One instance may serve every platform."""

    def __init__(
        self,
        timeout_seconds: float,
        max_attempts: int,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        *,
        max_wait_seconds: float = 60.0,
        base_delay_seconds: float = 0.5,
        max_delay_seconds: float = 20.0,
        max_body_bytes: int = 8 * 1024 * 1024,
        jitter: Callable[[], float] = random.random,
        pool: urllib3.PoolManager | None = None,
    ) -> None:
        if timeout_seconds <= 0 or max_attempts < 1 or max_wait_seconds < 0:
            raise ValueError("timeout_seconds > 0, max_attempts >= 1 and max_wait_seconds >= 0")
        self._timeout = urllib3.Timeout(connect=timeout_seconds, read=timeout_seconds)
        self._timeout_seconds = timeout_seconds
        self._max_attempts = max_attempts
        self._sleep = sleep
        self._clock = clock
        self._max_wait = max_wait_seconds
        self._base_delay = base_delay_seconds
        self._max_delay = max_delay_seconds
        self._max_body = max_body_bytes
        self._pace = Pace(timeout_seconds, max_wait_seconds, sleep, clock, jitter)
        self._pool = pool or urllib3.PoolManager(num_pools=16, maxsize=4, retries=False)
        self._closed_until: dict[str, float] = {}
        install_log_redaction()

    # --- the shapes of request ----------------------------------------------------------------------

    def get_json(
        self,
        url: str,
        params: Params | None = None,
        headers: Mapping[str, str] | None = None,
        *,
        call: str = "pull",
    ) -> Any:
        return self._call("GET", _with_query(url, params), None, headers, None, call=call)

    def post_json(
        self,
        url: str,
        body: Any,
        params: Params | None = None,
        headers: Mapping[str, str] | None = None,
        *,
        call: str = "pull",
    ) -> Any:
        payload = json.dumps(body, separators=(",", ":"), allow_nan=False).encode("utf-8")
        return self._call("POST", _with_query(url, params), payload, headers, "application/json", call=call)

    def put_json(
        self,
        url: str,
        body: Any,
        headers: Mapping[str, str] | None = None,
        *,
        call: str = "pull",
    ) -> Any:
        payload = json.dumps(body, separators=(",", ":"), allow_nan=False).encode("utf-8")
        return self._call("PUT", url, payload, headers, "application/json", call=call)

    def post_form(
        self, url: str, form: Params, headers: Mapping[str, str] | None = None, *, call: str = "pull"
    ) -> Any:
        """`call` names the request in log lines (a WebSub hub's "hub subscribe", not a pull)."""
        payload = urlencode({name: str(value) for name, value in form.items()}).encode("ascii")
        return self._call("POST", url, payload, headers, "application/x-www-form-urlencoded", call=call)

    # --- one call --------------------------------------------------------------------------------------

    def _call(
        self,
        method: str,
        url: str,
        payload: bytes | None,
        extra_headers: Mapping[str, str] | None,
        content_type: str | None,
        *,
        call: str,
    ) -> Any:
        target = safe_target(url)
        endpoint = f"{method} {target}"
        where = endpoint_of(method, url)
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT, **(extra_headers or {})}
        if content_type:
            headers["Content-Type"] = content_type
        try:
            return self._attempts(method, url, payload, headers, endpoint=endpoint, call=call)
        except PullError as error:
            error.endpoint = where
            raise

    def _attempts(
        self,
        method: str,
        url: str,
        payload: bytes | None,
        headers: Mapping[str, str],
        *,
        endpoint: str,
        call: str,
    ) -> Any:
        note_window = partial(self._note_window, endpoint)
        pacing = CallPacing(call, endpoint, self._pace, note_window, self._wait_for_window(endpoint, call))
        response = self._pool.request(
            method,
            url,
            body=payload,
            headers=headers,
            timeout=self._timeout,
            retries=self._retry_policy(pacing),
            redirect=False,
            preload_content=False,
        )
        attempt = len(response.retries.history) + 1 if response.retries else 1
        status = response.status
        complete = False
        try:
            data = response.read(self._max_body + 1)
            complete = len(data) <= self._max_body
        except TransportError as error:  # the body broke off after its headers: not retried
            raise Unavailable(
                f"{endpoint} failed reading its answer ({type(error).__name__})",
                attempts=attempt,
                timeout_seconds=self._timeout_seconds if timed_out(error) else None,
                problem=type(error).__name__,
            ) from None
        finally:
            if not complete:  # unread bytes would corrupt the next answer on this connection
                response.close()
            response.release_conn()
        if status in RETRIED_STATUSES:  # the attempts ran out on it: `PlatformRetry` logged and read it
            self._give_up(
                endpoint, attempt, status, pacing.reason, not_before(response.headers, self._clock())
            )
        self._note_window(endpoint, response.headers)
        if not 200 <= status < 300:
            _raise_final(endpoint, status, reason_of(data), attempt)
        return self._decode(endpoint, status, data)

    def _retry_policy(self, pacing: CallPacing) -> PlatformRetry:
        return PlatformRetry(
            pacing=pacing,
            total=self._max_attempts - 1,
            status_forcelist=RETRIED_STATUSES,
            allowed_methods=RETRIED_METHODS,
            backoff_factor=self._base_delay,
            backoff_max=self._max_delay,
            respect_retry_after_header=True,
            raise_on_status=False,
            redirect=False,
        )

    def _give_up(
        self, endpoint: str, attempt: int, status: int, reason: str | None, not_before: float | None
    ) -> NoReturn:
        if status == 429:
            retry_at = not_before if not_before is not None else self._clock() + self._base_delay
            raise RateLimited(
                f"{endpoint} still rate limited after {attempt} attempts",
                retry_at=retry_at,
                reason=reason,
                attempts=attempt,
            )
        raise Unavailable(
            f"{endpoint} answered {status} after {attempt} attempts",
            status=status,
            reason=reason,
            retry_at=not_before,
            attempts=attempt,
        )

    # --- x-rate-limit windows -----------------------------------------------------------------------

    def _note_window(self, endpoint: str, headers: Mapping[str, str]) -> None:
        """Remember an endpoint whose window is spent (`x-rate-limit-remaining: 0`) until its reset."""
        remaining = int_header(headers, "x-rate-limit-remaining")
        reset = int_header(headers, "x-rate-limit-reset")
        if remaining == 0 and reset is not None:
            self._closed_until[endpoint] = reset + CLOCK_SKEW_SECONDS
        elif remaining is not None and remaining > 0:
            self._closed_until.pop(endpoint, None)

    def _wait_for_window(self, endpoint: str, call: str) -> float:
        """Sleep until the endpoint's spent window resets, if it is spent; return how long."""
        until = self._closed_until.get(endpoint)
        if until is None:
            return 0.0
        delay = until - self._clock()
        if delay <= 0:
            del self._closed_until[endpoint]
            return 0.0
        if delay > self._max_wait:
            raise RateLimited(
                f"{endpoint}: its rate-limit window is spent until {iso(until)}", retry_at=until, status=None
            )
        logger.info(
            f"{call} waits for a rate-limit window",
            extra={"call": call, "endpoint": endpoint, "delay_s": delay},
        )
        self._sleep(delay)
        del self._closed_until[endpoint]
        return delay

    # --- bodies ---------------------------------------------------------------------------------------

    def _decode(self, endpoint: str, status: int, data: bytes) -> Any:
        if len(data) > self._max_body:
            raise MalformedResponse(f"{endpoint} answered a body over {self._max_body} bytes", status=status)
        if status in (202, 204):
            # Accepted / No Content carry no result: a WebSub hub answers 202 with a text line.
            return None
        try:
            return strict_loads(data.decode("utf-8"))
        except (ValueError, RecursionError):  # UnicodeError and JSONDecodeError are ValueErrors
            raise MalformedResponse(
                f"{endpoint} answered {status} with a body that is not JSON", status=status
            ) from None


# --- helpers ------------------------------------------------------------------------------------------


def safe_target(url: str) -> str:
    """The URL without credentials, query or fragment: what errors and logs may show."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def endpoint_of(method: str, url: str) -> str:
    """`METHOD /path`: what a failure's sentence names (no host, credentials, query or fragment)."""
    return f"{method} {urlsplit(url).path or '/'}"


def _with_query(url: str, params: Params | None) -> str:
    if not params:
        return url
    query = urlencode({name: str(value) for name, value in params.items()})
    return f"{url}{'&' if '?' in url else '?'}{query}"


def _raise_final(endpoint: str, status: int, reason: str | None, attempts: int) -> NoReturn:
    message = f"{endpoint} answered {status}"
    if status == 401:
        raise Unauthorized(message, status=status, reason=reason, attempts=attempts)
    if status == 403:
        raise Forbidden(message, status=status, reason=reason, attempts=attempts)
    raise Rejected(message, status=status, reason=reason, attempts=attempts)


__all__ = ["PlatformHttp", "PullError", "endpoint_of", "safe_target"]
