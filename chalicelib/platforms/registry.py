"""Every platform, by name: the one place that lists them (`PLATFORMS`).

Callers ask the registry rather than naming platforms: the webhook receiver and the consumer find a
route's `webhook`, the pull job each `pull`, campaigns each `tracking`'s id shapes, summaries the
display names and colours. The order of the lines is the order campaigns and summaries list
platforms. Adding a platform is a folder `platforms/<name>/` declaring its `Platform`, and one line
here (docs/decisions.md has the steps).

Import-light: the platform packages declare their capabilities with the standard library only and
import their webhook parser or pull client when first asked.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType

from chalicelib.platforms.capabilities import Moderation, Platform, Pull, Tracking, Webhook
from chalicelib.platforms.deezer import DEEZER
from chalicelib.platforms.meta import FACEBOOK, INSTAGRAM, META
from chalicelib.platforms.soundcloud import SOUNDCLOUD
from chalicelib.platforms.spotify import SPOTIFY
from chalicelib.platforms.standard import STANDARD
from chalicelib.platforms.tiktok import TIKTOK
from chalicelib.platforms.x import X
from chalicelib.platforms.youtube import YOUTUBE

PLATFORMS: Mapping[str, Platform] = MappingProxyType(
    {
        platform.name: platform
        for platform in (
            FACEBOOK,
            INSTAGRAM,
            X,
            YOUTUBE,
            TIKTOK,
            SPOTIFY,
            SOUNDCLOUD,
            DEEZER,
            META,
            STANDARD,
        )
    }
)

# A Standard Webhooks source's events go by `standard:<source>`.
STANDARD_PREFIX = f"{STANDARD.name}:"


def tracked() -> Iterator[tuple[str, Tracking]]:
    """The platforms campaigns track by name, in the order campaigns and summaries list them."""
    return ((name, p.tracking) for name, p in PLATFORMS.items() if p.tracking is not None)


def webhooks() -> Iterator[tuple[str, Webhook]]:
    """The webhook route families (`/webhooks/<name>`)."""
    return ((name, p.webhook) for name, p in PLATFORMS.items() if p.webhook is not None)


def pulls() -> Iterator[tuple[str, Pull]]:
    """The platforms the pull job reads counters from."""
    return ((name, p.pull) for name, p in PLATFORMS.items() if p.pull is not None)


def watched() -> Iterator[tuple[str, str]]:
    """(platform, audience metric) of the platforms whose public API gives any account's audience:
    those the talent radar watches (contract section 13)."""
    return (
        (name, p.pull.public_audience)
        for name, p in PLATFORMS.items()
        if p.pull is not None and p.pull.public_audience is not None
    )


def moderated() -> Iterator[tuple[str, Moderation]]:
    """The platforms whose comments the tracker can hide and unhide (contract section 11)."""
    return ((name, p.moderation) for name, p in PLATFORMS.items() if p.moderation is not None)
