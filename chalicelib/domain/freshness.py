"""A platform's freshness in a campaign's summary: when a pull last reached it, and the failure a lead
should see (contract section 6). Pure.

The pull job keeps one state per platform (`PullState`): the latest pull that reached the platform
(any answer from it: a timeout, a refused connection, a spent budget or missing credentials reach
nothing), and the latest failure since the latest pull that ended cleanly, with its time. A clean
pull clears the failure.

A campaign's summary shows that failure only when it is newer than the latest good reading of one of
the items the campaign tracks on the platform: a failure that hit other campaigns' ids, in a pull
that read every one of this campaign's items well (or a later pull that did), is not this campaign's
news. An item that has never been read well (deleted, or never reached) keeps any failure in view. A
failure at or after the end of the summary's window (a campaign that ended, whose items are no
longer pulled) is not shown either.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

ItemKey = tuple[str, str]  # ("content" | "account", item id)

# The kind of a pull failure, recorded beside its sentence (chalicelib.pulls.failures.error_kind).
ErrorKind = Literal[
    "no_credentials",
    "misconfigured",
    "budget_spent",
    "rate_limited",
    "timeout",
    "unreachable",
    "unreadable",
    "refused",
    "failed",
]


@dataclass(frozen=True, slots=True)
class Freshness:
    """A platform's freshness for one campaign: the latest pull that reached the platform, and the
    failure the campaign should see, with its kind."""

    last_pull_at: datetime | None = None
    last_error: str | None = None
    error_kind: str | None = None


@dataclass(frozen=True, slots=True)
class PullState:
    """One platform's pull state: `reached_at` the latest pull that got an answer from it; `error`
    the sentence of the latest failure since its latest clean pull, `error_kind` its kind (None in
    states written before kinds were recorded), and `error_at` that pull's time."""

    reached_at: datetime | None = None
    error: str | None = None
    error_at: datetime | None = None
    error_kind: str | None = None


def campaign_freshness(
    state: PullState,
    items: Iterable[ItemKey],
    good_since: Mapping[ItemKey, datetime],
    window_end: datetime | None = None,
) -> Freshness:
    """The platform's freshness for a campaign tracking `items`, each item's latest good reading in
    the window being `good_since[item]` (absent when it has none), the window ending at `window_end`."""
    failed_at = state.error_at
    if state.error is None or (failed_at is not None and window_end is not None and failed_at >= window_end):
        return Freshness(state.reached_at, None)
    items = list(items)
    read_since = (
        failed_at is not None
        and bool(items)
        and all(item in good_since and good_since[item] >= failed_at for item in items)
    )
    if read_since:
        return Freshness(state.reached_at, None)
    return Freshness(state.reached_at, state.error, state.error_kind)
