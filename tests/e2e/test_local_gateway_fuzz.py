"""The local server under hostile HTTP (issue 9, point 8): whatever arrives on the socket gets a
whole HTTP answer in the contract's error shape, as API Gateway plus the template's
GatewayResponses would give; no connection is dropped, and the server answers the next request."""

from __future__ import annotations

import json
import random
import socket
from dataclasses import dataclass

import pytest

from infra.local.harness import LocalStack, http

pytestmark = pytest.mark.e2e

SEED = 20_261_202


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


def _exchange(stack: LocalStack, raw: bytes) -> Answer:
    """Send raw bytes, read the whole answer (until the server closes or Content-Length is met)."""
    with socket.create_connection(("127.0.0.1", stack.port), timeout=10) as connection:
        connection.sendall(raw)
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = connection.recv(65536)
            assert chunk, f"the server closed the connection without an answer to {raw[:80]!r}"
            received += chunk
        head, _, body = received.partition(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in header_lines)}
        length = int(headers.get("content-length", "0"))
        is_head = raw.startswith(b"HEAD ")
        while not is_head and len(body) < length:
            chunk = connection.recv(65536)
            if not chunk:
                break
            body += chunk
    return Answer(int(status_line.split()[1]), headers, body)


def _assert_contract_error(answer: Answer, status: int | None = None) -> None:
    if status is not None:
        assert answer.status == status, answer
    assert 400 <= answer.status < 500, answer
    assert answer.headers.get("content-type") == "application/json"
    error = json.loads(answer.body)["error"]
    assert set(error) == {"code", "message"}
    assert error["code"]
    assert error["message"]


@pytest.mark.parametrize("method", ["TRACE", "FOO", "CONNECT", "PROPFIND", "OPTIONS"])
def test_a_method_no_route_declares_is_a_404_in_the_contract_shape(
    local_stack: LocalStack, method: str
) -> None:
    answer = _exchange(local_stack, f"{method} /webhooks/meta HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    _assert_contract_error(answer, 404)
    assert json.loads(answer.body)["error"]["code"] == "not_found"


def test_a_method_a_route_does_not_declare_is_a_404_not_a_405(local_stack: LocalStack) -> None:
    answer = _exchange(local_stack, b"PATCH /health HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
    _assert_contract_error(answer, 404)


def test_a_request_line_over_64_kib_is_a_414_in_the_contract_shape(local_stack: LocalStack) -> None:
    answer = _exchange(local_stack, b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    _assert_contract_error(answer, 414)


def test_a_non_ascii_authorization_on_a_path_without_a_route_is_a_404(local_stack: LocalStack) -> None:
    raw = "GET /nowhere HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer été\r\n\r\n".encode()
    _assert_contract_error(_exchange(local_stack, raw), 404)


def test_a_non_ascii_authorization_on_a_route_is_a_401(local_stack: LocalStack) -> None:
    raw = "GET /campaigns HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer été\r\n\r\n".encode()
    _assert_contract_error(_exchange(local_stack, raw), 401)


def _hostile_requests(rng: random.Random) -> list[bytes]:
    methods = ["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "TRACE", "PATCH", "FOO", "get", "G\x7fT"]
    paths = [
        "/health",
        "/webhooks/x?crc_token=abc",
        "/webhooks/meta",
        "/campaigns",
        "/nowhere",
        "/" + "%ff" * 20,
        "/webhooks/standard/" + "é" * 30,
        "/campaigns/" + "a" * 5000,
        "*",
        "//",
    ]
    headers = [
        "Authorization: Bearer \u00e9t\u00e9",
        "Authorization: \xff\xfe",
        "Content-Type: application/json",
        "Content-Type: \x00",
        "X-Long: " + "x" * 60_000,
        "Content-Length: abc",
        "Content-Length: -1",
        "Content-Length: 99999999999",
        "Transfer-Encoding: chunked",
        "Host:",
    ]
    requests = []
    for _ in range(150):
        method, path = rng.choice(methods), rng.choice(paths)
        chosen = rng.sample(headers, rng.randint(0, 3))
        head = f"{method} {path} HTTP/1.1\r\nHost: x\r\n" + "".join(f"{h}\r\n" for h in chosen) + "\r\n"
        requests.append(head.encode("utf-8", "surrogateescape"))
    # (An empty line alone is no request: a server may close without answering, as HTTP allows.)
    requests += [
        b"GET\r\n\r\n",
        b"GET / HTTP/9.9\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",
    ]
    requests += [b"GET / HTTP/1.1\r\n" + b"".join(b"X-%d: y\r\n" % n for n in range(200)) + b"\r\n"]
    return requests


def test_hostile_requests_always_get_a_whole_answer_and_never_a_5xx(local_stack: LocalStack) -> None:
    # Given a seeded mix of hostile request lines, methods, paths and headers
    rng = random.Random(SEED)
    for raw in _hostile_requests(rng):
        # When each is sent on a connection of its own
        answer = _exchange(local_stack, raw)
        # Then it gets a status below 500; errors are JSON in the contract's shape (no HTML page)
        assert answer.status < 500, (raw[:120], answer)
        if answer.status >= 400 and not raw.startswith(b"HEAD "):
            _assert_contract_error(answer)
    # And the server still answers a plain request afterwards
    assert http("GET", f"{local_stack.base_url}/health")[0] == 200
