"""Settings: parsed once, required values without defaults, units in names."""

import pytest

from chalicelib.errors import ConfigurationError
from chalicelib.settings import load_settings

REQUIRED = {
    "STAGE": "prod",
    "AWS_REGION": "eu-west-3",
    "TABLE_NAME": "engagement-tracker-prod",
    "SUMMARY_BUCKET": "engagement-tracker-prod-123-eu-west-3",
    "INGEST_QUEUE_URL": "https://sqs.eu-west-3.amazonaws.com/123/engagement-tracker-prod-ingest",
}


def test_required_values_are_read() -> None:
    settings = load_settings(REQUIRED)
    assert settings.stage == "prod"
    assert settings.table_name == "engagement-tracker-prod"
    assert settings.secrets_path == "/engagement-tracker/prod/"


@pytest.mark.parametrize("missing", sorted(REQUIRED))
def test_each_required_value_has_no_default(missing: str) -> None:
    env = {k: v for k, v in REQUIRED.items() if k != missing}
    if missing == "AWS_REGION":
        # the region falls back to AWS_DEFAULT_REGION, and only then fails
        with pytest.raises(ConfigurationError, match="AWS_DEFAULT_REGION"):
            load_settings(env)
        return
    with pytest.raises(ConfigurationError, match=missing):
        load_settings(env)


def test_unknown_stage_is_rejected() -> None:
    with pytest.raises(ConfigurationError, match="STAGE"):
        load_settings({**REQUIRED, "STAGE": "staging"})


def test_platform_bases_default_to_the_real_platforms() -> None:
    endpoints = load_settings(REQUIRED).endpoints
    assert endpoints.youtube_api_base == "https://www.googleapis.com/youtube/v3"
    assert endpoints.x_api_base == "https://api.x.com/2"
    assert endpoints.meta_graph_base == "https://graph.facebook.com/v22.0"
    assert endpoints.tiktok_api_base == "https://open.tiktokapis.com/v2"
    assert endpoints.soundcloud_api_base == "https://api.soundcloud.com"
    assert endpoints.soundcloud_auth_base == "https://secure.soundcloud.com"
    assert endpoints.spotify_api_base == "https://api.spotify.com/v1"
    assert endpoints.spotify_auth_base == "https://accounts.spotify.com"
    assert endpoints.deezer_api_base == "https://api.deezer.com"
    assert endpoints.websub_hub_url == "https://pubsubhubbub.appspot.com/subscribe"


def test_platform_bases_are_overridable_for_loopback_fakes() -> None:
    settings = load_settings({**REQUIRED, "YOUTUBE_API_BASE": "http://127.0.0.1:9000/youtube/v3/"})
    assert settings.endpoints.youtube_api_base == "http://127.0.0.1:9000/youtube/v3"


def test_text_retention_defaults_to_30_days_and_must_be_positive() -> None:
    assert load_settings(REQUIRED).text_retention_days == 30
    assert load_settings({**REQUIRED, "TEXT_RETENTION_DAYS": "7"}).text_retention_days == 7
    with pytest.raises(ConfigurationError, match="TEXT_RETENTION_DAYS"):
        load_settings({**REQUIRED, "TEXT_RETENTION_DAYS": "0"})
    with pytest.raises(ConfigurationError, match="TEXT_RETENTION_DAYS"):
        load_settings({**REQUIRED, "TEXT_RETENTION_DAYS": "thirty"})


def test_local_endpoint_is_optional() -> None:
    assert load_settings(REQUIRED).aws_endpoint_url is None
    local = load_settings({**REQUIRED, "AWS_ENDPOINT_URL": "http://127.0.0.1:4566"})
    assert local.aws_endpoint_url == "http://127.0.0.1:4566"


def test_push_spacing_defaults_to_24_hours_and_must_be_a_positive_integer() -> None:
    assert load_settings(REQUIRED).push_spacing_hours == 24
    assert load_settings({**REQUIRED, "PUSH_SPACING_HOURS": "48"}).push_spacing_hours == 48
    with pytest.raises(ConfigurationError):
        load_settings({**REQUIRED, "PUSH_SPACING_HOURS": "0"})


def test_the_webhook_base_defaults_to_the_public_base_where_one_server_takes_both() -> None:
    settings = load_settings({**REQUIRED, "PUBLIC_BASE_URL": "http://127.0.0.1:8000/"})
    assert settings.webhook_base_url == "http://127.0.0.1:8000/webhooks"


def test_the_webhook_base_is_the_function_url_when_the_template_sets_it() -> None:
    env = {
        **REQUIRED,
        "PUBLIC_BASE_URL": "https://api.example.com/api",
        "WEBHOOK_BASE_URL": "https://abc.lambda-url.eu-west-3.on.aws/webhooks/",
    }
    assert load_settings(env).webhook_base_url == "https://abc.lambda-url.eu-west-3.on.aws/webhooks"


def test_without_either_base_there_is_no_webhook_base() -> None:
    assert load_settings(REQUIRED).webhook_base_url is None
