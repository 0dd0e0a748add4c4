"""TikTok: Developers webhooks (lifecycle events) and the Display API pull (per-account tokens)."""

from __future__ import annotations

from chalicelib.platforms.capabilities import Platform, Tracking, pull_of, webhook_of

TIKTOK = Platform(
    name="tiktok",
    tracking=Tracking(display_name="TikTok", colour="#00999a"),
    webhook=webhook_of(__name__),
    pull=pull_of(__name__, ("views", "likes", "comments", "shares"), ("followers",)),
)
