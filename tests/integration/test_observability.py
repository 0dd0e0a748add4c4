"""Logs and metrics: structured keys per outcome, and never a payload, a text or a secret."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from chalice.test import Client

import app as app_module
from chalicelib import observability
from infra.local import senders as payloads
from infra.local.senders import Senders
from tests.integration.conftest import Stack
from tests.integration.test_ingest_consumer import consume
from tests.integration.webhook_client import send

AT = datetime(2026, 11, 26, 10, 30, tzinfo=UTC)
COMMENT_TEXT = "a very private comment 4f1c"


@pytest.fixture
def client(stack: Stack) -> Iterator[Client]:
    with Client(app_module.app, stage_name="local") as test_client:
        yield test_client


@pytest.fixture
def emitted_logs() -> Iterator[io.StringIO]:
    """What the Powertools logger writes (its handler keeps the stdout it found at import)."""
    handler = observability.logger.registered_handler
    buffer = io.StringIO()
    original = handler.setStream(buffer)
    yield buffer
    handler.setStream(original)


def _lines(captured: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in captured.splitlines() if line.startswith("{")]


def test_an_accepted_delivery_logs_its_platform_and_delivery_id(
    client: Client, stack: Stack, emitted_logs: io.StringIO
) -> None:
    response = send(client, Senders(stack.secrets).x(payloads.x_likes("1234", "1790", AT)))
    logs = _lines(emitted_logs.getvalue())
    accepted = [line for line in logs if line.get("message") == "delivery accepted"]
    assert len(accepted) == 1
    assert accepted[0]["platform"] == "x"
    assert accepted[0]["delivery_id"] == json.loads(response.body)["delivery_id"]


def test_each_outcome_is_one_metric_with_its_platform_and_reason(
    client: Client, stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    request = Senders(stack.secrets).meta(
        payloads.facebook_feed("104", [payloads.facebook_comment("104_1", AT)])
    )
    client.http.post(request.path, headers={"Content-Type": "application/json"}, body=request.body)
    (document,) = [line for line in _lines(capsys.readouterr().out) if "_aws" in line]
    assert document["delivery_rejected"] == [1.0]
    assert document["platform"] == "meta"
    assert document["reason"] == "invalid_signature"


def test_a_hostile_platform_name_never_becomes_a_metric_dimension(
    client: Client, stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    client.http.post("/webhooks/injected-value", headers={"Content-Type": "application/json"}, body=b"{}")
    (document,) = [line for line in _lines(capsys.readouterr().out) if "_aws" in line]
    assert document["platform"] == "unknown"


def test_logs_never_carry_secrets_payloads_or_comment_text(
    client: Client, stack: Stack, capsys: pytest.CaptureFixture[str], emitted_logs: io.StringIO
) -> None:
    # Given accepted and rejected deliveries carrying a comment text, and the consumer's run
    senders = Senders(stack.secrets)
    body = payloads.facebook_feed("104", [payloads.facebook_comment("104_1", AT, text=COMMENT_TEXT)])
    send(client, senders.meta(body))
    client.http.post(
        "/webhooks/meta",
        headers={"Content-Type": "application/json", "X-Hub-Signature-256": "sha256=00"},
        body=body,
    )
    send(
        client,
        senders.standard("demo", payloads.standard_engagement("comment", "l-1", AT, text=COMMENT_TEXT)),
    )
    consume(stack)
    # Then no log or metric line holds a secret, the comment text or a raw body
    output = capsys.readouterr()
    everything = output.out + output.err + emitted_logs.getvalue()
    assert "delivery accepted" in everything  # the scan reads real log lines
    for name, secret in stack.secrets.items():
        for part in secret.split(","):
            value = part.split("=", 1)[-1]
            assert value not in everything, name
    assert COMMENT_TEXT not in everything
    assert '"entry"' not in everything
