"""YouTube: WebSub deliveries of a channel's uploads (per-topic hub secrets, live subscriptions) and
the Data API v3 statistics pull."""

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

_webhook = loaded("chalicelib.platforms.youtube.webhook", "HANDLER")
_puller = loaded("chalicelib.platforms.youtube.pull", "puller")


def _moderation() -> ModerationClient:
    from chalicelib.platforms.youtube.moderation import client

    return client


YOUTUBE = Platform(
    name="youtube",
    tracking=Tracking(
        display_name="YouTube",
        colour="#e5302a",
        accounts=IdShape(r"UC[A-Za-z0-9_-]{22}", "a channel id: UC and 22 letters, digits, - or _"),
        content=IdShape(r"[A-Za-z0-9_-]{11}", "a video id: 11 letters, digits, - or _"),
        content_url="https://www.youtube.com/watch?v={}",
        account_url="https://www.youtube.com/channel/{}",
        comment_url="https://www.youtube.com/watch?v={content}&lc={comment}",
    ),
    webhook=Webhook(load=_webhook),
    pull=Pull(
        ("views", "likes", "comments"),
        ("followers", "account_views"),
        load=_puller,
        public_audience="followers",
    ),
    moderation=Moderation(("YOUTUBE_OAUTH_TOKEN",), load=_moderation),
)
