"""YouTube: WebSub deliveries of a channel's uploads (per-topic hub secrets, live subscriptions) and
the Data API v3 statistics pull."""

from __future__ import annotations

from chalicelib.platforms.capabilities import IdShape, Platform, Tracking, moderation_of, pull_of, webhook_of

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
    webhook=webhook_of(__name__),
    pull=pull_of(
        __name__, ("views", "likes", "comments"), ("followers", "account_views"), public_audience="followers"
    ),
    moderation=moderation_of(__name__, ("YOUTUBE_OAUTH_TOKEN",)),
)
