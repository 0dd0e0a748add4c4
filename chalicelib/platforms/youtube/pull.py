"""YouTube's pull as the job calls it: videos and channels within the day's unit budget."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.platforms.capabilities import PullContext, PullFunction
from chalicelib.platforms.youtube.api import YouTubeStats
from chalicelib.pulls.budget import UnitBudget
from chalicelib.pulls.pullers import content_and_accounts
from chalicelib.pulls.snapshots import PullResult


def puller(context: PullContext) -> PullFunction:
    (api_key,) = context.credentials("YOUTUBE_API_KEY")
    http, base_url = context.http, context.settings.endpoints.youtube_api_base

    def pull(items: Any, now: datetime, progress: dict[str, Any]) -> PullResult:
        budget = UnitBudget.youtube(state=progress.get("budget"))
        client = YouTubeStats(http, base_url, api_key, budget)
        result = content_and_accounts(items, now, progress, client.videos, client.channels)
        progress["budget"] = budget.to_state()
        return result

    return pull
