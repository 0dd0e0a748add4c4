"""SoundCloud: tracks' and users' counters, pulled (no webhooks)."""

from __future__ import annotations

from chalicelib.platforms.capabilities import IdShape, Platform, Tracking, pull_of

SOUNDCLOUD = Platform(
    name="soundcloud",
    tracking=Tracking(
        display_name="SoundCloud",
        colour="#e05a00",
        accounts=IdShape(r"(soundcloud:users:)?[0-9]{1,32}", "soundcloud:users:<digits> or digits"),
        content=IdShape(
            r"(soundcloud:(tracks|playlists):)?[0-9]{1,32}", "soundcloud:tracks:<digits> or digits"
        ),
    ),
    pull=pull_of(
        __name__, ("plays", "likes", "reposts", "comments"), ("followers",), public_audience="followers"
    ),
)
