"""The two front doors as the tests reach them: webhook routes through the webhook function's
Function URL (payload 2.0 events, as Lambda builds them: infra.local.function_url), everything else
through Chalice's test client (the REST API). Both answer Chalice test-client-like responses."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from chalice.test import Client

from infra.local import function_url
from infra.local.lambda_runtime import LambdaContext

WEBHOOKS_PREFIX = "/webhooks"


@dataclass(frozen=True)
class Response:
    status_code: int
    headers: dict[str, str]
    body: bytes


def _header_pairs(headers: Mapping[str, str] | list[tuple[str, str]] | None) -> list[tuple[str, str]]:
    if headers is None:
        return []
    if isinstance(headers, Mapping):
        return [(str(k), str(v)) for k, v in headers.items()]
    return [(str(k), str(v)) for k, v in headers]


class FunctionUrlHttp:
    """Requests to the webhook function as its Function URL invokes it."""

    def __init__(self) -> None:
        import app as app_module

        self._handler = app_module.webhooks
        self.events: list[dict[str, Any]] = []  # what the function was invoked with, for assertions

    def request(
        self,
        method: str,
        path: str,
        headers: Mapping[str, str] | list[tuple[str, str]] | None = None,
        body: bytes | str = b"",
    ) -> Response:
        raw = body.encode("utf-8") if isinstance(body, str) else body
        event = function_url.event(method, path, _header_pairs(headers), raw)
        self.events.append(event)
        if function_url.payload_size(event) > function_url.MAX_REQUEST_PAYLOAD_BYTES:
            return Response(413, {"content-type": "application/json"}, b'{"Message":"Request too large"}')
        answer = function_url.answer(self._handler(event, LambdaContext("webhooks", 10)))
        return Response(answer.status, answer.headers, answer.body)

    def get(self, path: str, headers: Mapping[str, str] | None = None) -> Response:
        return self.request("GET", path, headers)

    def post(self, path: str, headers: Mapping[str, str] | None = None, body: bytes | str = b"") -> Response:
        return self.request("POST", path, headers, body)


class _Dispatching:
    """`/webhooks/...` to the Function URL, the rest to the REST API, as the deployed stack does."""

    def __init__(self, rest: Any, webhooks: FunctionUrlHttp) -> None:
        self._rest = rest
        self._webhooks = webhooks

    def _door(self, path: str) -> Any:
        return self._webhooks if path.split("?", 1)[0].startswith(WEBHOOKS_PREFIX) else self._rest

    def request(self, method: str, path: str, headers: Any = None, body: bytes | str = b"") -> Any:
        return self._door(path).request(method, path, headers=headers, body=body)

    def get(self, path: str, headers: Any = None) -> Any:
        return self.request("GET", path, headers)

    def post(self, path: str, headers: Any = None, body: bytes | str = b"") -> Any:
        return self.request("POST", path, headers, body)

    def put(self, path: str, headers: Any = None, body: bytes | str = b"") -> Any:
        return self.request("PUT", path, headers, body)

    def delete(self, path: str, headers: Any = None) -> Any:
        return self.request("DELETE", path, headers)


class FrontDoors:
    """Chalice's test client, with its `http` reaching webhook routes through the Function URL."""

    def __init__(self, rest: Client) -> None:
        self._rest = rest
        self.webhooks = FunctionUrlHttp()
        self.http = _Dispatching(rest.http, self.webhooks)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._rest, name)


@contextlib.contextmanager
def front_doors(app: Any) -> Iterator[FrontDoors]:
    with Client(app, stage_name="local") as rest:
        yield FrontDoors(rest)
