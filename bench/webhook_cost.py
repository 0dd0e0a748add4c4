"""Issues 3 (a) and 16: in-process cost of one webhook delivery against the floor of hmac + json.loads.

The delivery goes through the whole webhook function as its Lambda Function URL invokes it (a payload
2.0 event into `app.webhooks`: Chalice's pure-function wrapper with the observability middleware, the
router of chalicelib.function_url, the error mapping, the secrets store's cache, signature check,
validation, the queue message) down to stub SQS and SSM clients; the floor is HMAC-SHA256 over the
same body plus json.loads of it.

Two reference rows say where the rest goes, on the same body and in the same run:
- `minimal`: a hand-written handler doing only what any verifying enqueuer must (header lookup,
  HMAC check, parse, delivery id, base64 message, stub send, JSON answer), with no framework;
- `rest routing`: an empty Chalice app whose one route reads the raw body and answers a dict, fed
  the REST API's event: what Chalice's routing cost each delivery before issue 16 moved the webhook
  routes off it (not part of today's handler; kept to show what was removed).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import io
import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from bench.common import PROD_ENV, median, report, timed
from chalicelib.domain.webhooks import WebhookRequest

SECRET = "bench-app-secret"


class StubSsm:
    """GetParametersByPath through the paginator Powertools uses: the stage's secrets, once read."""

    def __init__(self, values: dict[str, str]) -> None:
        self.pages = [
            {"Parameters": [{"Name": f"/bench/{name}", "Value": value} for name, value in values.items()]}
        ]

    def get_paginator(self, _operation: str) -> StubSsm:
        return self

    def paginate(self, **_: Any) -> list[dict[str, Any]]:
        return self.pages


class StubSqs:
    def __init__(self) -> None:
        self.sent = 0

    def send_message(self, **_: Any) -> dict[str, str]:
        self.sent += 1
        return {"MessageId": "stub"}


def _meta_body(changes: int) -> bytes:
    from infra.local import senders as payloads

    now = datetime.now(UTC)
    items = [payloads.facebook_comment("104_1", now) for _ in range(changes)]
    return payloads.facebook_feed("104", items)


def _signature(body: bytes) -> str:
    return "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()


def _function_url_event(body: bytes) -> dict[str, Any]:
    """The payload 2.0 event a Function URL hands the webhook function (JSON: a text body)."""
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": "/webhooks/meta",
        "rawQueryString": "",
        "headers": {"content-type": "application/json", "x-hub-signature-256": _signature(body)},
        "requestContext": {
            "http": {"method": "POST", "path": "/webhooks/meta", "protocol": "HTTP/1.1"},
            "routeKey": "$default",
            "stage": "$default",
        },
        "body": body.decode(),
        "isBase64Encoded": False,
    }


def _rest_event(body: bytes) -> dict[str, Any]:
    """The REST API's event of the same delivery (the reference row's)."""
    signature = _signature(body)
    return {
        "resource": "/webhooks/{platform}",
        "path": "/webhooks/meta",
        "httpMethod": "POST",
        "headers": {"Content-Type": "application/json", "X-Hub-Signature-256": signature},
        "multiValueHeaders": {},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": {"platform": "meta"},
        "stageVariables": None,
        "requestContext": {"resourcePath": "/webhooks/{platform}", "httpMethod": "POST", "stage": "api"},
        "body": body.decode(),
        "isBase64Encoded": False,
    }


class Context:
    function_name = "engagement-tracker-prod"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:eu-west-3:123456789012:function:engagement-tracker-prod"
    aws_request_id = "bench"


def _setup() -> tuple[Any, StubSqs]:
    """The webhook function's handler, its receiver wired to stub SQS and SSM clients (the secrets
    come through the stage's secrets store and its cache, as in a deployed function)."""
    os.environ.update({**PROD_ENV, "POWERTOOLS_TRACE_DISABLED": "true"})
    import app as app_module
    from chalicelib import wiring
    from chalicelib.adapters.delivery_queue import SqsDeliveryQueue
    from chalicelib.adapters.secret_names import ALL_SECRET_NAMES
    from chalicelib.adapters.secrets import SsmSecrets
    from chalicelib.services.webhooks import WebhookReceiver

    ssm = StubSsm({**dict.fromkeys(ALL_SECRET_NAMES, "s"), "META_APP_SECRET": SECRET})
    secrets = SsmSecrets(ssm, "/bench", max_age_seconds=300)  # type: ignore[arg-type]
    sqs = StubSqs()
    receiver = WebhookReceiver(
        secrets=secrets.load,
        queue=SqsDeliveryQueue(sqs, None, "https://sqs/queue", "bucket"),  # type: ignore[arg-type]
        subscriptions=None,  # type: ignore[arg-type]
        clock=lambda: datetime.now(UTC),
    )
    wiring.webhook_receiver = lambda: receiver  # type: ignore[assignment]
    _setup.receiver = receiver  # type: ignore[attr-defined]
    # The Powertools handler keeps the stdout it found at import: send its lines nowhere.
    from chalicelib import observability

    observability.logger.registered_handler.setStream(io.StringIO())
    return app_module.webhooks, sqs


