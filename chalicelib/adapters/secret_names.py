"""Names of the stage's secrets: environment variables locally, SSM SecureStrings in AWS.

Each lives at `/engagement-tracker/<stage>/<NAME>`.
"""

from __future__ import annotations

WEBHOOK_SECRET_NAMES: tuple[str, ...] = (
    "META_APP_SECRET",
    "META_VERIFY_TOKEN",
    "X_CONSUMER_SECRET",
    "YOUTUBE_HUB_SECRET",
    "TIKTOK_CLIENT_SECRET",
    "STANDARD_WEBHOOK_SECRETS",
)
ADMIN_TOKEN = "ADMIN_TOKEN"  # noqa: S105 (a name, not a value)
# Key of the HMAC that pseudonymises platform user ids; rotating it breaks the link to older actors.
PSEUDONYMISATION_KEY = "PSEUDONYMISATION_KEY"

ALL_SECRET_NAMES: tuple[str, ...] = (*WEBHOOK_SECRET_NAMES, ADMIN_TOKEN, PSEUDONYMISATION_KEY)
# Optional: long-term credentials to presign summary links with (see Secrets.link_signing_key).
LINK_SIGNING_KEY = "LINK_SIGNING_KEY"
# Optional pull credentials (contract section 1): a platform without them is not pulled, and its
# freshness says so.
PULL_CREDENTIAL_NAMES: tuple[str, ...] = (
    "YOUTUBE_API_KEY",
    "X_BEARER_TOKEN",
    "META_ACCESS_TOKEN",
    "TIKTOK_ACCESS_TOKENS",
    "SOUNDCLOUD_CLIENT_ID",
    "SOUNDCLOUD_CLIENT_SECRET",
    "SPOTIFY_CLIENT_ID",
    "SPOTIFY_CLIENT_SECRET",
)
# Optional moderation credentials (contract section 11): the user tokens that may hide comments. Meta's
# actions use META_ACCESS_TOKEN, the page token the pulls already read. A platform without its token
# cannot hide: a hide request answers 503 `no_credentials` and records nothing.
MODERATION_CREDENTIAL_NAMES: tuple[str, ...] = ("YOUTUBE_OAUTH_TOKEN", "X_USER_ACCESS_TOKEN")
