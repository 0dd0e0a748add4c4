"""The composition root: services built once per container from settings, clients and secrets.

Nothing here runs at import; each function builds on first call and caches the result.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache, partial

from chalicelib.adapters.secrets import Secrets, SsmSecrets
from chalicelib.aws import get_clients
from chalicelib.domain.events import Pseudonymiser, keyed_pseudonymiser
from chalicelib.services.ingest import IngestService
from chalicelib.services.webhooks import WebhookReceiver
from chalicelib.settings import get_settings


def utc_now() -> datetime:
    return datetime.now(UTC)


@lru_cache(maxsize=1)
def _secrets_store() -> SsmSecrets:
    settings = get_settings()
    return SsmSecrets(get_clients().ssm, settings.secrets_path, settings.secrets_cache_seconds)


def secrets() -> Secrets:
    return _secrets_store().load()


def pseudonymiser() -> Pseudonymiser:
    return keyed_pseudonymiser(secrets().pseudonymisation_key.encode("utf-8"))


@lru_cache(maxsize=1)
def webhook_receiver() -> WebhookReceiver:
    from chalicelib.adapters.delivery_queue import SqsDeliveryQueue
    from chalicelib.adapters.subscriptions import DynamoSubscriptions

    settings, clients = get_settings(), get_clients()
    queue = SqsDeliveryQueue(clients.sqs, clients.s3, settings.ingest_queue_url, settings.summary_bucket)
    subscriptions = DynamoSubscriptions(clients.dynamodb, settings.table_name)
    return WebhookReceiver(secrets, queue, subscriptions, utc_now)


@lru_cache(maxsize=1)
def ingest_service() -> IngestService:
    from chalicelib.adapters.delivery_queue import SqsDeliveryQueue, decode
    from chalicelib.adapters.event_store import DynamoEventStore

    settings, clients = get_settings(), get_clients()
    queue = SqsDeliveryQueue(clients.sqs, clients.s3, settings.ingest_queue_url, settings.summary_bucket)
    return IngestService(
        store=DynamoEventStore(clients.dynamodb, settings.table_name),
        decode=partial(decode, read_body=queue.read_body),
        pseudonymiser=pseudonymiser,
        text_retention_days=settings.text_retention_days,
        clock=utc_now,
    )


def reset() -> None:
    """Forget every built service (tests change the environment between cases)."""
    for built in (_secrets_store, webhook_receiver, ingest_service):
        built.cache_clear()
