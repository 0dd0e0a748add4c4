"""The composition root: services built once per container from settings, clients and secrets.

Nothing here runs at import; each function builds on first call and caches the result.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import lru_cache, partial
from typing import TYPE_CHECKING

from chalicelib.adapters.secrets import Secrets, SsmSecrets
from chalicelib.aws import get_clients
from chalicelib.domain.events import Pseudonymiser, keyed_pseudonymiser
from chalicelib.domain.weights import DEFAULT_WEIGHTS, parse_weights
from chalicelib.services.ingest import IngestService
from chalicelib.services.webhooks import WebhookReceiver
from chalicelib.settings import get_settings

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

    from chalicelib.adapters.campaigns import CampaignStore
    from chalicelib.adapters.roster import DynamoRoster
    from chalicelib.pulls.tokens import MemoryTokenCache
    from chalicelib.services.access import AccessService
    from chalicelib.services.artists import ArtistService
    from chalicelib.services.calendar import CalendarService
    from chalicelib.services.campaigns import CampaignService
    from chalicelib.services.publishing import PublishingService
    from chalicelib.services.pulling import PullService
    from chalicelib.services.subscriptions import SubscriptionService
    from chalicelib.services.summaries import SummaryService


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
    from chalicelib.adapters.subscriptions import DynamoSubscriptions

    settings, clients = get_settings(), get_clients()
    queue = SqsDeliveryQueue(clients.sqs, clients.s3, settings.ingest_queue_url, settings.summary_bucket)
    return IngestService(
        store=DynamoEventStore(clients.dynamodb, settings.table_name),
        decode=partial(decode, read_body=queue.read_body),
        pseudonymiser=pseudonymiser,
        text_retention_days=settings.text_retention_days,
        clock=utc_now,
        subscriptions=DynamoSubscriptions(clients.dynamodb, settings.table_name),
    )


@lru_cache(maxsize=1)
def access_service() -> AccessService:
    from chalicelib.adapters.tokens import DynamoTokens
    from chalicelib.services.access import AccessService, BootstrapSecret

    settings, clients = get_settings(), get_clients()
    tokens = DynamoTokens(clients.dynamodb, settings.table_name)
    # The admin token's age is bounded by BootstrapSecret, not by the secrets cache: it reads fresh.
    bootstrap = BootstrapSecret(lambda: _secrets_store().load(fresh=True).admin_token, time.time)
    return AccessService(tokens, bootstrap, utc_now)


@lru_cache(maxsize=1)
def campaign_store() -> CampaignStore:
    from chalicelib.adapters.campaigns import CampaignStore

    settings, clients = get_settings(), get_clients()
    return CampaignStore(clients.dynamodb, settings.table_name)


def push_spacing() -> timedelta:
    return timedelta(hours=get_settings().push_spacing_hours)


@lru_cache(maxsize=1)
def campaign_service() -> CampaignService:
    from chalicelib.adapters.push_index import DynamoPushIndex
    from chalicelib.services.campaigns import CampaignService

    settings, clients = get_settings(), get_clients()
    return CampaignService(
        campaign_store(),
        access_service().authenticate,
        utc_now,
        roster=roster_store(),
        pushes=DynamoPushIndex(clients.dynamodb, settings.table_name, time.sleep),
        push_spacing=push_spacing(),
        calendar_changed=lambda labels: calendar_service().labels_changed(labels),
    )


@lru_cache(maxsize=1)
def roster_store() -> DynamoRoster:
    from chalicelib.adapters.roster import DynamoRoster

    settings, clients = get_settings(), get_clients()
    return DynamoRoster(clients.dynamodb, settings.table_name, time.sleep)


@lru_cache(maxsize=1)
def artist_service() -> ArtistService:
    from chalicelib.services.artists import ArtistService

    return ArtistService(roster_store(), campaign_store(), access_service().authenticate, utc_now)


@lru_cache(maxsize=1)
def calendar_service() -> CalendarService:
    from chalicelib.adapters.calendar_pages import S3CalendarPages
    from chalicelib.adapters.feeds import DynamoFeeds
    from chalicelib.report.calendar_html import render_calendar_html
    from chalicelib.report.ical import render_ics
    from chalicelib.services.calendar import CalendarService

    settings, clients = get_settings(), get_clients()
    return CalendarService(
        campaigns=campaign_store(),
        authenticate=access_service().authenticate,
        feeds=DynamoFeeds(clients.dynamodb, settings.table_name),
        pages=S3CalendarPages(clients.s3, settings.summary_bucket, signer=link_signer),
        clock=utc_now,
        spacing=push_spacing(),
        public_base_url=settings.public_base_url,
        render_ics=render_ics,
        render_page=render_calendar_html,
        artist_names=lambda: {(a.label, a.artist_id): a.name for a in roster_store().list_all()},
    )


def link_signer() -> S3Client:
    """Presigned links are signed with LINK_SIGNING_KEY when the stage has one, else the role."""
    key = secrets().link_signing_key
    clients = get_clients()
    if not key or ":" not in key:
        return clients.s3
    access_key_id, secret_access_key = key.split(":", 1)
    return clients.s3_signed_by(access_key_id, secret_access_key)


@lru_cache(maxsize=1)
def publishing_service() -> PublishingService:
    from chalicelib.adapters.rollup_store import DynamoRollupStore
    from chalicelib.adapters.snapshot_store import DynamoSnapshotStore
    from chalicelib.adapters.summary_store import S3SummaryStore
    from chalicelib.domain.collisions import with_push_clashes
    from chalicelib.report.csv_report import render_csv
    from chalicelib.report.html_report import render_html
    from chalicelib.services.publishing import PublishingService, render_json

    settings, clients = get_settings(), get_clients()
    return PublishingService(
        campaigns=campaign_store(),
        rollups=DynamoRollupStore(clients.dynamodb, settings.table_name, time.sleep),
        summaries=S3SummaryStore(clients.s3, settings.summary_bucket, signer=link_signer),
        renderers={"json": render_json, "csv": render_csv, "html": render_html},
        collisions=with_push_clashes(push_spacing()),
        weights=parse_weights(settings.engagement_weights)
        if settings.engagement_weights
        else DEFAULT_WEIGHTS,
        clock=utc_now,
        snapshots=DynamoSnapshotStore(clients.dynamodb, settings.table_name, time.sleep),
        owners=roster_store().owners,
        artists=roster_store().list_all,
        calendar_pages=lambda campaigns, now, labels: calendar_service().publish_pages(
            campaigns, now, labels
        ),
    )


@lru_cache(maxsize=1)
def summary_service() -> SummaryService:
    from chalicelib.services.summaries import SummaryService

    return SummaryService(
        campaign_service().authorised,
        access_service().authenticate,
        publishing_service,
        pull_service,
        subscription_service,
    )


@lru_cache(maxsize=1)
def _token_cache() -> MemoryTokenCache:
    """OAuth client-credentials tokens, kept per container (SoundCloud allows ~50 per 12 h)."""
    from chalicelib.pulls.tokens import MemoryTokenCache

    return MemoryTokenCache()


def pull_service(seconds_left: Callable[[], float]) -> PullService:
    """The pull job for one invocation (`seconds_left`: the invocation's remaining time)."""
    from chalicelib.adapters.snapshot_store import DynamoSnapshotStore
    from chalicelib.pulls import pullers
    from chalicelib.pulls.errors import Misconfigured, NoCredentials
    from chalicelib.pulls.http import PlatformHttp
    from chalicelib.services.pulling import PullService

    settings, clients = get_settings(), get_clients()
    endpoints = settings.endpoints
    http = PlatformHttp(timeout_seconds=settings.pull_timeout_seconds, max_attempts=4)

    def credentials(*names: str) -> list[str]:
        """The values of the named pull secrets; `NoCredentials` naming those that are not set (a
        platform without them is not called)."""
        values = {name: secrets().pull.get(name) for name in names}
        missing = [name for name, value in values.items() if not value]
        if missing:
            raise NoCredentials(*missing)
        return [values[name] or "" for name in names]

    def youtube() -> pullers.PullFunction:
        (key,) = credentials("YOUTUBE_API_KEY")
        return pullers.youtube(http, endpoints.youtube_api_base, key)

    def x() -> pullers.PullFunction:
        (token,) = credentials("X_BEARER_TOKEN")
        return pullers.x(http, endpoints.x_api_base, token, settings.x_reads_per_day)

    def facebook() -> pullers.PullFunction:
        (token,) = credentials("META_ACCESS_TOKEN")
        return pullers.facebook(http, endpoints.meta_graph_base, token)

    def instagram() -> pullers.PullFunction:
        (token,) = credentials("META_ACCESS_TOKEN")
        return pullers.instagram(http, endpoints.meta_graph_base, token)

    def tiktok() -> pullers.PullFunction:
        from chalicelib.platforms.tiktok_api import parse_tokens

        (raw,) = credentials("TIKTOK_ACCESS_TOKENS")
        try:
            tokens = parse_tokens(raw)
        except ValueError as error:  # names the entry's position, never a token
            raise Misconfigured(str(error)) from None
        return pullers.tiktok(http, endpoints.tiktok_api_base, tokens)

    def soundcloud() -> pullers.PullFunction:
        client_id, secret = credentials("SOUNDCLOUD_CLIENT_ID", "SOUNDCLOUD_CLIENT_SECRET")
        base, auth = endpoints.soundcloud_api_base, endpoints.soundcloud_auth_base
        return pullers.soundcloud(http, base, auth, client_id, secret, cache=_token_cache())

    def spotify() -> pullers.PullFunction:
        client_id, secret = credentials("SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_SECRET")
        base, auth = endpoints.spotify_api_base, endpoints.spotify_auth_base
        return pullers.spotify(http, base, auth, client_id, secret, cache=_token_cache())

    def deezer() -> pullers.PullFunction:
        return pullers.deezer(http, endpoints.deezer_api_base)  # public API: no credentials

    return PullService(
        campaigns=campaign_store(),
        store=DynamoSnapshotStore(clients.dynamodb, settings.table_name, time.sleep),
        pullers={
            "youtube": youtube,
            "x": x,
            "facebook": facebook,
            "instagram": instagram,
            "tiktok": tiktok,
            "soundcloud": soundcloud,
            "spotify": spotify,
            "deezer": deezer,
        },
        clock=utc_now,
        seconds_left=seconds_left,
    )


def subscription_service() -> SubscriptionService:
    from chalicelib.adapters.subscriptions import DynamoSubscriptions
    from chalicelib.errors import ConfigurationError
    from chalicelib.pulls.http import PlatformHttp
    from chalicelib.services.subscriptions import SubscriptionService

    settings, clients = get_settings(), get_clients()
    if not settings.webhook_base_url:
        raise ConfigurationError(
            "WEBHOOK_BASE_URL (or PUBLIC_BASE_URL) is required to subscribe: it is the hub's callback."
        )
    return SubscriptionService(
        campaigns=campaign_store(),
        store=DynamoSubscriptions(clients.dynamodb, settings.table_name),
        hub=PlatformHttp(timeout_seconds=settings.pull_timeout_seconds, max_attempts=3),
        hub_url=settings.endpoints.websub_hub_url,
        callback_url=f"{settings.webhook_base_url}/youtube",
        hub_secret_key=lambda: secrets().youtube_hub_secret,
        clock=utc_now,
    )


def reset() -> None:
    """Forget every built service (tests change the environment between cases)."""
    for built in (
        _secrets_store,
        webhook_receiver,
        ingest_service,
        access_service,
        campaign_store,
        campaign_service,
        roster_store,
        artist_service,
        calendar_service,
        publishing_service,
        summary_service,
        _token_cache,
    ):
        built.cache_clear()
