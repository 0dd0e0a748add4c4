"""What every platform's puller shares (each platform's own is `platforms/<name>/pull.py`).

A puller reads the campaign items of one platform, updates `progress` (kept between runs: the
daily budget's state and the ids it did not reach) and returns one PullResult. This module imports
no platform: platform clients import `pulls`, never the reverse.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from chalicelib.pulls.snapshots import PullResult

Read = Callable[[Iterable[str], datetime], PullResult]
PullFunction = Callable[[Any, datetime, dict[str, Any]], PullResult]


def merge(*results: PullResult) -> PullResult:
    """One result of several reads; its error is the first that stopped a read (ids left), else the
    first met on the way (a refusal)."""
    stopped = [r.error for r in results if r.error is not None and r.remaining_ids]
    errors = stopped or [r.error for r in results if r.error is not None]
    return PullResult(
        snapshots=tuple(s for r in results for s in r.snapshots),
        remaining_ids=tuple(i for r in results for i in r.remaining_ids),
        missing_ids=tuple(i for r in results for i in r.missing_ids),
        error=errors[0] if errors else None,
    )


def content_and_accounts(
    items: Any, now: datetime, progress: dict[str, Any], content: Read, accounts: Read
) -> PullResult:
    """Read the content, then the accounts; record what is left of each for the next run."""
    read_content = content(items.content, now) if items.content else PullResult()
    read_accounts = accounts(items.accounts, now) if items.accounts else PullResult()
    progress["remaining"] = {
        "content": list(read_content.remaining_ids),
        "accounts": list(read_accounts.remaining_ids),
    }
    return merge(read_content, read_accounts)


def nothing(ids: Iterable[str], now: datetime) -> PullResult:
    """Platforms without content counters (Spotify and Deezer track artists)."""
    return PullResult(missing_ids=tuple(ids))
