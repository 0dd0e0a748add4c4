"""One HTTP client for every platform's pull: timeouts, retries, rate-limit headers, strict JSON.

Built on urllib3 (already shipped with botocore), without its own retries or redirects: this module
decides what is retried and how long to wait.

- Connect and read timeouts on every request; a body larger than `max_body_bytes` is malformed.
- 429, 5xx and network failures (refused, reset, timed out) are retried up to `max_attempts` in all,
  with exponential back-off and jitter (half fixed, half random), never sooner than the platform said:
  `Retry-After` (delta-seconds or an HTTP-date) and X's `x-rate-limit-reset` (unix seconds).
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

import email.utils
import json
import logging
import random
import re
import time
from collections.abc import Callable, Mapping
from typing import Any, NoReturn
from urllib.parse import urlencode, urlsplit, urlunsplit

import urllib3
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError, ReadTimeoutError
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

logger = logging.getLogger("engagement-tracker.pulls")

Params = Mapping[str, str | int]
USER_AGENT = "engagement-tracker/0.1 (+scheduled counters)"
CLOCK_SKEW_SECONDS = 1.0
"""Added to waits derived from the platform's clock (an HTTP-date, a reset time) so ours, a little
behind, never comes back early."""

_REASON = re.compile(r"[A-Za-z0-9_.\- ]{1,64}")
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
        self._jitter = jitter
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

    # --- the loop -------------------------------------------------------------------------------------

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
        waited = self._wait_for_window(endpoint, call)
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._pool.request(
                    method,
                    url,
                    body=payload,
                    headers=headers,
                    timeout=self._timeout,
                    retries=False,
                    redirect=False,
                    preload_content=False,
                )
                complete = False
                try:
                    status = response.status
                    data = response.read(self._max_body + 1)
                    response_headers = {name.lower(): value for name, value in response.headers.items()}
                    complete = len(data) <= self._max_body
                finally:
                    if not complete:  # unread bytes would corrupt the next answer on this connection
                        response.close()
                    response.release_conn()
            except TransportError as error:  # refused, reset, timed out, protocol
                problem = type(error).__name__
                timeout = self._timeout_seconds if _timed_out(error) else None
                self._log_retry(call, endpoint, attempt, None, problem)
                if attempt >= self._max_attempts:
                    raise Unavailable(
                        f"{endpoint} failed after {attempt} attempts ({problem})",
                        attempts=attempt,
                        timeout_seconds=timeout,
                        problem=problem,
                    ) from None
                try:
                    waited += self._back_off(endpoint, attempt, None, waited, status=None, reason=None)
                except Unavailable as gave_up:  # the next try would wait too long: say why it failed
                    gave_up.timeout_seconds, gave_up.problem = timeout, problem
                    raise
                continue

            self._note_window(endpoint, response_headers)
            if 200 <= status < 300:
                return self._decode(endpoint, status, data)
            reason = _reason(data)
            if status == 429 or status >= 500:
                not_before = _not_before(response_headers, self._clock())
                self._log_retry(call, endpoint, attempt, status, reason)
                if attempt >= self._max_attempts:
                    self._give_up(endpoint, attempt, status, reason, not_before)
                waited += self._back_off(endpoint, attempt, not_before, waited, status=status, reason=reason)
                continue
            _raise_final(endpoint, status, reason, attempt)

    def _back_off(
        self,
        endpoint: str,
        attempt: int,
        not_before: float | None,
        waited: float,
        *,
        status: int | None,
        reason: str | None,
    ) -> float:
        """Sleep before the next attempt and return how long; raise if it would exceed the budget."""
        ceiling = min(self._max_delay, self._base_delay * 2.0 ** min(attempt - 1, 30))
        delay = ceiling / 2 + self._jitter() * ceiling / 2
        now = self._clock()
        if not_before is not None:
            delay = max(delay, not_before - now)
        if waited + delay > self._max_wait:
            retry_at = now + delay
            if status is None or status >= 500:
                raise Unavailable(
                    f"{endpoint} answered {status or 'no response'}; the next try is due later than "
                    f"this call may wait",
                    status=status,
                    reason=reason,
                    retry_at=retry_at if not_before is not None else None,
                    attempts=attempt,
                )
            raise RateLimited(
                f"{endpoint} is rate limited until {_iso(retry_at)}",
                retry_at=retry_at,
                status=status,
                reason=reason,
                attempts=attempt,
            )
        self._sleep(delay)
        return delay

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
        remaining = _int_header(headers, "x-rate-limit-remaining")
        reset = _int_header(headers, "x-rate-limit-reset")
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
                f"{endpoint}: its rate-limit window is spent until {_iso(until)}", retry_at=until, status=None
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

    def _log_retry(
        self, call: str, endpoint: str, attempt: int, status: int | None, reason: str | None
    ) -> None:
        logger.warning(
            f"{call} request failed",
            extra={
                "call": call,
                "endpoint": endpoint,
                "attempt": attempt,
                "status": status,
                "reason": reason,
            },
        )


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


def _timed_out(error: TransportError) -> bool:
    """A connect or read timeout; a refused connection is a `NewConnectionError`, which urllib3
    makes a subclass of `ConnectTimeoutError` for old callers' sake."""
    if isinstance(error, NewConnectionError):
        return False
    return isinstance(error, ConnectTimeoutError | ReadTimeoutError)


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


def _not_before(headers: Mapping[str, str], now: float) -> float | None:
    """The earliest unix time the platform allows a retry at, from `Retry-After` and `x-rate-limit-reset`.

    A delta counts from when the answer came (`now`); absolute times get `CLOCK_SKEW_SECONDS` more.
    Unreadable values are ignored (the back-off still applies); the latest of several wins.
    """
    candidates: list[float] = []
    retry_after = headers.get("retry-after", "").strip()
    if retry_after.isdigit():
        candidates.append(now + int(retry_after))
    elif retry_after:
        try:
            moment = email.utils.parsedate_to_datetime(retry_after)
        except (TypeError, ValueError, IndexError):
            moment = None
        if moment is not None and moment.tzinfo is not None:
            candidates.append(moment.timestamp() + CLOCK_SKEW_SECONDS)
    reset = _int_header(headers, "x-rate-limit-reset")
    if reset is not None:
        candidates.append(reset + CLOCK_SKEW_SECONDS)
    return max(candidates) if candidates else None


def _int_header(headers: Mapping[str, str], name: str) -> int | None:
    value = headers.get(name, "").strip()
    return int(value) if value.isdigit() and len(value) <= 12 else None


def _reason(data: bytes) -> str | None:
    """The platform's short error code from an error body, if it has a recognisable one.

    Google: `error.errors[0].reason` or `error.status`; X: `title`; TikTok: `error.code`; Meta:
    `error.type`; OAuth: `error`. Anything else, or anything longer or odder than a code, is None.
    """
    try:
        body = json.loads(data.decode("utf-8")) if data and len(data) <= 65536 else None
    except (ValueError, RecursionError):
        return None
    if not isinstance(body, dict):
        return None
    error = body.get("error")
    candidates: list[object] = []
    if isinstance(error, dict):
        details = error.get("errors")
        if isinstance(details, list) and details and isinstance(details[0], dict):
            candidates.append(details[0].get("reason"))
        candidates.extend([error.get("status"), error.get("code"), error.get("type")])
    else:
        candidates.append(error)
    candidates.append(body.get("title"))
    for candidate in candidates:
        if isinstance(candidate, str) and _REASON.fullmatch(candidate):
            return candidate
    return None


def _iso(moment: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(moment))


__all__ = ["PlatformHttp", "PullError", "endpoint_of", "safe_target"]
