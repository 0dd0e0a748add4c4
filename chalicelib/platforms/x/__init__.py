"""X: the Account Activity / Activity API webhook (CRC handshake) and the v2 metrics pull."""

from __future__ import annotations

from chalicelib.platforms.capabilities import (
    IdShape,
    Moderation,
    ModerationClient,
    Platform,
    Pull,
    Tracking,
    Webhook,
    loaded,
)

_webhook = loaded("chalicelib.platforms.x.webhook", "HANDLER")
_puller = loaded("chalicelib.platforms.x.pull", "puller")


def _moderation() -> ModerationClient:
    from chalicelib.platforms.x.moderation import client

    return client


X = Platform(
    name="x",
    tracking=Tracking(
        display_name="X",
        colour="#6b7280",
        accounts=IdShape(r"[0-9]{1,32}", "a numeric id"),
        content=IdShape(r"[0-9]{1,32}", "a numeric id"),
        content_url="https://x.com/i/web/status/{}",
        account_url="https://x.com/i/user/{}",
        comment_url="https://x.com/i/web/status/{comment}",  # a reply is a post of its own
    ),
    webhook=Webhook(load=_webhook),
    pull=Pull(
        ("likes", "reposts", "comments", "quotes", "views", "saves"),
        ("followers",),
        load=_puller,
        public_audience="followers",
    ),
    moderation=Moderation(("X_USER_ACCESS_TOKEN",), load=_moderation),
)
