"""Logs and metrics: structured keys per outcome, and never a payload, a text or a secret."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from aws_lambda_powertools import Tracer
from chalice.test import Client

import app as app_module
from chalicelib import observability
from infra.local import senders as payloads
from infra.local.senders import Senders
from tests.integration.conftest import Stack
from tests.integration.function_url_client import front_doors
from tests.integration.test_ingest_consumer import consume
from tests.integration.webhook_client import send

AT = datetime(2026, 11, 26, 10, 30, tzinfo=UTC)
COMMENT_TEXT = "a very private comment 4f1c"


@pytest.fixture
def client(stack: Stack) -> Iterator[Client]:
    with front_doors(app_module.app) as test_client:
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


def test_an_accepted_delivery_is_one_line_with_its_outcome_platform_and_delivery_id(
    client: Client, stack: Stack, capsys: pytest.CaptureFixture[str], emitted_logs: io.StringIO
) -> None:
    # Given a valid delivery
    request = Senders(stack.secrets).x(payloads.x_likes("1234", "1790", AT))
    # When it is accepted
    response = send(client, request)
    # Then its invocation writes one line, the EMF document, which names the delivery
    (document,) = [line for line in _lines(capsys.readouterr().out) if "_aws" in line]
    assert document["delivery_accepted"] == [1.0]
    assert document["platform"] == "x"
    assert document["delivery_id"] == json.loads(response.body)["delivery_id"]
    assert document["bytes"] == len(request.body)
    assert emitted_logs.getvalue() == ""


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
    assert '"delivery_accepted"' in everything  # the scan reads real log lines
    assert '"request rejected"' in everything
    for name, secret in stack.secrets.items():
        for part in secret.split(","):
            value = part.split("=", 1)[-1]
            assert value not in everything, name
    assert COMMENT_TEXT not in everything
    assert '"entry"' not in everything


def test_log_lines_carry_the_invocation_request_id_and_no_stale_one(
    client: Client, stack: Stack, emitted_logs: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a fresh webhook function container (this test process has served other functions)
    monkeypatch.setattr(observability, "_container_keys", {})
    # And two rejected deliveries, each its own invocation
    for _ in range(2):
        client.http.post(
            "/webhooks/meta",
            headers={"Content-Type": "application/json", "X-Hub-Signature-256": "sha256=00"},
            body=b"{}",
        )
    # Then each rejection's line carries its own invocation's request id and the webhook function's name
    rejected = [line for line in _lines(emitted_logs.getvalue()) if line["message"] == "request rejected"]
    assert len(rejected) == 2
    assert all(line["function_request_id"] for line in rejected)
    assert rejected[0]["function_request_id"] != rejected[1]["function_request_id"]
    assert {line["function_name"] for line in rejected} == {"webhooks"}
    assert [line["cold_start"] for line in rejected] in ([True, False], [False, False])


def test_with_tracing_on_an_invocation_still_answers_and_flushes_its_metrics(
    client: Client, stack: Stack, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the tracer's handler segment around every invocation, as in a deployed stage
    tracer = Tracer(service=observability.SERVICE_NAME)
    traced = tracer.capture_lambda_handler(observability._continue, capture_response=False)
    monkeypatch.setattr(observability, "_traced", traced)
    # When a delivery arrives
    response = send(client, Senders(stack.secrets).x(payloads.x_likes("1234", "1790", AT)))
    # Then it is answered through the segment and its one metric document is written
    assert response.status_code == 200
    (document,) = [line for line in _lines(capsys.readouterr().out) if "_aws" in line]
    assert document["delivery_id"] == json.loads(response.body)["delivery_id"]


def test_a_rejected_delivery_is_one_log_line_and_one_metric_document(
    client: Client, stack: Stack, capsys: pytest.CaptureFixture[str], emitted_logs: io.StringIO
) -> None:
    # When a forged delivery is refused
    client.http.post(
        "/webhooks/x",
        headers={"Content-Type": "application/json", "x-twitter-webhooks-signature": "sha256=AA=="},
        body=b"{}",
    )
    # Then one line says what was answered, and one EMF document which platform and why
    (line,) = _lines(emitted_logs.getvalue())
    assert (line["message"], line["status"]) == ("request rejected", 401)
    assert line["error_code"] == "invalid_signature"
    (document,) = [doc for doc in _lines(capsys.readouterr().out) if "_aws" in doc]
    assert (document["platform"], document["reason"]) == ("x", "invalid_signature")
