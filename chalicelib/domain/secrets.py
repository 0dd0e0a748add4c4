"""The stage's secrets as the services use them: a value, read by an adapter (adapters/secrets.py)
from SSM and passed down. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Secrets:
    meta_app_secret: str
    meta_verify_token: str
    x_consumer_secret: str
    youtube_hub_secret: str
    tiktok_client_secret: str
    standard_webhook_secrets: str  # raw `source=whsec_...` pairs; parsed by platforms.standard
    admin_token: str
    pseudonymisation_key: str
    # Optional `<access key id>:<secret access key>` of an IAM user that may only read summaries:
    # links signed with the function's role expire with its temporary credentials (hours), not
    # after the 7 days a link may ask for.
    link_signing_key: str | None = None
    # The pull credentials the stage has (PULL_CREDENTIAL_NAMES), by name.
    pull: Mapping[str, str] = field(default_factory=dict)
    # The moderation credentials the stage has (MODERATION_CREDENTIAL_NAMES), by name.
    moderation: Mapping[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:  # never let a secret reach a log line through repr()
        return "Secrets(<redacted>)"
