"""Deezer: artists' fans, pulled from the public API (no webhooks, no credentials)."""

from __future__ import annotations

from chalicelib.platforms.capabilities import IdShape, Platform, Pull, Tracking, loaded

_puller = loaded("chalicelib.platforms.deezer.pull", "puller")


_ID = IdShape(r"[0-9]{1,32}", "a numeric id")
DEEZER = Platform(
    name="deezer",
    tracking=Tracking(display_name="Deezer", colour="#a238ff", accounts=_ID, content=_ID),
    pull=Pull((), ("fans",), load=_puller, public_audience="fans"),
)
