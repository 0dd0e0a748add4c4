"""Spotify: artists' followers and popularity, pulled (no webhooks)."""

from __future__ import annotations

from chalicelib.platforms.capabilities import IdShape, Platform, Tracking, pull_of

_ID = IdShape(r"[A-Za-z0-9]{22}", "a Spotify id: 22 letters or digits")
SPOTIFY = Platform(
    name="spotify",
    tracking=Tracking(display_name="Spotify", colour="#1a9e4b", accounts=_ID, content=_ID),
    pull=pull_of(__name__, (), ("followers", "popularity"), public_audience="followers"),
)
