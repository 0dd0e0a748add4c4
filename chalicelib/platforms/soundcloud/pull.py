"""SoundCloud's pull as the job calls it: tracks and users, with a cached client-credentials token."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.platforms.capabilities import PullContext, PullFunction
from chalicelib.platforms.soundcloud.api import SoundCloud
from chalicelib.pulls.pullers import content_and_accounts
from chalicelib.pulls.snapshots import PullResult


def puller(context: PullContext) -> PullFunction:
    client_id, client_secret = context.credentials("SOUNDCLOUD_CLIENT_ID", "SOUNDCLOUD_CLIENT_SECRET")
    endpoints, cache = context.settings.endpoints, context.token_cache()

    def pull(items: Any, now: datetime, progress: dict[str, Any]) -> PullResult:
        client = SoundCloud(
            context.http,
            endpoints.soundcloud_api_base,
            endpoints.soundcloud_auth_base,
            client_id,
            client_secret,
            cache,
        )
        return content_and_accounts(items, now, progress, client.tracks, client.users)

    return pull
