"""urllib3's `Retry`, taught what the platforms say about waiting and what one call may spend on it.

urllib3 decides whether an attempt is retried (429 and 5xx, network failures, up to `total` retries,
`Retry-After` respected); `PlatformRetry` adds what urllib3 does not know:

- X's `x-rate-limit-reset` (unix seconds) counts like `Retry-After`, and an HTTP-date is read on the
  injected clock with `CLOCK_SKEW_SECONDS` more, so that ours, a little behind, never retries early;
- the wait is the longer of the back-off and the platform's time, never the platform's time alone;
- the back-off starts at the first retry (urllib3 waits nothing there) with half of it random;
- the waits of one call may add up to `CallPacing.max_wait`: a wait that would go beyond raises
  (`RateLimited` for a 429, `Unavailable` for a 5xx or a network failure) instead of sleeping;
- each failed attempt is logged (`<call> request failed`) without its query, and a network failure
  on the last attempt is `Unavailable` naming its kind, not urllib3's `MaxRetryError` (whose text
  holds the URL and its query).
"""

from __future__ import annotations

import email.utils
import json
import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Self

from urllib3 import BaseHTTPResponse
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError, NewConnectionError, ReadTimeoutError
from urllib3.util.retry import Retry

from chalicelib.pulls.errors import RateLimited, Unavailable

logger = logging.getLogger("engagement-tracker.pulls")

CLOCK_SKEW_SECONDS = 1.0
"""Added to waits derived from the platform's clock (an HTTP-date, a reset time) so ours, a little
behind, never comes back early."""

RETRIED_STATUSES = frozenset({429, *range(500, 600)})
RETRIED_METHODS = frozenset({"GET", "POST", "PUT"})
"""Every request a pull client sends is a read or a write that may be repeated (a token grant, a
TikTok video query, a hub subscription, hiding a comment), so each method is retried."""

_REASON = re.compile(r"[A-Za-z0-9_.\- ]{1,64}")
_REASON_BODY_BYTES = 65536


@dataclass(frozen=True, slots=True)
class Pace:
    """A client's time (injected for tests), its timeout and what each call may wait in all."""

    timeout_seconds: float
    max_wait: float
    sleep: Callable[[float], None]
    clock: Callable[[], float]
    jitter: Callable[[], float]


@dataclass
class CallPacing:
    """What one call has waited at its client's `pace`; shared by the `PlatformRetry` copies of a call."""

    call: str
    endpoint: str
    pace: Pace
    on_answer: Callable[[Mapping[str, str]], None]
    waited: float = 0.0
    reason: str | None = None
    """The short error code of the last retried answer (its body is read before urllib3 drains it)."""


