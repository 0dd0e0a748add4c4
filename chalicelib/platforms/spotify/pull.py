"""Spotify's pull as the job calls it: artists only, with a cached client-credentials token."""

from __future__ import annotations

from chalicelib.platforms.capabilities import PullContext, PullFunction
from chalicelib.platforms.spotify.api import Spotify
from chalicelib.pulls.pullers import Read, nothing


def _reads(client: Spotify) -> tuple[Read, Read]:
    return nothing, client.artists


def puller(context: PullContext) -> PullFunction:
    endpoints = context.settings.endpoints
    return Spotify.puller(context, endpoints.spotify_api_base, endpoints.spotify_auth_base, _reads)
