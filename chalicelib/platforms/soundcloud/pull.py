"""SoundCloud's pull as the job calls it: tracks and users, with a cached client-credentials token."""

from __future__ import annotations

from chalicelib.platforms.capabilities import PullContext, PullFunction
from chalicelib.platforms.soundcloud.api import SoundCloud
from chalicelib.pulls.pullers import Read


def _reads(client: SoundCloud) -> tuple[Read, Read]:
    return client.tracks, client.users


def puller(context: PullContext) -> PullFunction:
    endpoints = context.settings.endpoints
    return SoundCloud.puller(context, endpoints.soundcloud_api_base, endpoints.soundcloud_auth_base, _reads)
