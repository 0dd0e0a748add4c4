"""The stage's secrets from SSM Parameter Store (SecureString), through Powertools parameters with
one GetParametersByPath call per container and cache period."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.adapters.secret_names import (
    ADMIN_TOKEN,
    LINK_SIGNING_KEY,
    MODERATION_CREDENTIAL_NAMES,
    PSEUDONYMISATION_KEY,
    PULL_CREDENTIAL_NAMES,
)
from chalicelib.domain.secrets import Secrets
from chalicelib.errors import ConfigurationError, DependencyFailed

if TYPE_CHECKING:
    from mypy_boto3_ssm import SSMClient


_FIELDS = {
    "META_APP_SECRET": "meta_app_secret",
    "META_VERIFY_TOKEN": "meta_verify_token",
    "X_CONSUMER_SECRET": "x_consumer_secret",
    "YOUTUBE_HUB_SECRET": "youtube_hub_secret",
    "TIKTOK_CLIENT_SECRET": "tiktok_client_secret",
    "STANDARD_WEBHOOK_SECRETS": "standard_webhook_secrets",
    ADMIN_TOKEN: "admin_token",
    PSEUDONYMISATION_KEY: "pseudonymisation_key",
}


class SsmSecrets:
    """Reads every secret under the stage's path in one call and keeps them for max_age."""

    def __init__(self, ssm: SSMClient, path: str, max_age_seconds: int) -> None:
        self._ssm = ssm
        self._path = path.rstrip("/")
        self._max_age_seconds = max_age_seconds
        self._provider: object | None = None
        # The last secrets read and when (monotonic seconds), as built: every webhook delivery asks for
        # them, and asking Powertools' cache then rebuilding them cost about 10 us, twice a delivery's floor.
        self._loaded: tuple[Secrets, float] | None = None

    def load(self, *, fresh: bool = False) -> Secrets:
        """The secrets, from the cache unless it is older than max_age; `fresh` reads SSM now (and
        refreshes the cache), for a caller that must bound the age of what it trusts."""
        now = time.monotonic()
        if not fresh and self._loaded is not None and now - self._loaded[1] < self._max_age_seconds:
            return self._loaded[0]
        secrets = self._read()
        self._loaded = (secrets, now)
        return secrets

    def _read(self) -> Secrets:
        from aws_lambda_powertools.utilities.parameters import SSMProvider
        from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError

        if self._provider is None:
            self._provider = SSMProvider(boto3_client=self._ssm)
        assert isinstance(self._provider, SSMProvider)
        try:
            # Always from SSM: the cache is `_loaded`, whose age `load` bounds
            values = self._provider.get_multiple(self._path, decrypt=True, force_fetch=True)
        except (BotoCoreError, ClientError, GetParameterError) as error:
            raise DependencyFailed("The secrets store is unavailable.") from error
        missing = sorted(name for name in _FIELDS if not values.get(name))
        if missing:
            raise ConfigurationError(f"Secrets missing under {self._path}: {', '.join(missing)}.")
        optional = str(values.get(LINK_SIGNING_KEY) or "") or None
        pull = {name: str(values[name]) for name in PULL_CREDENTIAL_NAMES if values.get(name)}
        moderation = {name: str(values[name]) for name in MODERATION_CREDENTIAL_NAMES if values.get(name)}
        return Secrets(
            **{name_: str(values[name]) for name, name_ in _FIELDS.items()},
            link_signing_key=optional,
            pull=pull,
            moderation=moderation,
        )
