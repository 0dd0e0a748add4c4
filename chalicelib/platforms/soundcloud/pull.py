"""SoundCloud's pull as the job calls it: tracks and users, with a cached client-credentials token."""

from __future__ import annotations

from chalicelib.platforms.capabilities import PullContext, PullFunction
from chalicelib.platforms.soundcloud.api import SoundCloud


def puller(context: PullContext) -> PullFunction:
    endpoints = context.settings.endpoints
    return SoundCloud.puller(
        context,
        endpoints.soundcloud_api_base,
        endpoints.soundcloud_auth_base,
        "SOUNDCLOUD_CLIENT_ID",
        "SOUNDCLOUD_CLIENT_SECRET",
        lambda client: (client.tracks, client.users),
    )
