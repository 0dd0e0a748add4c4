"""The composition root: services built once per container from settings, clients and secrets.

Nothing here runs at import; each function builds on first call and caches the result.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Any

from chalicelib.adapters.secrets import SsmSecrets
from chalicelib.aws import get_clients
from chalicelib.domain.events import Pseudonymiser, keyed_pseudonymiser
from chalicelib.domain.secrets import Secrets
from chalicelib.domain.weights import DEFAULT_WEIGHTS, parse_weights
from chalicelib.services.ingest import IngestService
from chalicelib.services.webhooks import WebhookReceiver
from chalicelib.settings import get_settings

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

    from chalicelib.adapters.alerts import DynamoAlerts
    from chalicelib.adapters.campaigns import CampaignStore
    from chalicelib.adapters.catalogue_store import DynamoCatalogue
    from chalicelib.adapters.roster import DynamoRoster
    from chalicelib.adapters.wave_store import DynamoWaves
    from chalicelib.domain.moderation.report import ModerationReport
    from chalicelib.domain.roster import AccountKey
    from chalicelib.platforms.capabilities import Pull, PullContext, PullFunction
    from chalicelib.pulls.tokens import MemoryTokenCache
    from chalicelib.services.access import AccessService
    from chalicelib.services.artists import ArtistService
    from chalicelib.services.calendar import CalendarService
    from chalicelib.services.campaigns import CampaignService
    from chalicelib.services.catalogue import CatalogueService
    from chalicelib.services.consumption import ImportService
    from chalicelib.services.consumption_reports import ConsumptionReportService
    from chalicelib.services.moderation import ModerationActions
    from chalicelib.services.moderation_reports import ModerationReportService
    from chalicelib.services.publishing import PublishingService
    from chalicelib.services.pulling import PullService
    from chalicelib.services.radar import AlertService, RadarService
    from chalicelib.services.radar_pull import PullJob
    from chalicelib.services.subscriptions import SubscriptionService
    from chalicelib.services.summaries import SummaryService
    from chalicelib.services.waves import WaveService


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
        # Built at the first abusive comment only (its HTTP client and platform modules load then).
        auto_hide=lambda candidates: moderation_service().auto_hide(candidates),
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
    from chalicelib.adapters.consumption_store import DynamoConsumption
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
        releases=catalogue_store().list_all,
        ledgers=DynamoConsumption(clients.dynamodb, settings.table_name),
        calendar_pages=lambda campaigns, now, labels: calendar_service().publish_pages(
            campaigns, now, labels
        ),
        waves=wave_store().waves,
        moderation_reports=lambda refresh, now: moderation_report_service().publish(refresh, now),
        consumption_reports=lambda now, releases: consumption_report_service().publish(now, releases()),
    )


@lru_cache(maxsize=1)
def summary_service() -> SummaryService:
    from chalicelib.services.summaries import SummaryService

    return SummaryService(
        campaign_service().authorised,
        access_service().authenticate,
        publishing_service,
        pull_job,
        subscription_service,
        radar=radar_service,
        moderation=wave_service,
    )


@lru_cache(maxsize=1)
def _token_cache() -> MemoryTokenCache:
    """OAuth client-credentials tokens, kept per container (SoundCloud allows ~50 per 12 h)."""
    from chalicelib.pulls.tokens import MemoryTokenCache

    return MemoryTokenCache()


def _pull_context() -> PullContext:
    """What the platforms' pullers are built from in one invocation: one HTTP client (its closed
    rate-limit windows hold for every read of the run), the pull credentials, the token cache."""
    from chalicelib.platforms.capabilities import PullContext
    from chalicelib.pulls.errors import NoCredentials
    from chalicelib.pulls.http import PlatformHttp

    settings = get_settings()
    http = PlatformHttp(timeout_seconds=settings.pull_timeout_seconds, max_attempts=4)

    def credentials(*names: str) -> list[str]:
        """The values of the named pull secrets; `NoCredentials` naming those that are not set (a
        platform without them is not called)."""
        values = {name: secrets().pull.get(name) for name in names}
        missing = [name for name, value in values.items() if not value]
        if missing:
            raise NoCredentials(*missing)
        return [values[name] or "" for name in names]

    return PullContext(settings=settings, http=http, credentials=credentials, token_cache=_token_cache)


def pull_service(seconds_left: Callable[[], float], context: PullContext | None = None) -> PullService:
    """The campaigns' pulls for one invocation (`seconds_left`: the invocation's remaining time)."""
    from chalicelib.adapters.snapshot_store import DynamoSnapshotStore
    from chalicelib.platforms.registry import pulls
    from chalicelib.services.pulling import PullService

    settings, clients = get_settings(), get_clients()
    context = context or _pull_context()
    return PullService(
        campaigns=campaign_store(),
        store=DynamoSnapshotStore(clients.dynamodb, settings.table_name, time.sleep),
        pullers={name: partial(_build_puller, pull, context) for name, pull in pulls()},
        clock=utc_now,
        seconds_left=seconds_left,
    )


def pull_job(seconds_left: Callable[[], float]) -> PullJob:
    """The pull job: the campaigns' pulls, then the radar's daily reading of the watched accounts
    through the same clients and budgets (contract section 13)."""
    from chalicelib.adapters.radar_store import DynamoRadar
    from chalicelib.adapters.snapshot_store import DynamoSnapshotStore
    from chalicelib.platforms.registry import pulls, watched
    from chalicelib.services.radar_pull import PulledAudiences, PullJob, RadarPullService

    settings, clients = get_settings(), get_clients()
    context = _pull_context()
    metrics = dict(watched())
    reader = PulledAudiences(
        pullers={name: partial(_build_puller, pull, context) for name, pull in pulls() if name in metrics},
        metrics=metrics,
        progress=DynamoSnapshotStore(clients.dynamodb, settings.table_name, time.sleep),
        clock=utc_now,
    )
    radar = RadarPullService(
        store=DynamoRadar(clients.dynamodb, settings.table_name, time.sleep),
        reader=reader,
        clock=utc_now,
        seconds_left=seconds_left,
    )
    return PullJob(pull_service(seconds_left, context), radar)


def _build_puller(pull: Pull, context: PullContext) -> PullFunction:
    """A platform's puller for this run: its module is imported, its credentials read, only now."""
    return pull.load()(context)


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


