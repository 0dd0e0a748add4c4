"""Meta: one webhook (the `meta` route: Facebook Pages and Instagram changes in one envelope) and one
Graph API client, for two tracked platforms, `facebook` and `instagram`. They share a package because
they share the protocol; they are two registry entries because campaigns, pulls and summaries treat
them apart."""

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

_DIGITS = r"[0-9]{1,32}"


_webhook = loaded("chalicelib.platforms.meta.webhook", "HANDLER")
_facebook_puller = loaded("chalicelib.platforms.meta.pull", "facebook_puller")
_instagram_puller = loaded("chalicelib.platforms.meta.pull", "instagram_puller")


def _facebook_moderation() -> ModerationClient:
    from chalicelib.platforms.meta.moderation import facebook

    return facebook


def _instagram_moderation() -> ModerationClient:
    from chalicelib.platforms.meta.moderation import instagram

    return instagram


META = Platform(name="meta", webhook=Webhook(load=_webhook))
FACEBOOK = Platform(
    name="facebook",
    tracking=Tracking(
        display_name="Facebook",
        colour="#1877f2",
        accounts=IdShape(_DIGITS, "a numeric id"),
        content=IdShape(rf"{_DIGITS}(_{_DIGITS})?", "a numeric id or <page id>_<post id>"),
        content_url="https://www.facebook.com/{}",
        account_url="https://www.facebook.com/{}",
        comment_url="https://www.facebook.com/{content}?comment_id={comment}",
    ),
    pull=Pull(("likes", "comments", "shares"), ("followers",), load=_facebook_puller),
    moderation=Moderation(("META_ACCESS_TOKEN",), load=_facebook_moderation),
)
INSTAGRAM = Platform(
    name="instagram",
    tracking=Tracking(
        display_name="Instagram",
        colour="#c13584",
        accounts=IdShape(_DIGITS, "a numeric id"),
        content=IdShape(_DIGITS, "a numeric id"),
    ),
    pull=Pull(("likes", "comments"), ("followers",), load=_instagram_puller),
    moderation=Moderation(("META_ACCESS_TOKEN",), load=_instagram_moderation),
)
