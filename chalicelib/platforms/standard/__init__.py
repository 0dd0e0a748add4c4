"""Standard Webhooks: generic sources (smart links, pre-save services, in-house tools), one route per
registered source; their events go by `standard:<source>`, not by this route family's name."""

from __future__ import annotations

from chalicelib.platforms.capabilities import Platform, webhook_of

STANDARD = Platform(name="standard", webhook=webhook_of(__name__))
