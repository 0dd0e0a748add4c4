"""Meta: one webhook (the `meta` route: Facebook Pages and Instagram changes in one envelope) and one
Graph API client, for two tracked platforms, `facebook` and `instagram`. They share a package because
they share the protocol; they are two registry entries because campaigns, pulls and summaries treat
them apart."""

from __future__ import annotations

from chalicelib.platforms.capabilities import IdShape, Platform, Tracking, moderation_of, pull_of, webhook_of

_DIGITS = r"[0-9]{1,32}"
_NUMERIC = IdShape(_DIGITS, "a numeric id")
_TOKEN = ("META_ACCESS_TOKEN",)

META = Platform(name="meta", webhook=webhook_of(__name__))
FACEBOOK = Platform(
    name="facebook",
    tracking=Tracking(
        display_name="Facebook",
        colour="#1877f2",
        accounts=_NUMERIC,
        content=IdShape(rf"{_DIGITS}(_{_DIGITS})?", "a numeric id or <page id>_<post id>"),
        content_url="https://www.facebook.com/{}",
        account_url="https://www.facebook.com/{}",
        comment_url="https://www.facebook.com/{content}?comment_id={comment}",
    ),
    pull=pull_of(__name__, ("likes", "comments", "shares"), ("followers",), puller="facebook_puller"),
    moderation=moderation_of(__name__, _TOKEN, client="facebook"),
)
INSTAGRAM = Platform(
    name="instagram",
    tracking=Tracking(display_name="Instagram", colour="#c13584", accounts=_NUMERIC, content=_NUMERIC),
    pull=pull_of(__name__, ("likes", "comments"), ("followers",), puller="instagram_puller"),
    moderation=moderation_of(__name__, _TOKEN, client="instagram"),
)
