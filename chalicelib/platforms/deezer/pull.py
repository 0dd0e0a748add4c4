"""Deezer's pull as the job calls it: artists only, from the public API (no credentials)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.platforms.capabilities import PullContext, PullFunction
from chalicelib.platforms.deezer.api import Deezer
from chalicelib.pulls.pullers import content_and_accounts, nothing
from chalicelib.pulls.snapshots import PullResult


def puller(context: PullContext) -> PullFunction:
    base_url = context.settings.endpoints.deezer_api_base

    def pull(items: Any, now: datetime, progress: dict[str, Any]) -> PullResult:
        client = Deezer(context.http, base_url)
        return content_and_accounts(items, now, progress, nothing, client.artists)

    return pull
