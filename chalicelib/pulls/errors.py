"""What can go wrong when pulling a platform's counters. Pure.

Every message is short and safe to log: it names the method, the host and path and the status, never
a token, an API key, a query string or a response body. `reason` is a platform's own short error code
when it gave one (`quotaExceeded`, `rate_limit_exceeded`...), restricted to a few plain characters.
The other fields are what `chalicelib.pulls.failures` turns into the sentence a summary shows as a
platform's `last_error`: `endpoint` (method and path, no host, no query), `attempts` (how many
requests the call made), `own_error` (an error the platform put in a successful answer, as Deezer and
TikTok do: its code and its words, screened by `plain`) and `detail` (what the failure means for the
counters, such as a refusal's consequence).
"""

from __future__ import annotations

import re
from typing import TypedDict, Unpack

# YouTube's own reasons for "the day's quota is gone" (a spent budget, though it comes as a 403).
DAILY_QUOTA_REASONS = frozenset({"quotaExceeded", "dailyLimitExceeded"})

_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _.,:;'()/-]{0,159}")


def plain(text: object) -> str | None:
    """`text` when it is a short plain phrase (a platform's own error message), else None: whatever
    else a platform put in its error could be anything, so it is left out rather than stored."""
    if not isinstance(text, str):
        return None
    text = " ".join(text.split())
    return text if _PLAIN.fullmatch(text) else None


class Answer(TypedDict, total=False):
    """What a failure with its own constructor passes on to `PullError` as it is."""

    reason: str | None
    endpoint: str | None
    attempts: int | None
    own_error: str | None


class PullError(Exception):
    """Base of every pull failure, whatever the platform. `status` is the HTTP status when one came."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        reason: str | None = None,
        endpoint: str | None = None,
        attempts: int | None = None,
        own_error: str | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.reason = reason
        self.endpoint = endpoint
        self.attempts = attempts
        self.own_error = own_error
        self.detail = detail

    @property
    def answered(self) -> bool:
        """Whether the platform answered at all (an HTTP status came, or a body we could not read);
        False for a network failure, a timeout, a closed rate-limit window or a spent budget, where
        the pull never reached it."""
        return self.status is not None


class RateLimited(PullError):
    """429 (or a rate-limit window known to be spent): no request may be made before `retry_at`
    (unix seconds), and waiting for it here would exceed the call's budget or its attempts."""

    def __init__(
        self,
        message: str,
        *,
        retry_at: float,
        status: int | None = 429,
        **answer: Unpack[Answer],
    ) -> None:
        super().__init__(message, status=status, **answer)
        self.retry_at = retry_at


class Unauthorized(PullError):
    """401: the credential is missing, wrong or expired. A token owner may refresh once and retry."""


class Forbidden(PullError):
    """403: the credential is valid but not allowed this (Spotify without extended quota, YouTube's
    `quotaExceeded`). A documented state to report, not to retry."""


class Rejected(PullError):
    """Any other answer that retrying cannot fix (400, 404, a redirect): the request itself is wrong."""


class Unavailable(PullError):
    """5xx or a network failure (refused connection, timeout) that outlasted the retries. `retry_at`
    is set when the platform said when to come back (503 with `Retry-After`); `timeout_seconds` when
    the last attempt got no answer within that time; `problem` names a network failure's kind."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        retry_at: float | None = None,
        timeout_seconds: float | None = None,
        problem: str | None = None,
        **answer: Unpack[Answer],
    ) -> None:
        super().__init__(message, status=status, **answer)
        self.retry_at = retry_at
        self.timeout_seconds = timeout_seconds
        self.problem = problem


class MalformedResponse(PullError):
    """A 2xx whose body is not strict JSON, or JSON of a shape the client cannot read."""

    @property
    def answered(self) -> bool:
        return True


class BudgetExhausted(PullError):
    """Not raised by HTTP: a client stopped because its daily budget (YouTube units, X reads) is spent
    down to its reserve. The ids it did not read are in the `PullResult`, for a later run."""


class NoCredentials(PullError):
    """Not raised by HTTP: the platform's credentials (`variables`, the secrets' names) are not
    configured, so nothing was asked; or, for TikTok, an account has no token among them."""

    def __init__(self, *variables: str) -> None:
        if not variables:
            raise ValueError("name the variable(s) that are missing")
        super().__init__(f"no credentials configured ({', '.join(variables)})")
        self.variables = variables


class Misconfigured(PullError):
    """Not raised by HTTP: a credential is set but cannot be used as it is (`TIKTOK_ACCESS_TOKENS`
    that is not `open_id=token` pairs). The message names the variable and the position, never a value."""