@lru_cache(maxsize=1)
def wave_store() -> DynamoWaves:
    from chalicelib.adapters.wave_store import DynamoWaves

    settings, clients = get_settings(), get_clients()
    return DynamoWaves(clients.dynamodb, settings.table_name)


@lru_cache(maxsize=1)
def alert_store() -> DynamoAlerts:
    from chalicelib.adapters.alerts import DynamoAlerts

    settings, clients = get_settings(), get_clients()
    return DynamoAlerts(clients.dynamodb, settings.table_name)


def alert_publisher() -> Callable[[dict[str, Any]], None]:
    """Publishes a product alert on the stack's alerts topic (ALERTS_TOPIC_ARN)."""
    from chalicelib.adapters.alerts import SnsAlertTopic
    from chalicelib.errors import ConfigurationError

    settings = get_settings()
    if not settings.alerts_topic_arn:
        raise ConfigurationError("ALERTS_TOPIC_ARN is required to publish alerts.")
    return SnsAlertTopic(get_clients().sns, settings.alerts_topic_arn).publish


@lru_cache(maxsize=1)
def alert_service() -> AlertService:
    from chalicelib.services.radar import AlertService

    return AlertService(alert_store(), access_service().authenticate)


@lru_cache(maxsize=1)
def radar_service() -> RadarService:
    from chalicelib.adapters.radar_reports import S3RadarReports
    from chalicelib.adapters.radar_store import DynamoRadar
    from chalicelib.report.radar_report import render_radar_csv, render_radar_html
    from chalicelib.services.radar import RadarService

    settings, clients = get_settings(), get_clients()

    def signed(accounts: Iterable[AccountKey]) -> dict[AccountKey, str]:
        return {key: owner.label for key, owner in roster_store().lookup([], accounts).owners.items()}

    return RadarService(
        store=DynamoRadar(clients.dynamodb, settings.table_name, time.sleep),
        signed=signed,
        authenticate=access_service().authenticate,
        clock=utc_now,
        alerts=alert_store(),
        publish_alert=alert_publisher,
        reports=S3RadarReports(clients.s3, settings.summary_bucket, signer=link_signer),
        render_html=render_radar_html,
        render_csv=render_radar_csv,
    )


@lru_cache(maxsize=1)
def catalogue_store() -> DynamoCatalogue:
    from chalicelib.adapters.catalogue_store import DynamoCatalogue

    settings, clients = get_settings(), get_clients()
    return DynamoCatalogue(clients.dynamodb, settings.table_name)


@lru_cache(maxsize=1)
def catalogue_service() -> CatalogueService:
    from chalicelib.services.catalogue import CatalogueService

    return CatalogueService(catalogue_store(), roster_store(), access_service().authenticate, utc_now)


@lru_cache(maxsize=1)
def import_service() -> ImportService:
    from chalicelib.adapters.consumption_store import DynamoConsumption
    from chalicelib.adapters.import_files import S3ImportFiles, SqsImportQueue
    from chalicelib.services.consumption import ImportService

    settings, clients = get_settings(), get_clients()
    return ImportService(
        store=DynamoConsumption(clients.dynamodb, settings.table_name),
        files=S3ImportFiles(clients.s3, settings.summary_bucket),
        queue=SqsImportQueue(clients.sqs, settings.imports_queue_url),
        releases=catalogue_store().list_all,
        authenticate=access_service().authenticate,
        clock=utc_now,
    )


