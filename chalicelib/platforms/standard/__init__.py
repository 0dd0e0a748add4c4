"""Standard Webhooks: generic sources (smart links, pre-save services, in-house tools), one route per
registered source; their events go by `standard:<source>`, not by this route family's name."""

from __future__ import annotations

from chalicelib.platforms.capabilities import Platform, Webhook, loaded

_webhook = loaded("chalicelib.platforms.standard.webhook", "HANDLER")


STANDARD = Platform(name="standard", webhook=Webhook(load=_webhook))