def _minimal_handler(sqs: StubSqs) -> Any:
    """The least any Python handler must do to verify and enqueue this delivery: the reference."""

    def handle(event: dict[str, Any], _context: Any) -> dict[str, Any]:
        body = event["body"].encode()
        headers = event["headers"]  # a Function URL's names are lower-case already
        if headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return {"statusCode": 415}
        expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected.encode(), headers.get("x-hub-signature-256", "").encode()):
            return {"statusCode": 401}
        if not isinstance(json.loads(body), dict):
            return {"statusCode": 400}
        delivery_id = hashlib.sha256(body).hexdigest()
        encoded = base64.b64encode(body).decode()
        message = {"platform": "meta", "delivery_id": delivery_id, "body_b64": encoded}
        sqs.send_message(QueueUrl="queue", MessageBody=json.dumps(message))
        answer = json.dumps({"status": "accepted", "delivery_id": delivery_id})
        return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": answer}

    return handle


def _empty_chalice_app() -> Any:
    """Chalice alone: routing, the request object, the response dict."""
    from chalice.app import Chalice

    empty = Chalice(app_name="bench-empty", configure_logs=False)

    @empty.route("/webhooks/{platform}", methods=["POST"], content_types=["*/*"])
    def route(platform: str) -> dict[str, str]:
        assert empty.current_request is not None
        return {"status": "accepted", "bytes": str(len(empty.current_request.raw_body))}

    return empty


@contextlib.contextmanager
def _observability_calls_skipped() -> Iterator[None]:
    """The same handler with the observability calls (outcome metric, metadata, log keys) made
    no-ops: what our own code costs without observability."""
    from chalicelib import observability
    from chalicelib.services import webhooks

    saved = (webhooks.outcome, webhooks.annotate, observability._log_context)
    webhooks.outcome = lambda *_, **__: None  # type: ignore[assignment]
    webhooks.annotate = lambda **_: None  # type: ignore[assignment]
    observability._log_context = lambda _: None  # type: ignore[assignment]
    try:
        yield
    finally:
        webhooks.outcome, webhooks.annotate, observability._log_context = saved  # type: ignore[assignment]


def run(iterations: int = 2000, sizes: tuple[int, ...] = (1, 5, 10, 20, 50, 500)) -> dict[str, float]:
    handler, sqs = _setup()
    minimal, empty_app = _minimal_handler(StubSqs()), _empty_chalice_app()
    context = Context()
    rows: list[tuple[str, str]] = [
        ("body", "floor us |  handler | without observability calls |  service |  minimal | rest routing")
    ]
    figures: dict[str, float] = {}
    for changes in sizes:
        body = _meta_body(changes)
        event, rest_event = _function_url_event(body), _rest_event(body)
        repeat = max(200, iterations // max(1, changes // 5))

        def floor_once(body: bytes = body) -> None:
            hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
            json.loads(body)

        def whole_handler(event: dict[str, Any] = event) -> object:
            return handler(event, context)

        request = WebhookRequest("POST", body, dict(event["headers"]))
        receive = _setup.receiver.receive  # type: ignore[attr-defined]
        with contextlib.redirect_stdout(io.StringIO()):
            assert handler(event, context)["statusCode"] == 200
            delivery = median(timed(whole_handler, repeat))
            service = median(timed(lambda request=request, receive=receive: receive("meta", request), repeat))
            with _observability_calls_skipped():
                unobserved = median(timed(whole_handler, repeat))
        floor = median(timed(floor_once, repeat))
        assert minimal(event, context)["statusCode"] == 200
        bare = median(timed(lambda event=event: minimal(event, context), repeat))
        assert empty_app(rest_event, context)["statusCode"] == 200
        routing = median(timed(lambda rest_event=rest_event: empty_app(rest_event, context), repeat))
        figures[f"body_bytes_{changes}_changes"] = len(body)
        figures[f"handler_ratio_{changes}_changes"] = delivery / floor
        figures[f"unobserved_handler_ratio_{changes}_changes"] = unobserved / floor
        figures[f"service_ratio_{changes}_changes"] = service / floor
        figures[f"minimal_ratio_{changes}_changes"] = bare / floor
        figures[f"rest_routing_ratio_{changes}_changes"] = routing / floor
        figures[f"handler_us_{changes}_changes"] = delivery * 1e6
        rows.append(
            (
                f"{len(body):>7} B ({changes} changes)",
                f"{floor * 1e6:8.1f} | x{delivery / floor:7.2f} | x{unobserved / floor:26.2f}"
                f" | x{service / floor:7.2f} | x{bare / floor:7.2f} | x{routing / floor:4.2f}",
            )
        )
    rows.append(("messages sent to the stub", str(sqs.sent)))
    report(
        "Webhook delivery in process vs the floor hmac-sha256 + json.loads of the same body (target <= 5)\n"
        "  handler: the whole webhook function as its Function URL invokes it (a payload 2.0 event: the\n"
        "  observability middleware, chalicelib.function_url's router, the secrets store's cache, verify,\n"
        "  validate, queue message to a stub SQS client); without observability calls: the same with the\n"
        "  metric, its metadata and the log keys made no-ops; service: verify, validate, enqueue, metric;\n"
        "  minimal: a frameworkless handler doing only the necessary work; rest routing: an empty Chalice\n"
        "  REST route, what each delivery paid for Chalice's routing before issue 16 (no longer on the path)",
        rows,
    )
    return figures


if __name__ == "__main__":
    print(json.dumps(run()))
