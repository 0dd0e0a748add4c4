"""One typed settings object, read from the environment once and lazily.

Required values have no defaults: a function deployed without them fails on its first use with a
message naming the missing variable, not later with a confusing AWS error.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from chalicelib.errors import ConfigurationError

STAGES = ("local", "dev", "prod")


@dataclass(frozen=True, slots=True)
class PlatformEndpoints:
    """Base URLs of the platform APIs the pull job reads; tests point them at loopback fakes."""

    youtube_api_base: str
    x_api_base: str
    meta_graph_base: str
    tiktok_api_base: str
    soundcloud_api_base: str
    soundcloud_auth_base: str
    spotify_api_base: str
    spotify_auth_base: str
    deezer_api_base: str
    websub_hub_url: str


@dataclass(frozen=True, slots=True)
class Settings:
    stage: str
    aws_region: str
    table_name: str
    summary_bucket: str
    ingest_queue_url: str
    # Prefix of this stage's SecureString parameters, e.g. "/engagement-tracker/prod/".
    secrets_path: str
    endpoints: PlatformEndpoints
    # Only the WebSub subscription job needs it (its callbacks); in AWS it is the API's public URL.
    public_base_url: str | None = None
    # The base of the webhook routes: the webhook function's Function URL + "webhooks" in AWS
    # (WEBHOOK_BASE_URL, set by the template); PUBLIC_BASE_URL/webhooks where one server has both.
    webhook_base_url: str | None = None
    aws_endpoint_url: str | None = None
    text_retention_days: int = 30
    secrets_cache_seconds: int = 300
    # A deployment's own engagement-unit weight table (JSON); the default table when unset.
    engagement_weights: str | None = None
    # X bills every post read: the label's own daily cap on reads (posts and users).
    x_reads_per_day: int = 2000
    pull_timeout_seconds: int = 10
    # Pushes of different campaigns sharing a platform clash when closer than this (contract section 9).
    push_spacing_hours: int = 24
    # The stack's SNS alerts topic: alarms, and product alerts (talent_breakout, abuse_wave). Only the
    # jobs that raise alerts need it; they fail with a ConfigurationError naming it when it is unset.
    alerts_topic_arn: str | None = None
    # The queue of consumption imports (contract section 12): API uploads, S3 drops, continuations.
    imports_queue_url: str | None = None


def _required(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise ConfigurationError(f"environment variable {name} is required")
    return value


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be an integer, got {raw!r}") from None
    if value <= 0:
        raise ConfigurationError(f"{name} must be positive, got {value}")
    return value


def _url(env: Mapping[str, str], name: str, default: str) -> str:
    return (env.get(name, "").strip() or default).rstrip("/")


def load_settings(env: Mapping[str, str]) -> Settings:
    """Parse settings from a mapping; pure, so tests can pass a dict."""
    stage = _required(env, "STAGE")
    if stage not in STAGES:
        raise ConfigurationError(f"STAGE must be one of {', '.join(STAGES)}, got {stage!r}")
    endpoints = PlatformEndpoints(
        youtube_api_base=_url(env, "YOUTUBE_API_BASE", "https://www.googleapis.com/youtube/v3"),
        x_api_base=_url(env, "X_API_BASE", "https://api.x.com/2"),
        meta_graph_base=_url(env, "META_GRAPH_BASE", "https://graph.facebook.com/v22.0"),
        tiktok_api_base=_url(env, "TIKTOK_API_BASE", "https://open.tiktokapis.com/v2"),
        soundcloud_api_base=_url(env, "SOUNDCLOUD_API_BASE", "https://api.soundcloud.com"),
        soundcloud_auth_base=_url(env, "SOUNDCLOUD_AUTH_BASE", "https://secure.soundcloud.com"),
        spotify_api_base=_url(env, "SPOTIFY_API_BASE", "https://api.spotify.com/v1"),
        spotify_auth_base=_url(env, "SPOTIFY_AUTH_BASE", "https://accounts.spotify.com"),
        deezer_api_base=_url(env, "DEEZER_API_BASE", "https://api.deezer.com"),
        websub_hub_url=env.get("WEBSUB_HUB_URL", "").strip() or "https://pubsubhubbub.appspot.com/subscribe",
    )
    public_base_url = env.get("PUBLIC_BASE_URL", "").strip().rstrip("/") or None
    return Settings(
        stage=stage,
        aws_region=env.get("AWS_REGION", "").strip() or _required(env, "AWS_DEFAULT_REGION"),
        table_name=_required(env, "TABLE_NAME"),
        summary_bucket=_required(env, "SUMMARY_BUCKET"),
        ingest_queue_url=_required(env, "INGEST_QUEUE_URL"),
        secrets_path=f"/engagement-tracker/{stage}/",
        public_base_url=public_base_url,
        webhook_base_url=env.get("WEBHOOK_BASE_URL", "").strip().rstrip("/")
        or (f"{public_base_url}/webhooks" if public_base_url else None),
        endpoints=endpoints,
        aws_endpoint_url=env.get("AWS_ENDPOINT_URL", "").strip() or None,
        text_retention_days=_positive_int(env, "TEXT_RETENTION_DAYS", 30),
        secrets_cache_seconds=_positive_int(env, "SECRETS_CACHE_SECONDS", 300),
        engagement_weights=env.get("ENGAGEMENT_WEIGHTS", "").strip() or None,
        x_reads_per_day=_positive_int(env, "X_READS_PER_DAY", 2000),
        pull_timeout_seconds=_positive_int(env, "PULL_TIMEOUT_SECONDS", 10),
        push_spacing_hours=_positive_int(env, "PUSH_SPACING_HOURS", 24),
        alerts_topic_arn=env.get("ALERTS_TOPIC_ARN", "").strip() or None,
        imports_queue_url=env.get("IMPORTS_QUEUE_URL", "").strip() or None,
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, parsed on first use (never at import)."""
    return load_settings(os.environ)
