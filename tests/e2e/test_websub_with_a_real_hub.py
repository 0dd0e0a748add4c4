"""Issue 5's WebSub flow against a real hub implementation on loopback: the renew job subscribes,
the hub verifies our intent, distributes a signed Atom delivery, and the upload is in the summary."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.adapters.secret_names import ALL_SECRET_NAMES
from chalicelib.platforms.youtube.webhook import topic_for_channel
from infra.local import senders as payloads
from infra.local.harness import LocalStack, api, http, start, wait_until_ingested
from infra.local.stack import resolve_secrets
from tests.campaigns import campaign_dict, open_window
from tests.e2e.websub_hub import RunningHub, running_hub

pytestmark = pytest.mark.e2e
CHANNEL = "UCcccccccccccccccccccccc"
TOPIC = topic_for_channel(CHANNEL)


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningHub]:
    with running_hub(tmp_path_factory.mktemp("hub")) as running:
        yield running


@pytest.fixture(scope="module")
def stack_with_hub(hub: RunningHub, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    secrets, _ = resolve_secrets({})
    stack = start(tmp_path_factory.mktemp("stack") / "run.log", {**secrets, "WEBSUB_HUB_URL": hub.url})
    yield stack
    assert stack.stop() == 0, stack.output()


def wait_for(condition: Callable[[], bool], timeout_seconds: float = 30) -> bool:
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_subscription_verification_delivery_and_summary(hub: RunningHub, stack_with_hub: LocalStack) -> None:
    stack = stack_with_hub
    admin = {name: stack.env[name] for name in ALL_SECRET_NAMES}["ADMIN_TOKEN"]
    now = datetime.now(UTC)
    # Given a campaign tracking a YouTube channel
    campaign = campaign_dict(
        campaign_id="websub-check",
        name="WebSub check",
        artist="Indochine",
        tracked={"youtube": {"accounts": [CHANNEL]}},
        **open_window(now),
    )
    assert api(stack, "POST", "/campaigns", admin, campaign)[0] == 201
    # When the renew job runs, the hub verifies our intent and records the subscription
    status, report = api(stack, "POST", "/admin/jobs/renew-subscriptions", admin)
    assert status == 200, report
    assert report["subscribed"] == [TOPIC], report
    assert wait_for(lambda: hub.subscribed(TOPIC) == [f"{stack.base_url}/webhooks/youtube"]), stack.output()
    # And when the hub distributes a new upload, signed with the subscription's secret
    hub.publish(
        TOPIC,
        payloads.youtube_entry(
            CHANNEL, "WEBSUBvid01", now - timedelta(minutes=5), now - timedelta(minutes=5)
        ),
    )
    assert wait_for(lambda: "POST /webhooks/youtube" in stack.output()), stack.output()
    wait_until_ingested(stack)
    # Then the next summary counts the publication
    status, published = api(stack, "POST", "/campaigns/websub-check/publish", admin)
    assert status == 200, published
    summary = http("GET", published["links"]["json"])[1]
    assert summary["platforms"]["youtube"]["events"] == {"content_published": 1}
