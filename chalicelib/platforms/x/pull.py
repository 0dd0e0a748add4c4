"""X's pull as the job calls it: posts and users within the day's paid reads."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.platforms.capabilities import PullContext, PullFunction
from chalicelib.platforms.x.api import XMetrics
from chalicelib.pulls.budget import UnitBudget
from chalicelib.pulls.pullers import content_and_accounts
from chalicelib.pulls.snapshots import PullResult


def puller(context: PullContext) -> PullFunction:
    (bearer_token,) = context.credentials("X_BEARER_TOKEN")
    http, base_url = context.http, context.settings.endpoints.x_api_base
    reads_per_day = context.settings.x_reads_per_day

    def pull(items: Any, now: datetime, progress: dict[str, Any]) -> PullResult:
        budget = UnitBudget.x_reads(reads_per_day, state=progress.get("budget"))
        client = XMetrics(http, base_url, bearer_token, budget)
        result = content_and_accounts(items, now, progress, client.tweets, client.users)
        progress["budget"] = budget.to_state()
        return result

    return pull
