"""The local stack remembers (issue 9, point 9): what it acknowledged before a restart, clean or
`kill -9`, is there after it, once; `RESET=1` starts empty."""

from __future__ import annotations

import json
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from infra.local import senders as payloads
from infra.local.harness import LocalStack, api, send_signed, start, wait_until_ingested
from infra.local.senders import Senders
from infra.local.stack import read_env_file
from tests.campaigns import campaign_dict, open_window
from tests.conftest import unique

pytestmark = pytest.mark.e2e

DELIVERIES = 150


def _secrets(stack: LocalStack) -> dict[str, str]:
    assert stack.local_dir is not None
    return read_env_file(stack.local_dir / "secrets.env")


def _campaign(content_id: str, at: datetime) -> dict[str, Any]:
    return campaign_dict(
        campaign_id=unique("restart"),
        name="Restart",
        tracked={"standard:demo": {"content": [content_id]}},
        **open_window(at, until=timedelta(days=1)),
    )


def _presaves_in_summary(stack: LocalStack, admin: str, campaign_id: str) -> int:
    status, published = api(stack, "POST", f"/campaigns/{campaign_id}/publish", admin)
    assert status == 200, published
    status, links = api(stack, "GET", f"/campaigns/{campaign_id}/links", admin)
    assert status == 200, links
    with urllib.request.urlopen(links["json"], timeout=30) as response:
        summary = json.load(response)
    return int(summary["platforms"].get("standard:demo", {}).get("events", {}).get("presave", 0))


def test_deliveries_acknowledged_before_a_kill_9_are_counted_once_after_the_restart(tmp_path: Path) -> None:
    # Given a stack that acknowledged N distinct deliveries, some maybe still on its queue
    stack = start(tmp_path / "run.log")
    secrets = _secrets(stack)
    admin = secrets["ADMIN_TOKEN"]
    content_id = unique("album")
    at = datetime.now(UTC) - timedelta(minutes=5)
    senders = Senders(secrets)
    requests = [
        senders.standard("demo", payloads.standard_engagement("presave", content_id, at))
        for _ in range(DELIVERIES)
    ]
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda request: send_signed(stack, request), requests))
    assert statuses == [200] * DELIVERIES
    # When the whole process group is killed at once, and the stack started again on its state
    stack.kill()
    restarted = start(tmp_path / "run.log", local_dir=stack.local_dir)
    try:
        wait_until_ingested(restarted)
        campaign = _campaign(content_id, at)
        status, answer = api(restarted, "POST", "/campaigns", admin, campaign)
        assert status == 201, answer
        # Then every acknowledged delivery is counted, each once
        assert _presaves_in_summary(restarted, admin, campaign["campaign_id"]) == DELIVERIES
    finally:
        assert restarted.stop() == 0, restarted.output()


def test_a_restart_keeps_the_admin_token_the_secrets_and_the_campaigns(tmp_path: Path) -> None:
    # Given a stack whose secrets were generated, with a campaign and an editor token
    stack = start(tmp_path / "run.log")
    secrets = _secrets(stack)
    admin = secrets["ADMIN_TOKEN"]
    campaign = _campaign(unique("album"), datetime.now(UTC))
    assert api(stack, "POST", "/campaigns", admin, campaign)[0] == 201
    status, issued = api(
        stack, "POST", "/admin/tokens", admin, {"name": "lead", "role": "viewer", "labels": ["columbia-fr"]}
    )
    assert status == 201, issued
    # When it stops cleanly and starts again
    assert stack.stop() == 0, stack.output()
    restarted = start(tmp_path / "run.log", local_dir=stack.local_dir)
    try:
        # Then the same secrets sign and authenticate, and what was created is there
        assert _secrets(restarted) == secrets
        status, found = api(restarted, "GET", f"/campaigns/{campaign['campaign_id']}", issued["token"])
        assert status == 200, found
        assert found["name"] == campaign["name"]
        request = Senders(secrets).standard(
            "demo", payloads.standard_engagement("presave", "x", datetime.now(UTC))
        )
        assert send_signed(restarted, request) == 200
    finally:
        assert restarted.stop() == 0, restarted.output()


def test_reset_starts_with_an_empty_local_aws_and_new_secrets(tmp_path: Path) -> None:
    # Given a stack that stored a campaign
    stack = start(tmp_path / "run.log")
    old_admin = _secrets(stack)["ADMIN_TOKEN"]
    campaign = _campaign(unique("album"), datetime.now(UTC))
    assert api(stack, "POST", "/campaigns", old_admin, campaign)[0] == 201
    assert stack.stop() == 0, stack.output()
    # When it starts again with RESET=1
    restarted = start(tmp_path / "run.log", {"RESET": "1"}, local_dir=stack.local_dir)
    try:
        # Then nothing of before is there, the old admin token included
        new_admin = _secrets(restarted)["ADMIN_TOKEN"]
        assert new_admin != old_admin
        assert api(restarted, "GET", f"/campaigns/{campaign['campaign_id']}", new_admin)[0] == 404
        assert api(restarted, "GET", "/campaigns", old_admin)[0] == 401
    finally:
        assert restarted.stop() == 0, restarted.output()
