"""The sentence a failure leaves as a platform's `last_error` in summaries (contract section 6). Pure.

A campaign lead reads it beside the platform's counters, so it says what happened in words, with
what an operator needs to act on it: the HTTP status (and the platform's reason or the status's
name), the platform's own error when it answered one inside an HTTP 200, a refusal, a spent budget,
a rate limit, a timeout, an unreachable platform, or exactly `no credentials configured (<VARIABLE>)`.
It names the request's method and path, never a host's credentials, a query string (where keys and
tokens travel), a header or a body. Forms, where `{P}` is the platform's name (or "The hub"):

- `no credentials configured (YOUTUBE_API_KEY)` (the missing variables, separated by ", ")
- `{P} is misconfigured: <what, never the value>.`
- `{P}'s daily budget is spent: <the budget, or the answer that said so>. The items left are read
  first next run.`
- `{P} rate-limited the tracker: it answered <answer> to <endpoint>[ after N attempts]. Next try
  after <time>.` (or `...: its rate-limit window for <endpoint> is spent. Next try after <time>.`)
- `{P} refused the request: it answered <answer> to <endpoint>.[ <what that means>.]`
- `{P} refused the credential: it answered <answer> to <endpoint>.`
- `{P} timed out: no answer within <s> s to <endpoint>[ after N attempts].`
- `{P} could not be reached (<kind of network failure>) at <endpoint>[ after N attempts].`
- `{P} gave an answer the tracker cannot read to <endpoint> (HTTP <status>).`
- `{P} answered <answer> to <endpoint>[ after N attempts].`

where `<answer>` is `HTTP 503 (Service Unavailable)`, `HTTP 400 (badRequest)` (the platform's own
reason when it gave one) or `HTTP 200 with its own error 100 (ItemsLimitExceededException: Items limit
exceeded)`.
"""

from __future__ import annotations

import time
from http import HTTPStatus

from chalicelib.domain.events import platform_name
from chalicelib.domain.freshness import ErrorKind
from chalicelib.pulls.errors import (
    DAILY_QUOTA_REASONS,
    BudgetExhausted,
    Forbidden,
    MalformedResponse,
    Misconfigured,
    NoCredentials,
    PullError,
    RateLimited,
    Unauthorized,
    Unavailable,
)

ITEMS_LEFT = "The items left are read first next run."


def no_credentials(*variables: str) -> str:
    """Exactly `no credentials configured (<VARIABLE>[, <VARIABLE>])`."""
    return f"no credentials configured ({', '.join(variables)})"


def answer(error: PullError) -> str | None:
    """What the platform answered, in words: `HTTP 403 (Forbidden)`, `HTTP 429 (rate_limit_exceeded)`,
    `HTTP 200 with its own error 4 (Exception: Quota limit exceeded)`; None when nothing came."""
    if error.status is None:
        return None
    if error.own_error:
        return f"HTTP {error.status} with its own error {error.own_error}"
    return f"HTTP {error.status} ({error.reason or _phrase(error.status)})"


def reason_of(error: PullError) -> str | None:
    """A failure's short reason: the platform's own (`quotaExceeded`), else the HTTP status's name
    (`Bad Request`), else what kept the answer away (`timeout`, `NewConnectionError`)."""
    if error.reason:
        return error.reason
    if error.status is not None:
        return _phrase(error.status)
    if isinstance(error, Unavailable):
        return "timeout" if error.timeout_seconds is not None else error.problem
    return None


def error_kind(error: PullError) -> ErrorKind:
    """What kind of failure `error` is, as the pull state records it beside its sentence: what a
    summary's attention list is decided on (chalicelib.domain.attention), in the order `describe`
    decides its sentence."""
    no_answer = isinstance(error, Unavailable) and error.status is None
    kinds: tuple[tuple[bool, ErrorKind], ...] = (
        (isinstance(error, NoCredentials), "no_credentials"),
        (isinstance(error, Misconfigured), "misconfigured"),
        (isinstance(error, BudgetExhausted) or error.reason in DAILY_QUOTA_REASONS, "budget_spent"),
        (isinstance(error, RateLimited), "rate_limited"),
        (no_answer and isinstance(error, Unavailable) and error.timeout_seconds is not None, "timeout"),
        (no_answer, "unreachable"),
        (isinstance(error, MalformedResponse), "unreadable"),
        (isinstance(error, Forbidden | Unauthorized), "refused"),
    )
    return next((kind for matched, kind in kinds if matched), "failed")


def describe(error: PullError, subject: str) -> str:
    """The sentence for `error`; `subject` names who failed (`platform_name(...)`, "The hub")."""
    if isinstance(error, NoCredentials):
        return no_credentials(*error.variables)
    if isinstance(error, Misconfigured):
        return f"{subject} is misconfigured: {_clause(error.message)}."
    if isinstance(error, BudgetExhausted) or error.reason in DAILY_QUOTA_REASONS:
        return _budget_spent(error, subject)
    if isinstance(error, RateLimited):
        return _rate_limited(error, subject)
    if isinstance(error, Unavailable) and error.status is None:
        return _no_answer(error, subject)
    return _answered(error, subject)


def _budget_spent(error: PullError, subject: str) -> str:
    answered = answer(error)
    what = f"it answered {answered}{_to(error)}" if answered else _clause(error.message)
    return f"{subject}'s daily budget is spent: {what}. {ITEMS_LEFT}"


def _rate_limited(error: RateLimited, subject: str) -> str:
    after = f" Next try after {_iso(error.retry_at)}."
    answered = answer(error)
    if answered:
        said = f"it answered {answered}{_to(error)}{_tries(error)}"
        return f"{subject} rate-limited the tracker: {said}.{after}"
    window = f" for {error.endpoint}" if error.endpoint else ""
    return f"{subject} rate-limited the tracker: its rate-limit window{window} is spent.{after}"


def _no_answer(error: Unavailable, subject: str) -> str:
    if error.timeout_seconds is not None:
        within = f"no answer within {error.timeout_seconds:g} s"
        return f"{subject} timed out: {within}{_to(error)}{_tries(error)}."
    at = f" at {error.endpoint}" if error.endpoint else ""
    return f"{subject} could not be reached ({error.problem or 'network failure'}){at}{_tries(error)}."


def _answered(error: PullError, subject: str) -> str:
    answered = answer(error)
    if isinstance(error, MalformedResponse):
        status = f" (HTTP {error.status})" if error.status is not None else ""
        return f"{subject} gave an answer the tracker cannot read{_to(error)}{status}."
    if answered is None:
        return f"{subject} failed: {_clause(error.message)}."
    said = f"answered {answered}{_to(error)}{_tries(error)}."
    then = f" {_clause(error.detail)}." if error.detail else ""
    if isinstance(error, Forbidden):
        return f"{subject} refused the request: it {said}{then}"
    if isinstance(error, Unauthorized):
        return f"{subject} refused the credential: it {said}{then}"
    return f"{subject} {said}{then}"


def _to(error: PullError) -> str:
    return f" to {error.endpoint}" if error.endpoint else ""


def _tries(error: PullError) -> str:
    return f" after {error.attempts} attempts" if error.attempts and error.attempts > 1 else ""


def describe_pull(error: PullError, platform: str) -> str:
    """A platform's `last_error` for a pull that failed with `error`."""
    return describe(error, platform_name(platform))


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "unknown status"


def _clause(text: str) -> str:
    """`text` as a clause inside a sentence: no full stop of its own at the end."""
    return text.rstrip().rstrip(".")


def _iso(moment: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(moment))
