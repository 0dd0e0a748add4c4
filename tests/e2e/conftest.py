"""One local stack per e2e module, on free ports, with secrets chosen by the test, stopped at the end."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.adapters.secret_names import ALL_SECRET_NAMES
from infra.local.harness import LocalStack, api, aws_client, http, start
from infra.local.stack import resolve_secrets


@pytest.fixture(scope="module")
def local_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    secrets, _ = resolve_secrets({})
    stack = start(tmp_path_factory.mktemp("stack") / "run.log", secrets)
    yield stack
    assert stack.stop() == 0, stack.output()


def secrets_of(stack: LocalStack) -> dict[str, str]:
    return {name: stack.env[name] for name in ALL_SECRET_NAMES}


def subscribe_live(stack: LocalStack, channel_id: str) -> None:
    """What the renew job and the hub do for a channel, so that its deliveries count: record our
    subscribe request in the stack's table, then answer the hub's verification of intent over HTTP."""
    from urllib.parse import quote

    from chalicelib.adapters.subscriptions import DynamoSubscriptions
    from chalicelib.platforms.youtube.webhook import topic_for_channel

    topic = topic_for_channel(channel_id)
    table = DynamoSubscriptions(aws_client(stack, "dynamodb"), "engagement-tracker-local")
    table.request(topic, "subscribe", "2026-01-01T00:00:00+00:00")
    query = f"hub.mode=subscribe&hub.topic={quote(topic, safe='')}&hub.challenge=c&hub.lease_seconds=432000"
    status, _ = http("GET", f"{stack.base_url}/webhooks/youtube?{query}")
    assert status == 200


def as_admin(stack: LocalStack, method: str, path: str, body: Any = None) -> Any:
    """The JSON answer (None when empty) to the stack's admin, who must succeed."""
    status, answer = api(stack, method, path, stack.env["ADMIN_TOKEN"], body, timeout_seconds=120)
    assert status < 300, (method, path, status, answer)
    return answer


def html_link_once_run(stack: LocalStack, job: str, links_path: str) -> str:
    """The page link that `links_path` answers once the job has run."""
    as_admin(stack, "POST", f"/admin/jobs/{job}")
    link: str = as_admin(stack, "GET", links_path)["html"]
    return link
