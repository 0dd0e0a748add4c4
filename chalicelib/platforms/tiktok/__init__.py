"""TikTok: Developers webhooks (lifecycle events) and the Display API pull (per-account tokens)."""

from __future__ import annotations

from chalicelib.platforms.capabilities import (
    Platform,
    Pull,
    Tracking,
    Webhook,
    loaded,
)

_webhook = loaded("chalicelib.platforms.tiktok.webhook", "HANDLER")
_puller = loaded("chalicelib.platforms.tiktok.pull", "puller")


TIKTOK = Platform(
    name="tiktok",
    tracking=Tracking(display_name="TikTok", colour="#00999a"),
    webhook=Webhook(load=_webhook),
    pull=Pull(("views", "likes", "comments", "shares"), ("followers",), load=_puller),
)
