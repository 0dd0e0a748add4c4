"""X: the Account Activity / Activity API webhook (CRC handshake) and the v2 metrics pull."""

from __future__ import annotations

from chalicelib.platforms.capabilities import IdShape, Platform, Tracking, moderation_of, pull_of, webhook_of

_NUMERIC = IdShape(r"[0-9]{1,32}", "a numeric id")
X = Platform(
    name="x",
    tracking=Tracking(
        display_name="X",
        colour="#6b7280",
        accounts=_NUMERIC,
        content=_NUMERIC,
        content_url="https://x.com/i/web/status/{}",
        account_url="https://x.com/i/user/{}",
        comment_url="https://x.com/i/web/status/{comment}",  # a reply is a post of its own
    ),
    webhook=webhook_of(__name__),
    pull=pull_of(
        __name__,
        ("likes", "reposts", "comments", "quotes", "views", "saves"),
        ("followers",),
        public_audience="followers",
    ),
    moderation=moderation_of(__name__, ("X_USER_ACCESS_TOKEN",)),
)
