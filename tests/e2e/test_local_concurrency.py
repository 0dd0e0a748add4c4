"""A long publish no longer freezes the local stack (issue 9, point 10): the API runs in containers
of its own, as Lambda's, so `/health` and webhooks answer while another container publishes."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from infra.local.harness import LocalStack, api, http
from tests.campaigns import campaign_dict, open_window

pytestmark = pytest.mark.e2e

SOURCES, IDS_PER_SOURCE = 20, 500  # 10,000 tracked ids, the size that froze /health for 55 s


def _big_campaign(campaign_id: str) -> dict[str, Any]:
    return campaign_dict(
        campaign_id=campaign_id,
        name="Every smart link of the catalogue",
        tracked={
            f"standard:source-{s}": {"content": [f"link-{s}-{n}" for n in range(IDS_PER_SOURCE)]}
            for s in range(SOURCES)
        },
        **open_window(datetime.now(UTC), since=timedelta(days=2), until=timedelta(days=5)),
    )


def test_health_answers_at_once_while_a_10000_id_campaign_publishes(local_stack: LocalStack) -> None:
    # Given a campaign tracking 10,000 ids, being published
    admin = local_stack.env["ADMIN_TOKEN"]
    campaign = _big_campaign(f"catalogue-{time.monotonic_ns()}")
    status, answer = api(local_stack, "POST", "/campaigns", admin, campaign)
    assert status == 201, answer
    published: list[int] = []
    path = f"/campaigns/{campaign['campaign_id']}/publish"
    publish = threading.Thread(
        target=lambda: published.append(api(local_stack, "POST", path, admin, timeout_seconds=300)[0])
    )
    publish.start()
    time.sleep(1.0)  # the publish is under way in its container
    # When /health is asked meanwhile
    latencies = []
    for _ in range(5):
        started = time.monotonic()
        status, body = http("GET", f"{local_stack.base_url}/health")
        latencies.append(time.monotonic() - started)
        assert (status, body["status"]) == (200, "ok")
    still_publishing = publish.is_alive()
    publish.join(timeout=300)
    # Then each answer came at once, while the publish was still running, and the publish succeeded
    assert still_publishing, "the publish ended before /health was measured: nothing was shown"
    assert max(latencies) < 1.0, latencies
    assert published == [200]
