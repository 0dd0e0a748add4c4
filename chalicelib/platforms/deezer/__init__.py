"""Deezer: artists' fans, pulled from the public API (no webhooks, no credentials)."""

from __future__ import annotations

from chalicelib.platforms.capabilities import IdShape, Platform, Tracking, pull_of

_ID = IdShape(r"[0-9]{1,32}", "a numeric id")
DEEZER = Platform(
    name="deezer",
    tracking=Tracking(display_name="Deezer", colour="#a238ff", accounts=_ID, content=_ID),
    pull=pull_of(__name__, (), ("fans",), public_audience="fans"),
)
