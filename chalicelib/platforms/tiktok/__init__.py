"""TikTok: Developers webhooks (lifecycle events) and the Display API pull (per-account tokens)."""

from __future__ import annotations

from chalicelib.platforms.capabilities import Platform, Pull, Puller, Tracking, Webhook, WebhookHandler


def _webhook() -> WebhookHandler:
    from chalicelib.platforms.tiktok.webhook import HANDLER

    return HANDLER


def _puller() -> Puller:
    from chalicelib.platforms.tiktok.pull import puller

    return puller


TIKTOK = Platform(
    name="tiktok",
    tracking=Tracking(display_name="TikTok", colour="#00999a"),
    webhook=Webhook(load=_webhook),
    pull=Pull(("views", "likes", "comments", "shares"), ("followers",), load=_puller),
)
