"""SoundCloud's pull as the job calls it: tracks and users, with a cached client-credentials token."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.platforms.capabilities import PullContext, PullFunction
from chalicelib.platforms.soundcloud.api import SoundCloud
from chalicelib.pulls.pullers import content_and_accounts
from chalicelib.pulls.snapshots import PullResult


def puller(context: PullContext) -> PullFunction:
    endpoints = context.settings.endpoints
    connect = SoundCloud.connector(
        context,
        endpoints.soundcloud_api_base,
        endpoints.soundcloud_auth_base,
        "SOUNDCLOUD_CLIENT_ID",
        "SOUNDCLOUD_CLIENT_SECRET",
    )

    def pull(items: Any, now: datetime, progress: dict[str, Any]) -> PullResult:
        client = connect()
        return content_and_accounts(items, now, progress, client.tracks, client.users)

    return pull
