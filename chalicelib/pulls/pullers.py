"""Each platform's pull as the job calls it: its client(s), its budget, and the ids to resume with.

A puller reads the campaign items of one platform, updates `progress` (kept between runs: the
daily budget's state and the ids it did not reach) and returns one PullResult.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from chalicelib.platforms.x_api import XMetrics
from chalicelib.platforms.youtube_api import YouTubeStats
from chalicelib.pulls.budget import UnitBudget
from chalicelib.pulls.http import PlatformHttp
from chalicelib.pulls.snapshots import PullResult

Read = Callable[[Iterable[str], datetime], PullResult]
PullFunction = Callable[[Any, datetime, dict[str, Any]], PullResult]


def merge(*results: PullResult) -> PullResult:
    errors = [r.error for r in results if r.error is not None]
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


def youtube(http: PlatformHttp, base_url: str, api_key: str) -> PullFunction:
    def pull(items: Any, now: datetime, progress: dict[str, Any]) -> PullResult:
        budget = UnitBudget.youtube(state=progress.get("budget"))
        client = YouTubeStats(http, base_url, api_key, budget)
        result = content_and_accounts(items, now, progress, client.videos, client.channels)
        progress["budget"] = budget.to_state()
        return result

    return pull


def x(http: PlatformHttp, base_url: str, bearer_token: str, reads_per_day: int) -> PullFunction:
    def pull(items: Any, now: datetime, progress: dict[str, Any]) -> PullResult:
        budget = UnitBudget.x_reads(reads_per_day, state=progress.get("budget"))
        client = XMetrics(http, base_url, bearer_token, budget)
        result = content_and_accounts(items, now, progress, client.tweets, client.users)
        progress["budget"] = budget.to_state()
        return result

    return pull
