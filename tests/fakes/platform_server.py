"""A loopback HTTP server that plays a platform's API in tests.

It listens on 127.0.0.1 only, on a port the OS picks, and answers each path from what the test
programmed: a queue of replies consumed in order, or a handler that sees the request. Every request is
logged (method, path, query, headers, body). A path with nothing programmed answers 404, so a test
that forgot a reply fails loudly instead of reaching anything real.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class Recorded:
    """One request as the server received it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    raw_target: str

    def param(self, name: str) -> str:
        """The single value of a query parameter."""
        (value,) = self.query[name]
        return value

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Reply:
    """An answer: a status, headers and a body (bytes as they are, str as UTF-8, else JSON)."""

    status: int = 200
    headers: Mapping[str, str] | None = None
    body: Any = b""

    def encoded(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode("utf-8")
        return json.dumps(self.body).encode("utf-8")


Handler = Callable[[Recorded], Reply]


class PlatformServer:
    """Start with `start()` (or the `platform_server` fixture), program replies, read `requests`."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self._queues: dict[str, deque[Reply]] = {}
        self._handlers: dict[str, Handler] = {}
        self._prefixes: dict[str, Handler] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- programming ----------------------------------------------------------------------------------

    def reply(self, path: str, *replies: Reply | tuple[int, Mapping[str, str], Any]) -> None:
        """Queue answers for `path`, consumed one per request in order."""
        queue = self._queues.setdefault(path, deque())
        for reply in replies:
            queue.append(reply if isinstance(reply, Reply) else Reply(*reply))

    def handle(self, path: str, handler: Handler) -> None:
        """Answer every request to `path` with `handler(request)` (after any queued replies)."""
        self._handlers[path] = handler

    def handle_prefix(self, prefix: str, handler: Handler) -> None:
        """Answer every request to a path under `prefix` (one not otherwise programmed) with `handler`."""
        self._prefixes[prefix] = handler

    def requests_to(self, path: str) -> list[Recorded]:
        return [request for request in self.requests if request.path == path]

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start the server first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    # --- life -----------------------------------------------------------------------------------------

    def start(self) -> PlatformServer:
        server = ThreadingHTTPServer((LOOPBACK, 0), _handler_class(self))
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
        self._thread.daemon = True
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def _answer(self, request: Recorded) -> Reply:
        with self._lock:
            self.requests.append(request)
            queue = self._queues.get(request.path)
            if queue:
                return queue.popleft()
            handler = self._handlers.get(request.path) or next(
                (h for prefix, h in self._prefixes.items() if request.path.startswith(prefix)), None
            )
        if handler is not None:
            return handler(request)
        return Reply(
            404, {"Content-Type": "application/json"}, {"error": f"nothing programmed for {request.path}"}
        )


def _handler_class(server: PlatformServer) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self._serve()

        def do_POST(self) -> None:
            self._serve()

        def do_PUT(self) -> None:
            self._serve()

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            target = urlsplit(self.path)
            request = Recorded(
                method=self.command,
                path=target.path,
                query=parse_qs(target.query, keep_blank_values=True),
                headers={name.lower(): value for name, value in self.headers.items()},
                body=body,
                raw_target=self.path,
            )
            reply = server._answer(request)
            payload = reply.encoded()
            self.send_response(reply.status)
            headers = {"Content-Type": "application/json", **(reply.headers or {})}
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up
                self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: tests read `requests` instead."""

    return _Handler


@pytest.fixture
def platform_server() -> Iterator[PlatformServer]:
    """A started fake platform, stopped after the test."""
    server = PlatformServer().start()
    try:
        yield server
    finally:
        server.stop()
