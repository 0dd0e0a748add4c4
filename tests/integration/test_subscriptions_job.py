"""The renew-subscriptions job against a loopback WebSub hub stand-in, and the hub's verification
of intent answered by the webhook route."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, quote

import pytest

from chalicelib.platforms.youtube.webhook import hub_secret_for, topic_for_channel
from tests.fakes.platform_server import PlatformServer, Reply
from tests.integration.conftest import Stack
from tests.integration.management_client import Api, body_of

NOW = datetime.now(UTC)
CHANNEL = "UCaaaaaaaaaaaaaaaaaaaaaa"
TOPIC = topic_for_channel(CHANNEL)


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[PlatformServer]:
    server = PlatformServer().start()
    server.handle("/subscribe", lambda _request: Reply(202, {}, None))
    monkeypatch.setenv("WEBSUB_HUB_URL", f"{server.base_url}/subscribe")
    yield server
    server.stop()


# The hub listens before the app first reads its settings.
pytestmark = pytest.mark.usefixtures("hub")


def campaign(api: Api, admin: str) -> dict[str, Any]:
    return api.running_campaign(admin, {"youtube": {"accounts": [CHANNEL]}})


def forms(hub: PlatformServer) -> list[dict[str, str]]:
    return [{k: v[0] for k, v in parse_qs(r.body.decode()).items()} for r in hub.requests_to("/subscribe")]


def verify_intent(api: Api, mode: str, challenge: str) -> int:
    topic = quote(TOPIC, safe="")
    query = f"hub.mode={mode}&hub.topic={topic}&hub.challenge={challenge}&hub.lease_seconds=432000"
    return api.client.http.get(f"/webhooks/youtube?{query}").status_code


def test_tracked_channels_are_subscribed_with_a_derived_secret_and_a_lease(
    api: Api, stack: Stack, hub: PlatformServer
) -> None:
    # Given an active campaign tracking a YouTube channel
    admin = stack.secrets["ADMIN_TOKEN"]
    campaign(api, admin)
    # When the job runs
    report = body_of(api.call("POST", "/admin/jobs/renew-subscriptions", admin))
    # Then the hub got a subscription request for the channel's topic
    assert report["subscribed"] == [TOPIC]
    (form,) = forms(hub)
    assert form["hub.mode"] == "subscribe"
    assert form["hub.topic"] == TOPIC
    assert form["hub.callback"] == "http://127.0.0.1:8000/webhooks/youtube"
    assert form["hub.secret"] == hub_secret_for(TOPIC, stack.secrets["YOUTUBE_HUB_SECRET"])
    assert form["hub.lease_seconds"] == "432000"
    # And the hub's verification of intent is answered, after which nothing is due
    assert verify_intent(api, "subscribe", "c-1") == 200
    assert body_of(api.call("POST", "/admin/jobs/renew-subscriptions", admin))["subscribed"] == []


def test_channels_no_longer_tracked_are_unsubscribed(api: Api, stack: Stack, hub: PlatformServer) -> None:
    admin = stack.secrets["ADMIN_TOKEN"]
    body = campaign(api, admin)
    api.call("POST", "/admin/jobs/renew-subscriptions", admin)
    verify_intent(api, "subscribe", "c-1")
    # When the campaign is archived and the job runs again
    api.call("DELETE", f"/campaigns/{body['campaign_id']}", admin)
    report = body_of(api.call("POST", "/admin/jobs/renew-subscriptions", admin))
    # Then the channel is unsubscribed, and the hub may verify that intent
    assert report["unsubscribed"] == [TOPIC]
    assert forms(hub)[-1]["hub.mode"] == "unsubscribe"
    assert verify_intent(api, "unsubscribe", "c-2") == 200
    assert verify_intent(api, "subscribe", "c-3") == 404


def test_a_hub_that_refuses_is_reported_and_retried_next_run(
    api: Api, stack: Stack, hub: PlatformServer
) -> None:
    hub.reply("/subscribe", Reply(400, {}, {"error": "bad callback"}))
    admin = stack.secrets["ADMIN_TOKEN"]
    campaign(api, admin)
    assert [
        f["topic"] for f in body_of(api.call("POST", "/admin/jobs/renew-subscriptions", admin))["failed"]
    ] == [TOPIC]


def test_a_refused_subscription_says_per_topic_why_with_the_status_and_reason(
    api: Api, stack: Stack, hub: PlatformServer
) -> None:
    # Given a hub refusing the subscription request with a 400 and a plain-text body
    hub.reply("/subscribe", Reply(400, {"Content-Type": "text/plain"}, b"Invalid value for hub.callback"))
    admin = stack.secrets["ADMIN_TOKEN"]
    campaign(api, admin)
    # When the job runs
    report = body_of(api.call("POST", "/admin/jobs/renew-subscriptions", admin))
    # Then the answer names the topic, the call, the hub's status and reason, in a sentence
    assert report["failed"] == [
        {
            "topic": TOPIC,
            "mode": "subscribe",
            "status": 400,
            "reason": "Bad Request",
            "error": "The hub answered HTTP 400 (Bad Request) to POST /subscribe.",
        }
    ]
    assert report["subscribed"] == []


def test_a_hub_that_keeps_failing_is_logged_as_the_subscribe_call_without_its_secret(
    api: Api, stack: Stack, hub: PlatformServer, caplog: pytest.LogCaptureFixture
) -> None:
    # Given a hub answering 503 to every request
    hub.reply("/subscribe", *[Reply(503, {}, {"error": "down"})] * 3)
    admin = stack.secrets["ADMIN_TOKEN"]
    campaign(api, admin)
    # When the job runs, every log line captured
    with caplog.at_level(logging.DEBUG):
        report = body_of(api.call("POST", "/admin/jobs/renew-subscriptions", admin))
    # Then the topic failed with the hub's status, the log lines say it was the hub subscribe call,
    # and neither the lines nor the answer hold hub.secret
    (failure,) = report["failed"]
    assert (failure["status"], failure["reason"]) == (503, "down")
    messages = [record.getMessage() for record in caplog.records]
    assert "hub subscribe request failed" in messages
    assert "hub subscribe failed" in messages
    assert not any("pull" in message for message in messages)
    secret = hub_secret_for(TOPIC, stack.secrets["YOUTUBE_HUB_SECRET"])
    assert all(secret not in f"{record.getMessage()} {record.__dict__}" for record in caplog.records)
    assert secret not in json.dumps(report)
