"""Spotify's pull as the job calls it: artists only, with a cached client-credentials token."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.platforms.capabilities import PullContext, PullFunction
from chalicelib.platforms.spotify.api import Spotify
from chalicelib.pulls.pullers import content_and_accounts, nothing
from chalicelib.pulls.snapshots import PullResult


def puller(context: PullContext) -> PullFunction:
    endpoints = context.settings.endpoints
    connect = Spotify.connector(
        context,
        endpoints.spotify_api_base,
        endpoints.spotify_auth_base,
        "SPOTIFY_CLIENT_ID",
        "SPOTIFY_CLIENT_SECRET",
    )

    def pull(items: Any, now: datetime, progress: dict[str, Any]) -> PullResult:
        client = connect()
        return content_and_accounts(items, now, progress, nothing, client.artists)

    return pull
