"""What can go wrong when pulling a platform's counters. Pure.

Every message is short and safe to log or store as a source's `last_error`: it names the method, the
host and path and the status, never a token, an API key, a query string or a response body. `reason`
is a platform's own short error code when it gave one (`quotaExceeded`, `rate_limit_exceeded`...),
restricted to a few plain characters.
"""

from __future__ import annotations


class PullError(Exception):
    """Base of every pull failure, whatever the platform. `status` is the HTTP status when one came."""

    def __init__(self, message: str, *, status: int | None = None, reason: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.reason = reason


class RateLimited(PullError):
    """429 (or a rate-limit window known to be spent): no request may be made before `retry_at`
    (unix seconds), and waiting for it here would exceed the call's budget or its attempts."""

    def __init__(
        self, message: str, *, retry_at: float, status: int | None = 429, reason: str | None = None
    ) -> None:
        super().__init__(message, status=status, reason=reason)
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
    is set when the platform said when to come back (503 with `Retry-After`)."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        reason: str | None = None,
        retry_at: float | None = None,
    ) -> None:
        super().__init__(message, status=status, reason=reason)
        self.retry_at = retry_at


class MalformedResponse(PullError):
    """A 2xx whose body is not strict JSON, or JSON of a shape the client cannot read."""


class BudgetExhausted(PullError):
    """Not raised by HTTP: a client stopped because its daily budget (YouTube units, X reads) is spent
    down to its reserve. The ids it did not read are in the `PullResult`, for a later run."""