@lru_cache(maxsize=1)
def consumption_report_service() -> ConsumptionReportService:
    from chalicelib.adapters.consumption_store import DynamoConsumption
    from chalicelib.adapters.label_reports import S3LabelReports
    from chalicelib.report.consumption_report import render_consumption_csv, render_consumption_html
    from chalicelib.services.consumption_reports import ConsumptionReportService

    settings, clients = get_settings(), get_clients()
    consumption = DynamoConsumption(clients.dynamodb, settings.table_name)
    return ConsumptionReportService(
        ledgers=consumption,
        imports=consumption,
        reports=S3LabelReports(clients.s3, settings.summary_bucket, "consumption", signer=link_signer),
        artist_names=lambda: {(a.label, a.artist_id): a.name for a in roster_store().list_all()},
        authenticate=access_service().authenticate,
        clock=utc_now,
        render_html=render_consumption_html,
        render_csv=render_consumption_csv,
    )


# Hiding a comment is answered while the caller waits: its client waits at most this long in all for a
# platform's Retry-After or back-off (one retry at most), then records the rate limit instead.
MODERATION_MAX_ATTEMPTS = 2
MODERATION_MAX_WAIT_SECONDS = 5.0
MODERATION_TIMEOUT_SECONDS = 5


@lru_cache(maxsize=1)
def moderation_service() -> ModerationActions:
    """Hide and unhide (contract section 11); the consumer calls its `auto_hide`."""
    from chalicelib.adapters.moderation_store import DynamoModeration
    from chalicelib.platforms.capabilities import ModerationContext, SetHidden
    from chalicelib.platforms.registry import PLATFORMS
    from chalicelib.pulls.errors import NoCredentials
    from chalicelib.pulls.http import PlatformHttp
    from chalicelib.services.moderation import ModerationActions

    settings, clients = get_settings(), get_clients()
    http = PlatformHttp(
        timeout_seconds=min(settings.pull_timeout_seconds, MODERATION_TIMEOUT_SECONDS),
        max_attempts=MODERATION_MAX_ATTEMPTS,
        max_wait_seconds=MODERATION_MAX_WAIT_SECONDS,
    )

    def credentials(*names: str) -> list[str]:
        known = {**secrets().pull, **secrets().moderation}
        missing = [name for name in names if not known.get(name)]
        if missing:
            raise NoCredentials(*missing)
        return [known[name] for name in names]

    context = ModerationContext(settings=settings, http=http, credentials=credentials)
    built: dict[str, SetHidden] = {}

    def client(platform: str) -> SetHidden:
        """The platform's client, built once its credentials are set (the module imported then)."""
        if platform not in built:
            moderation = PLATFORMS[platform].moderation
            assert moderation is not None
            built[platform] = moderation.load()(context)
        return built[platform]

    def owners(accounts: Iterable[AccountKey]) -> dict[AccountKey, str]:
        return {key: owner.label for key, owner in roster_store().lookup([], accounts).owners.items()}

    return ModerationActions(
        DynamoModeration(clients.dynamodb, settings.table_name),
        owners=owners,
        clients=client,
        known=lambda name: name in PLATFORMS and PLATFORMS[name].tracking is not None,
        moderated=lambda name: name in PLATFORMS and PLATFORMS[name].moderation is not None,
        authenticate=access_service().authenticate,
        clock=utc_now,
    )


@lru_cache(maxsize=1)
def wave_service() -> WaveService:
    """The moderation job: abuse waves and their alerts (contract section 11)."""
    from chalicelib.services.waves import WaveService, report_link

    settings = get_settings()
    return WaveService(
        store=wave_store(),
        owners=roster_store().owners,
        campaigns=campaign_store().list_all,
        alerts=alert_store(),
        publish_alert=alert_publisher,
        clock=utc_now,
        report_link=report_link(settings.public_base_url or ""),
    )


@lru_cache(maxsize=1)
def moderation_report_service() -> ModerationReportService:
    """moderation.html and .csv per label and day (contract section 11): written by the publish job."""
    from chalicelib.adapters.moderation_reports import DynamoModerationReports, S3ModerationReports
    from chalicelib.services.moderation_reports import ModerationReportService

    settings, clients = get_settings(), get_clients()

    def render_html(report: ModerationReport, repeat_days: int) -> bytes:
        from chalicelib.report.moderation_report import render_moderation_html

        return render_moderation_html(report, repeat_days)

    def render_csv(report: ModerationReport) -> bytes:
        from chalicelib.report.moderation_report import render_moderation_csv

        return render_moderation_csv(report)

    return ModerationReportService(
        activity=wave_store(),
        texts=DynamoModerationReports(clients.dynamodb, settings.table_name),
        reports=S3ModerationReports(clients.s3, settings.summary_bucket, signer=link_signer),
        owners=roster_store().owners,
        campaigns=campaign_store().list_all,
        authenticate=access_service().authenticate,
        clock=utc_now,
        render_html=render_html,
        render_csv=render_csv,
        repeat_days=settings.text_retention_days,
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
        wave_store,
        alert_store,
        alert_service,
        radar_service,
        catalogue_store,
        catalogue_service,
        import_service,
        consumption_report_service,
        moderation_service,
        wave_service,
        moderation_report_service,
    ):
        built.cache_clear()
