"""The local API Gateway: Chalice's local server, answering as the deployed REST API does.

API Gateway answers some requests itself, before any function runs: a method or path no route
declares (403 `Missing Authentication Token`, which the template's GatewayResponses turn into the
contract's 404), a request over 10 MB, a malformed request. Chalice's local server answers those in
its own ways (a 405, a CORS preflight 200, an HTML page, a dropped connection); this handler gives
the deployed answers instead, always in the contract's error shape, and never drops a connection.
Invocations run in the API function's containers (infra.local.containers).

`/webhooks` and everything under it is not the REST API's: in AWS those routes are the webhook
function's Function URL (another host). The local stack keeps one base URL: this server hands those
requests to the webhook function's containers as payload 2.0 events, as the Function URL would
(infra.local.function_url), and answers what the function returns.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Callable
from http import HTTPStatus
from http.server import HTTPServer
from typing import Any

from infra.local import function_url, gateway

log = logging.getLogger("local")
# A feed's URL is a capability (contract section 9): its secret never reaches a log line.
FEED_PATH = re.compile(r"^/feeds/[^/]*/")
WEBHOOKS_PATH = re.compile(r"^/webhooks(?:/|$)")
WEBHOOK_TIMEOUT_SECONDS = 10  # the webhook function's lambda_timeout (.chalice/config.json)


def serve(
    app_object: Any,
    config_from_disk: dict[str, Any],
    host: str,
    port: int,
    project_dir: str,
    webhooks: Callable[[dict[str, Any], Any], Any] | None = None,
) -> Any:
    """A LocalDevServer for `app_object` (the app, or its container-backed stand-in); `webhooks`
    invokes the webhook function (default: the app's own, in this process)."""
    from chalice.config import Config
    from chalice.local import ChaliceRequestHandler, LocalDevServer, RouteMatcher, ThreadedHTTPServer

    from infra.local.containers import ContainerFailed
    from infra.local.lambda_runtime import LambdaContext

    routes = RouteMatcher(list(app_object.routes))
    invoke_webhooks = webhooks or app_object.webhooks

    class DeployedGatewayHandler(ChaliceRequestHandler):
        def _declared(self) -> bool:
            """Whether a route declares this method for this path, as API Gateway's resources do."""
            path = self.path.partition("?")[0]
            try:
                resource = routes.match_route(path).route
            except ValueError:
                return False
            return self.command in app_object.routes[resource]

        def _generic_handle(self) -> None:
            if WEBHOOKS_PATH.match(self.path):
                self._function_url()
                return
            refusal = gateway.length_refusal(self.headers.get("content-length"))
            if refusal is None and not self._declared():
                refusal = gateway.NO_ROUTE
            if refusal is not None:
                self.close_connection = True  # the unread body must not be taken for a next request
                self._answer(refusal)
                return
            try:
                super()._generic_handle()
            except ContainerFailed:
                self._answer(gateway.INTERNAL_ERROR)

        def _function_url(self) -> None:
            """The webhook function's Function URL: the request as a payload 2.0 event, the
            function's result as the answer. Lambda refuses a payload over 6 MB itself."""
            refusal = gateway.length_refusal(
                self.headers.get("content-length"),
                gateway.FUNCTION_URL_MAX_PAYLOAD_BYTES,
                gateway.FUNCTION_URL_TOO_LARGE,
            )
            if refusal is not None:
                self.close_connection = True
                self._answer(refusal)
                return
            length = int((self.headers.get("content-length") or "0").strip())
            body = self.rfile.read(length) if length else b""
            headers = self.headers.items()
            event = function_url.event(self.command, self.path, headers, body, self.client_address[0])
            if function_url.payload_size(event) > gateway.FUNCTION_URL_MAX_PAYLOAD_BYTES:
                self._answer(gateway.FUNCTION_URL_TOO_LARGE)
                return
            try:
                result = invoke_webhooks(event, LambdaContext("webhooks", WEBHOOK_TIMEOUT_SECONDS))
            except ContainerFailed:
                self._answer(gateway.INTERNAL_ERROR)
                return
            answer = function_url.answer(result)
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(answer.body)

        def _send_error_response(self, error: Any) -> None:
            # No authorizers here, and undeclared routes never reach Chalice: anything Chalice's
            # gateway raises is the gateway failing.
            self._answer(gateway.INTERNAL_ERROR)

        def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
            """http.server's own refusals (request line too long, bad syntax, unknown method), in
            the contract's shape instead of an HTML page."""
            if code == HTTPStatus.NOT_IMPLEMENTED:  # a method no route could declare
                answer = gateway.NO_ROUTE
            else:
                answer = gateway.protocol_refusal(code)
            # A request line too broken to name a version is answered in HTTP/1.1 all the same
            # (http.server would take it for HTTP/0.9 and send a body without a status line).
            if getattr(self, "request_version", "") in {"", "HTTP/0.9"}:
                self.request_version = "HTTP/1.1"
            self.close_connection = True
            self._answer(answer, closing=True)

        def log_request(self, code: Any = "-", size: Any = "-") -> None:
            # The request line without its query: a Meta handshake's holds the verify token; and a
            # calendar feed's path is its capability. A refusal before the request line was parsed
            # has no path at all.
            path, _, query = getattr(self, "path", "").partition("?")
            path = FEED_PATH.sub("/feeds/<secret>/", path)
            command = getattr(self, "command", "") or "-"
            line = f"{command} {path[:200]}{'?...' if query else ''} {getattr(self, 'request_version', '')}"
            self.log_message('"%s" %s %s', line, str(code), str(size))

        def _answer(self, answer: gateway.GatewayAnswer, *, closing: bool = False) -> None:
            body = answer.body()
            self.send_response(answer.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            if closing:
                self.send_header("Connection", "close")
            self.end_headers()
            if getattr(self, "command", "") != "HEAD":  # a HEAD answer has headers only
                self.wfile.write(body)

        do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = do_PATCH = do_OPTIONS = _generic_handle

    class QuietServer(ThreadedHTTPServer):
        def handle_error(self, request: Any, client_address: Any) -> None:
            # A client that hangs up mid-answer is expected; one line, never a traceback.
            error = sys.exc_info()[1]
            log.info("connection from %s ended: %s", client_address[0], type(error).__name__)

    assert issubclass(QuietServer, HTTPServer)
    config = Config(
        chalice_stage="local",
        config_from_disk=config_from_disk,
        user_provided_params={"project_dir": project_dir},
    )
    return LocalDevServer(
        app_object, config, host, port, handler_cls=DeployedGatewayHandler, server_cls=QuietServer
    )