class PlatformRetry(Retry):
    """`Retry` for one call, paced by its `CallPacing` (see the module's docstring)."""

    # 413 with a Retry-After stays a final answer (`Rejected`), as any 4xx but 429.
    RETRY_AFTER_STATUS_CODES = frozenset({429, 503})

    def __init__(self, *, pacing: CallPacing, **options: Any) -> None:
        super().__init__(**options)
        self.pacing = pacing

    def new(self, **options: Any) -> Self:
        options.setdefault("pacing", self.pacing)
        return super().new(**options)

    def get_backoff_time(self) -> float:
        """Exponential from the first retry, capped at `backoff_max`; half of it fixed, half random."""
        ceiling = min(self.backoff_max, self.backoff_factor * 2.0 ** min(len(self.history) - 1, 30))
        return ceiling / 2 + self.pacing.pace.jitter() * ceiling / 2

    def get_retry_after(self, response: BaseHTTPResponse) -> float | None:
        """Seconds until the platform allows a retry (`Retry-After` or `x-rate-limit-reset`)."""
        now = self.pacing.pace.clock()
        moment = not_before(response.headers, now)
        return None if moment is None else max(0.0, moment - now)

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: BaseHTTPResponse | None = None,
        error: Exception | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> Self:
        attempt = len(self.history) + 1
        pacing = self.pacing
        problem = type(error).__name__ if error is not None else None
        status = None
        if response is not None:
            status = response.status
            pacing.on_answer(response.headers)
            pacing.reason = reason_of(response.read(_REASON_BODY_BYTES + 1))
        _log_failure(pacing, attempt, status, pacing.reason if response is not None else problem)
        try:
            return super().increment(method, url, response, error, *args, **kwargs)
        except MaxRetryError:
            if error is None:  # an answer: urllib3 hands it back (raise_on_status=False) to be read
                raise
            raise Unavailable(
                f"{pacing.endpoint} failed after {attempt} attempts ({problem})",
                attempts=attempt,
                timeout_seconds=pacing.pace.timeout_seconds if timed_out(error) else None,
                problem=problem,
            ) from None

    def sleep(self, response: BaseHTTPResponse | None = None) -> None:
        """Wait the back-off, or the platform's time if longer; raise if the call may not wait that."""
        pacing = self.pacing
        now = pacing.pace.clock()
        allowed = not_before(response.headers, now) if response is not None else None
        delay = self.get_backoff_time()
        if allowed is not None:
            delay = max(delay, allowed - now)
        if pacing.waited + delay > pacing.pace.max_wait:
            self._refuse_wait(response, now + delay, platform_said=allowed is not None)
        pacing.pace.sleep(delay)
        pacing.waited += delay

    def _refuse_wait(
        self, response: BaseHTTPResponse | None, retry_at: float, *, platform_said: bool
    ) -> None:
        pacing = self.pacing
        attempts = len(self.history)
        status = response.status if response is not None else None
        reason = pacing.reason if response is not None else None
        if status == 429:
            raise RateLimited(
                f"{pacing.endpoint} is rate limited until {iso(retry_at)}",
                retry_at=retry_at,
                reason=reason,
                attempts=attempts,
            )
        last_error = self.history[-1].error if response is None and self.history else None
        raise Unavailable(
            f"{pacing.endpoint} answered {status or 'no response'}; the next try is due later than "
            f"this call may wait",
            status=status,
            reason=reason,
            retry_at=retry_at if platform_said else None,
            attempts=attempts,
            timeout_seconds=pacing.pace.timeout_seconds
            if last_error is not None and timed_out(last_error)
            else None,
            problem=type(last_error).__name__ if last_error is not None else None,
        )


def _log_failure(pacing: CallPacing, attempt: int, status: int | None, reason: str | None) -> None:
    logger.warning(
        f"{pacing.call} request failed",
        extra={
            "call": pacing.call,
            "endpoint": pacing.endpoint,
            "attempt": attempt,
            "status": status,
            "reason": reason,
        },
    )


def timed_out(error: Exception) -> bool:
    """A connect or read timeout; a refused connection is a `NewConnectionError`, which urllib3
    makes a subclass of `ConnectTimeoutError` for old callers' sake."""
    if isinstance(error, NewConnectionError):
        return False
    return isinstance(error, ConnectTimeoutError | ReadTimeoutError)


def not_before(headers: Mapping[str, str], now: float) -> float | None:
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
    reset = int_header(headers, "x-rate-limit-reset")
    if reset is not None:
        candidates.append(reset + CLOCK_SKEW_SECONDS)
    return max(candidates) if candidates else None


def int_header(headers: Mapping[str, str], name: str) -> int | None:
    value = headers.get(name, "").strip()
    return int(value) if value.isdigit() and len(value) <= 12 else None


def reason_of(data: bytes) -> str | None:
    """The platform's short error code from an error body, if it has a recognisable one.

    Google: `error.errors[0].reason` or `error.status`; X: `title`; TikTok: `error.code`; Meta:
    `error.type`; OAuth: `error`. Anything else, or anything longer or odder than a code, is None.
    """
    try:
        body = json.loads(data.decode("utf-8")) if data and len(data) <= _REASON_BODY_BYTES else None
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


def iso(moment: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(moment))
