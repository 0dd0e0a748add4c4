"""Issue 16 over real HTTP: the local stack hands /webhooks/* to the webhook function as its Function
URL would (payload 2.0 events), so header names in any case, repeated headers, cookies and oversized
bodies get the contract's answers through the same function production runs."""

from __future__ import annotations

import http.client
import json
from datetime import UTC, datetime, timedelta

import pytest

from infra.local import senders as payloads
from infra.local.harness import LocalStack
from infra.local.senders import Senders, SignedRequest
from tests.e2e.conftest import secrets_of

pytestmark = pytest.mark.e2e
AT = datetime.now(UTC) - timedelta(hours=1)


def _send(
    stack: LocalStack, path: str, headers: list[tuple[str, str]], body: bytes, length: int | None = None
) -> tuple[int, dict[str, str], bytes]:
    """POST with exactly these header lines (repeats and case kept), as a platform's client would;
    `length` announces a body that is not sent (the answer comes from the length alone)."""
    connection = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=30)
    try:
        connection.putrequest("POST", path)
        for name, value in [*headers, ("Content-Length", str(len(body) if length is None else length))]:
            connection.putheader(name, value)
        connection.endheaders()
        if length is None:
            connection.send(body)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def _signed(stack: LocalStack) -> SignedRequest:
    comment = payloads.facebook_comment("104_1", AT, text="Function URL")
    return Senders(secrets_of(stack)).meta(payloads.facebook_feed("104", [comment]))


def _error_code(headers: dict[str, str], body: bytes) -> str:
    assert headers["content-type"] == "application/json"
    error = json.loads(body)["error"]
    assert set(error) == {"code", "message"}
    return str(error["code"])


@pytest.mark.parametrize("case", [str.upper, str.lower, str.title])
def test_signature_and_content_type_headers_are_read_in_any_case(
    local_stack: LocalStack, case: object
) -> None:
    request = _signed(local_stack)
    headers = [(case(name), value) for name, value in request.headers.items()]  # type: ignore[operator]
    status, _, body = _send(local_stack, request.path, headers, request.body)
    assert status == 200, body
    assert json.loads(body)["status"] == "accepted"


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param(
            [("X-Forwarded-For", "10.0.0.1"), ("X-Forwarded-For", "10.0.0.2")], id="a-repeated-header"
        ),
        pytest.param([("Cookie", "session=abc; theme=dark"), ("Cookie", "x=1")], id="cookies"),
    ],
)
def test_headers_beside_the_signature_do_not_disturb_a_delivery(
    local_stack: LocalStack, extra: list[tuple[str, str]]
) -> None:
    request = _signed(local_stack)
    status, _, body = _send(local_stack, request.path, [*request.headers.items(), *extra], request.body)
    assert status == 200, body


def test_a_repeated_signature_header_is_a_401_in_the_contract_shape(local_stack: LocalStack) -> None:
    # Given a valid signature sent twice: Lambda joins the values with a comma, which matches nothing
    request = _signed(local_stack)
    signature = request.headers["X-Hub-Signature-256"]
    headers = [*request.headers.items(), ("X-Hub-Signature-256", signature)]
    status, answer_headers, body = _send(local_stack, request.path, headers, request.body)
    assert status == 401
    assert _error_code(answer_headers, body) == "invalid_signature"


def test_a_body_over_one_mib_reaches_the_function_and_is_a_413(local_stack: LocalStack) -> None:
    body = b"{" + b" " * (2 * 1024 * 1024) + b"}"
    headers = [("Content-Type", "application/json"), ("X-Hub-Signature-256", "sha256=00")]
    status, answer_headers, answer = _send(local_stack, "/webhooks/meta", headers, body)
    assert status == 413
    assert _error_code(answer_headers, answer) == "payload_too_large"


def test_a_body_over_lambdas_six_mb_is_a_413_in_the_contract_shape(local_stack: LocalStack) -> None:
    # (In AWS, Lambda refuses it before the function runs, in its own shape: README, "Webhook URLs".)
    headers = [("Content-Type", "application/json")]
    status, answer_headers, answer = _send(local_stack, "/webhooks/meta", headers, b"", 6 * 1024 * 1024 + 1)
    assert status == 413
    assert _error_code(answer_headers, answer) == "payload_too_large"
