"""A published summary.html, opened from its presigned link in real headless Chromium on a phone and a
laptop width: it renders its title and charts, logs no error, fetches nothing beyond loopback, and never
scrolls sideways on the phone. Screenshots are kept under test-artifacts/e2e/."""

from __future__ import annotations

import json
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from infra.local import senders as payloads
from infra.local.harness import LocalStack, aws_client
from infra.local.senders import Senders
from tests.e2e.browser import WIDTHS, Visit, problems_of_a_presigned_page, visit_at_every_width
from tests.e2e.conftest import secrets_of

pytestmark = pytest.mark.e2e

NOW = datetime.now(UTC).replace(microsecond=0)
PAGE, POST = "104512345678901", "104512345678901_998877665544332"
ARTIST, TWEET = "1234", "1790000000000000001"
NAME = "Indochine & friends: 13 tour launch"


def _call(
    stack: LocalStack, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        stack.base_url + path,
        data=data,
        method=method,
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    with urllib.request.urlopen(request, timeout=15) as response:
        return json.load(response)


def _stored_events(stack: LocalStack) -> int:
    dynamodb = aws_client(stack, "dynamodb")
    items = dynamodb.scan(TableName="engagement-tracker-local")["Items"]
    return sum(1 for i in items if i["pk"]["S"].startswith("EV#") and not i["sk"]["S"].startswith("TXT#"))


def _wait_for_events(stack: LocalStack, count: int, timeout_seconds: float = 20) -> None:
    deadline = time.monotonic() + timeout_seconds
    while (stored := _stored_events(stack)) < count and time.monotonic() < deadline:
        time.sleep(0.3)
    assert stored >= count, f"{stored} of {count} events stored:\n{stack.output()}"


def _engagement(stack: LocalStack) -> int:
    """Sends signed Facebook and X deliveries spread over the last hours; returns their event count."""
    senders = Senders(secrets_of(stack))
    hours = [NOW - timedelta(hours=h) for h in (9, 6, 3, 1)]
    comments = [payloads.facebook_comment(POST, at) for at in hours]
    reactions = [payloads.facebook_reaction(POST, at) for at in hours[1:]]
    requests = [senders.meta(payloads.facebook_feed(PAGE, comments + reactions))]
    requests += [senders.x(payloads.x_likes(ARTIST, TWEET, at, count=n)) for n, at in enumerate(hours, 1)]
    for request in requests:
        http = urllib.request.Request(
            stack.base_url + request.path, data=request.body, headers=request.headers, method="POST"
        )
        with urllib.request.urlopen(http, timeout=10) as response:
            assert response.status == 200
    return len(comments) + len(reactions) + sum(range(1, len(hours) + 1))


@pytest.fixture(scope="module")
def summary_link(local_stack: LocalStack) -> str:
    """A presigned link to summary.html of a campaign published with engagement in its charts."""
    # Given signed deliveries stored through the real queue and consumer
    admin = {"Authorization": f"Bearer {local_stack.env['ADMIN_TOKEN']}"}
    _wait_for_events(local_stack, _engagement(local_stack))
    # And a campaign tracking their content, created over HTTP
    campaign = {
        "campaign_id": "browser-check",
        "name": NAME,
        "label": "e2e-browser",
        "artist": "Indochine",
        "starts_at": (NOW - timedelta(days=1)).isoformat(),
        "ends_at": (NOW + timedelta(days=20)).isoformat(),
        "timezone": "Europe/Paris",
        "tracked": {"facebook": {"content": [POST]}, "x": {"content": [TWEET]}},
    }
    _call(local_stack, "POST", "/campaigns", campaign, admin)
    # When it is published, its answer carries the presigned links
    published = _call(local_stack, "POST", "/campaigns/browser-check/publish", None, admin)
    link: str = published["links"]["html"]
    return link


@pytest.fixture(scope="module")
def visits(summary_link: str) -> dict[str, Visit]:
    return visit_at_every_width(summary_link, "summary")


def test_the_link_is_a_presigned_loopback_url(summary_link: str) -> None:
    assert summary_link.startswith("http://127.0.0.1:")
    assert "summary.html" in summary_link
    assert "X-Amz-Signature=" in summary_link


@pytest.mark.parametrize("device", list(WIDTHS))
def test_the_summary_renders_cleanly_in_chromium(visits: dict[str, Visit], device: str) -> None:
    # Given a published summary.html (fixture `summary_link`)
    # When Chromium opens its presigned link at this width (fixture `visits`)
    # Then it loaded, logged no error and threw none (a CSP-blocked load logs an error too), every
    # request stayed on loopback (the presigned GET itself and nothing else fetched outside), and on a
    # phone the document never scrolls sideways; its title names the campaign
    assert problems_of_a_presigned_page(visits[device], device, "summary", NAME, phone_slack=1) == []
    # And the page draws at least one chart with a real size
    measures = visits[device].measures
    assert any(svg["width"] > 0 and svg["height"] > 0 for svg in measures["svgs"]), measures
