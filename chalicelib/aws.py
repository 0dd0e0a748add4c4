"""The one factory of AWS clients: created on first use, cached, and injected into adapters.

boto3 is imported here lazily so that importing app.py touches no AWS code at all; a function pays
for the clients it really uses, once per container.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from chalicelib.settings import Settings, get_settings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_ssm import SSMClient

# Webhook senders give up after ~10 s: keep every AWS call well inside that, and let botocore's
# standard retry mode absorb throttling with jittered back-off.
CONNECT_TIMEOUT_SECONDS = 2
READ_TIMEOUT_SECONDS = 5
MAX_ATTEMPTS = 4


class AwsClients:
    """Lazily created, thread-safe boto3 clients for one region and (locally) one endpoint."""

    def __init__(self, region: str, endpoint_url: str | None = None) -> None:
        self._region = region
        self._endpoint_url = endpoint_url
        self._lock = threading.Lock()
        self._clients: dict[str, Any] = {}
        self._session: Any = None

    def _client(self, service: str) -> Any:
        client = self._clients.get(service)
        if client is not None:
            return client
        with self._lock:
            client = self._clients.get(service)
            if client is None:
                client = self._create(service)
                self._clients[service] = client
            return client

    def s3_signed_by(self, access_key_id: str, secret_access_key: str) -> S3Client:
        """An S3 client with static credentials, for presigned links that must outlive the role's."""
        key = f"s3:{access_key_id}"
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                import boto3

                session = boto3.session.Session(
                    region_name=self._region,
                    aws_access_key_id=access_key_id,
                    aws_secret_access_key=secret_access_key,
                )
                client = session.client("s3", endpoint_url=self._endpoint_url, config=self._config("s3"))
                self._clients[key] = client
            typed: S3Client = client
            return typed

    def _config(self, service: str) -> Any:
        from botocore.config import Config

        return Config(
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            read_timeout=READ_TIMEOUT_SECONDS,
            retries={"mode": "standard", "max_attempts": MAX_ATTEMPTS},
            # Presigned links must be SigV4; path style lets them work against a local endpoint.
            signature_version="s3v4" if service == "s3" else None,
            s3={"addressing_style": "path"} if self._endpoint_url and service == "s3" else None,
        )

    def _create(self, service: str) -> Any:
        import boto3

        if self._session is None:
            self._session = boto3.session.Session(region_name=self._region)
        return self._session.client(service, endpoint_url=self._endpoint_url, config=self._config(service))

    @property
    def dynamodb(self) -> DynamoDBClient:
        client: DynamoDBClient = self._client("dynamodb")
        return client

    @property
    def s3(self) -> S3Client:
        client: S3Client = self._client("s3")
        return client

    @property
    def sns(self) -> Any:  # no mypy-boto3-sns stubs in the dev requirements; one call uses it
        return self._client("sns")

    @property
    def sqs(self) -> SQSClient:
        client: SQSClient = self._client("sqs")
        return client

    @property
    def ssm(self) -> SSMClient:
        client: SSMClient = self._client("ssm")
        return client


def clients_for(settings: Settings) -> AwsClients:
    return AwsClients(region=settings.aws_region, endpoint_url=settings.aws_endpoint_url)


@lru_cache(maxsize=1)
def get_clients() -> AwsClients:
    """The process's clients, built from the settings on first use."""
    return clients_for(get_settings())
