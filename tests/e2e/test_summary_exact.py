"""Issue 4's exactness, end to end: a signed multi-platform day (duplicates, shuffling, undos,
events before the window, untracked content) through the local stack's HTTP routes, the real queue
and consumer, then a publish whose summary counts equal the distinct expected counts exactly."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest

from chalicelib.adapters.secret_names import ALL_SECRET_NAMES
from infra.local.harness import LocalStack, api, http, send_signed, start, wait_until_ingested
from infra.local.stack import resolve_secrets
from infra.local.traffic import day_of_traffic, with_linkfire
from tests.e2e.conftest import subscribe_live
from tests.summary_schema import validate_summary

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def demo_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    secrets = with_linkfire(resolve_secrets({})[0])
    stack = start(tmp_path_factory.mktemp("stack") / "run.log", secrets)
    yield stack
    assert stack.stop() == 0, stack.output()


def test_published_counts_equal_the_distinct_events_exactly(demo_stack: LocalStack, tmp_path: Path) -> None:
    # Given a day of signed traffic for two artists, a fifth of it duplicated, shuffled
    secrets = {name: demo_stack.env[name] for name in ALL_SECRET_NAMES}
    day = day_of_traffic(secrets, datetime.now(UTC))
    assert len(day.requests) > day.distinct_deliveries  # duplicates are really sent
    for campaign in day.campaigns:  # the hub delivers only what we subscribed to
        for channel in campaign["tracked"]["youtube"]["accounts"]:
            subscribe_live(demo_stack, channel)
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda request: send_signed(demo_stack, request), day.requests))
    assert set(statuses) == {200}
    wait_until_ingested(demo_stack)
    # When their campaigns are created afterwards and published
    admin = secrets["ADMIN_TOKEN"]
    for campaign in day.campaigns:
        status, answer = api(demo_stack, "POST", "/campaigns", admin, campaign)
        assert status == 201, answer
    for campaign in day.campaigns:
        status, published = api(demo_stack, "POST", f"/campaigns/{campaign['campaign_id']}/publish", admin)
        assert status == 200, published
        # Then the summary behind the presigned link holds exactly the expected net counts
        status, summary = http("GET", published["links"]["json"])
        assert status == 200
        validate_summary(summary)
        counted = {
            platform: section["events"]
            for platform, section in summary["platforms"].items()
            if section["events"]
        }
        assert counted == day.expected[campaign["campaign_id"]]
        assert summary["totals"]["events"] == sum(
            sum(k.values()) for k in day.expected[campaign["campaign_id"]].values()
        )
